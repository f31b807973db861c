// The reader benchmarks' data, built once per process: the same bytes for our reader and
// for the hand-written Asio loop (bench/cpython_reader_bench.py builds them by the same recipe).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aiostreams_bench {

inline constexpr std::size_t kMiB = std::size_t{1} << 20;

// `count` lines of `line_size` bytes each, the last byte "\n", the rest printable.
inline std::string make_lines(std::size_t line_size, std::size_t total) {
  std::string data;
  data.reserve(total);
  std::size_t n = 0;
  while (data.size() + line_size <= total) {
    for (std::size_t i = 0; i + 1 < line_size; ++i) data.push_back(static_cast<char>('a' + (n + i) % 26));
    data.push_back('\n');
    ++n;
  }
  return data;
}

// HTTP-header-like lines ending in "\r\n": a request line, then headers of varying length,
// then an empty line; repeated until `total` bytes.
inline std::string make_http_headers(std::size_t total) {
  static constexpr std::string_view kBlock =
      "GET /index.html?q=aiostreams HTTP/1.1\r\n"
      "Host: www.example.com\r\n"
      "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0\r\n"
      "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
      "Accept-Language: en-US,en;q=0.5\r\n"
      "Accept-Encoding: gzip, deflate, br\r\n"
      "Connection: keep-alive\r\n"
      "Cookie: session=0123456789abcdef0123456789abcdef; theme=dark\r\n"
      "Upgrade-Insecure-Requests: 1\r\n"
      "Cache-Control: max-age=0\r\n"
      "\r\n";
  std::string data;
  data.reserve(total);
  while (data.size() + kBlock.size() <= total) data.append(kBlock);
  return data;
}

// Frames: 4-byte big-endian length, then that many payload bytes.
inline std::string make_frames(std::size_t payload, std::size_t total) {
  std::string data;
  data.reserve(total);
  std::size_t n = 0;
  while (data.size() + 4 + payload <= total) {
    const auto len = static_cast<std::uint32_t>(payload);
    data.push_back(static_cast<char>(len >> 24));
    data.push_back(static_cast<char>(len >> 16));
    data.push_back(static_cast<char>(len >> 8));
    data.push_back(static_cast<char>(len));
    for (std::size_t i = 0; i < payload; ++i) data.push_back(static_cast<char>((n + i) & 0xff));
    ++n;
  }
  return data;
}

inline const std::string& lines10() {
  static const std::string data = make_lines(10, 8 * kMiB);
  return data;
}
inline const std::string& lines100() {
  static const std::string data = make_lines(100, 8 * kMiB);
  return data;
}
inline const std::string& lines1m() {
  static const std::string data = make_lines(kMiB, 8 * kMiB);
  return data;
}
inline const std::string& http_headers() {
  static const std::string data = make_http_headers(8 * kMiB);
  return data;
}
inline const std::string& frames100() {
  static const std::string data = make_frames(100, 8 * kMiB);
  return data;
}

}  // namespace aiostreams_bench
