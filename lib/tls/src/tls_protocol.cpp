// TLS over any Transport, after CPython's sslproto.py (3.11+): a protocol (TlsEngine) sits on
// the plain transport and runs OpenSSL over two memory BIOs; the application's protocol sees a
// TlsTransport with the same contract as the plain one (write buffering and water marks,
// pause/resume_reading, close = TLS shutdown then close, abort), except that it cannot
// half-close. Because the engine is just a protocol, start_tls upgrades a connection in place.
//
// Ownership: the plain transport holds the engine (its protocol) and the engine holds the plain
// transport, until connection_lost. The engine holds the application's protocol and the
// TlsTransport; the TlsTransport holds the engine only weakly, so nothing keeps a connection
// alive once its plain transport is gone.
#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdio>
#include <utility>

#include "aiostreams/backend/tls_engine.hpp"
#include "aiostreams/backend/write_flow_control.hpp"
#include "aiostreams/errors.hpp"
#include "aiostreams/loop.hpp"
#include "tls_random.hpp"

namespace aiostreams::detail {

namespace {

// The most SSL_write takes at once (it needs an int).
constexpr std::size_t kMaxSslWrite = 1 << 20;
// asyncio's constants.LOG_THRESHOLD_FOR_CONNLOST_WRITES.
constexpr std::size_t kConnLostWarnThreshold = 5;

std::string format_seconds(double seconds) {
  char text[64];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::string name_text(X509_NAME* name) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  std::string text = bio_text(bio);
  BIO_free(bio);
  return text;
}

std::string time_text(const ASN1_TIME* time) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  ASN1_TIME_print(bio, time);
  std::string text = bio_text(bio);
  BIO_free(bio);
  return text;
}

PeerCertificate describe_certificate(X509* cert) {
  PeerCertificate out;
  out.subject = name_text(X509_get_subject_name(cert));
  out.issuer = name_text(X509_get_issuer_name(cert));
  out.not_before = time_text(X509_get0_notBefore(cert));
  out.not_after = time_text(X509_get0_notAfter(cert));
  if (auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr))) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
      if (name->type == GEN_DNS) {
        const ASN1_IA5STRING* dns = name->d.dNSName;
        out.subject_alt_names.push_back("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                                             static_cast<std::size_t>(ASN1_STRING_length(dns))));
      } else if (name->type == GEN_IPADD) {
        const ASN1_OCTET_STRING* ip = name->d.iPAddress;
        char text[INET6_ADDRSTRLEN] = {};
        const int length = ASN1_STRING_length(ip);
        const int family = length == 4 ? AF_INET : length == 16 ? AF_INET6 : 0;
        if (family != 0 && ::inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text) != nullptr) {
          out.subject_alt_names.push_back(std::string("IP Address:") + text);
        }
      }
    }
    GENERAL_NAMES_free(names);
  }
  if (BIO* bio = BIO_new(BIO_s_mem())) {
    PEM_write_bio_X509(bio, cert);
    out.pem = bio_text(bio);
    BIO_free(bio);
  }
  return out;
}

