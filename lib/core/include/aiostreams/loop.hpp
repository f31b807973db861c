// The event loop interface: asyncio's AbstractEventLoop, reduced to what streams need.
// Backends (SimLoop in sim/, AsioLoop in lib/) implement it; everything above it is shared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace aiostreams {

template <class T>
class Task;
class Transport;
class Server;
class Protocol;
class SslContext;
struct ConnectOptions;
struct StartTlsOptions;
struct ServerOptions;
using ProtocolFactory = std::function<std::shared_ptr<class Protocol>()>;

namespace detail {
class FutureBase;
class TaskBase;
struct TimerState;
}  // namespace detail

using Callback = std::function<void()>;

/// A scheduled call_at/call_later callback. cancel() is idempotent; a cancelled timer's
/// callback never runs.
class TimerHandle {
 public:
  TimerHandle() = default;
  explicit TimerHandle(std::shared_ptr<detail::TimerState> state) : state_(std::move(state)) {}
  void cancel();
  bool cancelled() const;

 private:
  std::shared_ptr<detail::TimerState> state_;
};

/// What the loop hands its exception handler (asyncio's context dict).
struct ExceptionContext {
  std::string message;
  std::exception_ptr exception;
};
using ExceptionHandler = std::function<void(const ExceptionContext&)>;

/// A single-threaded event loop. Callbacks run in FIFO order from the ready queue; timers
/// become ready when their time comes. Nothing ever runs inline from call_soon.
class Loop {
 public:
  Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;
  virtual ~Loop();

  /// Schedules cb to run on a later iteration (asyncio's call_soon).
  virtual void call_soon(Callback cb) = 0;
  /// Schedules cb at absolute loop time `when` (seconds, same clock as time()).
  virtual TimerHandle call_at(double when, Callback cb) = 0;
  /// Schedules cb `delay` seconds from now.
  TimerHandle call_later(double delay, Callback cb) { return call_at(time() + delay, std::move(cb)); }
  /// The loop's clock in seconds: virtual on the simulator, monotonic on real backends.
  virtual double time() const = 0;

  /// Runs callbacks until stop() is called.
  virtual void run_forever() = 0;
  /// Makes run_forever() return after the current iteration.
  virtual void stop() = 0;
  /// Runs every callback that is ready (and becomes ready meanwhile) without waiting for
  /// anything; the simulator does not advance virtual time. Returns how many ran.
  virtual std::size_t run_until_idle() = 0;
  /// True while run_forever()/run_until_* is executing on this thread.
  bool is_running() const { return running_; }

  // ---- networking (asyncio's create_connection & co.). Each runs asyncio's argument checks
  // first, the same on every loop (ValueError with CPython's message, see
  // aiostreams/detail/argument_checks.hpp), then the backend's do_* below. host "" and
  // port 0 stand for Python's None. The returned transport's protocol is factory()'s. ----

  /// Connects to host:port (a name is resolved first), or adopts options.sock. Throws
  /// ValueError for bad arguments, ConnectionRefusedError, OSError for resolution errors,
  /// NotImplementedError on a loop without a network (or without OS sockets, for sock=);
  /// TimeoutError never (use wait_for).
  Task<std::shared_ptr<Transport>> create_connection(ProtocolFactory factory, std::string host, int port,
                                                     const ConnectOptions& options);
  /// Listens on host:port (port 0 picks a free one; "" or "0.0.0.0" every address), or on
  /// options.sock. Throws ValueError for bad arguments, OSError when binding fails,
  /// NotImplementedError as create_connection.
  Task<std::shared_ptr<Server>> create_server(ProtocolFactory factory, std::string host, int port,
                                              const ServerOptions& options);
  /// Connects to the Unix socket at path, or adopts options.sock. Throws as create_connection.
  Task<std::shared_ptr<Transport>> create_unix_connection(ProtocolFactory factory, std::string path,
                                                          const ConnectOptions& options);
  /// Listens on the Unix socket at path, or on options.sock. Throws as create_server.
  Task<std::shared_ptr<Server>> create_unix_server(ProtocolFactory factory, std::string path,
                                                   const ServerOptions& options);

  /// asyncio's loop.start_tls: upgrades the open plain `transport` to TLS in place (its
  /// protocol becomes the TLS engine; `protocol` receives the decrypted data) and returns the
  /// TLS transport once the handshake is done. On failure or cancellation the plain transport
  /// is closed. A loop without a TLS engine throws NotImplementedError.
  virtual Task<std::shared_ptr<Transport>> start_tls(std::shared_ptr<Transport> transport,
                                                     std::shared_ptr<Protocol> protocol,
                                                     std::shared_ptr<SslContext> sslcontext,
                                                     const StartTlsOptions& options);

