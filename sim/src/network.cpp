// The simulated network: hosts, name resolution, ports and paths, listeners, connection
// setup, faults, and SimLoop's networking entry points.
#include "aiostreams/sim/network.hpp"

#include <netdb.h>

#include <algorithm>
#include <cerrno>
#include <cmath>

#include "aiostreams/backend/connection_errors.hpp"
#include "aiostreams/detail/python_format.hpp"
#include "aiostreams/errors.hpp"
#include "aiostreams/sim/fault_table.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "aiostreams/socket.hpp"
#include "net_internal.hpp"
#include "sim_tls.hpp"

namespace aiostreams::sim {

namespace {
[[noreturn]] void throw_gaierror() { std::rethrow_exception(detail::resolution_error(EAI_NONAME)); }

SocketAddress tcp_address(const std::string& host, int port) { return SocketAddress{host, port, ""}; }

struct TimerGuard {
  TimerHandle handle;
  ~TimerGuard() { handle.cancel(); }
};
}  // namespace

// ---------------------------------------------------------------- models and knobs

std::int64_t LatencyModel::sample_ns(Prng& rng) const noexcept {
  switch (kind) {
    case Kind::fixed: return seconds_to_ns(a);
    case Kind::uniform: return seconds_to_ns(a + (b - a) * rng.uniform_real());
    case Kind::exponential: return seconds_to_ns(rng.exponential(a));
    case Kind::bimodal: return seconds_to_ns(rng.chance(p) ? b : a);
  }
  return 0;
}

bool FaultConfig::any() const noexcept {
  for (const auto& fault : fault_table) {
    if (this->*fault.field > 0) return true;
  }
  return false;
}

std::string FaultConfig::to_string() const {
  std::string text;
  for (const auto& fault : fault_table) {
    const double value = this->*fault.field;
    if (value <= 0) continue;
    if (!text.empty()) text += ' ';
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "=%.3g", value);
    text.append(fault.name).append(buffer);
  }
  if (text.empty()) return "none";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, " window=%.3gs", fault_window);
  return text + buffer;
}

FaultConfig Swarm::draw(std::uint64_t seed, double duration_scale) {
  if (!(duration_scale > 0) || !std::isfinite(duration_scale)) {
    throw ValueError("the swarm's duration scale must be a positive number, got " + std::to_string(duration_scale));
  }
  Prng rng = Prng(seed).fork("swarm");
  FaultConfig faults;
  // Every knob is drawn whether or not its fault is on, so the draws never shift.
  auto knob = [&rng](double max) {
    const bool on = rng.chance(0.5);
    const double value = rng.uniform_real() * max;
    return on ? value : 0.0;
  };
  // In table order: the order of the draws is part of every swarm seed.
  // host_crash came after the first ten faults: it is drawn last (below), so that every
  // seed keeps the draws it had before.
  const auto drawn_last = [](const FaultInfo& fault) { return fault.field == &FaultConfig::host_crash; };
  for (const auto& fault : fault_table) {
    if (!drawn_last(fault)) faults.*fault.field = knob(fault.swarm_max);
  }
  faults.one_way_share = rng.uniform_real();
  faults.fault_window = 0.01 + rng.uniform_real() * 2.0;
  faults.partition_max = 0.02 + rng.uniform_real() * 1.0;
  faults.stall_max = 0.02 + rng.uniform_real() * 0.5;
  faults.slow_reader_chunk = static_cast<std::size_t>(rng.uniform_int(1, 4096));
  for (const auto& fault : fault_table) {
    if (drawn_last(fault)) faults.*fault.field = knob(fault.swarm_max);
  }
  // Long partitions and stalls, drawn after the knobs above so that their draws keep their order.
  const bool long_durations = rng.chance(0.25);
  const double long_share = rng.uniform_real();
  faults.long_share = long_durations ? long_share : 0.0;
  faults.crash_window = 1.0 + rng.uniform_real() * 29.0;
  faults.crash_silent_share = rng.uniform_real();
  faults.restart_max = 0.2 + rng.uniform_real() * 10.0;
  for (double* duration :
       {&faults.partition_min, &faults.partition_max, &faults.stall_min, &faults.stall_max, &faults.partition_long_max,
        &faults.stall_long_max, &faults.restart_min, &faults.restart_max}) {
    *duration *= duration_scale;
  }
  return faults;
}

