// Private: the simulated network's moving parts (Network::Impl, SimTransport, SimListener).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aiostreams/backend/selector_transport.hpp"
#include "aiostreams/server.hpp"
#include "aiostreams/sim/network.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/task_context.hpp"
#include "aiostreams/transport.hpp"

namespace aiostreams::sim {

class SimTransport;
class SimListener;

/// Virtual nanoseconds for a duration in seconds (0 for anything not positive).
inline std::int64_t seconds_to_ns(double seconds) noexcept {
  if (!(seconds > 0)) return 0;
  return static_cast<std::int64_t>(std::llround(seconds * 1e9));
}

struct SimHost {
  std::string name;
  std::string address;
  int next_port = 49152;
  /// Its tasks' context (SimTaskContext); null for the default host, whose tasks have none.
  std::shared_ptr<const TaskContext> context;
};

/// How a listener is bound on its host.
enum class BindKind : std::uint8_t { any, loopback, own };

struct Network::Impl {
  explicit Impl(SimLoop& l);

  SimLoop& loop;
  NetworkConfig config;
  FaultConfig faults;
  Prng rng;      // "net" stream: latencies, segmentation, faults
  Prng tls_rng;  // "tls" stream: OpenSSL's randomness on this loop (sim_tls.cpp)

  std::vector<SimHost> hosts;
  std::map<std::string, int> by_name;
  std::map<std::string, int> by_address;
  std::map<std::pair<int, int>, std::int64_t> pair_base_ns;        // (low host, high host)
  std::map<std::pair<int, int>, std::int64_t> partitions;          // (from, to) -> healed at
  std::map<std::pair<int, int>, SimListener*> tcp_listeners;       // (host, port)
  std::map<std::pair<int, std::string>, SimListener*> unix_paths;  // nullptr: stale file
  std::map<std::uint64_t, std::shared_ptr<SimTransport>> live;     // kept alive by the "kernel"
  std::vector<std::weak_ptr<SimTransport>> all;
  std::vector<SimListener*> listeners;
  std::uint64_t next_id = 1;
  std::uint64_t established = 0, delivered = 0, fired = 0, crashes = 0;
  std::map<int, std::function<Task<void>()>> restart_hooks;  // host -> what restarts it

  int add_host(const std::string& name);
  /// The host of the running task ("localhost" when none).
  int current_host();
  int allocate_port(int host);
  std::int64_t latency_ns(int from, int to);
  std::int64_t partitioned_until(int from, int to) const {
    auto found = partitions.find({from, to});
    return found == partitions.end() ? 0 : found->second;
  }
  void partition(int a, int b, std::int64_t duration_ns, bool one_way);
  void fault(const char* what, std::uint64_t id);
  /// A fault on one connection: traced as "fault-reset client-1:49152 -> server:8888".
  void fault(const char* what, const SimTransport& on);
  /// A fault traced with the words `describe()` gives (see SimLoop::record_described).
  template <class Describe>
  void fault(const char* what, std::uint64_t id, Describe&& describe) {
    ++fired;
    loop.record_described(what, id, 0, std::forward<Describe>(describe));
  }
  /// "server:8888"; "server" for port < 0.
  std::string endpoint_name(int host, int port = -1) const;
  /// Makes both ends of a new connection; the server end goes to `listener`'s queue.
  std::shared_ptr<SimTransport> establish(int client_host, SocketAddress client_name, int server_host,
                                          SocketAddress server_name, SimListener& listener);
  /// A partition's or stall's duration: uniform in [min, max], or (long_share of the time)
  /// in [1 s, long_max].
  std::int64_t fault_duration_ns(double min, double max, double long_max);
  void schedule_timed_faults(const std::shared_ptr<SimTransport>& client, const std::shared_ptr<SimTransport>& server);
  void teardown() noexcept;
  /// Network::crash for host index `host` (host_crash.cpp).
  void crash(int host, bool silent, std::int64_t restart_after_ns);
  /// The host_crash fault: with its probability, a crash of `host` in [0, crash_window].
  void maybe_schedule_crash(int host);
};

/// asyncio's _SelectorSocketTransport on a simulated kernel socket: the state machine is
/// detail::SelectorTransport's; this class supplies the socket (send and receive buffers,
/// segments in flight, faults).
class SimTransport final : public detail::SelectorTransport {
 public:
  SimTransport(Network::Impl& net, std::uint64_t id, int host, SocketAddress sockname, SocketAddress peername);

  // ---- Transport ----
  std::any get_extra_info(std::string_view name) const override;
  /// The bytes above the kernel's send buffer (what asyncio would hold in its own buffer).
  std::size_t get_write_buffer_size() const override;

