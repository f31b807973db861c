// SimLoop: the deterministic event loop. Virtual time in integer nanoseconds that jumps to
// the next timer when nothing is ready; FIFO ready queue; timers ordered by (time,
// sequence number); one seeded PRNG. It never reads the wall clock.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aiostreams/connection_options.hpp"
#include "aiostreams/detail/timer_heap.hpp"
#include "aiostreams/errors.hpp"
#include "aiostreams/loop.hpp"
#include "aiostreams/sim/prng.hpp"
#include "aiostreams/task.hpp"

namespace aiostreams::sim {

/// Thrown by SimLoop when nothing can run, no timer is pending, and the awaited work is
/// not done: on a real loop this program would hang forever.
class DeadlockError : public RuntimeError {
 public:
  using RuntimeError::RuntimeError;
};

class Network;

/// One recorded decision of a run (kept only while SimLoop::set_trace(true)).
struct TraceEvent {
  std::uint64_t index;   // position in the run's event sequence
  std::int64_t time_ns;  // virtual time when it happened
  std::string description;
};

class SimLoop final : public Loop {
 public:
  explicit SimLoop(std::uint64_t seed = 0);
  ~SimLoop() override;

  void call_soon(Callback cb) override;
  TimerHandle call_at(double when, Callback cb) override;
  /// call_at in virtual nanoseconds.
  TimerHandle call_at_ns(std::int64_t when_ns, Callback cb);
  double time() const override { return static_cast<double>(now_ns_) / 1e9; }
  std::int64_t now_ns() const noexcept { return now_ns_; }

  /// Runs until stop(). Throws DeadlockError if nothing can ever run again; its what()
  /// lists every pending task, its host and what it waits on (describe_pending_tasks()).
  void run_forever() override;
  void stop() override { stopping_ = true; }

  /// Runs ready callbacks, and timers due at the current time, until none are left.
  /// Does not advance virtual time. Returns how many callbacks ran.
  std::size_t run_until_idle() override;

  /// Runs one asyncio-style iteration: if nothing is ready, jump to the next timer; move
  /// the due timers to the ready queue; run the callbacks that were ready at the start.
  /// Returns false if there was nothing at all to do.
  bool run_once();
  /// How many timers the loop holds (live and cancelled-but-not-yet-dropped), for tests:
  /// it stays O(live timers) however many are cancelled.
  std::size_t scheduled_timer_count() const noexcept { return timers_.size(); }

  /// The simulation's generator (draws are part of the run's determinism).
  Prng& rng() noexcept { return rng_; }
  std::uint64_t seed() const noexcept { return rng_.seed(); }
  /// How many callbacks ran so far (the simulator's "events").
  std::uint64_t events_run() const noexcept { return events_run_; }

  // ---- the simulated network (see network.hpp) ----
  Network& network() noexcept { return *network_; }
  /// loop.start_tls with the TLS engine over the simulated transport (see Loop::start_tls);
  /// OpenSSL's randomness comes from the seed, as for ssl= connections.
  Task<std::shared_ptr<Transport>> start_tls(std::shared_ptr<Transport> transport, std::shared_ptr<Protocol> protocol,
                                             std::shared_ptr<SslContext> sslcontext,
                                             const StartTlsOptions& options) override;

  // ---- determinism ----
  /// A 64-bit digest of every decision so far: each callback run (with its virtual time),
  /// each draw of rng() and of the network's streams, each network event and fault.
  std::uint64_t digest() const noexcept { return digest_; }
  /// How many events went into the digest.
  std::uint64_t events_recorded() const noexcept { return recorded_; }
  /// Keeps a readable log of the recorded events from now on (off by default: costly).
  void set_trace(bool on) { trace_on_ = on; }
  bool trace_enabled() const noexcept { return trace_on_; }
  const std::vector<TraceEvent>& trace() const noexcept { return trace_; }
  /// Adds a decision to the digest (and to the trace): `what` names it, a and b qualify it.
  void record(const char* what, std::uint64_t a = 0, std::uint64_t b = 0);
  /// record(), with the trace line written by `describe()` instead of the numbers
  /// ("connect client-1 -> server:8888"). The digest is record()'s: only a and b go in, and
  /// `describe` runs only while the trace is on.
  template <class Describe>
  void record_described(const char* what, std::uint64_t a, std::uint64_t b, Describe&& describe) {
    mix_event(what, a, b);
    if (trace_on_) push_trace(std::string(what) + ' ' + describe());
  }

  // ---- buggify (see buggify.hpp) ----
  void set_buggify_enabled(bool on) noexcept { buggify_on_ = on; }
  bool buggify_enabled() const noexcept { return buggify_on_; }
  /// The decision for one call site.
  bool buggify_site(const char* file, int line) override;

 protected:
  // The simulated network behind Loop's create_connection & co. (the arguments are checked
  // there). sock= raises NotImplementedError: simulated hosts have no descriptors.
  Task<std::shared_ptr<Transport>> do_create_connection(ProtocolFactory factory, std::string host, int port,
                                                        const ConnectOptions& options) override;
  Task<std::shared_ptr<Server>> do_create_server(ProtocolFactory factory, std::string host, int port,
                                                 const ServerOptions& options) override;
  Task<std::shared_ptr<Transport>> do_create_unix_connection(ProtocolFactory factory, std::string path,
                                                             const ConnectOptions& options) override;
  Task<std::shared_ptr<Server>> do_create_unix_server(ProtocolFactory factory, std::string path,
                                                      const ServerOptions& options) override;

 private:
  void mix_event(const char* what, std::uint64_t a, std::uint64_t b) noexcept;
  void push_trace(std::string text);
  void drop_cancelled_timers();
  void move_due_timers();
  static void rng_tap(void* self, std::uint64_t value) noexcept;
  void mix(std::uint64_t value) noexcept {
    digest_ = ((digest_ << 5 | digest_ >> 59) ^ value) * 0x9e3779b97f4a7c15ULL;
    ++recorded_;
  }

  std::int64_t now_ns_ = 0;
  std::uint64_t events_run_ = 0;
  bool stopping_ = false;
  std::deque<Callback> ready_;
  detail::TimerHeap<std::int64_t> timers_;  // compacts as CPython's heap does
  Prng rng_;
  std::uint64_t digest_ = 0x6a09e667f3bcc908ULL;
  std::uint64_t recorded_ = 0;
  bool trace_on_ = false;
  std::vector<TraceEvent> trace_;
  bool buggify_on_ = true;
  Prng buggify_rng_;
  std::map<std::pair<std::string, int>, bool> buggify_sites_;  // file:line -> activated
  std::unique_ptr<Network> network_;
};

}  // namespace aiostreams::sim