// ---------------------------------------------------------------- Network::Impl

Network::Impl::Impl(SimLoop& l) : loop(l), rng(l.rng().fork("net")), tls_rng(l.rng().fork("tls")) {
  rng.set_tap(
      [](void* context, std::uint64_t value) noexcept {
        try {
          static_cast<SimLoop*>(context)->record("net-draw", value);
        } catch (...) {
        }
      },
      &loop);
  add_host("localhost");
}

int Network::Impl::add_host(const std::string& name) {
  auto found = by_name.find(name);
  if (found != by_name.end()) return found->second;
  const int index = static_cast<int>(hosts.size());
  const int n = index + 1;
  std::string address =
      "127." + std::to_string((n >> 16) & 255) + "." + std::to_string((n >> 8) & 255) + "." + std::to_string(n & 255);
  std::shared_ptr<const TaskContext> context;
  if (index != 0) context = std::make_shared<const SimTaskContext>(name);
  hosts.push_back(SimHost{name, address, 49152, std::move(context)});
  by_name.emplace(name, index);
  by_address.emplace(address, index);
  return index;
}

int Network::Impl::current_host() {
  const auto* context = dynamic_cast<const SimTaskContext*>(current_task_context());
  if (context == nullptr || context->host.empty()) return 0;
  return add_host(context->host);
}

int Network::Impl::allocate_port(int host) {
  SimHost& h = hosts[static_cast<std::size_t>(host)];
  for (int tries = 0; tries < 16384; ++tries) {
    const int port = h.next_port++;
    if (h.next_port > 65535) h.next_port = 49152;
    if (tcp_listeners.find({host, port}) == tcp_listeners.end()) return port;
  }
  throw OSError(EADDRINUSE, "no free ephemeral port");
}

std::int64_t Network::Impl::latency_ns(int from, int to) {
  if (from == to) return config.loopback_latency.sample_ns(rng);
  const auto key = std::make_pair(std::min(from, to), std::max(from, to));
  auto found = pair_base_ns.find(key);
  if (found == pair_base_ns.end()) {
    found = pair_base_ns.emplace(key, seconds_to_ns(rng.uniform_real() * config.pair_base_latency_max)).first;
  }
  return found->second + config.latency.sample_ns(rng);
}

void Network::Impl::partition(int a, int b, std::int64_t duration_ns, bool one_way) {
  const std::int64_t until = loop.now_ns() + duration_ns;
  auto& ab = partitions[{a, b}];
  ab = std::max(ab, until);
  if (!one_way) {
    auto& ba = partitions[{b, a}];
    ba = std::max(ba, until);
  }
  loop.record_described(one_way ? "partition-one-way" : "partition",
                        static_cast<std::uint64_t>(a) << 32 | static_cast<std::uint32_t>(b),
                        static_cast<std::uint64_t>(duration_ns), [&] {
                          return endpoint_name(a) + (one_way ? " -> " : " <-> ") + endpoint_name(b) + " for " +
                                 std::to_string(duration_ns / 1000000) + " ms";
                        });
}

void Network::Impl::fault(const char* what, std::uint64_t id) {
  ++fired;
  loop.record(what, id);
}

void Network::Impl::fault(const char* what, const SimTransport& on) {
  fault(what, on.id(), [&on] { return on.describe(); });
}

std::string Network::Impl::endpoint_name(int host, int port) const {
  const bool known = host >= 0 && static_cast<std::size_t>(host) < hosts.size();
  std::string name = known ? hosts[static_cast<std::size_t>(host)].name : "host#" + std::to_string(host);
  return port < 0 ? name : name + ":" + std::to_string(port);
}