  // ---- the simulator's side ----
  void set_peer(const std::shared_ptr<SimTransport>& peer) {
    peer_ = peer;
    peer_host_ = peer->host_;
  }
  /// Gives the socket its protocol and schedules connection_made (server: after attach).
  void start(std::shared_ptr<Protocol> protocol, std::weak_ptr<Server> server);
  /// The connection was reset (RST, fault, refused accept): discard everything and report
  /// ConnectionResetError to the protocol.
  void hard_reset(bool notify_now);
  /// Sends RST to the peer and kills this socket without telling the protocol.
  void kill_with_rst();
  /// The kernel sends FIN now (half-close fault); later writes fail with EPIPE.
  void kernel_shutdown_write();
  /// Nothing arrives any more in either direction (silent close fault).
  void blackhole() noexcept { blackholed_ = true; }
  /// Its host crashed: the peer gets RST (and this end's protocol ConnectionResetError), or,
  /// if `silent`, the connection becomes a black hole both ways.
  void crash(bool silent);
  void stall_for(std::int64_t duration_ns);
  /// Ends a stall, and delivers what a stall or partition held as soon as it is due.
  void resume_delivery();
  void make_slow_reader() noexcept { slow_ = true; }
  void teardown() noexcept;
  std::uint64_t id() const noexcept { return id_; }
  int host() const noexcept { return host_; }
  /// For traces: "client-1:49152 -> server:8888" (host names, not addresses), or a Unix
  /// connection's "client-1 -> server:/tmp/s.sock".
  std::string describe() const;
  /// The same from the peer's side ("server:8888 -> client-1:49152").
  std::string describe_reversed() const;
  bool lost() const noexcept { return connection_lost_called() || reset_; }

 private:
  // ---- SelectorTransport's I/O hooks ----
  std::size_t write_data(std::string_view data) override;
  void drop_write_buffer() noexcept override;
  void shutdown_write() override;
  void add_reader() override;
  void remove_reader() override {}  // reading stops through closing() / reading_paused()
  void close_socket() override;

  std::string end_name(bool local) const;
  std::shared_ptr<SimTransport> self() { return std::static_pointer_cast<SimTransport>(shared_from_this()); }
  enum class Kind : std::uint8_t { data, fin, rst };
  struct Segment {
    std::int64_t arrival_ns;
    Kind kind;
    std::string data;
  };

  std::size_t out_size() const noexcept { return out_.size() - out_off_; }
  std::size_t in_size() const noexcept { return in_.size() - in_off_; }
  void transmit();
  void send_segment(Kind kind, std::string data);
  void arm_timer();
  void deliver_due();
  void on_segment(Segment& segment);
  void schedule_read();
  void read_ready();
  void on_window_open();
  void schedule_write_ready();
  void write_ready();
  void socket_close();
  void maybe_retire();

  Network::Impl* net_;
  std::uint64_t id_;
  int host_;
  int peer_host_ = 0;
  SocketAddress sockname_, peername_;
  std::weak_ptr<SimTransport> peer_;
  std::weak_ptr<Server> server_;
  bool attached_ = false;

  bool read_scheduled_ = false;
  bool write_ready_scheduled_ = false;
  bool reset_pending_ = false;  // RST arrived while nobody was looking

  // the kernel's side: outgoing
  std::string out_;  // untransmitted: [send buffer][transport write buffer]
  std::size_t out_off_ = 0;
  bool fin_queued_ = false;
  bool fin_sent_ = false;
  bool kernel_shut_wr_ = false;  // half-close fault: FIN sent behind the transport's back
  std::deque<Segment> flight_;
  std::size_t flight_bytes_ = 0;
  std::int64_t last_arrival_ns_ = 0;
  std::int64_t link_free_ns_ = 0;
  std::int64_t stalled_until_ns_ = 0;
  bool timer_armed_ = false;
  bool blackholed_ = false;

  // the kernel's side: incoming
  std::string in_;
  std::size_t in_off_ = 0;
  bool fin_received_ = false;
  bool eof_delivered_ = false;
  bool socket_closed_ = false;
  bool reset_ = false;
  bool slow_ = false;
  bool retired_ = false;
};

class SimListener final : public Listener {
 public:
  SimListener(Network::Impl& net, int host, int port, BindKind kind, SocketAddress address);
  SimListener(Network::Impl& net, int host, std::string path, bool cleanup);
  ~SimListener() override;

  void start(Server& server, int backlog) override;
  void close() override;
  SocketAddress address() const override { return address_; }

  bool accepts_from(bool via_loopback) const noexcept {
    return kind_ == BindKind::any || (via_loopback ? kind_ == BindKind::loopback : kind_ == BindKind::own);
  }
  bool listening() const noexcept { return started_ && !closed_; }
  bool queue_full() const noexcept { return static_cast<int>(queue_.size()) >= backlog_; }
  void enqueue(std::shared_ptr<SimTransport> endpoint);
  void detach_network() noexcept { net_ = nullptr; }
  int host() const noexcept { return host_; }

 private:
  void accept_one();

  Network::Impl* net_;
  int host_;
  int port_ = 0;
  std::string path_;
  bool unix_ = false;
  bool cleanup_ = true;
  BindKind kind_ = BindKind::any;
  SocketAddress address_;
  bool started_ = false;
  bool closed_ = false;
  int backlog_ = 100;
  std::weak_ptr<Server> server_;
  std::deque<std::shared_ptr<SimTransport>> queue_;
  bool accept_scheduled_ = false;
};

}  // namespace aiostreams::sim
