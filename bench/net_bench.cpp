// Loopback network benchmark: aiostreams' streams API on the Asio loop, and a hand-written
// Asio C++20-coroutine echo (asio::awaitable, co_spawn, async_read/async_write) as the floor
// of what Asio itself can do. bench/run_net_bench.py runs it with CPython's asyncio and
// uvloop (bench/net_bench_asyncio.py, same tests, same output) and prints the table.
//
//   aiostreams_net_bench --impl ours|asio --test pingpong|stream|idle_server|idle_client
//                        [--conns N] [--size BYTES] [--duration S] [--warmup S]
//
// pingpong: N client connections, each sends SIZE bytes and waits for the echo, again and
//           again; server and clients share one thread and one event loop.
// stream:   one connection; the client writes SIZE-byte chunks as fast as drain() allows,
//           the server reads and counts them.
// idle_server: N idle connections to our server (its handler waits in read(); the clients
//           are raw sockets). idle_client: N open_connection pairs held, to a raw listening
//           socket that never accepts. Both print the VmRSS growth per connection.
// Prints one JSON object on stdout.
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <aiostreams/run.hpp>
#include <aiostreams/sleep.hpp>
#include <aiostreams/streams.hpp>
#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Config {
  std::string impl = "ours";
  std::string test = "pingpong";
  int conns = 16;
  std::size_t size = 64;
  double duration = 2.0;
  double warmup = 0.3;
};

// What a run measures: operations (round trips, or bytes for stream) counted between the
// end of the warm-up and the end of the run.
struct Counter {
  std::uint64_t ops = 0;
  bool stop = false;
};
Counter counter;

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// CPU time of this process: ops per CPU second moves less than ops per second when other
// work shares the machine.
double cpu_now() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

long vm_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

void print_rate(const Config& config, double ops, double seconds, double cpu_seconds) {
  std::printf(
      "{\"impl\": \"%s\", \"test\": \"%s\", \"conns\": %d, \"size\": %zu, \"ops\": %.0f, \"seconds\": %.4f, "
      "\"rate\": %.1f, \"cpu_seconds\": %.4f, \"rate_per_cpu_second\": %.1f}\n",
      config.impl.c_str(), config.test.c_str(), config.conns, config.size, ops, seconds, ops / seconds, cpu_seconds,
      ops / cpu_seconds);
}

// ---- aiostreams: the streams API, as a user would write it -------------------------------

using aiostreams::StreamReader;
using aiostreams::StreamWriter;
using aiostreams::Task;
using ReaderPtr = std::shared_ptr<StreamReader>;
using WriterPtr = std::shared_ptr<StreamWriter>;

std::size_t message_size = 64;
int accepted = 0;

Task<void> echo_handler(ReaderPtr reader, WriterPtr writer) {
  try {
    for (;;) {
      std::string data = co_await reader->readexactly(static_cast<std::int64_t>(message_size));
      writer->write(data);
      co_await writer->drain();
    }
  } catch (const aiostreams::IncompleteReadError&) {
    // the client closed: done
  }
  writer->close();
}

Task<void> count_handler(ReaderPtr reader, WriterPtr writer) {
  for (;;) {
    std::string data = co_await reader->read(1 << 16);
    if (data.empty()) break;
    counter.ops += data.size();
  }
  writer->close();
}

Task<void> idle_handler(ReaderPtr reader, WriterPtr writer) {
  ++accepted;
  std::string data = co_await reader->read(1);  // an idle connection: a handler waiting for data
  writer->close();
}

Task<void> pingpong_client(int port) {
  auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", port);
  const std::string message(message_size, 'x');
  while (!counter.stop) {
    writer->write(message);
    co_await writer->drain();
    std::string echo = co_await reader->readexactly(static_cast<std::int64_t>(message_size));
    ++counter.ops;
  }
  writer->close();
  co_await writer->wait_closed();
}

Task<void> stream_client(int port) {
  auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", port);
  const std::string chunk(message_size, 'x');
  while (!counter.stop) {
    writer->write(chunk);
    co_await writer->drain();
  }
  writer->close();
  co_await writer->wait_closed();
}

