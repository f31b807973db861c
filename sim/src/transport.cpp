// SimTransport: CPython's _SelectorSocketTransport on top of a simulated kernel socket.
#include <algorithm>
#include <cerrno>

#include "aiostreams/errors.hpp"
#include "net_internal.hpp"

namespace aiostreams::sim {

SimTransport::SimTransport(Network::Impl& net, std::uint64_t id, int host, SocketAddress sockname,
                           SocketAddress peername)
    : net_(&net), id_(id), host_(host), sockname_(std::move(sockname)), peername_(std::move(peername)) {}

std::any SimTransport::get_extra_info(std::string_view name) const {
  if (name == "peername") return peername_;
  if (name == "sockname") return sockname_;
  return {};
}

void SimTransport::start(std::shared_ptr<Protocol> protocol, std::weak_ptr<Server> server) {
  protocol_ = std::move(protocol);
  server_ = std::move(server);
  attached_ = !server_.expired();
  if (net_ == nullptr) return;
  net_->loop.call_soon([self = shared_from_this()] {
    if (self->conn_lost_ || self->protocol_ == nullptr) return;
    self->started_ = true;
    self->protocol_->connection_made(self);
    self->schedule_read();
  });
}

// ---------------------------------------------------------------- writing

std::size_t SimTransport::get_write_buffer_size() const {
  const std::size_t pending = out_size();
  const std::size_t kernel = net_ != nullptr ? net_->config.send_buffer : 0;
  return pending > kernel ? pending - kernel : 0;
}

void SimTransport::set_write_buffer_limits(std::optional<std::size_t> high, std::optional<std::size_t> low) {
  flow_.set_limits(high, low);
  if (net_ != nullptr) flow_.maybe_pause(net_->loop, protocol_ptr(), get_write_buffer_size());
}

void SimTransport::write(std::string_view data) {
  if (eof_written_) throw RuntimeError("Cannot call write() after write_eof()");
  if (data.empty()) return;
  if (conn_lost_ || net_ == nullptr) {
    if (++lost_writes_ >= 5 && net_ != nullptr) net_->loop.call_exception_handler({"socket.send() raised exception.", nullptr});
    return;
  }
  if (reset_ || reset_pending_) {  // send() on a reset socket
    force_close(std::make_exception_ptr(ConnectionResetError()));
    return;
  }
  if (kernel_shut_wr_) {  // send() after the kernel's FIN
    force_close(std::make_exception_ptr(BrokenPipeError()));
    return;
  }
  out_.append(data);
  transmit();
  flow_.maybe_pause(net_->loop, protocol_ptr(), get_write_buffer_size());
}

void SimTransport::writelines(std::span<const std::string_view> buffers) {
  if (eof_written_) throw RuntimeError("Cannot call writelines() after write_eof()");
  std::size_t total = 0;
  for (auto buffer : buffers) total += buffer.size();
  if (total == 0) return;
  std::string joined;
  joined.reserve(total);
  for (auto buffer : buffers) joined.append(buffer);
  write(joined);
}

void SimTransport::write_eof() {
  if (closing_ || eof_written_) return;
  eof_written_ = true;
  if (reset_ || kernel_shut_wr_) return;
  fin_queued_ = true;
  transmit();
}

void SimTransport::transmit() {
  if (net_ == nullptr || reset_ || blackholed_) return;
  auto peer = peer_.lock();
  if (!peer) return;
  const NetworkConfig& config = net_->config;
  while (out_size() > 0) {
    const std::size_t used = peer->in_size() + flight_bytes_;
    if (used >= config.receive_buffer) break;
    std::size_t size = std::min({out_size(), config.mss, config.receive_buffer - used});
    if (size > 1 && net_->rng.chance(config.segmentation_probability)) {
      size = static_cast<std::size_t>(net_->rng.uniform_int(1, static_cast<std::int64_t>(size)));
    }
    send_segment(Kind::data, out_.substr(out_off_, size));
    out_off_ += size;
  }
  if (out_off_ == out_.size()) {
    out_.clear();
    out_off_ = 0;
  } else if (out_off_ > 65536 && out_off_ * 2 > out_.size()) {
    out_.erase(0, out_off_);
    out_off_ = 0;
  }
  if (out_size() == 0 && fin_queued_ && !fin_sent_) {
    fin_sent_ = true;
    send_segment(Kind::fin, {});
  }
}

void SimTransport::send_segment(Kind kind, std::string data) {
  const std::int64_t now = net_->loop.now_ns();
  const std::size_t size = data.size();
  std::int64_t start = std::max(now, link_free_ns_);
  if (net_->config.bandwidth > 0 && size > 0) {
    start += static_cast<std::int64_t>(static_cast<double>(size) * 1e9 / net_->config.bandwidth);
    link_free_ns_ = start;
  }
  const std::int64_t arrival = std::max(start + net_->latency_ns(host_, peer_host_), last_arrival_ns_);
  last_arrival_ns_ = arrival;
  flight_bytes_ += size;
  flight_.push_back(Segment{arrival, kind, std::move(data)});
  net_->loop.record(kind == Kind::data ? "send" : (kind == Kind::fin ? "send-fin" : "send-rst"), id_, size);
  arm_timer();
}

void SimTransport::arm_timer() {
  if (timer_armed_ || flight_.empty() || blackholed_ || net_ == nullptr) return;
  const std::int64_t blocked = std::max(stalled_until_ns_, net_->partitioned_until(host_, peer_host_));
  const std::int64_t when = std::max(flight_.front().arrival_ns, blocked);
  timer_armed_ = true;
  net_->loop.call_at_ns(when, [self = shared_from_this()] {
    self->timer_armed_ = false;
    self->deliver_due();
  });
}

void SimTransport::deliver_due() {
  if (net_ == nullptr || blackholed_) return;
  const std::int64_t now = net_->loop.now_ns();
  const std::int64_t blocked = std::max(stalled_until_ns_, net_->partitioned_until(host_, peer_host_));
  auto peer = peer_.lock();
  if (blocked <= now) {
    while (!flight_.empty() && flight_.front().arrival_ns <= now) {
      Segment segment = std::move(flight_.front());
      flight_.pop_front();
      flight_bytes_ -= segment.data.size();
      ++net_->delivered;
      if (peer) {
        peer->on_segment(segment);
      } else if (segment.kind == Kind::data && !reset_) {
        // the peer's socket is gone for good: it answers with RST
        hard_reset(false);
        return;
      }
      if (net_ == nullptr || blackholed_) return;
    }
  }
  arm_timer();
  if (peer) peer->schedule_read();
  maybe_retire();
}

// ---------------------------------------------------------------- reading

void SimTransport::on_segment(Segment& segment) {
  net_->loop.record("deliver", id_, segment.kind == Kind::data ? segment.data.size() : (segment.kind == Kind::fin ? 1u << 30 : 1u << 31));
  if (reset_) return;
  switch (segment.kind) {
    case Kind::data:
      if (socket_closed_) {  // data for a closed socket: Linux answers with RST
        kill_with_rst();
        return;
      }
      if (in_.empty()) {
        in_ = std::move(segment.data);
        in_off_ = 0;
      } else {
        in_.append(segment.data);
      }
      break;
    case Kind::fin:
      fin_received_ = true;
      break;
    case Kind::rst:
      hard_reset(false);
      break;
  }
}

void SimTransport::schedule_read() {
  if (read_scheduled_ || !started_ || closing_ || paused_reading_ || net_ == nullptr) return;
  if (in_size() == 0 && (!fin_received_ || eof_delivered_)) return;
  read_scheduled_ = true;
  auto run = [self = shared_from_this()] {
    self->read_scheduled_ = false;
    self->read_ready();
  };
  if (slow_) {
    net_->loop.call_at_ns(net_->loop.now_ns() + static_cast<std::int64_t>(net_->faults.slow_reader_interval * 1e9),
                          std::move(run));
  } else {
    net_->loop.call_soon(std::move(run));
  }
}

void SimTransport::read_ready() {
  if (closing_ || paused_reading_ || net_ == nullptr || protocol_ == nullptr) return;
  if (in_size() > 0) {
    std::size_t size = std::min(in_size(), net_->config.max_read);
    if (slow_) size = std::min(size, std::max<std::size_t>(1, net_->faults.slow_reader_chunk));
    std::string data;
    if (in_off_ == 0 && size == in_.size()) {
      data = std::move(in_);
      in_.clear();
    } else {
      data = in_.substr(in_off_, size);
      in_off_ += size;
      if (in_off_ == in_.size()) {
        in_.clear();
        in_off_ = 0;
      }
    }
    if (auto peer = peer_.lock()) peer->on_window_open();
    try {
      protocol_->data_received(std::move(data));
    } catch (...) {
      fatal_error(std::current_exception(), "Fatal error: protocol.data_received() call failed.");
      return;
    }
    schedule_read();
    return;
  }
  if (fin_received_ && !eof_delivered_) {
    eof_delivered_ = true;
    bool keep_open = false;
    try {
      keep_open = protocol_->eof_received();
    } catch (...) {
      fatal_error(std::current_exception(), "Fatal error: protocol.eof_received() call failed.");
      return;
    }
    if (!keep_open) close();
  }
}

void SimTransport::pause_reading() {
  if (closing_ || paused_reading_) return;
  paused_reading_ = true;
}

void SimTransport::resume_reading() {
  if (closing_ || !paused_reading_) return;
  paused_reading_ = false;
  if (reset_pending_) {
    force_close(std::make_exception_ptr(ConnectionResetError()));
    return;
  }
  schedule_read();
}

void SimTransport::on_window_open() {
  if (net_ == nullptr || out_size() == 0) return;
  const std::size_t before = get_write_buffer_size();
  transmit();
  if (get_write_buffer_size() != before || closing_) schedule_write_ready();
}

void SimTransport::schedule_write_ready() {
  if (write_ready_scheduled_ || net_ == nullptr) return;
  write_ready_scheduled_ = true;
  net_->loop.call_soon([self = shared_from_this()] {
    self->write_ready_scheduled_ = false;
    self->write_ready();
  });
}

void SimTransport::write_ready() {
  if (net_ == nullptr || conn_lost_) return;
  const std::size_t size = get_write_buffer_size();
  flow_.maybe_resume(net_->loop, protocol_ptr(), size);
  if (size == 0 && closing_ && !conn_lost_) {
    conn_lost_ = true;
    call_connection_lost(nullptr);
  }
}

// ---------------------------------------------------------------- closing

void SimTransport::close() {
  if (closing_) return;
  closing_ = true;
  if (get_write_buffer_size() == 0 && !conn_lost_) {
    conn_lost_ = true;
    if (net_ != nullptr) {
      net_->loop.call_soon([self = shared_from_this()] { self->call_connection_lost(nullptr); });
    }
  }
}

void SimTransport::abort() { force_close(nullptr); }

void SimTransport::force_close(std::exception_ptr error) {
  if (conn_lost_) return;
  // the transport's buffer is dropped; what the kernel already holds stays
  if (net_ != nullptr && out_size() > net_->config.send_buffer) {
    out_.resize(out_off_ + net_->config.send_buffer);
  }
  closing_ = true;
  conn_lost_ = true;
  if (net_ != nullptr) {
    net_->loop.call_soon([self = shared_from_this(), error] { self->call_connection_lost(error); });
  }
}

void SimTransport::fatal_error(std::exception_ptr error, const char* message) {
  bool os_error = false;
  try {
    std::rethrow_exception(error);
  } catch (const std::system_error&) {
    os_error = true;
  } catch (...) {
  }
  if (!os_error && net_ != nullptr) net_->loop.call_exception_handler({message, error});
  force_close(error);
}

void SimTransport::call_connection_lost(std::exception_ptr error) {
  if (lost_called_) return;
  lost_called_ = true;
  auto protocol = std::move(protocol_);
  protocol_.reset();
  std::exception_ptr escaped;
  if (protocol && started_) {
    try {
      protocol->connection_lost(error);
    } catch (...) {
      escaped = std::current_exception();
    }
  }
  socket_close();
  if (attached_) {
    attached_ = false;
    if (auto server = server_.lock()) server->detach(this);
  }
  maybe_retire();
  if (escaped) std::rethrow_exception(escaped);
}

void SimTransport::socket_close() {
  if (socket_closed_) return;
  socket_closed_ = true;
  if (reset_ || net_ == nullptr) return;
  if (in_size() > 0) {  // unread data: Linux sends RST, not FIN
    kill_with_rst();
    return;
  }
  fin_queued_ = true;
  transmit();
}

void SimTransport::kill_with_rst() {
  if (reset_ || net_ == nullptr) return;
  reset_ = true;
  socket_closed_ = true;
  out_.clear();
  out_off_ = 0;
  in_.clear();
  in_off_ = 0;
  if (!blackholed_) {
    send_segment(Kind::rst, {});
  }
  if (!conn_lost_) force_close(std::make_exception_ptr(ConnectionResetError()));
}

void SimTransport::hard_reset(bool notify_now) {
  if (reset_ || net_ == nullptr) return;
  reset_ = true;
  out_.clear();
  out_off_ = 0;
  in_.clear();
  in_off_ = 0;
  flight_.clear();
  flight_bytes_ = 0;
  if (conn_lost_) {
    maybe_retire();
    return;
  }
  // CPython notices a reset when it reads or sends: a paused reader with nothing to send
  // finds out on resume_reading() or the next write().
  if (notify_now || !paused_reading_ || out_size() > 0 || !started_) {
    force_close(std::make_exception_ptr(ConnectionResetError()));
  } else {
    reset_pending_ = true;
  }
}

void SimTransport::kernel_shutdown_write() {
  if (reset_ || fin_queued_ || net_ == nullptr) return;
  kernel_shut_wr_ = true;
  fin_queued_ = true;
  out_.resize(out_off_ + std::min(out_size(), net_->config.send_buffer));
  transmit();
}

void SimTransport::stall_for(std::int64_t duration_ns) {
  if (net_ == nullptr) return;
  stalled_until_ns_ = std::max(stalled_until_ns_, net_->loop.now_ns() + duration_ns);
}

void SimTransport::maybe_retire() {
  if (retired_ || net_ == nullptr || !lost_called_) return;
  if (out_size() > 0 || !flight_.empty()) return;
  retired_ = true;
  flight_.clear();
  in_.clear();
  out_.clear();
  net_->live.erase(id_);  // may destroy *this: nothing after this line
}

void SimTransport::teardown() noexcept {
  net_ = nullptr;
  protocol_.reset();
  flight_.clear();
  peer_.reset();
}

}  // namespace aiostreams::sim
