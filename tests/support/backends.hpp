// The backend matrix: the simulator, Asio over TCP loopback and Asio over Unix sockets.
// Each serves and connects with the same streams API; only where the server listens differs.
// A test case runs once per backend with
//   const std::string backend = GENERATE(aiostreams::testing::each_backend());
//   auto b = aiostreams::testing::make_backend(backend);
#pragma once

#include <catch2/catch.hpp>

#include <unistd.h>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aiostreams/asio_loop.hpp"
#include "aiostreams/run.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "aiostreams/streams.hpp"

namespace aiostreams::testing {

using ClientHandler = std::function<Task<void>(std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter>)>;

class Backend {
 public:
  virtual ~Backend() = default;
  /// Starts a stream server with `handler` (each connection's reader has `limit`).
  virtual Task<std::shared_ptr<Server>> serve(ClientHandler handler, std::int64_t limit = 1 << 16) = 0;
  /// Connects a client to `server`.
  virtual Task<StreamPair> connect(Server& server, std::int64_t limit = 1 << 16) = 0;
  /// Runs the test's main coroutine on this backend's loop.
  template <class T>
  T run(Task<T> main) {
    return aiostreams::run(loop(), std::move(main));
  }
  virtual Loop& loop() = 0;
};

class SimBackend final : public Backend {
 public:
  Task<std::shared_ptr<Server>> serve(ClientHandler handler, std::int64_t limit) override {
    ServerOptions options;
    options.limit = limit;
    auto start = start_server(std::move(handler), "0.0.0.0", 8888, options);
    co_return co_await sim::spawn_on(loop_, "server", std::move(start));
  }
  Task<StreamPair> connect(Server&, std::int64_t limit) override {
    ConnectOptions options;
    options.limit = limit;
    auto open = open_connection("server", 8888, options);
    co_return co_await sim::spawn_on(loop_, "client-" + std::to_string(++clients_), std::move(open));
  }
  Loop& loop() override { return loop_; }

 private:
  sim::SimLoop loop_{1};
  int clients_ = 0;
};

class AsioTcpBackend final : public Backend {
 public:
  Task<std::shared_ptr<Server>> serve(ClientHandler handler, std::int64_t limit) override {
    ServerOptions options;
    options.limit = limit;
    co_return co_await start_server(std::move(handler), "127.0.0.1", 0, options);
  }
  Task<StreamPair> connect(Server& server, std::int64_t limit) override {
    ConnectOptions options;
    options.limit = limit;
    const int port = server.sockets().front().port;
    co_return co_await open_connection("127.0.0.1", port, options);
  }
  Loop& loop() override { return loop_; }

 private:
  AsioLoop loop_;
};

class AsioUnixBackend final : public Backend {
 public:
  AsioUnixBackend() {
    static std::atomic<int> counter{0};
    path_ = "/tmp/aiostreams-suite-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".sock";
  }
  ~AsioUnixBackend() override { ::unlink(path_.c_str()); }
  Task<std::shared_ptr<Server>> serve(ClientHandler handler, std::int64_t limit) override {
    ServerOptions options;
    options.limit = limit;
    co_return co_await start_unix_server(std::move(handler), path_, options);
  }
  Task<StreamPair> connect(Server&, std::int64_t limit) override {
    ConnectOptions options;
    options.limit = limit;
    co_return co_await open_unix_connection(path_, options);
  }
  Loop& loop() override { return loop_; }

 private:
  AsioLoop loop_;
  std::string path_;
};

inline std::vector<std::string> backend_names() { return {"sim", "asio-tcp", "asio-unix"}; }

/// A Catch generator over backend_names(), so the list is written once.
inline Catch::Generators::GeneratorWrapper<std::string> each_backend() {
  const auto names = backend_names();
  return Catch::Generators::from_range(names.begin(), names.end());
}

inline std::unique_ptr<Backend> make_backend(const std::string& name) {
  if (name == "sim") return std::make_unique<SimBackend>();
  if (name == "asio-tcp") return std::make_unique<AsioTcpBackend>();
  return std::make_unique<AsioUnixBackend>();
}

}  // namespace aiostreams::testing
