// asyncio's "Get HTTP headers" example:
//
//   async def print_http_headers(url):
//       url = urllib.parse.urlsplit(url)
//       if url.scheme == 'https':
//           reader, writer = await asyncio.open_connection(url.hostname, 443, ssl=True)
//       else:
//           reader, writer = await asyncio.open_connection(url.hostname, 80)
//       query = (f"HEAD {url.path or '/'} HTTP/1.0\r\n"
//                f"Host: {url.hostname}\r\n"
//                f"\r\n")
//       writer.write(query.encode('latin-1'))
//       while True:
//           line = await reader.readline()
//           ...
//           if line: print(f'HTTP header> {line}')
//
// Usage: http_headers [--cafile FILE] http[s]://host[:port][/path]
// Prints every header line of the response (the status line first) until the blank line
// that ends them. https verifies the server against the system store, as ssl=True does;
// --cafile trusts one more CA (a test's throwaway one).
#include <aiostreams/run.hpp>
#include <aiostreams/ssl_context.hpp>
#include <aiostreams/streams.hpp>
#include <aiostreams/wait_for.hpp>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "example_util.hpp"

using aiostreams::SslContext;
using aiostreams::Task;

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;
  int port = 0;
  std::string path = "/";
};

// urlsplit() for the only forms we accept: http[s]://host[:port][/path][?query].
Url urlsplit(const std::string& text) {
  Url url;
  const auto sep = text.find("://");
  if (sep != std::string::npos) url.scheme = text.substr(0, sep);
  if (url.scheme != "http" && url.scheme != "https")
    throw std::invalid_argument("not an http:// or https:// URL: " + text);
  url.port = url.scheme == "https" ? 443 : 80;
  const std::string rest = text.substr(sep + 3);
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

// ssl: null for http://; for https://, the context that verifies the server as url.host.
Task<void> print_http_headers(Url url, std::shared_ptr<SslContext> ssl) {
  aiostreams::ConnectOptions options;
  if (ssl) {
    options.ssl = ssl;
    options.server_hostname = url.host;
  }
  auto [reader, writer] = co_await aiostreams::open_connection(url.host, url.port, options);

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

// The error in one line. A ConnectionError also gets its errno's text ("Connection refused"),
// which Python's traceback shows as the class name (ConnectionRefusedError).
std::string describe(const std::exception& e) {
  std::string text = e.what();
  if (const auto* error = dynamic_cast<const aiostreams::ConnectionError*>(&e)) {
    const std::string reason = error->code().message();
    if (text.find(reason) == std::string::npos) text += ": " + reason;
  }
  return text;
}

int main(int argc, char** argv) {
  const example::Args args(argc, argv, "[--cafile FILE] http[s]://host[:port][/path]");
  const std::string cafile = args.option("--cafile", "");
  const std::string text = args.positional("");
  if (text.empty()) args.fail();
  Url url;
  try {
    url = urlsplit(text);
    if (!cafile.empty() && url.scheme != "https") throw std::invalid_argument("--cafile needs an https:// URL");
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "http_headers: %s\n", e.what());
    return 2;
  }
  try {
    std::shared_ptr<SslContext> ssl;
    if (url.scheme == "https") {
      ssl = SslContext::create_default_client();  // ssl=True
      if (!cafile.empty()) ssl->load_verify_locations(cafile);
    }
    aiostreams::run(print_http_headers(url, ssl));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "http_headers: %s\n", describe(e).c_str());
    return 1;
  }
}
