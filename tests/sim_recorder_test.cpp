#include "aiostreams/sim/recorder.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "aiostreams/errors.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "support/fake_transport.hpp"

using aiostreams::sim::SimLoop;
using aiostreams::sim::testing::Recorder;
using aiostreams::sim::testing::RecorderFactory;
using aiostreams::testing::FakeTransport;
using Events = std::vector<std::string>;

TEST_CASE("a recorder records each event and the bytes it received") {
  SimLoop loop;
  auto transport = std::make_shared<FakeTransport>(loop);
  Recorder recorder;
  recorder.connection_made(transport);
  recorder.data_received("ab");
  recorder.data_received("c");
  recorder.pause_writing();
  recorder.resume_writing();
  CHECK(recorder.eof_received());  // keep_open by default
  recorder.connection_lost(nullptr);
  CHECK(recorder.events == Events{"made", "pause", "resume", "eof", "lost"});
  CHECK(recorder.data == "abc");
  CHECK(recorder.chunks == 2);
  CHECK(recorder.pauses == 1);
  CHECK(recorder.resumes == 1);
  CHECK(recorder.made);
  CHECK(recorder.lost);
  CHECK(recorder.transport == nullptr);  // dropped when the connection is lost
  CHECK(transport->written.empty());     // no echo unless asked
}

TEST_CASE("a recorder names the error its connection was lost with") {
  Recorder recorder;
  recorder.connection_lost(std::make_exception_ptr(aiostreams::ConnectionResetError("reset")));
  CHECK(recorder.events == Events{"lost:reset"});
  CHECK(recorder.error != nullptr);
}

TEST_CASE("a factory's recorders echo, answer EOF and pause reading as it was told") {
  SimLoop loop;
  RecorderFactory factory;
  factory.echo = true;
  factory.keep_open = false;
  factory.pause_on_made = true;
  auto made = factory.factory();
  auto first = made();
  auto second = made();
  REQUIRE(factory.made->size() == 2);
  CHECK(first.get() == &factory.at(0));
  CHECK(second.get() == &factory.at(1));

  auto transport = std::make_shared<FakeTransport>(loop);
  first->connection_made(transport);
  CHECK_FALSE(transport->is_reading());  // pause_on_made
  first->data_received("ping");
  CHECK(transport->written == "ping");  // echo
  CHECK_FALSE(first->eof_received());   // keep_open = false
}