bool is_ip_address(const std::string& host) {
  unsigned char buffer[16];
  return ::inet_pton(AF_INET, host.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

class TlsEngine;

// What the application's protocol sees: _SSLProtocolTransport.
class TlsTransport final : public Transport {
 public:
  TlsTransport(std::weak_ptr<TlsEngine> engine, std::shared_ptr<SslContext> context, const Transport& raw)
      : engine_(std::move(engine)), context_(std::move(context)) {
    peername_ = raw.get_extra_info("peername");
    sockname_ = raw.get_extra_info("sockname");
    socket_ = raw.get_extra_info("socket");
  }

  std::any get_extra_info(std::string_view name) const override {
    if (name == "sslcontext") return context_;
    if (name == "peercert") return peercert_ ? std::any(*peercert_) : std::any();
    if (name == "cipher") return cipher_.empty() ? std::any() : std::any(cipher_);
    if (name == "tls_version") return version_.empty() ? std::any() : std::any(version_);
    if (name == "compression") return {};
    if (name == "peername") return peername_;
    if (name == "sockname") return sockname_;
    if (name == "socket") return socket_;
    return {};
  }
  bool is_closing() const override { return closing_; }
  void close() override;
  void set_protocol(std::shared_ptr<Protocol> protocol) override;
  std::shared_ptr<Protocol> get_protocol() const override;
  void pause_reading() override;
  void resume_reading() override;
  bool is_reading() const override { return !paused_ && !closing_; }
  void write(std::string_view data) override;
  void write_eof() override { throw NotImplementedError("SSL doesn't support half-closes"); }
  bool can_write_eof() const override { return false; }
  void abort() override;
  std::size_t get_write_buffer_size() const override;
  std::pair<std::size_t, std::size_t> get_write_buffer_limits() const override { return flow_.limits(); }
  void set_write_buffer_limits(std::optional<std::size_t> high = std::nullopt,
                               std::optional<std::size_t> low = std::nullopt) override;

  void set_handshake_info(std::optional<PeerCertificate> peercert, std::string cipher, std::string version) {
    peercert_ = std::move(peercert);
    cipher_ = std::move(cipher);
    version_ = std::move(version);
  }
  void mark_closing() noexcept { closing_ = true; }
  WriteFlowControl& flow() noexcept { return flow_; }

 private:
  std::weak_ptr<TlsEngine> engine_;
  std::shared_ptr<SslContext> context_;
  std::any peername_, sockname_, socket_;
  std::optional<PeerCertificate> peercert_;
  std::string cipher_;
  std::string version_;
  WriteFlowControl flow_;
  bool closing_ = false;
  bool paused_ = false;
};

enum class TlsState { unwrapped, handshake, wrapped, shutdown, closed };

// SSLProtocol: the plain transport's protocol.
class TlsEngine final : public Protocol, public std::enable_shared_from_this<TlsEngine> {
 public:
  TlsEngine(Loop& loop, std::shared_ptr<Protocol> app, TlsParams params,
            std::optional<Future<std::shared_ptr<Transport>>> waiter, bool call_connection_made)
      : loop_(&loop),
        app_(std::move(app)),
        params_(std::move(params)),
        waiter_(std::move(waiter)),
        call_connection_made_(call_connection_made),
        app_connected_(!call_connection_made) {}

  ~TlsEngine() override {
    handshake_timer_.cancel();
    shutdown_timer_.cancel();
    if (ssl_ != nullptr) SSL_free(ssl_);  // frees both BIOs
  }

  // ---- the plain transport's side ----

  void connection_made(std::shared_ptr<Transport> transport) override {
    raw_ = std::move(transport);
    app_transport_ = std::make_shared<TlsTransport>(weak_from_this(), params_.context, *raw_);
    state_ = TlsState::handshake;
    if (std::exception_ptr error = create_ssl()) {
      on_handshake_complete(error);
      return;
    }
    std::weak_ptr<TlsEngine> weak = weak_from_this();
    handshake_timer_ = loop_->call_later(params_.handshake_timeout, [weak] {
      if (auto self = weak.lock()) self->on_handshake_timeout();
    });
    do_handshake();
  }

  void connection_lost(std::exception_ptr error) override {
    auto keep = shared_from_this();
    handshake_timer_.cancel();
    shutdown_timer_.cancel();
    std::exception_ptr reason = error ? error : pending_error_;
    const bool in_handshake = state_ == TlsState::handshake || state_ == TlsState::unwrapped;
    state_ = TlsState::closed;
    if (app_transport_) app_transport_->mark_closing();
    if (waiter_ && !waiter_->done()) {
      waiter_->set_exception(reason
                                 ? reason
                                 : std::make_exception_ptr(ConnectionResetError(
                                       in_handshake ? "Connection lost during the SSL handshake" : "Connection lost")));
    }
    auto app = std::move(app_);
    raw_.reset();
    if (app && app_connected_) {
      app_connected_ = false;
      app->connection_lost(reason);
    }
  }

  void pause_writing() override { raw_writing_paused_ = true; }

  void resume_writing() override {
    raw_writing_paused_ = false;
    flush_outgoing(false);
  }

  void data_received(std::string data) override {
    auto keep = shared_from_this();
    if (ssl_ == nullptr || state_ == TlsState::closed) return;
    BIO_write(rbio_, data.data(), static_cast<int>(data.size()));
    if (state_ == TlsState::handshake) {
      do_handshake();
    } else {
      do_read();
    }
  }

  bool eof_received() override {
    auto keep = shared_from_this();
    switch (state_) {
      case TlsState::unwrapped:
      case TlsState::handshake:
        on_handshake_complete(
            std::make_exception_ptr(ConnectionResetError("Connection lost during the SSL handshake")));
        return false;
      case TlsState::wrapped:
        if (app_reading_paused_) {
          // The application has not read what is buffered yet: keep the transport open
          // (it stops reading) and finish in resume_reading().
          eof_pending_ = true;
          return true;
        }
        do_read();
        finish_eof();
        return false;
      case TlsState::shutdown:
      case TlsState::closed: return false;
    }
    return false;
  }

  // ---- the TLS transport's side ----

  void app_write(std::string_view data) {
    if (state_ != TlsState::wrapped) {
      if (conn_lost_writes_ >= kConnLostWarnThreshold && !loop_->is_closed()) {
        loop_->call_exception_handler({"SSL connection is closed", nullptr});
      }
      ++conn_lost_writes_;
      return;
    }
    backlog_.append(data);
    write_backlog();
    flush_outgoing(false);
  }

  void app_close() {
    auto keep = shared_from_this();
    start_shutdown();
  }

  void app_abort() {
    auto keep = shared_from_this();
    if (app_transport_) app_transport_->mark_closing();
    state_ = TlsState::closed;
    backlog_.clear();
    if (raw_) raw_->abort();
  }

  void app_pause_reading() {
    app_reading_paused_ = true;
    if (raw_) raw_->pause_reading();
  }

  void app_resume_reading() {
    app_reading_paused_ = false;
    if (raw_) raw_->resume_reading();
    std::weak_ptr<TlsEngine> weak = weak_from_this();
    loop_->call_soon([weak] {
      auto self = weak.lock();
      if (!self || self->app_reading_paused_) return;
      if (self->state_ == TlsState::wrapped) self->do_read();
      if (self->eof_pending_ && self->state_ == TlsState::wrapped) {
        self->eof_pending_ = false;
        self->finish_eof();
        if (self->raw_) self->raw_->close();
      }
    });
  }

  std::size_t write_buffer_size() const { return backlog_.size() + (wbio_ != nullptr ? BIO_ctrl_pending(wbio_) : 0); }

  void control_app_writing() {
    if (!app_transport_ || !app_connected_ || !app_ || loop_->is_closed()) return;
    const std::size_t size = write_buffer_size();
    app_transport_->flow().maybe_pause(*loop_, app_.get(), size);
    app_transport_->flow().maybe_resume(*loop_, app_.get(), size);
  }

  std::shared_ptr<Protocol> app_protocol() const { return app_; }
  void set_app_protocol(std::shared_ptr<Protocol> protocol) { app_ = std::move(protocol); }

 private:
  // Runs one OpenSSL call with this connection's randomness (TlsRandomSource), and only that
  // call: the application's callbacks never run inside the scope.
  template <class Call>
  auto with_random(Call call) {
    TlsRandomScope seeded(params_.random);
    return call();
  }

  std::exception_ptr create_ssl() {
    ERR_clear_error();
    ssl_ = with_random([this] { return SSL_new(SslContextAccess::native(*params_.context)); });
    if (ssl_ == nullptr) return std::make_exception_ptr(SSLError(take_openssl_errors("cannot create an SSL object")));
    rbio_ = BIO_new(BIO_s_mem());
    wbio_ = BIO_new(BIO_s_mem());
    if (rbio_ == nullptr || wbio_ == nullptr) {
      if (rbio_) BIO_free(rbio_);
      if (wbio_) BIO_free(wbio_);
      rbio_ = wbio_ = nullptr;
      return std::make_exception_ptr(SSLError(take_openssl_errors("cannot create a memory BIO")));
    }
    BIO_set_mem_eof_return(rbio_, -1);  // an empty input BIO means "want more", not EOF
    SSL_set_bio(ssl_, rbio_, wbio_);
    if (params_.server_side) {
      SSL_set_accept_state(ssl_);
      return nullptr;
    }
    SSL_set_connect_state(ssl_);
    const std::string& host = params_.server_hostname;
    if (host.empty()) return nullptr;
    const bool check = SslContextAccess::check_hostname(*params_.context);
    if (is_ip_address(host)) {
      if (check && X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), host.c_str()) != 1) {
        return std::make_exception_ptr(SSLError(take_openssl_errors("invalid server_hostname")));
      }
    } else {
      SSL_set_tlsext_host_name(ssl_, host.c_str());
      if (check && SSL_set1_host(ssl_, host.c_str()) != 1) {
        return std::make_exception_ptr(SSLError(take_openssl_errors("invalid server_hostname")));
      }
    }
    return nullptr;
  }

  std::exception_ptr ssl_error(int code, const char* fallback) {
    if (code == SSL_ERROR_SSL && (SSL_get_verify_mode(ssl_) & SSL_VERIFY_PEER) != 0) {
      const long verify = SSL_get_verify_result(ssl_);
      if (verify != X509_V_OK) {
        ERR_clear_error();
        std::string message;
        if (verify == X509_V_ERR_HOSTNAME_MISMATCH) {
          message = "Hostname mismatch, certificate is not valid for '" + params_.server_hostname + "'.";
        } else if (verify == X509_V_ERR_IP_ADDRESS_MISMATCH) {
          message = "IP address mismatch, certificate is not valid for '" + params_.server_hostname + "'.";
        } else {
          message = X509_verify_cert_error_string(verify);
        }
        return std::make_exception_ptr(SSLCertVerificationError(verify, message));
      }
    }
    return std::make_exception_ptr(SSLError(take_openssl_errors(fallback)));
  }

  void do_handshake() {
    ERR_clear_error();
    const int result = with_random([this] { return SSL_do_handshake(ssl_); });
    if (result == 1) {
      flush_outgoing(false);
      on_handshake_complete(nullptr);
      return;
    }
    const int code = SSL_get_error(ssl_, result);
    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
      flush_outgoing(false);
      return;
    }
    std::exception_ptr error = ssl_error(code, "[SSL] handshake failed");
    flush_outgoing(true);  // the alert, so that the peer learns why
    on_handshake_complete(error);
  }

  void on_handshake_timeout() {
    if (state_ != TlsState::handshake) return;
    on_handshake_complete(std::make_exception_ptr(ConnectionAbortedError("SSL handshake is taking longer than " +
                                                                         format_seconds(params_.handshake_timeout) +
                                                                         " seconds: aborting the connection")));
  }

  void on_handshake_complete(std::exception_ptr error) {
    handshake_timer_.cancel();
    if (error) {
      state_ = TlsState::closed;
      if (app_transport_) app_transport_->mark_closing();
      pending_error_ = error;
      if (waiter_) {
        if (!waiter_->done()) waiter_->set_exception(error);
      } else if (!loop_->is_closed()) {
        loop_->call_exception_handler({"SSL handshake failed", error});
      }
      if (raw_) raw_->abort();
      return;
    }
    state_ = TlsState::wrapped;
    std::optional<PeerCertificate> peercert;
    if (X509* cert = SSL_get1_peer_certificate(ssl_)) {
      peercert = describe_certificate(cert);
      X509_free(cert);
      // Python's getpeercert() gives {} for a certificate nobody verified: only the
      // encoded certificate (its getpeercert(binary_form=True)) is kept.
      if ((SSL_get_verify_mode(ssl_) & SSL_VERIFY_PEER) == 0) {
        PeerCertificate encoded_only;
        encoded_only.pem = std::move(peercert->pem);
        peercert = std::move(encoded_only);
      }
    }
    const char* cipher = SSL_get_cipher_name(ssl_);
    app_transport_->set_handshake_info(std::move(peercert), cipher ? cipher : "", SSL_get_version(ssl_));
    if (call_connection_made_ && app_) {
      app_connected_ = true;
      app_->connection_made(app_transport_);
    }
    if (waiter_ && !waiter_->done()) waiter_->set_result(app_transport_);
    do_read();
  }

  // Decrypts everything the input BIO holds and hands it to the application in one piece.
  void do_read() {
    if (ssl_ == nullptr) return;
    if (state_ == TlsState::wrapped && app_reading_paused_) return;
    if (state_ != TlsState::wrapped && state_ != TlsState::shutdown) return;
    thread_local std::array<char, 64 * 1024> buffer;
    std::string data;
    bool peer_closed = false;
    std::exception_ptr error;
    for (;;) {
      ERR_clear_error();
      const int n = with_random([this] { return SSL_read(ssl_, buffer.data(), static_cast<int>(buffer.size())); });
      if (n > 0) {
        data.append(buffer.data(), static_cast<std::size_t>(n));
        continue;
      }
      const int code = SSL_get_error(ssl_, n);
      if (code == SSL_ERROR_ZERO_RETURN) {
        peer_closed = true;
      } else if (code != SSL_ERROR_WANT_READ && code != SSL_ERROR_WANT_WRITE) {
        error = ssl_error(code, "[SSL] read failed");
      }
      break;
    }
    flush_outgoing(false);  // a read can produce records (e.g. a TLS 1.3 key update)
    if (state_ == TlsState::shutdown) {
      // After close(): nothing more goes to the application; wait for the peer's close_notify.
      if (error) {
        fatal(error);
      } else if (peer_closed) {
        shutdown_complete();
      }
      return;
    }
    if (!data.empty() && app_) app_->data_received(std::move(data));
    if (error) {
      fatal(error);
      return;
    }
    if (peer_closed && state_ == TlsState::wrapped) {
      call_eof_received();
      start_shutdown();
      return;
    }
    if (!backlog_.empty()) {
      write_backlog();
      flush_outgoing(false);
    }
  }

  // The peer closed the plain connection without close_notify: EOF, and the transport closes.
  void finish_eof() {
    if (state_ != TlsState::wrapped) return;
    call_eof_received();
    state_ = TlsState::closed;
    if (app_transport_) app_transport_->mark_closing();
  }

  void call_eof_received() {
    if (!app_connected_ || eof_delivered_ || !app_) return;
    eof_delivered_ = true;
    // Over TLS the return value has no effect (asyncio warns if it is true): we close.
    (void)app_->eof_received();
  }

  void write_backlog() {
    std::size_t done = 0;
    while (done < backlog_.size() && state_ == TlsState::wrapped) {
      const std::size_t size = std::min(backlog_.size() - done, kMaxSslWrite);
      ERR_clear_error();
      const int n = with_random([&] { return SSL_write(ssl_, backlog_.data() + done, static_cast<int>(size)); });
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      const int code = SSL_get_error(ssl_, n);
      if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) break;  // retried after the next read
      fatal(ssl_error(code, "[SSL] write failed"));
      return;
    }
    backlog_.erase(0, done);
  }

  // Moves encrypted bytes to the plain transport, unless it asked us to stop (force: even
  // then, for the last records of a closing connection).
  void flush_outgoing(bool force) {
    if (wbio_ != nullptr && raw_ && (force || !raw_writing_paused_)) {
      const std::size_t pending = BIO_ctrl_pending(wbio_);
      if (pending > 0) {
        std::string out(pending, '\0');
        const int n = BIO_read(wbio_, out.data(), static_cast<int>(pending));
        out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        if (!out.empty() && !raw_->is_closing()) raw_->write(out);
      }
    }
    control_app_writing();
  }

  void start_shutdown() {
    if (app_transport_) app_transport_->mark_closing();
    if (state_ == TlsState::shutdown || state_ == TlsState::closed) return;
    if (state_ != TlsState::wrapped) {
      state_ = TlsState::closed;
      if (raw_) raw_->abort();
      return;
    }
    state_ = TlsState::shutdown;
    std::weak_ptr<TlsEngine> weak = weak_from_this();
    shutdown_timer_ = loop_->call_later(params_.shutdown_timeout, [weak] {
      if (auto self = weak.lock()) self->on_shutdown_timeout();
    });
    if (!backlog_.empty()) {
      // Data SSL_write could not take yet: it goes before close_notify or not at all.
      state_ = TlsState::wrapped;
      write_backlog();
      state_ = TlsState::shutdown;
      backlog_.clear();
    }
    ERR_clear_error();
    const int result = with_random([this] { return SSL_shutdown(ssl_); });
    if (result == 1) {
      shutdown_complete();  // the peer's close_notify had already come
      return;
    }
    if (result < 0) {
      const int code = SSL_get_error(ssl_, result);
      if (code != SSL_ERROR_WANT_READ && code != SSL_ERROR_WANT_WRITE) {
        fatal(ssl_error(code, "[SSL] shutdown failed"));
        return;
      }
    }
    flush_outgoing(true);
    // Records already in the input BIO may include the peer's close_notify.
    do_read();
  }

  void shutdown_complete() {
    shutdown_timer_.cancel();
    state_ = TlsState::closed;
    flush_outgoing(true);
    if (raw_) raw_->close();
  }

  void on_shutdown_timeout() {
    if (state_ != TlsState::shutdown) return;
    pending_error_ = std::make_exception_ptr(TimeoutError("SSL shutdown timed out"));
    state_ = TlsState::closed;
    if (raw_) raw_->abort();
  }

  // A TLS error on an established connection: as _fatal_error, the transport is force-closed
  // and the application's connection_lost gets the error.
  void fatal(std::exception_ptr error) {
    if (!pending_error_) pending_error_ = error;
    state_ = TlsState::closed;
    backlog_.clear();
    if (app_transport_) app_transport_->mark_closing();
    if (raw_) raw_->abort();
  }

  Loop* loop_;
  std::shared_ptr<Protocol> app_;
  TlsParams params_;
  std::optional<Future<std::shared_ptr<Transport>>> waiter_;
  bool call_connection_made_;
  bool app_connected_;
  std::shared_ptr<Transport> raw_;
  std::shared_ptr<TlsTransport> app_transport_;
  SSL* ssl_ = nullptr;
  BIO* rbio_ = nullptr;  // owned by ssl_
  BIO* wbio_ = nullptr;  // owned by ssl_
  TlsState state_ = TlsState::unwrapped;
  TimerHandle handshake_timer_;
  TimerHandle shutdown_timer_;
  std::string backlog_;               // plaintext SSL_write has not taken yet
  std::exception_ptr pending_error_;  // why we aborted the plain transport
  std::size_t conn_lost_writes_ = 0;
  bool raw_writing_paused_ = false;
  bool app_reading_paused_ = false;
  bool eof_pending_ = false;
  bool eof_delivered_ = false;
};

