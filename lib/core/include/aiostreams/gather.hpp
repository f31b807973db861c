// gather(): asyncio.gather (return_exceptions=False).
#pragma once

#include <memory>
#include <tuple>
#include <vector>

#include "aiostreams/awaitable.hpp"

namespace aiostreams {

namespace detail {
using FutureRefs = std::vector<std::shared_ptr<FutureBase>>;

/// Waits until every child is done or one fails; returns the failed one (or nullptr).
/// If the waiting task is cancelled, cancels every child, waits for all of them, and
/// throws CancelledError.
Task<std::shared_ptr<FutureBase>> wait_all_or_first_failure(Loop& loop, FutureRefs children);
}  // namespace detail

/// Runs every awaitable concurrently (each as its own task) and returns their results as
/// a tuple, in argument order (void results are detail::Unit). If one fails, its exception
/// is thrown at once and the others keep running. Cancelling the caller cancels them all.
/// Results are moved into the tuple (move-only ones too); a result of a Future the caller
/// still holds is copied, or taken if it is move-only (see Future<T>).
template <class... As>
Task<std::tuple<detail::Stored<await_result_t<As>>...>> gather(As... awaitables) {
  Loop& loop = get_running_loop();
  auto futures = std::make_tuple(ensure_future(loop, std::move(awaitables))...);
  detail::FutureRefs refs = std::apply(
      [](auto&... f) { return detail::FutureRefs{std::static_pointer_cast<detail::FutureBase>(f.state())...}; },
      futures);
  // refs is given away so that `futures` alone hold each state: results of our own tasks
  // are then moved out, while a Future the caller passed in (and still holds) is copied.
  auto failed = co_await detail::wait_all_or_first_failure(loop, std::move(refs));
  if (failed) failed->rethrow_if_failed();
  co_return std::apply([](auto&... f) { return std::make_tuple(detail::consume_result(f.state())...); }, futures);
}

/// gather() over a vector of tasks of one type; results come back in the same order.
template <class T>
Task<std::vector<detail::Stored<T>>> gather(std::vector<Task<T>> tasks) {
  Loop& loop = get_running_loop();
  std::vector<Future<T>> futures;
  detail::FutureRefs refs;
  for (auto& task : tasks) {
    futures.push_back(create_task(loop, std::move(task)));
    refs.push_back(futures.back().state());
  }
  auto failed = co_await detail::wait_all_or_first_failure(loop, std::move(refs));
  if (failed) failed->rethrow_if_failed();
  std::vector<detail::Stored<T>> results;
  results.reserve(futures.size());
  for (auto& future : futures) results.push_back(detail::consume_result(future.state()));
  co_return results;
}

}  // namespace aiostreams
