#include "aiostreams/stream_reader_protocol.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "aiostreams/run_until_complete.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/stream_writer.hpp"
#include "support/fake_transport.hpp"

using aiostreams::ClientConnectedCallback;
using aiostreams::ClientConnectedCoroutine;
using aiostreams::ClientConnectedFunction;
using aiostreams::ConnectionResetError;
using aiostreams::StreamReader;
using aiostreams::StreamReaderProtocol;
using aiostreams::StreamWriter;
using aiostreams::Task;
using aiostreams::sim::SimLoop;
using aiostreams::testing::FakeTransport;

namespace {
// A protocol and its fake transport hold each other, as on a real backend until
// connection_lost; a test that ends before then drops the transport's side, so that
// LeakSanitizer sees the pair freed.
struct Connected {
  Connected() = default;
  Connected(Connected&&) = default;  // the moved-from one holds nothing
  ~Connected() {
    if (transport) transport->set_protocol(nullptr);
  }
  std::shared_ptr<FakeTransport> transport;
  std::shared_ptr<StreamReader> reader;
  std::shared_ptr<StreamReaderProtocol> protocol;
};

// The same for a test that connects a protocol by hand.
struct DropProtocolAtEnd {
  std::shared_ptr<FakeTransport> transport;
  ~DropProtocolAtEnd() { transport->set_protocol(nullptr); }
};

Connected connect(aiostreams::Loop& loop, bool over_ssl = false) {
  Connected c;
  c.transport = std::make_shared<FakeTransport>(loop);
  c.reader = std::make_shared<StreamReader>();
  c.transport->over_ssl = over_ssl;
  c.protocol = std::make_shared<StreamReaderProtocol>(loop, c.reader);
  c.transport->set_protocol(c.protocol);
  c.protocol->connection_made(c.transport);
  return c;
}

std::string error_text(const std::exception_ptr& error) { return aiostreams::describe_exception(error); }

// What drain_wait() did: "returned", or the error it raised.
Task<std::string> drain_outcome(std::shared_ptr<StreamReaderProtocol> protocol) {
  try {
    co_await protocol->drain_wait();
  } catch (const std::exception& e) {
    co_return std::string("raised: ") + e.what();
  }
  co_return "returned";
}
}  // namespace

TEST_CASE("received data and EOF go to the reader, and EOF keeps a plain transport open") {
  SimLoop loop;
  auto c = connect(loop);
  c.protocol->data_received("ab");
  CHECK(c.protocol->eof_received());  // true: keep the transport open for writing (half-close)
  CHECK_FALSE(c.reader->at_eof());    // "ab" is still buffered
  CHECK(aiostreams::run(loop, [](std::shared_ptr<StreamReader> r) -> Task<std::string> {
          co_return co_await r->read(-1);
        }(c.reader)) == "ab");
  CHECK(c.reader->at_eof());
  CHECK_FALSE(c.transport->is_closing());
}

TEST_CASE("EOF over TLS lets the transport close") {
  SimLoop loop;
  auto c = connect(loop, /*over_ssl=*/true);
  CHECK_FALSE(c.protocol->eof_received());
  CHECK(c.reader->at_eof());
}

TEST_CASE("a connection lost with an error gives the reader that error, not EOF") {
  SimLoop loop;
  auto c = connect(loop);
  c.protocol->data_received("buffered");
  c.transport->lose(std::make_exception_ptr(ConnectionResetError("reset by peer")));
  CHECK(error_text(c.reader->exception()) == "reset by peer");
  CHECK_THROWS_AS(
      aiostreams::run(
          loop, [](std::shared_ptr<StreamReader> r) -> Task<std::string> { co_return co_await r->read(-1); }(c.reader)),
      ConnectionResetError);
}

TEST_CASE("a clean connection loss gives the reader EOF and completes the close waiter") {
  SimLoop loop;
  auto c = connect(loop);
  auto waiter = c.protocol->close_waiter();
  CHECK_FALSE(waiter.done());
  c.transport->lose(nullptr);
  CHECK(c.reader->at_eof());
  CHECK(c.reader->exception() == nullptr);
  REQUIRE(waiter.done());
  CHECK(waiter.exception() == nullptr);
}

TEST_CASE("the close waiter asked for after the loss carries the connection's error") {
  SimLoop loop;
  auto c = connect(loop);
  c.transport->lose(std::make_exception_ptr(ConnectionResetError("gone")));
  auto waiter = c.protocol->close_waiter();
  REQUIRE(waiter.done());
  CHECK(error_text(waiter.exception()) == "gone");
}

TEST_CASE("drain waits while writing is paused and returns once writing resumes") {
  SimLoop loop;
  auto c = connect(loop);
  c.protocol->pause_writing();
  CHECK(c.protocol->drain_must_wait());
  auto main = [&]() -> Task<std::vector<bool>> {
    auto drain = aiostreams::create_task(c.protocol->drain_wait());
    co_await aiostreams::sleep(1);
    std::vector<bool> done{drain.done()};
    c.protocol->resume_writing();
    co_await aiostreams::sleep(0);
    done.push_back(drain.done());
    co_return done;
  };
  CHECK(aiostreams::run(loop, main()) == std::vector<bool>{false, true});
  CHECK_FALSE(c.protocol->drain_must_wait());
}

