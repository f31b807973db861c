// A Transport without a network, for testing the streams layer directly: it records what is
// written and, like a socket transport, reports connection_lost on a later loop iteration
// after close(). lose() is what a backend does when the connection goes away.
#pragma once

#include <any>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "aiostreams/errors.hpp"
#include "aiostreams/loop.hpp"
#include "aiostreams/protocol.hpp"
#include "aiostreams/transport.hpp"

namespace aiostreams::testing {

class FakeTransport final : public Transport, public std::enable_shared_from_this<FakeTransport> {
 public:
  explicit FakeTransport(Loop& loop) : loop_(loop) {}
  std::any get_extra_info(std::string_view name) const override {
    if (name == "sslcontext" && over_ssl) return std::string("fake");
    return {};
  }
  bool is_closing() const override { return closing_; }
  void close() override {
    if (closing_) return;
    closing_ = true;
    ++close_calls;
    auto self = shared_from_this();
    loop_.call_soon([self] { self->lose(nullptr); });
  }
  void set_protocol(std::shared_ptr<Protocol> protocol) override { protocol_ = std::move(protocol); }
  std::shared_ptr<Protocol> get_protocol() const override { return protocol_; }
  void write(std::string_view data) override {
    if (eof_) throw RuntimeError("Cannot call write() after write_eof()");
    written += data;
    ++write_calls;
  }
  void write_eof() override { eof_ = true; }
  bool can_write_eof() const override { return true; }
  void abort() override {
    ++abort_calls;
    close();
  }
  std::size_t get_write_buffer_size() const override { return 0; }
  std::pair<std::size_t, std::size_t> get_write_buffer_limits() const override { return {16384, 65536}; }
  void set_write_buffer_limits(std::optional<std::size_t>, std::optional<std::size_t>) override {}
  void pause_reading() override { reading_ = false; }
  void resume_reading() override { reading_ = true; }
  bool is_reading() const override { return reading_; }

  // What a backend would do when the connection goes away.
  void lose(std::exception_ptr error) {
    closing_ = true;
    if (auto protocol = std::exchange(protocol_, nullptr)) protocol->connection_lost(error);
  }

  std::string written;
  int write_calls = 0;
  int close_calls = 0;
  int abort_calls = 0;
  bool over_ssl = false;  // get_extra_info("sslcontext") answers, as a TLS transport's does

 private:
  Loop& loop_;
  std::shared_ptr<Protocol> protocol_;
  bool closing_ = false;
  bool eof_ = false;
  bool reading_ = true;
};

}  // namespace aiostreams::testing
