// Private: OpenSSL's randomness, served by a TlsRandomSource while the TLS engine works for a
// loop that asked for one (see TlsRandomSource in tls_engine.hpp).
#pragma once

#include "aiostreams/backend/tls_engine.hpp"

namespace aiostreams::detail {

/// While alive, every random byte OpenSSL draws on this thread comes from `source`; an empty
/// source means OpenSSL's own generator. Scopes nest (the innermost wins). The engine opens one
/// around each OpenSSL call that may draw (SSL_new, handshake, read, write, shutdown).
class TlsRandomScope {
 public:
  explicit TlsRandomScope(const TlsRandomSource& source);
  ~TlsRandomScope();
  TlsRandomScope(const TlsRandomScope&) = delete;
  TlsRandomScope& operator=(const TlsRandomScope&) = delete;

 private:
  const TlsRandomSource* previous_;
};

}  // namespace aiostreams::detail
