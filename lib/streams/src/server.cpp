#include "aiostreams/server.hpp"

#include <iterator>

#include "aiostreams/sleep.hpp"

namespace aiostreams {

Server::Server(Loop& loop, std::vector<std::unique_ptr<Listener>> listeners, ProtocolFactory factory, int backlog)
    : loop_(&loop), listeners_(std::move(listeners)), factory_(std::move(factory)), backlog_(backlog) {}

Server::~Server() {
  for (auto& listener : listeners_) listener->close();
}

std::vector<SocketAddress> Server::sockets() const {
  std::vector<SocketAddress> out;
  if (closed_) return out;
  for (const auto& listener : listeners_) out.push_back(listener->address());
  return out;
}

std::string Server::repr() const {
  std::string text = "<Server sockets=(";
  const auto addresses = sockets();
  for (std::size_t i = 0; i < addresses.size(); ++i) text += (i ? ", " : "") + addresses[i].to_string();
  return text + ")>";
}

void Server::start_listening() {
  if (serving_) return;
  serving_ = true;
  for (auto& listener : listeners_) listener->start(*this, backlog_);
}

Task<void> Server::start_serving() {
  start_listening();
  co_await yield_now();  // as asyncio: let the listeners' registration go through
}

Task<void> Server::serve_forever() {
  if (serving_forever_) throw RuntimeError("server " + repr() + " is already being awaited on serve_forever()");
  if (closed_) throw RuntimeError("server " + repr() + " is closed");
  start_listening();
  Future<void> forever(*loop_);
  serving_forever_ = forever;
  bool cancelled = false;
  try {
    co_await forever;
  } catch (const CancelledError&) {
    cancelled = true;
  }
  serving_forever_.reset();
  if (cancelled) {
    close();
    co_await wait_closed();
    throw CancelledError();
  }
}

void Server::close() {
  if (closed_) return;
  closed_ = true;
  for (auto& listener : listeners_) listener->close();
  serving_ = false;
  if (serving_forever_ && !serving_forever_->done()) {
    serving_forever_->cancel();
    serving_forever_.reset();
  }
  if (clients_.empty()) wakeup();
}

Task<void> Server::wait_closed() {
  if (!waiters_) co_return;
  Future<void> waiter(*loop_);
  waiters_->push_back(waiter);
  co_await waiter;
}

Task<void> Server::aclose() {
  close();
  co_await wait_closed();
}

void Server::close_clients() {
  // A copy: closing may detach synchronously on some backends.
  const std::vector<std::weak_ptr<Transport>> clients(clients_.begin(), clients_.end());
  for (auto& weak : clients) {
    if (auto transport = weak.lock()) transport->close();
  }
}

void Server::abort_clients() {
  const std::vector<std::weak_ptr<Transport>> clients(clients_.begin(), clients_.end());
  for (auto& weak : clients) {
    if (auto transport = weak.lock()) transport->abort();
  }
}

void Server::attach(const std::shared_ptr<Transport>& transport) {
  if (closed_) throw AssertionError("attach to a closed server");
  // A transport at the address of one that died without detach() replaces it.
  if (auto stale = client_places_.find(transport.get()); stale != client_places_.end()) {
    clients_.erase(stale->second);
    client_places_.erase(stale);
  }
  clients_.push_back(transport);
  client_places_.emplace(transport.get(), std::prev(clients_.end()));
}

void Server::detach(const Transport* transport) {
  if (auto place = client_places_.find(transport); place != client_places_.end()) {
    ++detach_visits_;
    clients_.erase(place->second);
    client_places_.erase(place);
  }
  if (clients_.empty() && closed_) wakeup();
}

void Server::wakeup() {
  if (!waiters_) return;
  auto waiters = std::move(*waiters_);
  waiters_.reset();
  for (auto& waiter : waiters) {
    if (!waiter.done()) waiter.set_result();
  }
}

}  // namespace aiostreams
