// StreamReaderProtocol, following CPython 3.13 (asyncio/streams.py) and, for a plain
// client_connected_cb that raises, CPython main (gh-155941): reported and the transport closed.
#include "aiostreams/stream_reader_protocol.hpp"

#include <algorithm>

#include "aiostreams/stream_writer.hpp"

namespace aiostreams {

StreamReaderProtocol::StreamReaderProtocol(Loop& loop, std::shared_ptr<StreamReader> reader,
                                           std::shared_ptr<const ClientConnectedCallback> callback)
    : loop_(&loop), reader_(reader), callback_(std::move(callback)) {
  if (callback_) strong_reader_ = std::move(reader);
}

StreamReaderProtocol::~StreamReaderProtocol() {
  // As CPython's __del__: a close error nobody awaited is not reported as unretrieved.
  if (closed_ && closed_->done() && !closed_->cancelled()) (void)closed_->exception();
}

Future<void> StreamReaderProtocol::close_waiter() const {
  // CPython creates it with the protocol; here it is made when first asked for (most
  // connections never are), completed already if the connection is gone.
  if (!closed_) {
    closed_ = std::make_shared<detail::FutureState<void>>(*loop_);
    closed_->set_static_label("StreamWriter.wait_closed(): the connection is still open");
    if (connection_lost_) complete_close_waiter();
  }
  return Future<void>(closed_);
}

void StreamReaderProtocol::complete_close_waiter() const {
  if (!closed_ || closed_->done()) return;
  if (lost_error_) {
    closed_->set_exception(lost_error_);
  } else {
    closed_->set_result();
  }
}

void StreamReaderProtocol::connection_made(std::shared_ptr<Transport> transport) {
  transport_ = transport;
  auto reader = reader_.lock();
  if (reader) reader->set_transport(transport);
  over_ssl_ = transport->get_extra_info("sslcontext").has_value();
  if (callback_) {
    start_client_callback(transport);
    strong_reader_.reset();
  }
}

void StreamReaderProtocol::start_client_callback(const std::shared_ptr<Transport>& transport) {
  auto reader = reader_.lock();
  auto writer = std::make_shared<StreamWriter>(transport, shared_from_this(), reader);
  if (std::holds_alternative<ClientConnectedFunction>(*callback_)) {
    try {
      std::get<ClientConnectedFunction> (*callback_)(std::move(reader), std::move(writer));
    } catch (...) {
      loop_->call_exception_handler({"Unhandled exception in client_connected_cb", std::current_exception()});
      transport->close();
    }
    return;
  }
  // The coroutine function is called here, as CPython calls client_connected_cb in
  // connection_made; its task starts on the next iteration.
  Task<void> body;
  try {
    body = std::get<ClientConnectedCoroutine>(*callback_)(std::move(reader), std::move(writer));
  } catch (...) {
    loop_->call_exception_handler({"Unhandled exception in client_connected_cb", std::current_exception()});
    transport->close();
    return;
  }
  Future<void> task = create_task(*loop_, std::move(body));
  std::weak_ptr<Transport> weak_transport = transport;
  // The callback object stays alive until the task is done (a coroutine lambda's frame
  // refers to it), held by this done-callback.
  task.add_done_callback([task, weak_transport, callback = callback_] {
    auto live = weak_transport.lock();
    if (task.cancelled()) {
      if (live) live->close();
      return;
    }
    if (auto error = task.exception()) {
      task.loop().call_exception_handler({"Unhandled exception in client_connected_cb", error});
      if (live) live->close();
    }
  });
  handler_task_ = task.state();
}

void StreamReaderProtocol::connection_lost(std::exception_ptr error) {
  if (auto reader = reader_.lock()) {
    if (error) {
      reader->set_exception(error);
    } else {
      reader->feed_eof();
    }
  }
  // FlowControlMixin.connection_lost: wake paused drains (a clean close lets them return).
  connection_lost_ = true;
  lost_error_ = error;
  complete_close_waiter();
  if (paused_) {
    for (auto& waiter : drain_waiters_) {
      if (waiter.done()) continue;
      if (error) {
        waiter.set_exception(error);
      } else {
        waiter.set_result();
      }
    }
  }
  reader_.reset();
  handler_task_.reset();
  transport_.reset();
}

void StreamReaderProtocol::data_received(std::string data) {
  if (auto reader = reader_.lock()) reader->feed_data(std::move(data));
}

bool StreamReaderProtocol::eof_received() {
  if (auto reader = reader_.lock()) reader->feed_eof();
  return !over_ssl_;
}

void StreamReaderProtocol::pause_writing() {
  if (paused_) throw AssertionError("pause_writing() while already paused");
  paused_ = true;
}

void StreamReaderProtocol::resume_writing() {
  if (!paused_) throw AssertionError("resume_writing() while not paused");
  paused_ = false;
  for (auto& waiter : drain_waiters_) {
    if (!waiter.done()) waiter.set_result();
  }
}

bool StreamReaderProtocol::drain_must_wait() const {
  if (connection_lost_) throw ConnectionResetError("Connection lost");
  return paused_;
}

Task<void> StreamReaderProtocol::drain_wait() {
  if (!drain_must_wait()) co_return;
  Future<void> waiter(*loop_);
  waiter.set_static_label("StreamWriter.drain(): writing is paused (the peer is not reading)");
  drain_waiters_.push_back(waiter);
  struct Remove {
    std::vector<Future<void>>& waiters;
    Future<void> waiter;
    ~Remove() {
      std::erase_if(waiters, [this](const Future<void>& w) { return w.state() == waiter.state(); });
    }
  } remove{drain_waiters_, waiter};
  co_await waiter;
}

}  // namespace aiostreams