std::shared_ptr<SimTransport> Network::Impl::establish(int client_host, SocketAddress client_name, int server_host,
                                                       SocketAddress server_name, SimListener& listener) {
  auto client = std::make_shared<SimTransport>(*this, next_id++, client_host, client_name, server_name);
  auto server = std::make_shared<SimTransport>(*this, next_id++, server_host, server_name, client_name);
  client->set_peer(server);
  server->set_peer(client);
  live.emplace(client->id(), client);
  live.emplace(server->id(), server);
  all.push_back(client);
  all.push_back(server);
  ++established;
  loop.record_described("established", client->id(), server->id(), [&client] { return client->describe(); });
  schedule_timed_faults(client, server);
  listener.enqueue(server);
  return client;
}

std::int64_t Network::Impl::fault_duration_ns(double min, double max, double long_max) {
  // With long_share 0 nothing extra is drawn: runs without long faults keep their draws.
  if (rng.chance(faults.long_share)) {
    const double from = std::min(1.0, long_max);
    return seconds_to_ns(from + (long_max - from) * rng.uniform_real());
  }
  return seconds_to_ns(min + (max - min) * rng.uniform_real());
}

void Network::Impl::schedule_timed_faults(const std::shared_ptr<SimTransport>& client,
                                          const std::shared_ptr<SimTransport>& server) {
  if (!faults.any()) return;
  const std::int64_t window = seconds_to_ns(faults.fault_window);
  auto at = [this, window] {
    return loop.now_ns() + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(window) + 1));
  };
  std::weak_ptr<SimTransport> weak_client = client, weak_server = server;
  if (rng.chance(faults.reset)) {
    loop.call_at_ns(at(), [this, weak_client, weak_server] {
      auto c = weak_client.lock();
      auto s = weak_server.lock();
      if (!c || !s || c->lost() || s->lost()) return;
      fault("fault-reset", *c);
      c->hard_reset(true);
      s->hard_reset(true);
    });
  }
  if (rng.chance(faults.silent_close)) {
    loop.call_at_ns(at(), [this, weak_client, weak_server] {
      auto c = weak_client.lock();
      auto s = weak_server.lock();
      if (!c || !s || c->lost() || s->lost()) return;
      fault("fault-silent-close", *c);
      c->blackhole();
      s->blackhole();
    });
  }
  if (rng.chance(faults.half_close)) {
    loop.call_at_ns(at(), [this, weak_server] {
      auto s = weak_server.lock();
      if (!s || s->lost()) return;
      fault("fault-half-close", *s);
      s->kernel_shutdown_write();
    });
  }
  if (rng.chance(faults.partition)) {
    const std::int64_t when = at();
    const std::int64_t duration =
        fault_duration_ns(faults.partition_min, faults.partition_max, faults.partition_long_max);
    const bool one_way = rng.chance(faults.one_way_share);
    const bool reverse = rng.chance(0.5);
    const int a = reverse ? server->host() : client->host();
    const int b = reverse ? client->host() : server->host();
    loop.call_at_ns(when, [this, a, b, duration, one_way] {
      ++fired;
      partition(a, b, duration, one_way);
    });
  }
  for (const auto& endpoint : {client, server}) {
    if (rng.chance(faults.stall)) {
      const std::int64_t when = at();
      const std::int64_t duration = fault_duration_ns(faults.stall_min, faults.stall_max, faults.stall_long_max);
      std::weak_ptr<SimTransport> weak = endpoint;
      loop.call_at_ns(when, [this, weak, duration] {
        auto e = weak.lock();
        if (!e || e->lost()) return;
        fault("fault-stall", *e);
        e->stall_for(duration);
      });
    }
    if (rng.chance(faults.slow_reader)) {
      fault("fault-slow-reader", *endpoint);
      endpoint->make_slow_reader();
    }
  }
}

void Network::Impl::teardown() noexcept {
  for (SimListener* listener : listeners) listener->detach_network();
  listeners.clear();
  for (auto& weak : all) {
    if (auto transport = weak.lock()) transport->teardown();
  }
  live.clear();
  all.clear();
}

// ---------------------------------------------------------------- Network

Network::Network(SimLoop& loop) : impl_(std::make_unique<Impl>(loop)) {}
Network::~Network() { impl_->teardown(); }

