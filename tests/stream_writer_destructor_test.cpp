// ~StreamWriter never throws: a close() that fails (in the simulator, scheduling
// connection_lost can run out of memory) must not reach std::terminate.
#include <catch2/catch.hpp>
#include <memory>
#include <new>

#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/stream_reader.hpp"
#include "aiostreams/stream_reader_protocol.hpp"
#include "aiostreams/stream_writer.hpp"

namespace {
// A transport whose close() fails as an allocation would.
class FailingCloseTransport final : public aiostreams::Transport {
 public:
  std::any get_extra_info(std::string_view) const override { return {}; }
  bool is_closing() const override { return false; }
  void close() override {
    ++close_calls;
    throw std::bad_alloc();
  }
  void set_protocol(std::shared_ptr<aiostreams::Protocol>) override {}
  std::shared_ptr<aiostreams::Protocol> get_protocol() const override { return nullptr; }
  void write(std::string_view) override {}
  void write_eof() override {}
  bool can_write_eof() const override { return true; }
  void abort() override {}
  std::size_t get_write_buffer_size() const override { return 0; }
  std::pair<std::size_t, std::size_t> get_write_buffer_limits() const override { return {0, 0}; }
  void set_write_buffer_limits(std::optional<std::size_t>, std::optional<std::size_t>) override {}
  void pause_reading() override {}
  void resume_reading() override {}

  int close_calls = 0;
};
}  // namespace

TEST_CASE("destroying a StreamWriter whose transport fails to close does not throw") {
  aiostreams::sim::SimLoop loop(1);
  auto transport = std::make_shared<FailingCloseTransport>();
  auto reader = std::make_shared<aiostreams::StreamReader>();
  auto protocol = std::make_shared<aiostreams::StreamReaderProtocol>(loop, reader);
  {
    aiostreams::StreamWriter writer(transport, protocol, reader);
  }  // before the fix: std::terminate, from a destructor that threw
  CHECK(transport->close_calls == 1);
}
