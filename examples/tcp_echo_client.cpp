// asyncio's "TCP echo client using streams", line for line:
//
//   async def tcp_echo_client(message):
//       reader, writer = await asyncio.open_connection('127.0.0.1', 8888)
//       print(f'Send: {message!r}')
//       writer.write(message.encode())
//       await writer.drain()
//       data = await reader.read(100)
//       print(f'Received: {data.decode()!r}')
//       print('Close the connection')
//       writer.close()
//       await writer.wait_closed()
//
//   asyncio.run(tcp_echo_client('Hello World!'))
//
// Usage: tcp_echo_client [--host H] [--port P] [--cafile FILE] [MESSAGE]
// --cafile: connect over TLS (ssl=ssl.create_default_context(cafile=FILE)), verifying the
// server as H against that CA.
#include <aiostreams/run.hpp>
#include <aiostreams/ssl_context.hpp>
#include <aiostreams/streams.hpp>
#include <cstdio>
#include <string>

#include "example_util.hpp"

using aiostreams::Task;

Task<void> tcp_echo_client(std::string message, std::string host, int port, aiostreams::ConnectOptions options) {
  auto [reader, writer] = co_await aiostreams::open_connection(host, port, options);

  std::printf("Send: %s\n", example::py_repr(message).c_str());
  writer->write(message);
  co_await writer->drain();

  const std::string data = co_await reader->read(100);
  std::printf("Received: %s\n", example::py_repr(data).c_str());

  std::printf("Close the connection\n");
  writer->close();
  co_await writer->wait_closed();
}

int main(int argc, char** argv) {
  const example::Args args(argc, argv, "[--host H] [--port P] [--cafile FILE] [MESSAGE]");
  const std::string message = args.positional("Hello World!");
  const std::string cafile = args.option("--cafile", "");
  try {
    aiostreams::ConnectOptions options;
    if (!cafile.empty()) {
      options.ssl = aiostreams::SslContext::client();
      options.ssl->load_verify_locations(cafile);
    }
    aiostreams::run(
        tcp_echo_client(message, args.option("--host", "127.0.0.1"), args.int_option("--port", 8888), options));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tcp_echo_client: %s\n", e.what());
    return 1;
  }
}