std::string Network::add_host(const std::string& name) {
  if (name.empty()) throw ValueError("a host needs a name");
  return impl_->hosts[static_cast<std::size_t>(impl_->add_host(name))].address;
}
bool Network::has_host(const std::string& name) const { return impl_->by_name.count(name) != 0; }
std::string Network::address_of(const std::string& name) const {
  auto found = impl_->by_name.find(name);
  if (found == impl_->by_name.end()) throw ValueError("unknown host '" + name + "'");
  return impl_->hosts[static_cast<std::size_t>(found->second)].address;
}
std::vector<std::string> Network::host_names() const {
  std::vector<std::string> names;
  for (const auto& host : impl_->hosts) names.push_back(host.name);
  return names;
}
NetworkConfig& Network::config() noexcept { return impl_->config; }
void Network::set_config(const NetworkConfig& config) { impl_->config = config; }
FaultConfig& Network::faults() noexcept { return impl_->faults; }
void Network::set_faults(const FaultConfig& faults) { impl_->faults = faults; }
void Network::enable_swarm(double duration_scale) { impl_->faults = Swarm::draw(impl_->loop.seed(), duration_scale); }
void Network::crash(const std::string& host, bool silent, double restart_after) {
  auto found = impl_->by_name.find(host);
  if (found == impl_->by_name.end()) throw ValueError("unknown host '" + host + "' in crash()");
  if (!(restart_after >= 0)) throw ValueError("restart_after must be >= 0");
  impl_->crash(found->second, silent, seconds_to_ns(restart_after));
}
void Network::on_restart(const std::string& host, std::function<Task<void>()> restart) {
  if (!restart) throw ValueError("on_restart() needs a restart function");
  const int index = impl_->add_host(host);
  impl_->restart_hooks[index] = std::move(restart);
  impl_->maybe_schedule_crash(index);
}
std::uint64_t Network::crashes() const noexcept { return impl_->crashes; }
void Network::heal() {
  impl_->partitions.clear();
  impl_->loop.record("heal");
  for (const auto& [id, transport] : impl_->live) transport->resume_delivery();
}
void Network::partition(const std::string& a, const std::string& b, double seconds, bool one_way) {
  auto ia = impl_->by_name.find(a);
  auto ib = impl_->by_name.find(b);
  if (ia == impl_->by_name.end() || ib == impl_->by_name.end()) throw ValueError("unknown host in partition()");
  impl_->partition(ia->second, ib->second, seconds_to_ns(seconds), one_way);
}
std::uint64_t Network::connections_established() const noexcept { return impl_->established; }
std::uint64_t Network::segments_delivered() const noexcept { return impl_->delivered; }
std::uint64_t Network::faults_fired() const noexcept { return impl_->fired; }

// ---------------------------------------------------------------- SimListener

SimListener::SimListener(Network::Impl& net, int host, int port, BindKind kind, SocketAddress address)
    : net_(&net), host_(host), port_(port), kind_(kind), address_(std::move(address)) {
  net.tcp_listeners[{host, port}] = this;
  net.listeners.push_back(this);
}

SimListener::SimListener(Network::Impl& net, int host, std::string path, bool cleanup)
    : net_(&net), host_(host), path_(std::move(path)), unix_(true), cleanup_(cleanup) {
  address_.path = path_;
  net.unix_paths[{host, path_}] = this;
  net.listeners.push_back(this);
}

SimListener::~SimListener() {
  close();
  if (net_ != nullptr) std::erase(net_->listeners, this);
}

void SimListener::start(Server& server, int backlog) {
  if (closed_) return;
  started_ = true;
  backlog_ = std::max(backlog, 1);
  server_ = server.weak_from_this();
}

void SimListener::close() {
  if (closed_) return;
  closed_ = true;
  started_ = false;
  if (net_ == nullptr) return;
  if (unix_) {
    auto found = net_->unix_paths.find({host_, path_});
    if (found != net_->unix_paths.end() && found->second == this) {
      if (cleanup_) {
        net_->unix_paths.erase(found);
      } else {
        found->second = nullptr;  // the socket file stays: connecting is refused
      }
    }
  } else {
    auto found = net_->tcp_listeners.find({host_, port_});
    if (found != net_->tcp_listeners.end() && found->second == this) net_->tcp_listeners.erase(found);
  }
  // connections not accepted yet are reset, as closing a listening socket does
  auto pending = std::move(queue_);
  queue_.clear();
  for (auto& endpoint : pending) endpoint->kill_with_rst();
}

