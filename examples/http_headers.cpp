// asyncio's "Get HTTP headers" example:
//
//   async def print_http_headers(url):
//       url = urllib.parse.urlsplit(url)
//       reader, writer = await asyncio.open_connection(url.hostname, 80)
//       query = (f"HEAD {url.path or '/'} HTTP/1.0\r\n"
//                f"Host: {url.hostname}\r\n"
//                f"\r\n")
//       writer.write(query.encode('latin-1'))
//       while True:
//           line = await reader.readline()
//           ...
//           if line: print(f'HTTP header> {line}')
//
// Usage: http_headers http://host[:port][/path]
// Prints every header line of the response (the status line first) until the blank line
// that ends them. Only http:// for now: https:// needs TLS, which is not in aiostreams yet.
#include <aiostreams/run.hpp>
#include <aiostreams/streams.hpp>
#include <aiostreams/wait_for.hpp>
#include <cstdio>
#include <stdexcept>
#include <string>

using aiostreams::Task;

struct Url {
  std::string host;
  int port = 80;
  std::string path = "/";
};

// urlsplit() for the only form we accept: http://host[:port][/path][?query].
Url parse_http_url(const std::string& text) {
  const std::string scheme = "http://";
  if (text.rfind("https://", 0) == 0)
    throw std::invalid_argument("https:// is not supported yet: TLS is not in aiostreams yet; use an http:// URL");
  if (text.rfind(scheme, 0) != 0) throw std::invalid_argument("not an http:// URL: " + text);
  Url url;
  const std::string rest = text.substr(scheme.size());
  const auto slash = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos && rest[slash] == '/') url.path = rest.substr(slash, rest.find('#', slash) - slash);
  if (slash != std::string::npos && rest[slash] == '?') url.path = "/" + rest.substr(slash, rest.find('#') - slash);
  if (authority.find('@') != std::string::npos) authority = authority.substr(authority.rfind('@') + 1);
  std::size_t colon = authority.rfind(':');
  if (!authority.empty() && authority.front() == '[') {  // [::1]:8080
    const auto close = authority.find(']');
    if (close == std::string::npos) throw std::invalid_argument("bad IPv6 host in " + text);
    url.host = authority.substr(1, close - 1);
    colon = authority.find(':', close);
  } else {
    url.host = authority.substr(0, colon);
  }
  if (colon != std::string::npos) {
    const std::string port = authority.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
        std::stoi(port) > 65535)
      throw std::invalid_argument("bad port in " + text);
    url.port = std::stoi(port);
  }
  if (url.host.empty()) throw std::invalid_argument("no host in " + text);
  return url;
}

Task<void> print_http_headers(Url url) {
  auto [reader, writer] = co_await aiostreams::open_connection(url.host, url.port);

  const std::string query = "HEAD " + url.path + " HTTP/1.0\r\nHost: " + url.host + "\r\n\r\n";
  writer->write(query);

  for (;;) {
    std::string line = co_await aiostreams::wait_for(reader->readline(), 10.0);
    if (line.empty()) break;  // EOF before the blank line
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.empty()) break;  // the blank line: the headers are over
    std::printf("HTTP header> %s\n", line.c_str());
  }

  // Ignore the body, close the socket.
  writer->close();
  co_await writer->wait_closed();
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s http://host[:port][/path]\n", argv[0]);
    return 2;
  }
  Url url;
  try {
    url = parse_http_url(argv[1]);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "http_headers: %s\n", e.what());
    return 2;
  }
  try {
    aiostreams::run(print_http_headers(url));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "http_headers: %s\n", e.what());
    return 1;
  }
}
