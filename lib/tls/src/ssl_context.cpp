// SslContext on OpenSSL: an SSL_CTX with Python's client/server defaults, and the TLS errors.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "aiostreams/backend/tls_engine.hpp"
#include "aiostreams/ssl_context.hpp"

namespace aiostreams {

// ---- errors -------------------------------------------------------------------------------

SSLError::SSLError(const std::string& message) : OSError(EPROTO, message) {}

SSLCertVerificationError::SSLCertVerificationError(long verify_code, const std::string& verify_message)
    : SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: " + verify_message),
      verify_code_(verify_code),
      verify_message_(verify_message) {}

namespace detail {

std::string take_openssl_errors(const std::string& fallback) {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    const char* lib = ERR_lib_error_string(code);
    const char* reason = ERR_reason_error_string(code);
    std::string one = std::string("[") + (lib ? lib : "SSL") + "] " + (reason ? reason : "unknown error");
    if (text.find(one) == std::string::npos) text += (text.empty() ? "" : "; ") + one;
  }
  return text.empty() ? fallback : text;
}

}  // namespace detail

// ---- SslContext ---------------------------------------------------------------------------

struct SslContext::Impl {
  SSL_CTX* ctx = nullptr;
  bool server = false;
  bool verify = false;
  bool check_hostname = false;

  void apply_verify() const {
    int mode = SSL_VERIFY_NONE;
    if (verify) mode = server ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER;
    SSL_CTX_set_verify(ctx, mode, nullptr);
  }
};

namespace {

// A file OpenSSL is about to read: fail first with the OS's reason and the file's name, as
// Python does (FileNotFoundError: [Errno 2] No such file or directory).
void check_readable(const std::string& file) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) {
    const int code = errno;
    std::rethrow_exception(make_os_error(code, std::string(std::strerror(code)) + ": '" + file + "'"));
  }
  std::fclose(f);
}

[[noreturn]] void raise_ssl(const std::string& what) {
  throw SSLError(what + ": " + detail::take_openssl_errors("unknown error"));
}

}  // namespace

SslContext::SslContext(bool server) : impl_(std::make_unique<Impl>()) {
  ERR_clear_error();
  impl_->ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  if (impl_->ctx == nullptr) raise_ssl("cannot create an SSL context");
  impl_->server = server;
  SSL_CTX_set_min_proto_version(impl_->ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(impl_->ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  // Writes go into a memory BIO that never fills: let SSL_write take the caller's buffer
  // in pieces and move the buffer between calls if it must.
  SSL_CTX_set_mode(impl_->ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  impl_->verify = !server;
  impl_->check_hostname = !server;
  impl_->apply_verify();
}

SslContext::~SslContext() {
  if (impl_ && impl_->ctx) SSL_CTX_free(impl_->ctx);
}

std::shared_ptr<SslContext> SslContext::client() { return std::shared_ptr<SslContext>(new SslContext(false)); }

std::shared_ptr<SslContext> SslContext::server() { return std::shared_ptr<SslContext>(new SslContext(true)); }

std::shared_ptr<SslContext> SslContext::create_default_client() {
  auto context = client();
  context->set_default_verify_paths();
  return context;
}

void SslContext::load_cert_chain(const std::string& certfile, const std::string& keyfile) {
  if (certfile.empty()) throw ValueError("certfile should be a valid filesystem path");
  const std::string& key = keyfile.empty() ? certfile : keyfile;
  check_readable(certfile);
  check_readable(key);
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(impl_->ctx, certfile.c_str()) != 1) {
    raise_ssl("cannot load the certificate chain from '" + certfile + "'");
  }
  if (SSL_CTX_use_PrivateKey_file(impl_->ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    raise_ssl("cannot load the private key from '" + key + "'");
  }
  if (SSL_CTX_check_private_key(impl_->ctx) != 1) {
    raise_ssl("the private key in '" + key + "' does not match the certificate in '" + certfile + "'");
  }
}

void SslContext::load_verify_locations(const std::string& cafile) {
  if (cafile.empty()) throw ValueError("cafile, capath and cadata cannot be all omitted");
  check_readable(cafile);
  ERR_clear_error();
  if (SSL_CTX_load_verify_locations(impl_->ctx, cafile.c_str(), nullptr) != 1) {
    raise_ssl("cannot load CA certificates from '" + cafile + "'");
  }
}

void SslContext::set_default_verify_paths() {
  ERR_clear_error();
  if (SSL_CTX_set_default_verify_paths(impl_->ctx) != 1) raise_ssl("cannot load the system trust store");
}

void SslContext::set_verify(bool required) {
  if (!required && impl_->check_hostname) {
    throw ValueError("Cannot set verify_mode to CERT_NONE when check_hostname is enabled.");
  }
  impl_->verify = required;
  impl_->apply_verify();
}

bool SslContext::verify() const noexcept { return impl_->verify; }

void SslContext::set_check_hostname(bool check) {
  impl_->check_hostname = check;
  if (check && !impl_->verify) {
    impl_->verify = true;
    impl_->apply_verify();
  }
}

bool SslContext::check_hostname() const noexcept { return impl_->check_hostname; }

bool SslContext::is_server() const noexcept { return impl_->server; }

namespace detail {
ssl_ctx_st* SslContextAccess::native(SslContext& context) noexcept { return context.impl_->ctx; }
bool SslContextAccess::check_hostname(const SslContext& context) noexcept { return context.impl_->check_hostname; }
}  // namespace detail

}  // namespace aiostreams
