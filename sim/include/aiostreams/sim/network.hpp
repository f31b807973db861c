// The simulated network behind SimLoop: hosts with loopback-range addresses, TCP ports and
// Unix socket paths per host, connections modelled as two ordered byte streams with
// latency, bandwidth, random segmentation and bounded kernel buffers, and injected faults.
// See sim/README.md for the model and its known differences from a real kernel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aiostreams/sim/prng.hpp"
#include "aiostreams/task.hpp"

namespace aiostreams::sim {

class SimLoop;

/// How long a segment takes to cross a link (on top of the per-host-pair base latency).
struct LatencyModel {
  enum class Kind : std::uint8_t { fixed, uniform, exponential, bimodal };
  Kind kind = Kind::fixed;
  double a = 0;  // fixed: the value; uniform: min; exponential: mean; bimodal: fast
  double b = 0;  // uniform: max; bimodal: slow
  double p = 0;  // bimodal: probability of the slow value

  static LatencyModel fixed(double seconds) { return {Kind::fixed, seconds, 0, 0}; }
  static LatencyModel uniform(double min_seconds, double max_seconds) {
    return {Kind::uniform, min_seconds, max_seconds, 0};
  }
  static LatencyModel exponential(double mean_seconds) { return {Kind::exponential, mean_seconds, 0, 0}; }
  static LatencyModel bimodal(double fast_seconds, double slow_seconds, double p_slow) {
    return {Kind::bimodal, fast_seconds, slow_seconds, p_slow};
  }
  /// One sample in nanoseconds (never negative), drawn from `rng`.
  std::int64_t sample_ns(Prng& rng) const noexcept;
};

/// The knobs of the healthy network. Change them before the first connection.
struct NetworkConfig {
  /// Per-segment latency between two different hosts.
  LatencyModel latency = LatencyModel::uniform(100e-6, 1e-3);
  /// Per-segment latency within one host (127.0.0.1, own address, Unix sockets).
  LatencyModel loopback_latency = LatencyModel::fixed(20e-6);
  /// Each pair of different hosts gets a stable extra latency, uniform in [0, this], drawn
  /// once when the pair first talks.
  double pair_base_latency_max = 2e-3;
  /// Bytes per second per direction; 0 = unlimited. Segments are serialized FIFO.
  double bandwidth = 0;
  /// Largest segment.
  std::size_t mss = 65536;
  /// Probability that a segment is cut to a random prefix (1..size) of what could be sent:
  /// this is what makes reads see partial data.
  double segmentation_probability = 0.5;
  /// Kernel send buffer per socket (bytes taken from the transport's write buffer).
  std::size_t send_buffer = 64 * 1024;
  /// Kernel receive buffer per socket (the window the peer may fill).
  std::size_t receive_buffer = 64 * 1024;
  /// Largest data_received() chunk (CPython's selector transport reads 256 KiB at most).
  std::size_t max_read = 256 * 1024;
};

/// Injected faults, all off by default. Probabilities are per connection attempt (connect
/// faults), per accepted connection (accept error), per established connection (timed
/// faults, which fire at a moment uniform in [0, fault_window] after establishment), per
/// direction (stall) or per socket (slow reader).
struct FaultConfig {
  double connect_refused = 0;                        ///< connect fails with ConnectionRefusedError
  double connect_hang = 0;                           ///< connect never completes (cancel it with wait_for)
  double backlog_full = 0;                           ///< the listener's queue is full: connect is refused
  double accept_error = 0;                           ///< accept() fails (exception handler); the client sees a reset
  double reset = 0;                                  ///< both ends get ConnectionResetError at a random moment
  double silent_close = 0;                           ///< the peer vanishes: no FIN, no RST, nothing arrives any more
  double half_close = 0;                             ///< the accepting side's kernel sends FIN early
  double partition = 0;                              ///< the two hosts are partitioned for a while (segments held)
  double one_way_share = 0.5;                        ///< how many partitions block one direction only
  double stall = 0;                                  ///< a direction delivers nothing for a while
  double slow_reader = 0;                            ///< a socket hands its protocol small chunks, slowly
  double fault_window = 1.0;                         ///< seconds after establishment in which timed faults fire
  double partition_min = 0.01, partition_max = 0.5;  ///< partition duration (seconds)
  double stall_min = 0.01, stall_max = 0.2;          ///< stall duration (seconds)
  double long_share = 0;                ///< how many partitions and stalls are long instead: from 1 s up to
  double partition_long_max = 120;      ///< this (seconds) for a partition
  double stall_long_max = 60;           ///< and this for a stall: longer than a client's timeouts
  std::size_t slow_reader_chunk = 512;  ///< bytes per slow read
  double slow_reader_interval = 1e-3;   ///< seconds between slow reads
  double host_crash = 0;                ///< a host with a restart hook crashes once in [0, `crash_window`] s
  double crash_window = 10.0;           ///< seconds after the hook's registration (or a restart) a crash may come
  double crash_silent_share = 0.5;      ///< how many crashes are silent (the machine is gone) rather than resets
  double restart_min = 0.1, restart_max = 5.0;  ///< seconds from a crash to the restart hook