TEST_CASE("a paused drain raises the error the connection was lost with") {
  SimLoop loop;
  auto c = connect(loop);
  c.protocol->pause_writing();
  auto main = [&]() -> Task<std::string> {
    auto outcome = aiostreams::create_task(drain_outcome(c.protocol));
    co_await aiostreams::sleep(1);
    c.transport->lose(std::make_exception_ptr(ConnectionResetError("reset while paused")));
    co_return co_await outcome;
  };
  CHECK(aiostreams::run(loop, main()) == "raised: reset while paused");
}

TEST_CASE("drain after the connection is lost raises Connection lost") {
  SimLoop loop;
  auto c = connect(loop);
  c.transport->lose(nullptr);
  CHECK_THROWS_WITH(c.protocol->drain_must_wait(), "Connection lost");
  CHECK(aiostreams::run(loop, drain_outcome(c.protocol)) == "raised: Connection lost");
}

TEST_CASE("pausing writing twice or resuming when not paused is an AssertionError") {
  SimLoop loop;
  auto c = connect(loop);
  CHECK_THROWS_AS(c.protocol->resume_writing(), aiostreams::AssertionError);
  c.protocol->pause_writing();
  CHECK_THROWS_AS(c.protocol->pause_writing(), aiostreams::AssertionError);
}

TEST_CASE("without a callback the protocol holds its reader weakly") {
  SimLoop loop;
  auto c = connect(loop);
  std::weak_ptr<StreamReader> weak = c.reader;
  c.reader.reset();
  CHECK(weak.expired());
  c.protocol->data_received("nobody reads this");  // dropped, no crash
}

TEST_CASE("with a callback the reader is kept until connection_made hands it to the callback") {
  SimLoop loop;
  std::shared_ptr<StreamReader> given;
  std::shared_ptr<StreamWriter> writer;
  auto callback = std::make_shared<const ClientConnectedCallback>(
      ClientConnectedFunction([&](std::shared_ptr<StreamReader> r, std::shared_ptr<StreamWriter> w) {
        given = std::move(r);
        writer = std::move(w);
      }));
  auto protocol = std::make_shared<StreamReaderProtocol>(loop, std::make_shared<StreamReader>(), callback);
  CHECK(protocol->has_client_callback());
  auto transport = std::make_shared<FakeTransport>(loop);
  const DropProtocolAtEnd drop{transport};
  transport->set_protocol(protocol);
  protocol->connection_made(transport);
  REQUIRE(given != nullptr);
  REQUIRE(writer != nullptr);
  protocol->data_received("hi");
  writer->write("out");
  CHECK(transport->written == "out");
  CHECK(aiostreams::run(loop, [](std::shared_ptr<StreamReader> r) -> Task<std::string> {
          co_return co_await r->readexactly(2);
        }(given)) == "hi");
}

TEST_CASE("a plain callback that throws is reported and its transport closed") {
  SimLoop loop;
  std::vector<std::string> reports;
  loop.set_exception_handler([&](const aiostreams::ExceptionContext& context) {
    reports.push_back(context.message + ": " + error_text(context.exception));
  });
  auto callback = std::make_shared<const ClientConnectedCallback>(ClientConnectedFunction(
      [](std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter>) { throw aiostreams::RuntimeError("bad cb"); }));
  auto protocol = std::make_shared<StreamReaderProtocol>(loop, std::make_shared<StreamReader>(), callback);
  auto transport = std::make_shared<FakeTransport>(loop);
  const DropProtocolAtEnd drop{transport};
  transport->set_protocol(protocol);
  protocol->connection_made(transport);
  CHECK(reports == std::vector<std::string>{"Unhandled exception in client_connected_cb: bad cb"});
  CHECK(transport->close_calls == 1);
}

TEST_CASE("a coroutine callback runs as a task and a failure in it is reported and closes the transport") {
  SimLoop loop;
  std::vector<std::string> reports;
  loop.set_exception_handler([&](const aiostreams::ExceptionContext& context) {
    reports.push_back(context.message + ": " + error_text(context.exception));
  });
  auto callback = std::make_shared<const ClientConnectedCallback>(ClientConnectedCoroutine(
      [](std::shared_ptr<StreamReader> reader, std::shared_ptr<StreamWriter> writer) -> Task<void> {
        std::string line = co_await reader->readline();
        writer->write("echo " + line);
        throw aiostreams::RuntimeError("handler failed");
      }));
  auto protocol = std::make_shared<StreamReaderProtocol>(loop, std::make_shared<StreamReader>(), callback);
  auto transport = std::make_shared<FakeTransport>(loop);
  const DropProtocolAtEnd drop{transport};
  transport->set_protocol(protocol);
  protocol->connection_made(transport);
  CHECK(transport->written.empty());  // the task has not run yet
  protocol->data_received("ping\n");
  loop.run_until_idle();
  CHECK(transport->written == "echo ping\n");
  CHECK(reports == std::vector<std::string>{"Unhandled exception in client_connected_cb: handler failed"});
  CHECK(transport->close_calls == 1);
}