// Waits out the warm-up, measures for the duration, stops the clients and reports.
Task<void> measure(Config config) {
  co_await aiostreams::sleep(config.warmup);
  const std::uint64_t ops0 = counter.ops;
  const double t0 = now();
  const double c0 = cpu_now();
  co_await aiostreams::sleep(config.duration);
  const std::uint64_t ops1 = counter.ops;
  const double t1 = now();
  const double c1 = cpu_now();
  counter.stop = true;
  print_rate(config, static_cast<double>(ops1 - ops0), t1 - t0, c1 - c0);
}

Task<void> ours_rate(Config config) {
  message_size = config.size;
  const bool stream = config.test == "stream";
  std::shared_ptr<aiostreams::Server> server;
  if (stream) {
    server = co_await aiostreams::start_server(count_handler, "127.0.0.1", 0);
  } else {
    const aiostreams::ServerOptions options{.backlog = 1024};
    server = co_await aiostreams::start_server(echo_handler, "127.0.0.1", 0, options);
  }
  const int port = server->sockets().front().port;
  std::vector<aiostreams::Future<void>> clients;
  for (int i = 0; i < (stream ? 1 : config.conns); ++i)
    clients.push_back(aiostreams::create_task(stream ? stream_client(port) : pingpong_client(port)));
  co_await measure(config);
  for (auto& client : clients) co_await client;
  co_await server->aclose();
}

int open_raw_connection(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("raw connect failed");
  return fd;
}

// RSS growth per connection on our server side: raw clients connect in batches, our
// server accepts them and parks a handler in read().
Task<double> ours_idle_server(int n) {
  const aiostreams::ServerOptions options{.backlog = 1024};
  auto server = co_await aiostreams::start_server(idle_handler, "127.0.0.1", 0, options);
  const int port = server->sockets().front().port;
  co_await aiostreams::sleep(0.05);
  const long before = vm_rss_kib();
  std::vector<int> fds;
  const double deadline = now() + 20.0;
  while (static_cast<int>(fds.size()) < n || accepted < n) {
    for (int i = 0; i < 100 && static_cast<int>(fds.size()) < n; ++i) fds.push_back(open_raw_connection(port));
    co_await aiostreams::sleep(0.001);
    if (now() > deadline) throw std::runtime_error("idle server: accepts did not complete");
  }
  co_await aiostreams::sleep(0.05);
  const long after = vm_rss_kib();
  for (int fd : fds) ::close(fd);
  server->close();
  co_await server->wait_closed();
  co_return 1024.0 * static_cast<double>(after - before) / n;
}

// RSS growth per connection on our client side: n open_connection pairs held open.
Task<double> ours_idle_client(int n) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener, 4096) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &length) != 0)
    throw std::runtime_error("raw listener failed");
  const int port = ntohs(addr.sin_port);
  co_await aiostreams::sleep(0.05);
  const long before = vm_rss_kib();
  std::vector<aiostreams::StreamPair> pairs;
  pairs.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) pairs.push_back(co_await aiostreams::open_connection("127.0.0.1", port));
  co_await aiostreams::sleep(0.05);
  const long after = vm_rss_kib();
  for (auto& pair : pairs) pair.second->close();
  co_await aiostreams::sleep(0.05);
  ::close(listener);
  co_return 1024.0 * static_cast<double>(after - before) / n;
}

// ---- hand-written Asio: the floor ----------------------------------------------------------

using asio::ip::tcp;

asio::awaitable<void> asio_echo_session(tcp::socket socket, std::size_t size) {
  std::vector<char> buffer(size);
  try {
    for (;;) {
      auto data = asio::buffer(buffer);
      co_await asio::async_read(socket, data, asio::use_awaitable);
      co_await asio::async_write(socket, data, asio::use_awaitable);
    }
  } catch (const std::system_error&) {
    // EOF or reset: done
  }
}

asio::awaitable<void> asio_count_session(tcp::socket socket) {
  std::vector<char> buffer(1 << 16);
  try {
    for (;;) {
      auto data = asio::buffer(buffer);
      counter.ops += co_await socket.async_read_some(data, asio::use_awaitable);
    }
  } catch (const std::system_error&) {
  }
}

