// Turning any awaitable (a Task, a Future, a StreamReader operation) into a Task, so that
// helpers such as wait_for() and gather() can accept all of them.
#pragma once

#include <concepts>
#include <coroutine>
#include <type_traits>
#include <utility>

#include "aiostreams/task.hpp"

namespace aiostreams {

namespace detail {
template <class T>
struct IsFuture : std::false_type {};
template <class T>
struct IsFuture<Future<T>> : std::true_type {};

template <class A>
decltype(auto) get_awaiter(A&& awaitable) {
  if constexpr (requires { std::forward<A>(awaitable).operator co_await(); }) {
    return std::forward<A>(awaitable).operator co_await();
  } else {
    return std::forward<A>(awaitable);
  }
}
}  // namespace detail

/// The type `co_await a` produces.
template <class A>
using await_result_t = decltype(detail::get_awaiter(std::declval<A>()).await_resume());

template <class A>
Task<await_result_t<A>> as_task(A awaitable) {
  co_return co_await std::move(awaitable);
}

template <class T>
Task<T> as_task(Task<T> task) {
  return task;
}

/// Runs an awaitable as a task on `loop`; a Future is returned as it is.
template <class A>
auto ensure_future(Loop& loop, A&& awaitable) {
  using Plain = std::remove_cvref_t<A>;
  if constexpr (detail::IsFuture<Plain>::value) {
    return Plain(std::forward<A>(awaitable));
  } else {
    return create_task(loop, as_task(std::forward<A>(awaitable)));
  }
}

}  // namespace aiostreams
