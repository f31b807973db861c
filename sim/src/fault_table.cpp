// The fault table's lookups and its Markdown form (see fault_table.hpp).
#include "aiostreams/sim/fault_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace aiostreams::sim {

const FaultInfo* find_fault(std::string_view name) noexcept {
  for (const auto& fault : fault_table) {
    if (fault.name == name) return &fault;
  }
  return nullptr;
}

std::string fault_names() {
  std::string names;
  for (const auto& fault : fault_table) {
    if (!names.empty()) names += ", ";
    names += fault.name;
  }
  return names;
}

namespace {
// A probability as the usage shows it: decimal digits with at most one point, in [0, 1]
// ("0.2", "1", ".5"). No sign, exponent, hex ("0x1"), "inf"/"nan" or spaces, all of which
// strtod would take.
// A plain decimal number ("0.2", "10", ".5"), or -1 for anything else (signs, exponents, hex).
double parse_decimal(const std::string& value) {
  const bool plain = !value.empty() && value != "." && std::count(value.begin(), value.end(), '.') <= 1 &&
                     std::all_of(value.begin(), value.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
  return plain ? std::strtod(value.c_str(), nullptr) : -1;
}

double parse_probability(const std::string& item, const std::string& value) {
  const double probability = parse_decimal(value);
  if (!(probability >= 0 && probability <= 1)) {
    throw std::invalid_argument("'" + item + "': the probability must be a decimal number in [0, 1], such as 0.2");
  }
  return probability;
}
}  // namespace

void FaultSpec::apply(Network& network) const {
  if (swarm) {
    network.enable_swarm(duration_scale);
  } else {
    network.set_faults(config);
  }
}

FaultSpec parse_fault_spec(const std::string& spec) {
  FaultSpec result;
  result.swarm = spec == "swarm";
  if (spec == "none" || result.swarm) return result;
  if (spec.rfind("swarm*", 0) == 0) {
    const double scale = parse_decimal(spec.substr(6));
    if (!(scale > 0) || !std::isfinite(scale)) {
      throw std::invalid_argument("'" + spec +
                                  "': the swarm's duration scale must be a positive decimal number, such as swarm*10");
    }
    result.swarm = true;
    result.duration_scale = scale;
    return result;
  }
  std::size_t start = 0;
  while (start <= spec.size()) {
    const std::size_t end = std::min(spec.find(',', start), spec.size());
    const std::string item = spec.substr(start, end - start);
    const std::size_t equals = item.find('=');
    const std::string name = item.substr(0, equals);
    const FaultInfo* knob = find_fault(name);
    if (knob == nullptr) throw std::invalid_argument("unknown fault '" + name + "' (known: " + fault_names() + ")");
    if (equals == std::string::npos) {
      throw std::invalid_argument("'" + item + "' needs a probability: " + name + "=P, P in [0, 1]");
    }
    result.config.*(knob->field) = parse_probability(item, item.substr(equals + 1));
    start = end + 1;
  }
  return result;
}

std::string fault_table_markdown() {
  std::string text = "| fault | effect |\n|---|---|\n";
  for (const auto& fault : fault_table) {
    text += "| `";
    text += fault.name;
    text += "` | ";
    text += fault.description;
    text += " |\n";
  }
  return text;
}

}  // namespace aiostreams::sim