asio::awaitable<void> asio_listen(tcp::acceptor& acceptor, bool stream, std::size_t size) {
  try {
    for (;;) {
      tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
      socket.set_option(tcp::no_delay(true));  // as asyncio and aiostreams do
      if (stream) {
        asio::co_spawn(acceptor.get_executor(), asio_count_session(std::move(socket)), asio::detached);
      } else {
        asio::co_spawn(acceptor.get_executor(), asio_echo_session(std::move(socket), size), asio::detached);
      }
    }
  } catch (const std::system_error&) {
    // the acceptor was closed
  }
}

asio::awaitable<void> asio_client(tcp::endpoint endpoint, bool stream, std::size_t size) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(endpoint, asio::use_awaitable);
  socket.set_option(tcp::no_delay(true));
  std::vector<char> message(size, 'x');
  std::vector<char> echo(size);
  while (!counter.stop) {
    auto out = asio::buffer(message);
    co_await asio::async_write(socket, out, asio::use_awaitable);
    if (stream) continue;
    auto in = asio::buffer(echo);
    co_await asio::async_read(socket, in, asio::use_awaitable);
    ++counter.ops;
  }
  socket.shutdown(tcp::socket::shutdown_send);
}

asio::awaitable<void> asio_measure(Config config, tcp::acceptor& acceptor) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(config.warmup)));
  co_await timer.async_wait(asio::use_awaitable);
  const std::uint64_t ops0 = counter.ops;
  const double t0 = now();
  const double c0 = cpu_now();
  timer.expires_after(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(config.duration)));
  co_await timer.async_wait(asio::use_awaitable);
  const std::uint64_t ops1 = counter.ops;
  const double t1 = now();
  const double c1 = cpu_now();
  counter.stop = true;
  acceptor.close();
  print_rate(config, static_cast<double>(ops1 - ops0), t1 - t0, c1 - c0);
}

void asio_rate(const Config& config) {
  asio::io_context context(1);
  const bool stream = config.test == "stream";
  tcp::acceptor acceptor(context, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  acceptor.listen(1024);
  const tcp::endpoint endpoint = acceptor.local_endpoint();
  asio::co_spawn(context, asio_listen(acceptor, stream, config.size), asio::detached);
  for (int i = 0; i < (stream ? 1 : config.conns); ++i)
    asio::co_spawn(context, asio_client(endpoint, stream, config.size), asio::detached);
  asio::co_spawn(context, asio_measure(config, acceptor), asio::detached);
  context.run();  // returns once every session has ended
}

// ---- main -------------------------------------------------------------------------------------

void raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

[[noreturn]] void usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s --impl ours|asio --test pingpong|stream|idle_server|idle_client [--conns N] [--size BYTES] "
               "[--duration S] [--warmup S]\n",
               argv0);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage(argv[0]);
    const std::string value = argv[++i];
    if (arg == "--impl") config.impl = value;
    else if (arg == "--test") config.test = value;
    else if (arg == "--conns") config.conns = std::stoi(value);
    else if (arg == "--size") config.size = std::stoul(value);
    else if (arg == "--duration") config.duration = std::stod(value);
    else if (arg == "--warmup") config.warmup = std::stod(value);
    else usage(argv[0]);
  }
  if ((config.impl != "ours" && config.impl != "asio") ||
      (config.test != "pingpong" && config.test != "stream" && config.test != "idle_server" &&
       config.test != "idle_client") ||
      config.conns < 1 || config.size < 1)
    usage(argv[0]);
  if (config.test == "stream") config.conns = 1;
  raise_fd_limit();
  if (config.test == "idle_server" || config.test == "idle_client") {
    if (config.impl != "ours") usage(argv[0]);
    // One side per process, so that memory freed by one measurement cannot hide the other's.
    const bool server = config.test == "idle_server";
    const double per_conn = aiostreams::run(server ? ours_idle_server(config.conns) : ours_idle_client(config.conns));
    std::printf("{\"impl\": \"ours\", \"test\": \"%s\", \"conns\": %d, \"bytes_per_conn\": %.0f}\n",
                config.test.c_str(), config.conns, per_conn);
  } else if (config.impl == "ours") {
    aiostreams::run(ours_rate(config));
  } else {
    asio_rate(config);
  }
}
