// SimTransport: CPython's _SelectorSocketTransport (detail::SelectorTransport) on top of a
// simulated kernel socket.
#include <algorithm>
#include <cerrno>

#include "aiostreams/errors.hpp"
#include "aiostreams/task_context.hpp"
#include "net_internal.hpp"

namespace aiostreams::sim {

SimTransport::SimTransport(Network::Impl& net, std::uint64_t id, int host, SocketAddress sockname,
                           SocketAddress peername)
    : SelectorTransport(&net.loop, nullptr),
      net_(&net),
      id_(id),
      host_(host),
      sockname_(std::move(sockname)),
      peername_(std::move(peername)) {}

std::any SimTransport::get_extra_info(std::string_view name) const {
  if (name == "peername") return peername_;
  if (name == "sockname") return sockname_;
  return {};
}

void SimTransport::start(std::shared_ptr<Protocol> protocol, std::weak_ptr<Server> server) {
  set_protocol(std::move(protocol));
  server_ = std::move(server);
  attached_ = !server_.expired();
  if (net_ == nullptr) return;
  // connection_made runs on the transport's host: a server's handler tasks are created there.
  net_->loop.call_soon([self = self(), on_host = net_->hosts[static_cast<std::size_t>(host_)].context] {
    if (self->connection_lost_scheduled() || self->protocol_ptr() == nullptr) return;
    const ScopedTaskContext scope(on_host);
    self->call_connection_made();
    self->schedule_read();
  });
}

std::string SimTransport::end_name(bool local) const {
  const int host = local ? host_ : peer_host_;
  const SocketAddress& name = local ? sockname_ : peername_;
  if (name.is_unix()) return net_->endpoint_name(host) + ":" + name.path;
  return net_->endpoint_name(host, name.port);
}

std::string SimTransport::describe() const {
  if (net_ == nullptr) return "#" + std::to_string(id_);
  return end_name(true) + " -> " + end_name(false);
}

std::string SimTransport::describe_reversed() const {
  if (net_ == nullptr) return "#" + std::to_string(id_);
  return end_name(false) + " -> " + end_name(true);
}

// ---------------------------------------------------------------- writing

std::size_t SimTransport::get_write_buffer_size() const {
  const std::size_t pending = out_size();
  const std::size_t kernel = net_ != nullptr ? net_->config.send_buffer : 0;
  return pending > kernel ? pending - kernel : 0;
}

std::size_t SimTransport::write_data(std::string_view data) {
  if (reset_ || reset_pending_) {  // send() on a reset socket
    fatal_error(std::make_exception_ptr(ConnectionResetError()), "Fatal write error on socket transport");
    return 0;
  }
  if (kernel_shut_wr_) {  // send() after the kernel's FIN
    fatal_error(std::make_exception_ptr(BrokenPipeError()), "Fatal write error on socket transport");
    return 0;
  }
  out_.append(data);
  transmit();
  return get_write_buffer_size();
}

void SimTransport::drop_write_buffer() noexcept {
  // the transport's buffer is dropped; what the kernel already holds stays
  if (net_ != nullptr && out_size() > net_->config.send_buffer) {
    out_.resize(out_off_ + net_->config.send_buffer);
  }
}

void SimTransport::shutdown_write() {
  // FIN goes behind what the kernel holds; a reset or the kernel's own FIN leaves nothing to do.
  if (net_ == nullptr || reset_ || kernel_shut_wr_ || fin_queued_) return;
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
  net_->loop.record_described(kind == Kind::data ? "send" : (kind == Kind::fin ? "send-fin" : "send-rst"), id_, size,
                              [this, size] { return describe() + ", " + std::to_string(size) + " B"; });
  arm_timer();
}

void SimTransport::arm_timer() {
  if (timer_armed_ || flight_.empty() || blackholed_ || net_ == nullptr) return;
  const std::int64_t blocked = std::max(stalled_until_ns_, net_->partitioned_until(host_, peer_host_));
  const std::int64_t when = std::max(flight_.front().arrival_ns, blocked);
  timer_armed_ = true;
  net_->loop.call_at_ns(when, [self = self()] {
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
  // The segment arrives at this end: traced from the sender's side ("a -> b, 6 B").
  net_->loop.record_described(
      "deliver", id_,
      segment.kind == Kind::data ? segment.data.size() : (segment.kind == Kind::fin ? 1u << 30 : 1u << 31), [&] {
        const std::string what = segment.kind == Kind::data ? std::to_string(segment.data.size()) + " B"
                                                            : (segment.kind == Kind::fin ? "FIN" : "RST");
        return describe_reversed() + ", " + what;
      });
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
    case Kind::fin: fin_received_ = true; break;
    case Kind::rst: hard_reset(false); break;
  }
}

void SimTransport::schedule_read() {
  if (read_scheduled_ || !connection_made_called() || closing() || reading_paused() || net_ == nullptr) return;
  if (in_size() == 0 && (!fin_received_ || eof_delivered_)) return;
  read_scheduled_ = true;
  auto run = [self = self()] {
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
  if (closing() || reading_paused() || net_ == nullptr || protocol_ptr() == nullptr) return;
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
    if (deliver_data(std::move(data))) schedule_read();
    return;
  }
  if (fin_received_ && !eof_delivered_) {
    eof_delivered_ = true;
    deliver_eof();
  }
}

void SimTransport::add_reader() {
  if (reset_pending_) {  // the RST that came while paused is noticed now
    force_close(std::make_exception_ptr(ConnectionResetError()));
    return;
  }
  schedule_read();
}

void SimTransport::on_window_open() {
  if (net_ == nullptr || out_size() == 0) return;
  const std::size_t before = get_write_buffer_size();
  transmit();
  if (get_write_buffer_size() != before || closing()) schedule_write_ready();
}

void SimTransport::schedule_write_ready() {
  if (write_ready_scheduled_ || net_ == nullptr) return;
  write_ready_scheduled_ = true;
  net_->loop.call_soon([self = self()] {
    self->write_ready_scheduled_ = false;
    self->write_ready();
  });
}

void SimTransport::write_ready() {
  if (net_ == nullptr || connection_lost_scheduled()) return;
  buffered_data_sent(get_write_buffer_size());
}

// ---------------------------------------------------------------- closing

void SimTransport::close_socket() {
  socket_close();
  if (attached_) {
    attached_ = false;
    if (auto server = server_.lock()) server->detach(this);
  }
  maybe_retire();  // may destroy *this: nothing after this line
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
  if (!connection_lost_scheduled()) force_close(std::make_exception_ptr(ConnectionResetError()));
}

void SimTransport::crash(bool silent) {
  if (!silent) {
    kill_with_rst();
    return;
  }
  blackholed_ = true;
  if (auto peer = peer_.lock()) peer->blackhole();
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
  if (connection_lost_scheduled()) {
    maybe_retire();
    return;
  }
  // CPython notices a reset when it reads or sends: a paused reader with nothing to send
  // finds out on resume_reading() or the next write().
  if (notify_now || !reading_paused() || out_size() > 0 || !connection_made_called()) {
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

void SimTransport::resume_delivery() {
  stalled_until_ns_ = 0;
  timer_armed_ = false;  // the timer set for the old end still fires, and finds nothing due
  arm_timer();
}

void SimTransport::stall_for(std::int64_t duration_ns) {
  if (net_ == nullptr) return;
  stalled_until_ns_ = std::max(stalled_until_ns_, net_->loop.now_ns() + duration_ns);
}

void SimTransport::maybe_retire() {
  if (retired_ || net_ == nullptr || !connection_lost_called()) return;
  if (out_size() > 0 || !flight_.empty()) return;
  retired_ = true;
  flight_.clear();
  in_.clear();
  out_.clear();
  net_->live.erase(id_);  // may destroy *this: nothing after this line
}

void SimTransport::teardown() noexcept {
  net_ = nullptr;
  loop_gone();
  release_protocol().reset();
  flight_.clear();
  peer_.reset();
}

}  // namespace aiostreams::sim