// ---- TlsTransport -------------------------------------------------------------------------

void TlsTransport::close() {
  if (closing_) return;
  closing_ = true;
  if (auto engine = engine_.lock()) engine->app_close();
}

void TlsTransport::abort() {
  closing_ = true;
  if (auto engine = engine_.lock()) engine->app_abort();
}

void TlsTransport::set_protocol(std::shared_ptr<Protocol> protocol) {
  if (auto engine = engine_.lock()) engine->set_app_protocol(std::move(protocol));
}

std::shared_ptr<Protocol> TlsTransport::get_protocol() const {
  auto engine = engine_.lock();
  return engine ? engine->app_protocol() : nullptr;
}

void TlsTransport::pause_reading() {
  if (closing_ || paused_) return;
  paused_ = true;
  if (auto engine = engine_.lock()) engine->app_pause_reading();
}

void TlsTransport::resume_reading() {
  if (closing_ || !paused_) return;
  paused_ = false;
  if (auto engine = engine_.lock()) engine->app_resume_reading();
}

void TlsTransport::write(std::string_view data) {
  if (data.empty()) return;
  if (auto engine = engine_.lock()) engine->app_write(data);
}

std::size_t TlsTransport::get_write_buffer_size() const {
  auto engine = engine_.lock();
  return engine ? engine->write_buffer_size() : 0;
}