void SimListener::enqueue(std::shared_ptr<SimTransport> endpoint) {
  queue_.push_back(std::move(endpoint));
  if (accept_scheduled_ || net_ == nullptr) return;
  accept_scheduled_ = true;
  net_->loop.call_soon([this, server = server_] {
    if (server.expired()) return;  // the server (which owns this listener) is gone
    accept_scheduled_ = false;
    accept_one();
  });
}

void SimListener::accept_one() {
  if (closed_ || net_ == nullptr) return;
  auto server = server_.lock();
  if (!server) return;
  while (!queue_.empty()) {
    auto endpoint = std::move(queue_.front());
    queue_.pop_front();
    if (endpoint->lost()) continue;
    if (net_->rng.chance(net_->faults.accept_error)) {
      net_->fault("fault-accept-error", *endpoint);
      net_->loop.call_exception_handler({"socket.accept() out of system resource", detail::os_error(EMFILE)});
      endpoint->kill_with_rst();
      break;
    }
    std::shared_ptr<Protocol> protocol;
    try {
      protocol = server->protocol_factory()();
    } catch (...) {
      net_->loop.call_exception_handler(
          {"Error on transport creation for incoming connection", std::current_exception()});
      endpoint->kill_with_rst();
      break;
    }
    net_->loop.record_described("accept", endpoint->id(), 0, [&endpoint] { return endpoint->describe(); });
    server->attach(endpoint);
    endpoint->start(std::move(protocol), server);
    break;
  }
  if (!queue_.empty() && !accept_scheduled_) {
    accept_scheduled_ = true;
    net_->loop.call_soon([this, weak = server_] {
      if (weak.expired()) return;
      accept_scheduled_ = false;
      accept_one();
    });
  }
}

// ---------------------------------------------------------------- SimLoop's entry points

namespace {
/// Waits `delay_ns` of virtual time on a labelled future (cancellable; the timer goes with it).
Task<void> network_wait(SimLoop& loop, std::int64_t delay_ns, std::string label) {
  Future<void> done(loop);
  done.set_label(std::move(label));
  TimerGuard guard{loop.call_at_ns(loop.now_ns() + delay_ns, [done]() mutable {
    if (!done.done()) done.set_result();
  })};
  co_await done;
}

// `target` names the peer in labels; `refused` is what a refused connect raises.
Task<void> connect_faults(SimLoop& loop, Network::Impl& net, std::int64_t rtt_ns, const std::string& target,
                          std::exception_ptr refused_error) {
  const bool refused = net.rng.chance(net.faults.connect_refused);
  const bool hang = !refused && net.rng.chance(net.faults.connect_hang);
  if (hang) {
    net.fault("fault-connect-hang", 0, [&target] { return "to " + target; });
    Future<void> never(loop);
    never.set_label("connect to " + target + " (hanging)");
    co_await never;
  }
  co_await network_wait(loop, rtt_ns, "connect to " + target);
  if (refused) {
    net.fault("fault-connect-refused", 0, [&target] { return "to " + target; });
    std::rethrow_exception(refused_error);
  }
}
}  // namespace

