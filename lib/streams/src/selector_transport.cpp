// SelectorTransport: the backend-independent half of CPython's _SelectorSocketTransport.
#include "aiostreams/backend/selector_transport.hpp"

#include <algorithm>
#include <string>
#include <system_error>

#include "aiostreams/errors.hpp"

namespace aiostreams::detail {

bool is_expected_transport_error(const std::exception_ptr& error) noexcept {
  if (!error) return false;
  try {
    std::rethrow_exception(error);
  } catch (const std::system_error&) {
    return true;
  } catch (...) {
    return false;
  }
}

// ---- reading ----------------------------------------------------------------------------

void SelectorTransport::call_connection_made() {
  made_ = true;
  protocol_->connection_made(shared_from_this());
}

bool SelectorTransport::deliver_data(std::string data) {
  try {
    if (protocol_) protocol_->data_received(std::move(data));
  } catch (...) {
    fatal_error(std::current_exception(), "Fatal error: protocol.data_received() call failed.");
    return false;
  }
  return true;
}

void SelectorTransport::deliver_eof() {
  bool keep_open = false;
  try {
    keep_open = protocol_ ? protocol_->eof_received() : false;
  } catch (...) {
    fatal_error(std::current_exception(), "Fatal error: protocol.eof_received() call failed.");
    return;
  }
  if (keep_open) {
    remove_reader();
  } else {
    close();
  }
}

void SelectorTransport::pause_reading() {
  if (closing_ || reading_paused_) return;
  reading_paused_ = true;
  remove_reader();
}

void SelectorTransport::resume_reading() {
  if (closing_ || !reading_paused_) return;
  reading_paused_ = false;
  add_reader();
}

// ---- writing ----------------------------------------------------------------------------

void SelectorTransport::count_lost_write() noexcept {
  if (conn_lost_ >= kLostWriteWarningThreshold && loop_ != nullptr) {
    loop_->call_exception_handler({"socket.send() raised exception.", nullptr});
  }
  ++conn_lost_;
}

void SelectorTransport::write(std::string_view data) {
  if (eof_) throw RuntimeError("Cannot call write() after write_eof()");
  if (data.empty()) return;
  if (conn_lost_ != 0 || loop_ == nullptr) {
    count_lost_write();
    return;
  }
  const std::size_t buffered = write_data(data);
  flow_.maybe_pause(*loop_, protocol_.get(), buffered);
}

void SelectorTransport::writelines(std::span<const std::string_view> buffers) {
  if (eof_) throw RuntimeError("Cannot call writelines() after write_eof()");
  std::size_t total = 0;
  for (auto part : buffers) total += part.size();
  if (total == 0) return;
  if (conn_lost_ != 0 || loop_ == nullptr) {
    count_lost_write();  // one call, one dropped write
    return;
  }
  Transport::writelines(buffers);  // the one join, then write()
}

void SelectorTransport::write_eof() {
  if (closing_ || eof_) return;
  eof_ = true;
  if (get_write_buffer_size() == 0) shutdown_write();
}

void SelectorTransport::set_write_buffer_limits(std::optional<std::size_t> high, std::optional<std::size_t> low) {
  flow_.set_limits(high, low);
  if (loop_ != nullptr) flow_.maybe_pause(*loop_, protocol_.get(), get_write_buffer_size());
}

bool SelectorTransport::buffered_data_sent(std::size_t buffer_size) {
  if (loop_ == nullptr) return buffer_size == 0;
  flow_.maybe_resume(*loop_, protocol_.get(), buffer_size);  // may write more
  if (get_write_buffer_size() != 0) return false;
  if (closing_) {
    conn_lost_ = std::max<std::size_t>(conn_lost_, 1);
    try {
      call_connection_lost(nullptr);
    } catch (...) {
      loop_->call_exception_handler(
          {"Exception in callback SelectorTransport._call_connection_lost", std::current_exception()});
    }
  } else if (eof_) {
    shutdown_write();
  }
  return true;
}

// ---- closing ----------------------------------------------------------------------------

void SelectorTransport::close() {
  if (closing_) return;
  closing_ = true;
  remove_reader();
  if (get_write_buffer_size() == 0) {
    ++conn_lost_;
    if (loop_ != nullptr) loop_->call_soon([self = shared_from_this()] { self->call_connection_lost(nullptr); });
  }
}

void SelectorTransport::fatal_error(std::exception_ptr error, const char* message) {
  if (!is_expected_transport_error(error) && loop_ != nullptr) loop_->call_exception_handler({message, error});
  force_close(std::move(error));
}

void SelectorTransport::force_close(std::exception_ptr error) {
  if (conn_lost_ != 0) return;
  drop_write_buffer();
  if (!closing_) {
    closing_ = true;
    remove_reader();
  }
  ++conn_lost_;
  if (loop_ != nullptr) {
    loop_->call_soon([self = shared_from_this(), error = std::move(error)] { self->call_connection_lost(error); });
  }
}

void SelectorTransport::call_connection_lost(std::exception_ptr error) {
  if (lost_called_) return;
  lost_called_ = true;
  conn_lost_ = std::max<std::size_t>(conn_lost_, 1);
  std::exception_ptr escaped;
  if (protocol_ && made_) {
    try {
      protocol_->connection_lost(std::move(error));
    } catch (...) {
      escaped = std::current_exception();
    }
  }
  // The `finally`: the socket closes and the server forgets us even if the protocol threw.
  auto protocol = std::move(protocol_);
  close_socket();
  if (escaped) std::rethrow_exception(escaped);
}

void SelectorTransport::loop_gone() noexcept {
  loop_ = nullptr;
  closing_ = true;
  conn_lost_ = std::max<std::size_t>(conn_lost_, 1);
  lost_called_ = true;
}

}  // namespace aiostreams::detail
