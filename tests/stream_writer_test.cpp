#include "aiostreams/stream_writer.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "aiostreams/run.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/stream_reader_protocol.hpp"
#include "aiostreams/streams.hpp"
#include "support/fake_transport.hpp"

using aiostreams::ConnectionResetError;
using aiostreams::Future;
using aiostreams::StreamReader;
using aiostreams::StreamReaderProtocol;
using aiostreams::StreamWriter;
using aiostreams::Task;
using aiostreams::sim::SimLoop;

namespace {
using aiostreams::testing::FakeTransport;

struct Connection {
  std::shared_ptr<FakeTransport> transport;
  std::shared_ptr<StreamReader> reader;
  std::shared_ptr<StreamReaderProtocol> protocol;
  std::shared_ptr<StreamWriter> writer;
};

Connection connect(aiostreams::Loop& loop) {
  Connection c;
  c.transport = std::make_shared<FakeTransport>(loop);
  c.reader = std::make_shared<StreamReader>();
  c.protocol = std::make_shared<StreamReaderProtocol>(loop, c.reader);
  c.transport->set_protocol(c.protocol);
  c.protocol->connection_made(c.transport);
  c.writer = std::make_shared<StreamWriter>(c.transport, c.protocol, c.reader);
  return c;
}

Task<std::string> drain_outcome(std::shared_ptr<StreamWriter> writer) {
  try {
    co_await writer->drain();
    co_return "returned";
  } catch (const ConnectionResetError& e) {
    co_return std::string("ConnectionResetError: ") + e.what();
  }
}
}  // namespace

TEST_CASE("drain on a healthy transport completes without suspending") {
  SimLoop loop;
  auto main = [&]() -> Task<std::vector<std::string>> {
    auto c = connect(loop);
    std::vector<std::string> order;
    auto other = aiostreams::create_task([](std::vector<std::string>& o) -> Task<void> {
      o.push_back("other");
      co_return;
    }(order));
    c.writer->write("data");
    co_await c.writer->drain();
    order.push_back("drained");
    co_await other;
    c.writer->close();
    co_return order;
  };
  CHECK(aiostreams::run(loop, main()) == std::vector<std::string>{"drained", "other"});
}

TEST_CASE("write then drain after close raises Connection lost once connection_lost has run") {
  SimLoop loop;
  auto main = [&]() -> Task<std::string> {
    auto c = connect(loop);
    c.writer->close();
    CHECK(c.writer->is_closing());
    c.writer->write("x");
    co_return co_await drain_outcome(c.writer);
  };
  CHECK(aiostreams::run(loop, main()) == "ConnectionResetError: Connection lost");
}

TEST_CASE("drain raises the reader's stored exception first") {
  SimLoop loop;
  auto main = [&]() -> Task<std::string> {
    auto c = connect(loop);
    c.transport->lose(std::make_exception_ptr(ConnectionResetError("reset by peer")));
    co_return co_await drain_outcome(c.writer);
  };
  CHECK(aiostreams::run(loop, main()) == "ConnectionResetError: reset by peer");
}

TEST_CASE("many drains wait while writing is paused and all resume together") {
  SimLoop loop;
  auto main = [&]() -> Task<int> {
    auto c = connect(loop);
    c.protocol->pause_writing();
    std::vector<Future<std::string>> drains;
    for (int i = 0; i < 10; ++i) drains.push_back(aiostreams::create_task(drain_outcome(c.writer)));
    co_await aiostreams::sleep(1);
    int finished = 0;
    for (auto& d : drains) finished += d.done();
    CHECK(finished == 0);
    c.protocol->resume_writing();
    int returned = 0;
    for (auto& d : drains) returned += (co_await d) == "returned";
    c.writer->close();
    co_return returned;
  };
  CHECK(aiostreams::run(loop, main()) == 10);
}

TEST_CASE("a drain waiting when the connection closes cleanly returns, and the next one raises") {
  SimLoop loop;
  auto main = [&]() -> Task<std::vector<std::string>> {
    auto c = connect(loop);
    c.protocol->pause_writing();
    auto waiting = aiostreams::create_task(drain_outcome(c.writer));
    co_await aiostreams::sleep(1);
    c.transport->lose(nullptr);
    std::vector<std::string> outcomes;
    outcomes.push_back(co_await waiting);
    outcomes.push_back(co_await drain_outcome(c.writer));
    co_return outcomes;
  };
  CHECK(aiostreams::run(loop, main()) == std::vector<std::string>{"returned", "ConnectionResetError: Connection lost"});
}

TEST_CASE("a drain waiting when the connection is reset raises the reset") {
  SimLoop loop;
  auto main = [&]() -> Task<std::string> {
    auto c = connect(loop);
    c.protocol->pause_writing();
    auto waiting = aiostreams::create_task(drain_outcome(c.writer));
    co_await aiostreams::sleep(1);
    c.transport->lose(std::make_exception_ptr(ConnectionResetError("peer reset")));
    co_return co_await waiting;
  };
  CHECK(aiostreams::run(loop, main()) == "ConnectionResetError: peer reset");
}