void TlsTransport::set_write_buffer_limits(std::optional<std::size_t> high, std::optional<std::size_t> low) {
  flow_.set_limits(high, low);
  if (auto engine = engine_.lock()) engine->control_app_writing();
}

}  // namespace

// ---- entry points -------------------------------------------------------------------------

void check_tls_params(const TlsParams& params) {
  if (!params.context) throw ValueError("sslcontext is expected to be an SslContext, got nullptr");
  if (!(params.handshake_timeout > 0)) {
    throw ValueError("ssl_handshake_timeout should be a positive number, got " +
                     format_seconds(params.handshake_timeout));
  }
  if (!(params.shutdown_timeout > 0)) {
    throw ValueError("ssl_shutdown_timeout should be a positive number, got " +
                     format_seconds(params.shutdown_timeout));
  }
  if (!params.server_side && params.server_hostname.empty() && SslContextAccess::check_hostname(*params.context)) {
    throw ValueError("check_hostname requires server_hostname");
  }
}

std::shared_ptr<Protocol> make_tls_protocol(Loop& loop, std::shared_ptr<Protocol> app_protocol, TlsParams params,
                                            std::optional<Future<std::shared_ptr<Transport>>> waiter,
                                            bool call_connection_made) {
  return std::make_shared<TlsEngine>(loop, std::move(app_protocol), std::move(params), std::move(waiter),
                                     call_connection_made);
}

