// OpenSSL's randomness, per thread, for deterministic loops.
//
// OpenSSL 3 draws every random byte of a connection through RAND_bytes_ex/RAND_priv_bytes_ex,
// and those consult the process-wide RAND_METHOD first. The first time a loop asks for seeded
// randomness we install a method that serves the thread's current TlsRandomSource, and
// OpenSSL's own DRBG whenever none is set, so other threads and other loops are unaffected.
// RAND_METHOD is deprecated in 3.0, but it is the one hook that reaches the default library
// context's draws; the alternative, a provider of our own, would have to be loaded into every
// SslContext's library context. A process that never simulates TLS never installs it.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "tls_random.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <mutex>

namespace aiostreams::detail {

namespace {

thread_local const TlsRandomSource* current_source = nullptr;

// OpenSSL's own generator, as RAND_bytes would use without our method. A RAND_METHOD cannot
// tell public from private draws, so both come from the private DRBG.
int openssl_bytes(unsigned char* out, int size) {
  EVP_RAND_CTX* drbg = RAND_get0_private(nullptr);
  if (drbg == nullptr) return 0;
  return EVP_RAND_generate(drbg, out, static_cast<std::size_t>(size), 0, 0, nullptr, 0) == 1 ? 1 : 0;
}

int method_bytes(unsigned char* out, int size) {
  if (size <= 0) return 1;
  if (current_source == nullptr || !*current_source) return openssl_bytes(out, size);
  try {
    (*current_source)(std::span<unsigned char>(out, static_cast<std::size_t>(size)));
    return 1;
  } catch (...) {
    return 0;  // OpenSSL fails the operation that asked
  }
}

// Seeding material goes to OpenSSL's DRBG, as its default method does.
int method_seed(const void* buffer, int size) {
  EVP_RAND_CTX* drbg = RAND_get0_primary(nullptr);
  if (drbg == nullptr || size <= 0) return 0;
  return EVP_RAND_reseed(drbg, 0, nullptr, 0, static_cast<const unsigned char*>(buffer),
                         static_cast<std::size_t>(size));
}

int method_add(const void* buffer, int size, double /*entropy*/) { return method_seed(buffer, size); }

int method_status() { return 1; }

const RAND_METHOD kMethod = {method_seed, method_bytes, nullptr, method_add, method_bytes, method_status};

void install_method_once() {
  static std::once_flag once;
  std::call_once(once, [] { RAND_set_rand_method(&kMethod); });
}

}  // namespace

TlsRandomScope::TlsRandomScope(const TlsRandomSource& source) : previous_(current_source) {
  if (source) install_method_once();
  current_source = &source;
}

TlsRandomScope::~TlsRandomScope() { current_source = previous_; }

}  // namespace aiostreams::detail