TEST_CASE("wait_closed returns after a clean close and raises the error of a lost connection every time") {
  SimLoop loop;
  auto main = [&]() -> Task<int> {
    auto clean = connect(loop);
    clean.writer->close();
    co_await clean.writer->wait_closed();
    co_await clean.writer->wait_closed();  // again: returns at once
    auto reset = connect(loop);
    reset.transport->lose(std::make_exception_ptr(ConnectionResetError("gone")));
    int raised = 0;
    for (int i = 0; i < 2; ++i) {
      try {
        co_await reset.writer->wait_closed();
      } catch (const ConnectionResetError&) {
        ++raised;
      }
    }
    co_return raised;
  };
  CHECK(aiostreams::run(loop, main()) == 2);
}

TEST_CASE("the protocol feeds data and EOF to the reader and keeps a half-closed connection open") {
  SimLoop loop;
  auto main = [&]() -> Task<std::string> {
    auto c = connect(loop);
    c.protocol->data_received("hello\n");
    CHECK(c.protocol->eof_received());  // true: the transport stays open for writing
    CHECK_FALSE(c.writer->is_closing());
    std::string line = co_await c.reader->readline();
    CHECK(c.reader->at_eof());
    c.writer->write("still writable");
    CHECK(c.transport->written == "still writable");
    c.writer->close();
    co_return line;
  };
  CHECK(aiostreams::run(loop, main()) == "hello\n");
}

TEST_CASE("a lost connection makes reads raise its error even with data buffered") {
  SimLoop loop;
  auto main = [&]() -> Task<bool> {
    auto c = connect(loop);
    c.protocol->data_received("buffered\n");
    c.transport->lose(std::make_exception_ptr(ConnectionResetError("reset")));
    try {
      co_await c.reader->readline();
    } catch (const ConnectionResetError&) {
      co_return true;
    }
    co_return false;
  };
  CHECK(aiostreams::run(loop, main()));
}

TEST_CASE("a dropped writer closes its open transport") {
  SimLoop loop;
  auto c = connect(loop);
  auto transport = c.transport;
  c.writer.reset();
  CHECK(transport->is_closing());
  loop.run_until_idle();  // connection_lost
}

namespace {
// Runs a server-side protocol with `callback` on a fake connection and returns what the
// exception handler saw and whether the transport was closed.
template <class F>
std::pair<std::vector<std::string>, bool> serve_one(F callback) {
  SimLoop loop;
  std::vector<std::string> reports;
  loop.set_exception_handler([&](const aiostreams::ExceptionContext& context) { reports.push_back(context.message); });
  auto transport = std::make_shared<FakeTransport>(loop);
  {
    aiostreams::CurrentLoopScope scope(loop);
    auto protocol = std::make_shared<StreamReaderProtocol>(loop, std::make_shared<StreamReader>(),
                                                           aiostreams::detail::make_client_callback(callback));
    transport->set_protocol(protocol);
    protocol->connection_made(transport);
  }
  while (loop.run_once()) {
  }
  const bool closed = transport->is_closing();
  transport->lose(nullptr);  // end the connection either way, so that nothing is left behind
  loop.run_until_idle();
  return {reports, closed};
}
}  // namespace

// The handlers keep their writer outside, so that only the error handling can close it (a
// dropped writer closes its transport too).
TEST_CASE("an exception escaping a coroutine handler is reported and its connection closed") {
  std::shared_ptr<StreamWriter> kept;
  auto [reports, closed] =
      serve_one([&kept](std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter> writer) -> Task<void> {
        kept = writer;
        co_await aiostreams::sleep(1);
        throw std::runtime_error("handler failed");
      });
  CHECK(reports == std::vector<std::string>{"Unhandled exception in client_connected_cb"});
  CHECK(closed);
}

TEST_CASE("an exception escaping a plain-function handler is reported and its connection closed") {
  std::shared_ptr<StreamWriter> kept;  // keep the writer so that only the error closes it
  auto [reports, closed] = serve_one([&kept](std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter> writer) {
    kept = writer;
    throw std::runtime_error("handler failed");
  });
  CHECK(reports == std::vector<std::string>{"Unhandled exception in client_connected_cb"});
  CHECK(closed);
}

TEST_CASE("a cancelled handler closes its connection without a report") {
  std::shared_ptr<StreamWriter> kept;
  auto [reports, closed] =
      serve_one([&kept](std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter> writer) -> Task<void> {
        kept = writer;
        co_await aiostreams::sleep(1);
        throw aiostreams::CancelledError();
      });
  CHECK(reports.empty());
  CHECK(closed);
}

TEST_CASE("a handler that returns normally leaves its connection open") {
  std::shared_ptr<StreamWriter> kept;
  auto [reports, closed] =
      serve_one([&kept](std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter> writer) -> Task<void> {
        kept = writer;
        co_await aiostreams::sleep(1);
      });
  CHECK(reports.empty());
  CHECK_FALSE(closed);
}
