// The fault table's lookups and its Markdown form (see fault_table.hpp).
#include "aiostreams/sim/fault_table.hpp"

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
