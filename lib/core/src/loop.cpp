#include "aiostreams/loop.hpp"

#include <cstdio>
#include <vector>

#include "aiostreams/connection_options.hpp"
#include "aiostreams/detail/argument_checks.hpp"
#include "aiostreams/detail/task_base.hpp"
#include "aiostreams/errors.hpp"
#include "aiostreams/task_context.hpp"

namespace aiostreams {

namespace {
thread_local Loop* thread_loop = nullptr;

}  // namespace

void TimerHandle::cancel() {
  if (state_ && !state_->cancelled) {
    state_->cancelled = true;
    state_->callback = nullptr;  // release what the callback holds now, not when it is popped
    if (state_->heap_cancelled_count != nullptr) ++*state_->heap_cancelled_count;
  }
}

bool TimerHandle::cancelled() const { return state_ && state_->cancelled; }

Loop::Loop() = default;
Loop::~Loop() = default;

Loop::RunningScope::RunningScope(Loop& loop) : loop_(loop), previous_(thread_loop), was_running_(loop.running_) {
  if (previous_ != nullptr && previous_ != &loop && previous_->running_) {
    throw RuntimeError("Cannot run the event loop while another loop is running");
  }
  if (loop.running_) throw RuntimeError("This event loop is already running");
  loop_.running_ = true;
  thread_loop = &loop;
}

Loop::RunningScope::~RunningScope() {
  loop_.running_ = was_running_;
  thread_loop = previous_;
}

void Loop::run_callback(Callback& cb) noexcept {
  try {
    cb();
  } catch (...) {
    call_exception_handler({"Exception in callback", std::current_exception()});
  }
}

void Loop::call_exception_handler(const ExceptionContext& context) noexcept {
  if (!handler_) {
    default_exception_handler(context);
    return;
  }
  try {
    handler_(context);
  } catch (...) {
    default_exception_handler({"Unhandled error in exception handler", std::current_exception()});
    default_exception_handler(context);
  }
}

void Loop::default_exception_handler(const ExceptionContext& context) noexcept {
  const std::string detail = describe_exception(context.exception);
  std::fprintf(stderr, "aiostreams: %s%s%s\n", context.message.c_str(), detail.empty() ? "" : ": ", detail.c_str());
}

std::vector<std::shared_ptr<detail::FutureBase>> Loop::pending_tasks() const {
  std::vector<std::shared_ptr<detail::FutureBase>> pending;
  for (detail::TaskBase* task = tasks_head_; task != nullptr; task = task->next_) {
    if (!task->future().done()) pending.push_back(task->shared_future());
  }
  return pending;
}

std::vector<std::string> Loop::describe_pending_tasks() const {
  std::vector<std::string> lines;
  for (detail::TaskBase* task = tasks_head_; task != nullptr; task = task->next_) {
    if (task->future().done()) continue;
    std::string line = task->name();
    if (task->context()) {
      const std::string where = task->context()->describe();
      if (!where.empty()) line += " [" + where + "]";
    }
    const detail::FutureBase* awaited = task->waiting_on();
    if (awaited == nullptr) {
      line += ": ready or yielding (not waiting on a future)";
    } else if (!awaited->label().empty()) {
      line += ": waits on " + std::string(awaited->label());
    } else if (const auto* other = dynamic_cast<const detail::TaskBase*>(awaited)) {
      line += ": waits on " + other->name();
    } else {
      line += ": waits on an unlabelled future";
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

void Loop::close_pending_tasks() noexcept {
  auto pending = pending_tasks();
  for (auto& future : pending) {
    dynamic_cast<detail::TaskBase&>(*future).destroy_coroutine();
    future->drop_callbacks();
  }
}

std::size_t Loop::pending_task_count() const noexcept {
  std::size_t count = 0;
  for (detail::TaskBase* task = tasks_head_; task != nullptr; task = task->next_) {
    if (!task->future().done()) ++count;
  }
  return count;
}

// The public entry points: asyncio's checks, then the backend. The checks run inside the
// coroutine, so that (as in Python) they raise when the call is awaited.
Task<std::shared_ptr<Transport>> Loop::create_connection(ProtocolFactory factory, std::string host, int port,
                                                         const ConnectOptions& options) {
  detail::check_connection_arguments(host, port, options);
  auto connecting = do_create_connection(std::move(factory), std::move(host), port, options);
  co_return co_await std::move(connecting);
}

Task<std::shared_ptr<Server>> Loop::create_server(ProtocolFactory factory, std::string host, int port,
                                                  const ServerOptions& options) {
  detail::check_server_arguments(host, port, options);
  auto creating = do_create_server(std::move(factory), std::move(host), port, options);
  co_return co_await std::move(creating);
}

Task<std::shared_ptr<Transport>> Loop::create_unix_connection(ProtocolFactory factory, std::string path,
                                                              const ConnectOptions& options) {
  detail::check_unix_connection_arguments(path, options);
  auto connecting = do_create_unix_connection(std::move(factory), std::move(path), options);
  co_return co_await std::move(connecting);
}

Task<std::shared_ptr<Server>> Loop::create_unix_server(ProtocolFactory factory, std::string path,
                                                       const ServerOptions& options) {
  detail::check_unix_server_arguments(path, options);
  auto creating = do_create_unix_server(std::move(factory), std::move(path), options);
  co_return co_await std::move(creating);
}

Task<std::shared_ptr<Transport>> Loop::do_create_connection(ProtocolFactory, std::string, int, const ConnectOptions&) {
  throw NotImplementedError("this loop has no network");
  co_return nullptr;
}

Task<std::shared_ptr<Server>> Loop::do_create_server(ProtocolFactory, std::string, int, const ServerOptions&) {
  throw NotImplementedError("this loop has no network");
  co_return nullptr;
}

Task<std::shared_ptr<Transport>> Loop::do_create_unix_connection(ProtocolFactory, std::string, const ConnectOptions&) {
  throw NotImplementedError("this loop has no network");
  co_return nullptr;
}

Task<std::shared_ptr<Server>> Loop::do_create_unix_server(ProtocolFactory, std::string, const ServerOptions&) {
  throw NotImplementedError("this loop has no network");
  co_return nullptr;
}

Task<std::shared_ptr<Transport>> Loop::start_tls(std::shared_ptr<Transport>, std::shared_ptr<Protocol>,
                                                 std::shared_ptr<SslContext>, const StartTlsOptions&) {
  throw NotImplementedError("this loop has no TLS engine");
  co_return nullptr;
}

Loop& get_running_loop() {
  if (thread_loop == nullptr) throw RuntimeError("no running event loop");
  return *thread_loop;
}

Loop* current_loop() noexcept { return thread_loop; }

CurrentLoopScope::CurrentLoopScope(Loop& loop) : previous_(thread_loop) { thread_loop = &loop; }
CurrentLoopScope::~CurrentLoopScope() { thread_loop = previous_; }

}  // namespace aiostreams
