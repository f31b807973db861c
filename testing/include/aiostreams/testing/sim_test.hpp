// Named simulation tests: what a user registers, and the context a test body gets.
//
//   AIOSTREAMS_SIM_TEST("echo", "clients get their lines back")(aiostreams::testing::SimTest& t) {
//     ... co_await ...; t.check(ok, "echo matches"); t.sometimes(retried, "a client retried");
//   }
//
// The body is a coroutine returning Task<void> (the macro writes the return type). It runs on
// a fresh SimLoop per seed; aiostreams::testing::main() runs it for one seed or a sweep.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/task.hpp"

namespace aiostreams::testing {

/// What the command line passes to every seed of a run (--clients, --rounds, --param k=v).
struct Params {
  int clients = 0;                            ///< 0: the test's default
  int rounds = 0;                             ///< 0: the test's default
  std::map<std::string, std::string> values;  ///< --param key=value
  /// values[key], or `fallback` when absent.
  std::string get(const std::string& key, const std::string& fallback = "") const;
};

/// The context of one run of one test on one seed. Not copyable; lives for the whole run.
class SimTest {
 public:
  SimTest(sim::SimLoop& loop, const Params& params, bool faults);
  SimTest(const SimTest&) = delete;
  SimTest& operator=(const SimTest&) = delete;

  sim::SimLoop& loop() noexcept { return loop_; }
  std::uint64_t seed() const noexcept { return loop_.seed(); }
  const Params& params() const noexcept { return params_; }
  /// True when faults are injected (--faults other than none): connection errors are then
  /// outcomes a test should tolerate, not violations.
  bool faults() const noexcept { return faults_; }

  /// An invariant that must always hold: a false `condition` records `message` as a
  /// violation (the seed fails). Returns `condition`.
  bool check(bool condition, std::string_view message);
  /// Records a violation unconditionally.
  void fail(std::string_view message);
  /// Something that must happen in at least one seed of a sweep (a coverage goal): the
  /// sweep fails, naming `name`, if no seed ever passed true here. Returns `condition`.
  bool sometimes(bool condition, std::string_view name);

  /// Adds `amount` to the counter `name` (round trips, retries, ...): reported per seed in
  /// SeedResult::counters and the --json report; never a verdict by itself.
  void count(std::string_view name, std::uint64_t amount = 1);
  const std::map<std::string, std::uint64_t>& counters() const noexcept { return counters_; }

  /// A liveness check for the quiet phase: after the body returns, faults stop, and
  /// `liveness` must complete within quiet_bound() seconds of virtual time, else violation.
  void on_quiet(std::function<Task<void>()> liveness);
  /// The quiet phase's bound (default 60 s of virtual time; the phase heals every partition
  /// and stall first, so only the service's own recovery counts).
  void set_quiet_bound(double seconds) noexcept { quiet_bound_ = seconds; }
  double quiet_bound() const noexcept { return quiet_bound_; }

  const std::vector<std::string>& violations() const noexcept { return violations_; }
  /// Every `sometimes` name evaluated in this run, and the ones that held at least once.
  const std::set<std::string>& sometimes_seen() const noexcept { return sometimes_seen_; }
  const std::set<std::string>& sometimes_held() const noexcept { return sometimes_held_; }
  const std::function<Task<void>()>& liveness() const noexcept { return liveness_; }

 private:
  sim::SimLoop& loop_;
  const Params& params_;
  bool faults_;
  double quiet_bound_ = 60.0;
  std::vector<std::string> violations_;
  std::set<std::string> sometimes_seen_, sometimes_held_;
  std::map<std::string, std::uint64_t> counters_;
  std::function<Task<void>()> liveness_;
};

/// A test body: a coroutine over the context.
using TestBody = std::function<Task<void>(SimTest&)>;

/// A registered test.
struct TestCase {
  std::string name;
  std::string description;
  TestBody body;
};

/// Registers a test; returns its index. Throws std::invalid_argument for an empty or
/// duplicate name, or a name with whitespace (it appears in replay commands).
std::size_t register_test(std::string name, std::string description, TestBody body);
/// Every registered test, in registration order.
const std::vector<TestCase>& registered_tests();
/// The test named `name`, or nullptr.
const TestCase* find_test(std::string_view name);

}  // namespace aiostreams::testing

#define AIOSTREAMS_SIM_TEST_CAT2(a, b) a##b
#define AIOSTREAMS_SIM_TEST_CAT(a, b) AIOSTREAMS_SIM_TEST_CAT2(a, b)
/// Defines and registers a simulation test; write the parameter list and body after it.
#define AIOSTREAMS_SIM_TEST(name, description)                                                              \
  static ::aiostreams::Task<void> AIOSTREAMS_SIM_TEST_CAT(aiostreams_sim_test_,                             \
                                                          __LINE__)(::aiostreams::testing::SimTest&);       \
  [[maybe_unused]] static const std::size_t AIOSTREAMS_SIM_TEST_CAT(aiostreams_sim_test_index_, __LINE__) = \
      ::aiostreams::testing::register_test(name, description,                                               \
                                           AIOSTREAMS_SIM_TEST_CAT(aiostreams_sim_test_, __LINE__));        \
  static ::aiostreams::Task<void> AIOSTREAMS_SIM_TEST_CAT(aiostreams_sim_test_, __LINE__)
