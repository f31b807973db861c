#include "aiostreams/asio_loop.hpp"

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <atomic>
#include <chrono>
#include <cmath>
#include <deque>
#include <mutex>
#include <vector>

#include "aiostreams/detail/timer_heap.hpp"
#include "detail_asio_net.hpp"

namespace aiostreams {

namespace {
using Clock = std::chrono::steady_clock;
}  // namespace

struct AsioLoop::Impl {
  // Declared first so that it is destroyed last: resources unregister from it.
  std::shared_ptr<detail::AsioRegistry> registry = std::make_shared<detail::AsioRegistry>();
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> keep_running = asio::make_work_guard(io);
  std::deque<Callback> ready;
  detail::TimerHeap<Clock::time_point> timers;
  bool stopping = false;
  std::mutex incoming_mutex;
  std::vector<Callback> incoming;  // from call_soon_threadsafe
  // Set (under the mutex) when `incoming` gets something: the loop takes the mutex only
  // then, not on every pass. A flag missed by a racing pass is seen on the next one, which
  // the post() in call_soon_threadsafe guarantees.
  std::atomic<bool> has_incoming{false};

  bool pass_end_reached = false;
  bool drain_after_wait = true;
  unsigned waits_without_drain = 0;

  /// Runs the I/O handlers queued now and those of one non-blocking epoll_wait, then
  /// returns how many ran: a marker posted behind them ends the pass. (io.poll() would
  /// look at the sockets again and again until a look finds nothing, which costs an
  /// epoll_wait per pass and, with a peer that never stops sending, never returns to the
  /// ready queue.)
  std::size_t run_io_pass() {
    pass_end_reached = false;
    asio::post(io, [this] { pass_end_reached = true; });
    std::size_t ran = 0;
    while (!pass_end_reached && io.run_one() != 0) ++ran;
    return ran - (pass_end_reached ? 1 : 0);
  }

  /// After a wait that ran one handler: the others from the same epoll_wait are queued
  /// behind it. Running them now batches their callbacks into one pass but costs another
  /// epoll_wait, wasted when handlers come one at a time (one busy connection); left
  /// queued, they run one per pass with no epoll_wait, as in a hand-written Asio program.
  /// So drain while drains find something, and otherwise try again every 16 waits.
  void after_wait() {
    if (!drain_after_wait && ++waits_without_drain < 16) return;
    waits_without_drain = 0;
    drain_after_wait = run_io_pass() > 0;
  }

  /// Moves thread-safe calls and due timers to the ready queue.
  void collect_ready();

  void drop_cancelled_timers() { timers.drop_cancelled(); }
};

AsioLoop::AsioLoop() : impl_(std::make_unique<Impl>()) {}

AsioLoop::~AsioLoop() {
  mark_closed();
  close_pending_tasks();
  impl_->ready.clear();
  // Close every socket still alive (a StreamWriter or Server kept after run()) before the
  // io_context goes: an Asio socket must not outlive its context. Strong references keep
  // the objects alive while we go through them; dropping them may destroy some.
  auto& registry = *impl_->registry;
  std::vector<std::shared_ptr<void>> keep;
  std::vector<detail::AsioResource*> resources;
  for (auto* resource = registry.first; resource != nullptr; resource = resource->next_live()) {
    if (auto strong = resource->keep_alive()) {
      keep.push_back(std::move(strong));
      resources.push_back(resource);
    }
  }
  for (auto* resource : resources) resource->loop_closing();
  registry.loop_closed = true;
  keep.clear();
}

namespace detail {
asio::io_context& AsioLoopAccess::io(AsioLoop& loop) noexcept { return loop.impl_->io; }
const std::shared_ptr<AsioRegistry>& AsioLoopAccess::registry(AsioLoop& loop) noexcept { return loop.impl_->registry; }

AsioResource::AsioResource(AsioLoop& loop) : loop_(&loop), registry_(AsioLoopAccess::registry(loop)) {
  next_ = registry_->first;
  if (next_ != nullptr) next_->prev_ = this;
  registry_->first = this;
}

AsioResource::~AsioResource() {
  (prev_ != nullptr ? prev_->next_ : registry_->first) = next_;
  if (next_ != nullptr) next_->prev_ = prev_;
}

asio::io_context& AsioResource::io() const noexcept { return AsioLoopAccess::io(*loop_); }
}  // namespace detail

void AsioLoop::call_soon(Callback cb) { impl_->ready.push_back(std::move(cb)); }

void AsioLoop::call_soon_threadsafe(Callback cb) {
  {
    std::lock_guard lock(impl_->incoming_mutex);
    impl_->incoming.push_back(std::move(cb));
    impl_->has_incoming.store(true, std::memory_order_release);
  }
  asio::post(impl_->io, [] {});  // wakes a loop blocked in run_one
}

TimerHandle AsioLoop::call_at(double when, Callback cb) {
  auto state = std::make_shared<detail::TimerState>();
  state->callback = std::move(cb);
  const auto at = Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(when)));
  impl_->timers.push(at, state);
  return TimerHandle(std::move(state));
}

double AsioLoop::time() const { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }

void AsioLoop::stop() { impl_->stopping = true; }

std::size_t AsioLoop::scheduled_timer_count() const noexcept { return impl_->timers.size(); }

void* AsioLoop::native_context() noexcept { return &impl_->io; }

void AsioLoop::Impl::collect_ready() {
  if (has_incoming.load(std::memory_order_acquire)) {
    std::lock_guard lock(incoming_mutex);
    has_incoming.store(false, std::memory_order_relaxed);
    for (auto& cb : incoming) ready.push_back(std::move(cb));
    incoming.clear();
  }
  drop_cancelled_timers();
  if (timers.empty()) return;
  const auto now = Clock::now();
  while (!timers.empty() && timers.top().when <= now) {
    auto state = timers.pop();
    if (!state->cancelled) {
      state->cancelled = true;  // fired: cancel() is a no-op from now on
      ready.push_back(std::move(state->callback));
    }
    drop_cancelled_timers();
  }
}

std::size_t AsioLoop::run_ready_batch() {
  Impl& s = *impl_;
  std::size_t ran = 0;
  for (std::size_t todo = s.ready.size(); todo > 0 && !s.ready.empty(); --todo) {
    Callback cb = std::move(s.ready.front());
    s.ready.pop_front();
    run_callback(cb);
    ++ran;
  }
  return ran;
}

void AsioLoop::run_forever() {
  Impl& s = *impl_;
  RunningScope scope(*this);
  s.stopping = false;
  while (!s.stopping) {
    // Something ready: run the I/O that is ready too, without waiting. Nothing ready: wait
    // for one I/O handler (up to the next timer), then maybe run those queued behind it.
    s.drop_cancelled_timers();
    if (!s.ready.empty()) {
      s.run_io_pass();
    } else {
      if (s.timers.empty()) {
        s.io.run_one();
      } else {
        s.io.run_one_until(s.timers.top().when);
      }
      s.after_wait();
    }
    s.collect_ready();
    run_ready_batch();
  }
  s.stopping = false;
}

std::size_t AsioLoop::run_until_idle() {
  Impl& s = *impl_;
  RunningScope scope(*this);
  std::size_t ran = 0;
  for (;;) {
    s.io.poll();
    s.collect_ready();
    if (s.ready.empty()) return ran;
    ran += run_ready_batch();
  }
}

}  // namespace aiostreams
