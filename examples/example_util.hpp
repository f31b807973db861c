// Small helpers shared by the examples: Python's repr() of bytes-as-text and a tiny
// "--name value" command-line parser. Nothing here is part of the library.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace example {

// Python's repr() of a str: 'Hello World!', or "it's" (double quotes when the text has a
// single quote and no double quote), with \n, \r, \t, \\ and the quote escaped.
inline std::string py_repr(std::string_view text) {
  const char quote = text.find('\'') != text.npos && text.find('"') == text.npos ? '"' : '\'';
  std::string out(1, quote);
  for (unsigned char c : text) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c == static_cast<unsigned char>(quote)) {
          out += '\\';
          out += quote;
        } else if (c < 0x20 || c == 0x7f) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02x", c);
          out += hex;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + quote;
}

// Python's repr() of a (host, port) tuple, as asyncio prints a peername.
inline std::string py_addr(const std::string& host, int port) {
  return "('" + host + "', " + std::to_string(port) + ")";
}

// Reads "--flag value" pairs and positional arguments; exits with usage on a bad flag.
class Args {
 public:
  Args(int argc, char** argv, const char* usage) : argc_(argc), argv_(argv), usage_(usage) {}
  // The value of --name, or fallback.
  std::string option(std::string_view name, std::string fallback) const {
    for (int i = 1; i + 1 < argc_; ++i)
      if (argv_[i] == name) return argv_[i + 1];
    return fallback;
  }
  int int_option(std::string_view name, int fallback) const {
    const std::string value = option(name, std::to_string(fallback));
    char* end = nullptr;
    const long parsed = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0') fail();
    return static_cast<int>(parsed);
  }
  // The first argument that is neither a flag nor a flag's value, or fallback.
  std::string positional(std::string fallback) const {
    for (int i = 1; i < argc_; ++i) {
      const std::string_view arg = argv_[i];
      if (arg == "-h" || arg == "--help") fail(0);
      if (arg.starts_with("--")) {
        ++i;
        continue;
      }
      return std::string(arg);
    }
    return fallback;
  }
  [[noreturn]] void fail(int status = 2) const {
    std::fprintf(status ? stderr : stdout, "usage: %s %s\n", argv_[0], usage_);
    std::exit(status);
  }

 private:
  int argc_;
  char** argv_;
  const char* usage_;
};

}  // namespace example
