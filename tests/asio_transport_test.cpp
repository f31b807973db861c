// The Asio socket transport's reading, below the streams API: bytes read just before a pause
// are kept for resume, one read takes everything queued (as asyncio's recv(256 KiB)), and a
// numeric host is connected to without getaddrinfo (asyncio's _ipaddr_info).
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "aiostreams/asio_loop.hpp"
#include "aiostreams/connection_options.hpp"
#include "aiostreams/protocol.hpp"
#include "aiostreams/run.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/streams.hpp"
#include "aiostreams/transport.hpp"
#include "aiostreams/wait_for.hpp"

using aiostreams::AsioLoop;
using aiostreams::Task;

namespace {

// A listening socket on 127.0.0.1 that the test accepts from by hand (blocking calls).
struct RawListener {
  int fd = -1;
  int port = 0;
  RawListener() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 8) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
      throw std::runtime_error("raw listener failed");
    }
    port = ntohs(addr.sin_port);
  }
  ~RawListener() { ::close(fd); }
  RawListener(const RawListener&) = delete;
  RawListener& operator=(const RawListener&) = delete;
};

void send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const auto n = ::send(fd, data.data() + sent, data.size() - sent, 0);
    if (n <= 0) throw std::runtime_error("send failed");
    sent += static_cast<std::size_t>(n);
  }
}

// Records what arrives. on_first_data runs inside the first data_received.
struct RecordingProtocol : aiostreams::Protocol {
  std::shared_ptr<aiostreams::Transport> transport;
  std::vector<std::string> chunks;
  std::vector<bool> paused_when_received;
  bool paused = false;
  std::function<void()> on_first_data;
  void connection_made(std::shared_ptr<aiostreams::Transport> t) override { transport = std::move(t); }
  void data_received(std::string data) override {
    chunks.push_back(std::move(data));
    paused_when_received.push_back(paused);
    if (chunks.size() == 1 && on_first_data) on_first_data();
  }
  void connection_lost(std::exception_ptr) override { transport.reset(); }
};

std::size_t thread_count() {
  std::size_t count = 0;
  if (DIR* dir = ::opendir("/proc/self/task")) {
    while (const dirent* entry = ::readdir(dir)) count += entry->d_name[0] != '.';
    ::closedir(dir);
  }
  return count;
}

}  // namespace

TEST_CASE("bytes read just before pause_reading are delivered after resume_reading and not before",
          "[asio][transport]") {
  AsioLoop loop;
  RawListener listener;
  auto protocol = std::make_shared<RecordingProtocol>();
  int peer = -1;
  // Inside the first data_received the peer sends "B" (it is queued on our socket at once,
  // over loopback) and an I/O handler that pauses reading is posted. The transport then
  // re-arms its read, which takes "B" at once and completes behind that handler: the pause
  // comes after the bytes were read and before they were delivered.
  protocol->on_first_data = [&] {
    send_all(peer, "B");
    auto& io = *static_cast<asio::io_context*>(loop.native_context());
    asio::post(io, [protocol] {
      protocol->paused = true;
      protocol->transport->pause_reading();
    });
  };
  auto body = [&]() -> Task<void> {
    aiostreams::ProtocolFactory factory = [protocol] { return protocol; };
    const aiostreams::ConnectOptions options;
    auto transport = co_await loop.create_connection(factory, "127.0.0.1", listener.port, options);
    peer = ::accept(listener.fd, nullptr, nullptr);
    send_all(peer, "A");
    co_await aiostreams::sleep(0.1);
    CHECK(protocol->paused);
    CHECK(protocol->chunks == std::vector<std::string>{"A"});  // "B" is held while paused
    CHECK_FALSE(transport->is_reading());
    protocol->paused = false;
    transport->resume_reading();
    co_await aiostreams::sleep(0.1);
    CHECK(protocol->chunks == std::vector<std::string>{"A", "B"});
    CHECK(protocol->paused_when_received == std::vector<bool>{false, false});
    transport->close();
    co_await aiostreams::sleep(0.01);
  };
  aiostreams::run(loop, aiostreams::wait_for(body(), 10.0));
  ::close(peer);
}

TEST_CASE("one read takes everything queued on the socket as asyncio's recv of 256 KiB does", "[asio][transport]") {
  AsioLoop loop;
  RawListener listener;
  auto protocol = std::make_shared<RecordingProtocol>();
  int peer = -1;
  const std::string block(32 * 1024, 'x');
  // 32 KiB queued on our socket before the read that follows the first one.
  protocol->on_first_data = [&] { send_all(peer, block); };
  auto body = [&]() -> Task<void> {
    aiostreams::ProtocolFactory factory = [protocol] { return protocol; };
    const aiostreams::ConnectOptions options;
    auto transport = co_await loop.create_connection(factory, "127.0.0.1", listener.port, options);
    peer = ::accept(listener.fd, nullptr, nullptr);
    send_all(peer, "A");
    co_await aiostreams::sleep(0.1);
    REQUIRE(protocol->chunks.size() == 2);
    CHECK(protocol->chunks[1] == block);
    transport->close();
    co_await aiostreams::sleep(0.01);
  };
  aiostreams::run(loop, aiostreams::wait_for(body(), 10.0));
  ::close(peer);
}

TEST_CASE("a numeric host is used as it is without getaddrinfo or a resolver thread", "[asio][transport]") {
  AsioLoop loop;
  const std::size_t threads_before = thread_count();
  std::size_t threads_after = 0;
  auto handler = [](std::shared_ptr<aiostreams::StreamReader> reader,
                    std::shared_ptr<aiostreams::StreamWriter> writer) -> Task<void> {
    std::string line = co_await reader->readline();
    writer->write(line);
    writer->close();
  };
  auto body = [&]() -> Task<std::string> {
    auto server = co_await aiostreams::start_server(handler, "127.0.0.1", 0);
    auto [reader, writer] = co_await aiostreams::open_connection("127.0.0.1", server->sockets().at(0).port);
    threads_after = thread_count();
    writer->write("hello\n");
    std::string echo = co_await reader->readline();
    writer->close();
    server->close();
    co_await server->wait_closed();
    co_return echo;
  };
  CHECK(aiostreams::run(loop, aiostreams::wait_for(body(), 10.0)) == "hello\n");
  CHECK(threads_after == threads_before);
}