  /// True if any fault can fire.
  bool any() const noexcept;
  /// "reset=0.1 partition=0.05 ..." listing the non-zero probabilities ("none" if none).
  std::string to_string() const;
};

/// Per-seed fault mix (swarm testing): which faults are on and their knobs, drawn from the
/// seed's own "swarm" stream, so that enabling it never shifts the simulation's draws.
struct Swarm {
  /// A quarter of the seeds make some partitions and stalls long (`long_share` of them, 1 s
  /// to 2 min and 1 s to 1 min: longer than a client's timeouts, so that timeout paths run);
  /// otherwise they stay below about 1 s. `duration_scale` multiplies every partition, stall
  /// and restart duration the seed can give.
  static FaultConfig draw(std::uint64_t seed, double duration_scale = 1.0);
};

/// The network of one SimLoop (SimLoop::network()). Host 0 is "localhost" at 127.0.0.1;
/// every other host gets 127.0.0.2, 127.0.0.3, ... in creation order. From any host,
/// 127.0.0.1 and "localhost" mean the host itself. A task runs on the host named by its
/// TaskContext (see spawn_on); a task without one runs on "localhost".
class Network {
 public:
  explicit Network(SimLoop& loop);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  /// Adds a host (or returns the existing one's address). Returns its address.
  std::string add_host(const std::string& name);
  bool has_host(const std::string& name) const;
  /// The address of a host. Throws ValueError for an unknown host.
  std::string address_of(const std::string& name) const;
  /// Host names in creation order.
  std::vector<std::string> host_names() const;

  NetworkConfig& config() noexcept;
  void set_config(const NetworkConfig& config);
  FaultConfig& faults() noexcept;
  void set_faults(const FaultConfig& faults);
  /// set_faults(Swarm::draw(loop.seed(), duration_scale)).
  void enable_swarm(double duration_scale = 1.0);

  /// Partitions hosts a and b for `seconds` of virtual time: segments from a to b (and b to
  /// a unless one_way) are held, not lost, and delivered in order once it heals.
  /// Throws ValueError for an unknown host.
  void partition(const std::string& a, const std::string& b, double seconds, bool one_way = false);

  /// Ends every partition and stall now; the segments they held are delivered in order. With
  /// set_faults({}) this is a quiet phase: nothing stands between the hosts any more.
  void heal();

  /// Crashes `host` now, as when its process is killed: every task running on the host is
  /// cancelled (its stack unwinds under CancelledError: the simulation's stand-in for
  /// vanishing), its listeners close (new connects are refused), and each of its connections
  /// ends before those tasks could close it: with a reset the peers get ConnectionResetError;
  /// `silent` (the machine is gone) makes nothing arrive any more either way. If a restart
  /// hook is registered (on_restart), it is spawned on the host `restart_after` seconds later.
  /// Run the service as a spawned task (spawn_on), not as the awaited main task, so that its
  /// cancellation is the service's, not the test's. Throws ValueError for an unknown host.
  void crash(const std::string& host, bool silent = false, double restart_after = 1.0);
  /// Registers what brings `host`'s service back after a crash: `restart()` runs as a task on
  /// the host. It also makes the host a target of the host_crash fault (swarm): with that
  /// probability a crash comes once in [0, crash_window] s, and again after each restart.
  void on_restart(const std::string& host, std::function<Task<void>()> restart);
  /// Crashes so far.
  std::uint64_t crashes() const noexcept;

  /// Counters (for tests and reports).
  std::uint64_t connections_established() const noexcept;
  std::uint64_t segments_delivered() const noexcept;
  std::uint64_t faults_fired() const noexcept;

  struct Impl;
  Impl& impl() noexcept { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aiostreams::sim
