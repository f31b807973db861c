// asyncio's Unix-socket streams: start_unix_server and open_unix_connection in one
// program, the TCP echo example's server and client talking over a socket file.
//
//   async def main():
//       server = await asyncio.start_unix_server(handle_echo, path)
//       async with server:
//           reader, writer = await asyncio.open_unix_connection(path)
//           writer.write(message.encode()); await writer.drain()
//           print(f'Received: {(await reader.read(100)).decode()!r}')
//
// Usage: unix_echo [--path P] [MESSAGE]; P defaults to a fresh file under $TMPDIR or /tmp.
#include <unistd.h>

#include <aiostreams/run.hpp>
#include <aiostreams/streams.hpp>
#include <aiostreams/wait_for.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "example_util.hpp"

using aiostreams::StreamReader;
using aiostreams::StreamWriter;
using aiostreams::Task;

Task<void> handle_echo(std::shared_ptr<StreamReader> reader, std::shared_ptr<StreamWriter> writer) {
  const std::string data = co_await reader->read(100);
  std::printf("Server received %s\n", example::py_repr(data).c_str());
  writer->write(data);
  co_await writer->drain();
  writer->close();
  co_await writer->wait_closed();
}

Task<std::string> unix_echo(std::string path, std::string message) {
  auto server = co_await aiostreams::start_unix_server(handle_echo, path);
  std::printf("Serving on %s\n", server->sockets().front().to_string().c_str());

  auto [reader, writer] = co_await aiostreams::open_unix_connection(path);
  std::printf("Send: %s\n", example::py_repr(message).c_str());
  writer->write(message);
  co_await writer->drain();

  const std::string data = co_await aiostreams::wait_for(reader->read(100), 10.0);
  std::printf("Received: %s\n", example::py_repr(data).c_str());
  writer->close();
  co_await writer->wait_closed();

  co_await server->aclose();  // `async with server:` (unlinks the socket file)
  co_return data;
}

int main(int argc, char** argv) {
  const example::Args args(argc, argv, "[--path P] [MESSAGE]");
  const char* tmp = std::getenv("TMPDIR");
  const std::string fallback =
      std::string(tmp && *tmp ? tmp : "/tmp") + "/aiostreams-unix-echo-" + std::to_string(::getpid()) + ".sock";
  const std::string path = args.option("--path", fallback);
  const std::string message = args.positional("Hello World!");
  const std::string echoed = aiostreams::run(unix_echo(path, message));
  const bool removed = ::access(path.c_str(), F_OK) != 0;
  std::printf("echo %s, socket file %s\n", echoed == message ? "matches" : "DIFFERS",
              removed ? "removed" : "STILL THERE");
  return echoed == message && removed ? 0 : 1;
}
