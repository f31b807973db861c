#include "aiostreams/detail/python_format.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace aiostreams::detail {

std::string python_repr(std::string_view text) {
  // Python prefers single quotes, and switches to double ones only to avoid escaping.
  const bool has_single = text.find('\'') != std::string_view::npos;
  const bool has_double = text.find('"') != std::string_view::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  static constexpr const char* hex = "0123456789abcdef";
  std::string out(1, quote);
  for (unsigned char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == static_cast<unsigned char>(quote)) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += quote;
  return out;
}

std::string address_repr(const SocketAddress& address) {
  if (address.is_unix()) return python_repr(address.path);
  std::string text = "(" + python_repr(address.host) + ", " + std::to_string(address.port);
  if (address.host.find(':') != std::string::npos) text += ", 0, 0";  // IPv6: flowinfo, scope_id
  return text + ")";
}

std::string os_error_message(int error_number, std::string_view text) {
  return "[Errno " + std::to_string(error_number) + "] " + std::string(text);
}

std::string os_error_message(int error_number) { return os_error_message(error_number, std::strerror(error_number)); }

std::string lowered_strerror(int error_number) {
  std::string text = std::strerror(error_number);
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string python_number(double value) {
  // A whole number prints as Python's int does; anything else with the fewest digits
  // that read back the same, as repr(float) does.
  if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char text[64] = {};
  double parsed = 0;
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(text, sizeof text, "%.*g", precision, value);
    if (std::sscanf(text, "%lf", &parsed) == 1 && parsed == value) break;
  }
  return text;
}

}  // namespace aiostreams::detail
