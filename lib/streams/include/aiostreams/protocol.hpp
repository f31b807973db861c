// Protocols, with asyncio's shapes (asyncio.protocols.Protocol). A transport calls these,
// always from the loop (never inline from a user's call).
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <string>

namespace aiostreams {

class Transport;

class Protocol {
 public:
  virtual ~Protocol() = default;

  /// The connection is up; `transport` is the connection.
  virtual void connection_made(std::shared_ptr<Transport> transport) { (void)transport; }
  /// The connection is gone: `error` is nullptr for a regular close or EOF on both sides,
  /// else the cause (e.g. ConnectionResetError). Called once; nothing follows it.
  virtual void connection_lost(std::exception_ptr error) { (void)error; }
  /// The transport's write buffer went above the high-water mark.
  virtual void pause_writing() {}
  /// The transport's write buffer drained to the low-water mark.
  virtual void resume_writing() {}
  /// Bytes arrived (never empty). The string is the protocol's to keep.
  virtual void data_received(std::string data) { (void)data; }
  /// The peer sent EOF (half-close). Return true to keep the connection open for writing;
  /// false closes it.
  virtual bool eof_received() { return false; }
};

/// Makes a fresh protocol for each connection (asyncio's protocol_factory).
using ProtocolFactory = std::function<std::shared_ptr<Protocol>()>;

}  // namespace aiostreams
