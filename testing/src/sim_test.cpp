// Test registration and the per-run context (see sim_test.hpp).
#include "aiostreams/testing/sim_test.hpp"

#include <stdexcept>

namespace aiostreams::testing {

std::string Params::get(const std::string& key, const std::string& fallback) const {
  const auto found = values.find(key);
  return found == values.end() ? fallback : found->second;
}

SimTest::SimTest(sim::SimLoop& loop, const Params& params, bool faults)
    : loop_(loop), params_(params), faults_(faults) {}

bool SimTest::check(bool condition, std::string_view message) {
  if (!condition) fail(message);
  return condition;
}

void SimTest::fail(std::string_view message) { violations_.emplace_back(message); }

bool SimTest::sometimes(bool condition, std::string_view name) {
  std::string key(name);
  if (condition) sometimes_held_.insert(key);
  sometimes_seen_.insert(std::move(key));
  return condition;
}

void SimTest::count(std::string_view name, std::uint64_t amount) { counters_[std::string(name)] += amount; }

void SimTest::on_quiet(std::function<Task<void>()> liveness) { liveness_ = std::move(liveness); }

namespace {
// A function-local static: registrations run during static initialization, in any order.
std::vector<TestCase>& registry() {
  static std::vector<TestCase> tests;
  return tests;
}
}  // namespace

std::size_t register_test(std::string name, std::string description, TestBody body) {
  if (name.empty() || name.find_first_of(" \t\n'\"") != std::string::npos) {
    throw std::invalid_argument("register_test: the name '" + name + "' must be one word (it is used in commands)");
  }
  if (find_test(name) != nullptr) throw std::invalid_argument("register_test: '" + name + "' is registered twice");
  registry().push_back({std::move(name), std::move(description), std::move(body)});
  return registry().size() - 1;
}

const std::vector<TestCase>& registered_tests() { return registry(); }

const TestCase* find_test(std::string_view name) {
  for (const auto& test : registry()) {
    if (test.name == name) return &test;
  }
  return nullptr;
}

}  // namespace aiostreams::testing
