// asyncio's "TCP echo server using streams", line for line:
//
//   async def handle_echo(reader, writer):
//       data = await reader.read(100)
//       ...
//   async def main():
//       server = await asyncio.start_server(handle_echo, '127.0.0.1', 8888)
//       async with server:
//           await server.serve_forever()
//
// Options: --host H (127.0.0.1), --port P (8888; 0 picks a free port, printed on the
// first line), --max-connections N (0: forever; otherwise close the server after N
// connections have been served, so a test can bound it), --cert FILE --key FILE (serve over
// TLS with that certificate chain and key: ssl=context after context.load_cert_chain()).
#include <aiostreams/run.hpp>
#include <aiostreams/ssl_context.hpp>
#include <aiostreams/streams.hpp>
#include <cstdio>
#include <string>

#include "example_util.hpp"

using aiostreams::StreamReader;
using aiostreams::StreamWriter;
using aiostreams::Task;

namespace {

int max_connections = 0;  // 0: serve forever
int served = 0;
std::shared_ptr<aiostreams::Server> the_server;

Task<void> handle_echo(std::shared_ptr<StreamReader> reader, std::shared_ptr<StreamWriter> writer) {
  const std::string data = co_await reader->read(100);
  const auto addr = std::any_cast<aiostreams::SocketAddress>(writer->get_extra_info("peername"));
  std::printf("Received %s from %s\n", example::py_repr(data).c_str(), example::py_addr(addr.host, addr.port).c_str());

  std::printf("Send: %s\n", example::py_repr(data).c_str());
  writer->write(data);
  co_await writer->drain();

  std::printf("Close the connection\n");
  writer->close();
  co_await writer->wait_closed();

  if (max_connections > 0 && ++served == max_connections) the_server->close();  // ends serve_forever
}

Task<void> amain(std::string host, int port, aiostreams::ServerOptions options) {
  the_server = co_await aiostreams::start_server(handle_echo, host, port, options);
  std::string addrs;
  for (const auto& sock : the_server->sockets()) addrs += (addrs.empty() ? "" : ", ") + sock.to_string();
  std::printf("Serving on %s\n", addrs.c_str());
  try {
    co_await the_server->serve_forever();
  } catch (const aiostreams::CancelledError&) {
    // close() ends serve_forever with CancelledError, as in Python 3.12+
  }
  co_await the_server->aclose();  // `async with server:`
  the_server.reset();
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // line by line, so a parent sees the port at once
  const example::Args args(argc, argv, "[--host H] [--port P] [--max-connections N] [--cert FILE --key FILE]");
  max_connections = args.int_option("--max-connections", 0);
  const std::string cert = args.option("--cert", "");
  try {
    aiostreams::ServerOptions options;
    if (!cert.empty()) {
      options.ssl = aiostreams::SslContext::server();
      options.ssl->load_cert_chain(cert, args.option("--key", ""));
    }
    aiostreams::run(amain(args.option("--host", "127.0.0.1"), args.int_option("--port", 8888), options));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tcp_echo_server: %s\n", e.what());
    return 1;
  }
  if (max_connections > 0) std::printf("Served %d connections\n", served);
}