  /// Whether the fault point at file:line fires now (AIOSTREAMS_BUGGIFY, <aiostreams/buggify.hpp>).
  /// Only the simulator says yes; every other loop is always false.
  virtual bool buggify_site(const char* /*file*/, int /*line*/) { return false; }

  /// Replaces the handler for errors nobody awaited (nullptr restores the default, which
  /// prints the message and the exception to stderr).
  void set_exception_handler(ExceptionHandler handler) { handler_ = std::move(handler); }
  /// Reports an error nobody awaited. Never throws and never terminates: an exception from
  /// the handler itself is printed by the default handler.
  void call_exception_handler(const ExceptionContext& context) noexcept;
  static void default_exception_handler(const ExceptionContext& context) noexcept;

  /// Destroys the coroutine of every task that is still pending ("Task was destroyed but it
  /// is pending", as asyncio warns); called by run() on exit and by backends' destructors.
  void close_pending_tasks() noexcept;

  /// Expires when the loop is being destroyed: objects that may outlive the loop (a
  /// StreamWriter kept after run()) check it before scheduling anything.
  std::weak_ptr<const void> lifetime() const noexcept { return alive_; }
  bool is_closed() const noexcept { return !alive_; }

  /// How many tasks were created on this loop and are not finished.
  std::size_t pending_task_count() const noexcept;
  /// The tasks that are not finished, in creation order.
  std::vector<std::shared_ptr<detail::FutureBase>> pending_tasks() const;
  /// One line per pending task: its name, its host if any, and what it waits on
  /// ("Task-3 [client-1]: waits on StreamReader.readline() waiting for data").
  std::vector<std::string> describe_pending_tasks() const;

 protected:
  // ---- what a backend implements for the networking entry points above. Called only with
  // arguments that passed asyncio's checks; the defaults throw NotImplementedError("this
  // loop has no network"). A backend raises OS failures with the helpers of
  // aiostreams/backend/connection_errors.hpp, so that messages agree across loops. ----

  virtual Task<std::shared_ptr<Transport>> do_create_connection(ProtocolFactory factory, std::string host, int port,
                                                                const ConnectOptions& options);
  virtual Task<std::shared_ptr<Server>> do_create_server(ProtocolFactory factory, std::string host, int port,
                                                         const ServerOptions& options);
  virtual Task<std::shared_ptr<Transport>> do_create_unix_connection(ProtocolFactory factory, std::string path,
                                                                     const ConnectOptions& options);
  virtual Task<std::shared_ptr<Server>> do_create_unix_server(ProtocolFactory factory, std::string path,
                                                              const ServerOptions& options);

  /// Sets the running flag and the thread's current loop for the lifetime of the scope.
  class RunningScope {
   public:
    explicit RunningScope(Loop& loop);
    ~RunningScope();
    RunningScope(const RunningScope&) = delete;
    RunningScope& operator=(const RunningScope&) = delete;

   private:
    Loop& loop_;
    Loop* previous_;
    bool was_running_;
  };

  /// Backends call this first in their destructor (see lifetime()).
  void mark_closed() noexcept { alive_.reset(); }

  /// Runs one callback, reporting an escaping exception through the exception handler.
  void run_callback(Callback& cb) noexcept;

 private:
  friend class detail::TaskBase;
  bool running_ = false;
  std::shared_ptr<const void> alive_ = std::make_shared<char>(0);
  ExceptionHandler handler_;
  std::uint64_t tasks_created_ = 0;
  detail::TaskBase* tasks_head_ = nullptr;  // live tasks in creation order (intrusive list)
  detail::TaskBase* tasks_tail_ = nullptr;
};

/// The loop running on this thread. Throws RuntimeError("no running event loop") outside one.
Loop& get_running_loop();
/// The loop running on this thread, or nullptr.
Loop* current_loop() noexcept;

/// Makes `loop` the thread's current loop for the scope's lifetime, so that code driving a
/// loop by hand (tests, the scenario runner) can create futures and tasks outside run().
class CurrentLoopScope {
 public:
  explicit CurrentLoopScope(Loop& loop);
  ~CurrentLoopScope();
  CurrentLoopScope(const CurrentLoopScope&) = delete;
  CurrentLoopScope& operator=(const CurrentLoopScope&) = delete;

 private:
  Loop* previous_;
};

namespace detail {
struct TimerState {
  Callback callback;
  bool cancelled = false;
  // While the timer sits in a loop's heap: the heap's count of cancelled timers, which
  // cancel() increments so that the heap knows when to compact (see timer_heap.hpp).
  std::size_t* heap_cancelled_count = nullptr;
};
}  // namespace detail

}  // namespace aiostreams
