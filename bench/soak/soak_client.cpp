// soak_client: the load side of the soak suite, on plain blocking/poll sockets so that it
// loads our server and CPython's the same way. Prints one JSON line of results.
//
//   soak_client timed PORT REQUESTS        one idle connection, then REQUESTS lines on another
//   soak_client mass PORT CONNS            CONNS connections, then all closed at once while a
//                                          probe measures the server's stalls
//   soak_client slow PORT CONNS BYTES      CONNS connections each send BYTES to a slow reader
//   soak_client emfile PORT CONNS          a flood of CONNS connections (more than the
//                                          server's descriptor limit), then recovery
// Every wait has a deadline: the client stops by itself.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "soak_client: %s: %s\n", what.c_str(), std::strerror(errno));
  std::exit(1);
}

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("connect");
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0) die("send");
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
}

// One line from fd (blocking, with a deadline in seconds); "" on EOF or timeout.
std::string read_line(int fd, double timeout) {
  std::string line;
  const auto start = Clock::now();
  char c;
  while (seconds_since(start) < timeout) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t got = ::recv(fd, &c, 1, 0);
    if (got <= 0) return "";
    line += c;
    if (c == '\n') return line;
  }
  return "";
}

// The server's count of live connections, asked on the probe connection.
long ask_count(int probe) {
  send_all(probe, "count\n");
  const std::string answer = read_line(probe, 60);
  if (answer.empty()) die("probe: no answer");
  return std::atol(answer.c_str());
}

void raise_fd_limit() {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

// Waits (with a deadline) until the server counts `want` live connections.
bool wait_for_count(int probe, long want, double timeout) {
  const auto start = Clock::now();
  while (seconds_since(start) < timeout) {
    if (ask_count(probe) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

int timed(int port, long requests) {
  const int idle = connect_to(port);  // its handler holds a live wait_for(readline(), 3600)
  const int fd = connect_to(port);
  const auto start = Clock::now();
  constexpr long batch = 64;  // requests in flight
  std::string lines;
  std::string buffer(1 << 16, '\0');
  long answered = 0;
  for (long sent = 0; sent < requests || answered < requests;) {
    if (sent < requests && sent - answered < batch) {
      const long n = std::min(batch - (sent - answered), requests - sent);
      lines.assign(static_cast<std::size_t>(n) * 4, 'r');
      for (long i = 0; i < n; ++i) lines[static_cast<std::size_t>(i) * 4 + 3] = '\n';
      send_all(fd, lines);
      sent += n;
    }
    const ssize_t got = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (got <= 0) die("timed: the server closed");
    answered += std::count(buffer.data(), buffer.data() + got, '\n');
  }
  const double elapsed = seconds_since(start);
  ::close(fd);
  ::close(idle);
  std::printf("{\"requests\": %ld, \"seconds\": %.3f}\n", requests, elapsed);
  return 0;
}

int mass(int port, long conns) {
  raise_fd_limit();
  const int probe = connect_to(port);
  std::vector<int> fds;
  for (long i = 0; i < conns; ++i) fds.push_back(connect_to(port));
  if (!wait_for_count(probe, conns + 1, 120)) die("mass: the server did not accept every connection");
  // The probe pings while every other connection closes at once; its longest wait for an
  // answer is the stall the server's loop imposed on a bystander.
  std::atomic<bool> closing{false};
  double worst = 0, drained = 0;
  std::thread pinger([&] {
    while (!closing) std::this_thread::yield();
    const auto start = Clock::now();
    for (;;) {
      const auto asked = Clock::now();
      const long count = ask_count(probe);
      worst = std::max(worst, seconds_since(asked));
      if (count == 1 || seconds_since(start) > 120) break;
    }
    drained = seconds_since(start);
  });
  closing = true;
  for (int fd : fds) ::close(fd);
  pinger.join();
  ::close(probe);
  std::printf("{\"conns\": %ld, \"stall_ms\": %.1f, \"drain_s\": %.3f}\n", conns, worst * 1e3, drained);
  return 0;
}

int slow(int port, long conns, long long bytes) {
  raise_fd_limit();
  std::vector<int> fds;
  std::vector<long long> left(static_cast<std::size_t>(conns), bytes);
  for (long i = 0; i < conns; ++i) fds.push_back(connect_to(port));
  const std::string chunk(1 << 16, 'x');
  const auto start = Clock::now();
  long done = 0;
  std::vector<pollfd> polls;
  while (done < conns && seconds_since(start) < 3600) {
    polls.clear();
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (left[i] > 0) polls.push_back({fds[i], POLLOUT, static_cast<short>(0)});
    }
    if (polls.empty()) break;
    ::poll(polls.data(), polls.size(), 1000);
    for (const auto& p : polls) {
      if (!(p.revents & POLLOUT)) continue;
      const auto i = static_cast<std::size_t>(std::find(fds.begin(), fds.end(), p.fd) - fds.begin());
      const auto n = static_cast<std::size_t>(std::min<long long>(left[i], static_cast<long long>(chunk.size())));
      const ssize_t sent = ::send(p.fd, chunk.data(), n, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (sent < 0) die("slow: send");
      left[i] -= sent;
      if (left[i] == 0) {
        ::shutdown(p.fd, SHUT_WR);
        ++done;
      }
    }
  }
  long confirmed = 0;
  for (int fd : fds) {
    if (std::atoll(read_line(fd, 600).c_str()) == bytes) ++confirmed;
    ::close(fd);
  }
  std::printf("{\"conns\": %ld, \"bytes_each\": %lld, \"confirmed\": %ld, \"seconds\": %.3f}\n", conns, bytes,
              confirmed, seconds_since(start));
  return confirmed == conns ? 0 : 1;
}

int emfile(int port, long conns) {
  raise_fd_limit();
  const int probe = connect_to(port);
  std::vector<int> fds;
  for (long i = 0; i < conns; ++i) fds.push_back(connect_to(port));  // the backlog holds them
  std::this_thread::sleep_for(std::chrono::seconds(2));              // the server hits EMFILE and backs off
  const long during = ask_count(probe);
  for (int fd : fds) ::close(fd);
  // Recovery: a new connection is accepted and answered.
  const auto start = Clock::now();
  bool recovered = false;
  while (!recovered && seconds_since(start) < 60) {
    const int fd = connect_to(port);
    send_all(fd, "count\n");
    recovered = !read_line(fd, 5).empty();
    ::close(fd);
  }
  const double recovery = seconds_since(start);
  wait_for_count(probe, 1, 60);
  ::close(probe);
  std::printf("{\"conns\": %ld, \"served_during_flood\": %ld, \"recovered\": %s, \"recovery_s\": %.3f}\n", conns,
              during, recovered ? "true" : "false", recovery);
  return recovered ? 0 : 1;
}
}  // namespace

int main(int argc, char** argv) {
  const std::string_view mode = argc > 1 ? argv[1] : "";
  const int port = argc > 2 ? std::atoi(argv[2]) : 0;
  const long n = argc > 3 ? std::atol(argv[3]) : 0;
  if (mode == "timed" && argc == 4) return timed(port, n);
  if (mode == "mass" && argc == 4) return mass(port, n);
  if (mode == "slow" && argc == 5) return slow(port, n, std::atoll(argv[4]));
  if (mode == "emfile" && argc == 4) return emfile(port, n);
  std::fputs("usage: soak_client timed PORT REQUESTS | mass PORT CONNS | slow PORT CONNS BYTES | emfile PORT CONNS\n",
             stderr);
  return 2;
}
