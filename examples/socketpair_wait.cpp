// asyncio's "Register an open socket to wait for data using streams", line for line:
//
//   async def wait_for_data():
//       # Get a reference to the current event loop because
//       # we want to access low-level APIs.
//       loop = asyncio.get_running_loop()
//
//       # Create a pair of connected sockets.
//       rsock, wsock = socket.socketpair()
//
//       # Register the open socket to wait for data.
//       reader, writer = await asyncio.open_connection(sock=rsock)
//
//       # Simulate the reception of data from the network
//       loop.call_soon(wsock.send, 'abc'.encode())
//
//       # Wait for data
//       data = await reader.read(100)
//
//       # Got data, we are done: close the socket
//       print("Received:", data.decode())
//       writer.close()
//       await writer.wait_closed()
//
//       # Close the second socket
//       wsock.close()
//
//   asyncio.run(wait_for_data())
//
// One difference: open_connection takes rsock's descriptor (rsock is empty afterwards), so
// that it is closed once, by the writer.
#include <aiostreams/run.hpp>
#include <aiostreams/socket.hpp>
#include <aiostreams/streams.hpp>
#include <cstdio>
#include <string>

using aiostreams::Task;

Task<void> wait_for_data() {
  aiostreams::Loop& loop = aiostreams::get_running_loop();

  auto [rsock, wsock] = aiostreams::socketpair();

  aiostreams::ConnectOptions options{.sock = rsock};
  auto [reader, writer] = co_await aiostreams::open_connection(options);

  loop.call_soon([wsock = wsock]() mutable { wsock.send("abc"); });

  const std::string data = co_await reader->read(100);

  std::printf("Received: %s\n", data.c_str());
  writer->close();
  co_await writer->wait_closed();

  wsock.close();
}

int main() {
  try {
    aiostreams::run(wait_for_data());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "socketpair_wait: %s\n", e.what());
    return 1;
  }
}