namespace {
// Simulated hosts have no file descriptors to adopt.
void reject_sock(const Socket& sock) {
  if (sock) {
    throw NotImplementedError("sock= is not simulated: adopting an OS socket (" + sock.repr() +
                              ") needs the Asio loop (AsioLoop)");
  }
}

// The end of create_connection: the client's protocol and its connection_made (via
// call_soon); with TLS the engine is the plain transport's protocol, and the TLS transport
// comes back once the handshake is done.
Task<std::shared_ptr<Transport>> start_client(SimLoop& loop, std::shared_ptr<SimTransport> transport,
                                              ProtocolFactory factory, std::optional<detail::TlsParams> tls) {
  std::shared_ptr<Protocol> protocol;
  try {
    protocol = factory();
  } catch (...) {
    transport->abort();
    throw;
  }
  if (!tls) {
    // As _SelectorSocketTransport.__init__: connection_made, then the waiter, both by call_soon,
    // so the protocol is connected before create_connection returns (and a start_tls right
    // after it swaps a protocol that has already seen connection_made).
    transport->start(std::move(protocol), {});
    Future<void> made(loop);
    made.set_label("connection_made");
    loop.call_soon([made]() mutable {
      if (!made.done()) made.set_result();
    });
    co_await made;
    co_return transport;
  }
  co_return co_await detail::connect_tls(loop, std::move(protocol), std::move(*tls),
                                         [&transport](std::shared_ptr<Protocol> engine) {
                                           transport->start(std::move(engine), {});
                                           return std::static_pointer_cast<Transport>(transport);
                                         });
}
}  // namespace

Task<std::shared_ptr<Transport>> SimLoop::do_create_connection(ProtocolFactory factory, std::string host, int port,
                                                               const ConnectOptions& options) {
  reject_sock(options.sock);
  Network::Impl& net = network_->impl();
  std::optional<detail::TlsParams> tls = client_tls(net, options, host);
  const int from = net.current_host();
  int to = from;
  bool loopback = true;
  std::string peer_address = "127.0.0.1";
  if (host.empty() || host == "localhost" || host == "127.0.0.1") {
    // this host
  } else if (auto a = net.by_address.find(host); a != net.by_address.end()) {
    to = a->second;
    loopback = false;
    peer_address = host;
  } else if (auto n = net.by_name.find(host); n != net.by_name.end()) {
    to = n->second;
    loopback = false;
    peer_address = net.hosts[static_cast<std::size_t>(to)].address;
  } else {
    throw_gaierror();
  }
  const SocketAddress peer = tcp_address(peer_address, port);
  const std::string target = detail::address_repr(peer);
  const auto refused = detail::connect_error(ECONNREFUSED, peer);
  record_described("connect", static_cast<std::uint64_t>(from) << 32 | static_cast<std::uint32_t>(to),
                   static_cast<std::uint64_t>(port),
                   [&] { return net.endpoint_name(from) + " -> " + net.endpoint_name(to, port); });
  const std::int64_t rtt = net.latency_ns(from, to) + net.latency_ns(to, from);
  co_await connect_faults(*this, net, rtt, target, refused);

  auto found = net.tcp_listeners.find({to, port});
  SimListener* listener = found == net.tcp_listeners.end() ? nullptr : found->second;
  if (listener == nullptr || !listener->listening() || !listener->accepts_from(loopback)) {
    record_described("refused", static_cast<std::uint64_t>(port), 0, [&] { return net.endpoint_name(to, port); });
    std::rethrow_exception(refused);
  }
  if (listener->queue_full() || net.rng.chance(net.faults.backlog_full)) {
    net.fault("fault-backlog-full", static_cast<std::uint64_t>(port),
              [&] { return net.endpoint_name(from) + " -> " + net.endpoint_name(to, port); });
    std::rethrow_exception(refused);
  }
  const std::string client_address = loopback ? "127.0.0.1" : net.hosts[static_cast<std::size_t>(from)].address;
  const int client_port = net.allocate_port(from);
  auto transport = net.establish(from, SocketAddress{client_address, client_port, ""}, to,
                                 SocketAddress{peer_address, port, ""}, *listener);
  co_return co_await start_client(*this, std::move(transport), std::move(factory), std::move(tls));
}

