// FNV-1a over bytes: how the workloads check payloads end to end.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace aiostreams::sim::workloads::detail {

class Fnv1a {
 public:
  void add(std::string_view bytes) noexcept {
    for (unsigned char c : bytes) {
      hash_ ^= c;
      hash_ *= 0x100000001b3ULL;
    }
  }
  std::uint64_t value() const noexcept { return hash_; }
  std::string hex() const;

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

inline std::string Fnv1a::hex() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 0; i < 16; ++i) out[15 - i] = digits[(hash_ >> (4 * i)) & 0xF];
  return out;
}

}  // namespace aiostreams::sim::workloads::detail
