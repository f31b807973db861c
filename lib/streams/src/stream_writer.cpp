#include "aiostreams/stream_writer.hpp"

#include "aiostreams/connection_options.hpp"
#include "aiostreams/sleep.hpp"

namespace aiostreams {

// ---- DrainOperation -----------------------------------------------------------------------

bool DrainOperation::await_ready() {
  StreamWriter& w = *writer_;
  if (w.reader_) {
    if (auto error = w.reader_->exception()) std::rethrow_exception(error);
  }
  if (w.transport_->is_closing()) return false;  // must yield once first
  return !w.protocol_->drain_must_wait();
}

bool DrainOperation::await_suspend(std::coroutine_handle<> awaiting) {
  waiting_ = writer_->drain_slow(writer_->transport_->is_closing());
  return waiting_.await_suspend(awaiting);
}

void DrainOperation::await_resume() {
  if (waiting_.valid()) waiting_.await_resume();
}

// ---- StreamWriter -------------------------------------------------------------------------

StreamWriter::StreamWriter(std::shared_ptr<Transport> transport, std::shared_ptr<StreamReaderProtocol> protocol,
                           std::shared_ptr<StreamReader> reader)
    : transport_(std::move(transport)),
      protocol_(std::move(protocol)),
      reader_(std::move(reader)),
      loop_alive_(protocol_->loop().lifetime()) {}

StreamWriter::~StreamWriter() {
  if (loop_alive_.expired() || !transport_ || transport_->is_closing()) return;
  // A destructor must not throw (it may run while an exception unwinds). close() can only
  // fail to schedule connection_lost (out of memory); the loop's teardown closes the
  // transport then.
  try {
    transport_->close();
  } catch (...) {
  }
}

Task<void> StreamWriter::drain_slow(bool closing) {
  // Yield so that a connection_lost already scheduled by close() runs (bpo-25441).
  if (closing) co_await yield_now();
  co_await protocol_->drain_wait();
}

Task<void> StreamWriter::wait_closed() {
  Future<void> closed = protocol_->close_waiter();
  co_await closed;
}

Task<void> StreamWriter::start_tls(std::shared_ptr<SslContext> sslcontext, std::optional<std::string> server_hostname,
                                   double ssl_handshake_timeout, double ssl_shutdown_timeout) {
  const bool server_side = protocol_->has_client_callback();
  co_await drain();
  std::shared_ptr<Transport> plain = transport_;
  std::shared_ptr<Protocol> protocol = protocol_;
  StartTlsOptions options{server_side, std::move(server_hostname), ssl_handshake_timeout, ssl_shutdown_timeout};
  auto upgraded =
      co_await protocol_->loop().start_tls(std::move(plain), std::move(protocol), std::move(sslcontext), options);
  transport_ = std::move(upgraded);
}

std::string StreamWriter::repr() const {
  std::string text = "<StreamWriter transport=<Transport>";
  if (reader_) text += " reader=" + reader_->repr();
  return text + ">";
}

}  // namespace aiostreams