Task<std::shared_ptr<Server>> SimLoop::do_create_server(ProtocolFactory factory, std::string host, int port,
                                                        const ServerOptions& options) {
  reject_sock(options.sock);
  Network::Impl& net = network_->impl();
  factory = server_factory(net, std::move(factory), options);
  const int on = net.current_host();
  const SimHost& self = net.hosts[static_cast<std::size_t>(on)];
  BindKind kind = BindKind::any;
  std::string bind_address = "0.0.0.0";
  if (host.empty() || host == "0.0.0.0") {
  } else if (host == "localhost" || host == "127.0.0.1") {
    kind = BindKind::loopback;
    bind_address = "127.0.0.1";
  } else if (host == self.address || host == self.name) {
    kind = BindKind::own;
    bind_address = self.address;
  } else if (net.by_address.count(host) != 0 || net.by_name.count(host) != 0) {
    std::rethrow_exception(detail::bind_error(EADDRNOTAVAIL, tcp_address(host, port)));
  } else {
    throw_gaierror();
  }
  if (port < 0 || port > 65535) throw OSError(EINVAL, "port must be 0-65535.");
  if (port == 0) {
    port = net.allocate_port(on);
  } else if (net.tcp_listeners.count({on, port}) != 0) {
    std::rethrow_exception(detail::bind_error(EADDRINUSE, tcp_address(bind_address, port)));
  }
  record_described("listen", static_cast<std::uint64_t>(on), static_cast<std::uint64_t>(port),
                   [&] { return net.endpoint_name(on, port); });
  std::vector<std::unique_ptr<Listener>> listeners;
  listeners.push_back(std::make_unique<SimListener>(net, on, port, kind, SocketAddress{bind_address, port, ""}));
  auto server = std::make_shared<Server>(*this, std::move(listeners), std::move(factory), options.backlog);
  if (options.start_serving) co_await server->start_serving();
  co_return server;
}

Task<std::shared_ptr<Transport>> SimLoop::do_create_unix_connection(ProtocolFactory factory, std::string path,
                                                                    const ConnectOptions& options) {
  reject_sock(options.sock);
  Network::Impl& net = network_->impl();
  // No host to default server_hostname to: asyncio requires it with ssl.
  std::optional<detail::TlsParams> tls = client_tls(net, options, std::string());
  const int on = net.current_host();
  record_described("connect-unix", static_cast<std::uint64_t>(on), path.size(),
                   [&] { return net.endpoint_name(on) + " -> " + path; });
  const std::int64_t rtt = net.latency_ns(on, on) + net.latency_ns(on, on);
  // A Unix connect fails with the bare errno (sock_connect adds no address for AF_UNIX paths).
  const auto refused = detail::os_error(ECONNREFUSED);
  co_await connect_faults(*this, net, rtt, detail::python_repr(path), refused);
  auto found = net.unix_paths.find({on, path});
  if (found == net.unix_paths.end()) std::rethrow_exception(detail::os_error(ENOENT));
  SimListener* listener = found->second;
  if (listener == nullptr || !listener->listening()) std::rethrow_exception(refused);
  if (listener->queue_full() || net.rng.chance(net.faults.backlog_full)) {
    net.fault("fault-backlog-full", 0);
    std::rethrow_exception(refused);
  }
  auto transport = net.establish(on, SocketAddress{}, on, SocketAddress{"", 0, path}, *listener);
  co_return co_await start_client(*this, std::move(transport), std::move(factory), std::move(tls));
}

Task<std::shared_ptr<Server>> SimLoop::do_create_unix_server(ProtocolFactory factory, std::string path,
                                                             const ServerOptions& options) {
  reject_sock(options.sock);
  Network::Impl& net = network_->impl();
  factory = server_factory(net, std::move(factory), options);
  const int on = net.current_host();
  auto found = net.unix_paths.find({on, path});
  if (found != net.unix_paths.end()) {
    // A socket file is removed before bind (CPython does this); an abstract name can't be.
    if (path[0] == '\0' && found->second != nullptr) {
      std::rethrow_exception(detail::unix_address_in_use(path));
    }
    net.unix_paths.erase(found);
  }
  record_described("listen-unix", static_cast<std::uint64_t>(on), path.size(),
                   [&] { return net.endpoint_name(on) + ":" + path; });
  std::vector<std::unique_ptr<Listener>> listeners;
  listeners.push_back(std::make_unique<SimListener>(net, on, path, options.cleanup_socket));
  auto server = std::make_shared<Server>(*this, std::move(listeners), std::move(factory), options.backlog);
  if (options.start_serving) co_await server->start_serving();
  co_return server;
}

}  // namespace aiostreams::sim