ProtocolFactory tls_server_factory(Loop& loop, ProtocolFactory factory, TlsParams params) {
  params.server_side = true;
  return [&loop, factory = std::move(factory), params = std::move(params)]() -> std::shared_ptr<Protocol> {
    return make_tls_protocol(loop, factory(), params, std::nullopt, true);
  };
}

Task<std::shared_ptr<Transport>> start_tls(Loop& loop, std::shared_ptr<Transport> transport,
                                           std::shared_ptr<Protocol> protocol, std::shared_ptr<SslContext> context,
                                           StartTlsOptions options, TlsRandomSource random) {
  TlsParams params{std::move(context),
                   options.server_side,
                   options.server_hostname.value_or(std::string()),
                   options.ssl_handshake_timeout,
                   options.ssl_shutdown_timeout,
                   std::move(random)};
  check_tls_params(params);
  Future<std::shared_ptr<Transport>> waiter(loop);
  auto engine = make_tls_protocol(loop, std::move(protocol), std::move(params), waiter, false);
  // As loop.start_tls: stop reading, swap the protocol, then (on the loop) start the
  // handshake and read again, so that no TLS byte reaches the plain protocol.
  transport->pause_reading();
  transport->set_protocol(engine);
  // (On a transport that is already closing the handshake cannot finish: its
  // connection_lost, which now reaches the engine, fails the waiter.)
  loop.call_soon([engine, transport] { engine->connection_made(transport); });
  loop.call_soon([transport] { transport->resume_reading(); });
  try {
    co_await waiter;
  } catch (...) {
    transport->close();
    throw;
  }
  co_return waiter.result();
}

}  // namespace aiostreams::detail
