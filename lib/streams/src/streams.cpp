#include "aiostreams/streams.hpp"

namespace aiostreams {

namespace {
// The protocol factory of a server: a fresh reader and protocol per connection.
ProtocolFactory server_protocol_factory(Loop& loop, std::shared_ptr<const ClientConnectedCallback> callback,
                                        std::int64_t limit) {
  return [&loop, callback = std::move(callback), limit]() -> std::shared_ptr<Protocol> {
    return std::make_shared<StreamReaderProtocol>(loop, std::make_shared<StreamReader>(limit), callback);
  };
}

StreamPair make_pair_for(const std::shared_ptr<Transport>& transport, const std::shared_ptr<StreamReader>& reader,
                         const std::shared_ptr<StreamReaderProtocol>& protocol) {
  return {reader, std::make_shared<StreamWriter>(transport, protocol, reader)};
}
}  // namespace

Task<StreamPair> open_connection(std::string host, int port, ConnectOptions options) {
  Loop& loop = get_running_loop();
  auto reader = std::make_shared<StreamReader>(options.limit);
  auto protocol = std::make_shared<StreamReaderProtocol>(loop, reader);
  // Named, not a temporary in the co_await expression: GCC 12 destroys such temporaries
  // twice (see README, "Compilers").
  ProtocolFactory factory = [protocol] { return protocol; };
  auto transport = co_await loop.create_connection(std::move(factory), std::move(host), port, options);
  co_return make_pair_for(transport, reader, protocol);
}

Task<StreamPair> open_unix_connection(std::string path, ConnectOptions options) {
  Loop& loop = get_running_loop();
  auto reader = std::make_shared<StreamReader>(options.limit);
  auto protocol = std::make_shared<StreamReaderProtocol>(loop, reader);
  ProtocolFactory factory = [protocol] { return protocol; };
  auto transport = co_await loop.create_unix_connection(std::move(factory), std::move(path), options);
  co_return make_pair_for(transport, reader, protocol);
}

// The sock= forms: no host, port or path (Python's None); the loop takes options.sock, or
// says it is missing.
Task<StreamPair> open_connection(ConnectOptions options) { return open_connection({}, 0, std::move(options)); }

Task<StreamPair> open_unix_connection(ConnectOptions options) { return open_unix_connection({}, std::move(options)); }

namespace detail {
Task<std::shared_ptr<Server>> start_server(std::shared_ptr<const ClientConnectedCallback> callback, std::string host,
                                           int port, ServerOptions options) {
  Loop& loop = get_running_loop();
  // The loop checks the limit (and the rest) before it binds anything.
  ProtocolFactory factory = server_protocol_factory(loop, std::move(callback), options.limit);
  co_return co_await loop.create_server(std::move(factory), std::move(host), port, options);
}

Task<std::shared_ptr<Server>> start_unix_server(std::shared_ptr<const ClientConnectedCallback> callback,
                                                std::string path, ServerOptions options) {
  Loop& loop = get_running_loop();
  ProtocolFactory factory = server_protocol_factory(loop, std::move(callback), options.limit);
  co_return co_await loop.create_unix_server(std::move(factory), std::move(path), options);
}

Task<std::shared_ptr<Server>> start_server_on_sock(std::shared_ptr<const ClientConnectedCallback> callback,
                                                   ServerOptions options) {
  // Here, not in the loop: to Loop::create_server, host "" and port 0 mean "every
  // interface, any port" (Python's host=None, port=0), a valid request without a sock.
  if (!options.sock) throw ValueError("Neither host/port nor sock were specified");
  std::string none;  // named, not a temporary inside co_await (GCC 12; see open_connection)
  co_return co_await start_server(std::move(callback), std::move(none), 0, std::move(options));
}

Task<std::shared_ptr<Server>> start_unix_server_on_sock(std::shared_ptr<const ClientConnectedCallback> callback,
                                                        ServerOptions options) {
  return start_unix_server(std::move(callback), {}, std::move(options));
}
}  // namespace detail

}  // namespace aiostreams
