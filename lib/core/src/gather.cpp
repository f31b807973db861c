#include "aiostreams/gather.hpp"

namespace aiostreams::detail {

namespace {
bool failed(FutureBase& child) {
  if (child.cancelled()) return true;
  return child.done() && child.exception() != nullptr;
}

Task<void> wait_all(Loop& loop, const FutureRefs& children) {
  for (const auto& child : children) {
    while (!child->done()) {
      Future<void> wake(loop);
      auto id = child->add_done_callback([wake]() mutable {
        if (!wake.done()) wake.set_result();
      });
      try {
        co_await wake;
      } catch (const CancelledError&) {
        child->remove_done_callback(id);  // already cancelling: keep waiting for the children
      }
    }
  }
}
}  // namespace

Task<std::shared_ptr<FutureBase>> wait_all_or_first_failure(Loop& loop, FutureRefs children) {
  struct Shared {
    std::size_t remaining;
    std::shared_ptr<FutureBase> first_failure;
  };
  auto shared = std::make_shared<Shared>(Shared{children.size(), nullptr});
  Future<void> wake(loop);
  if (children.empty()) co_return nullptr;
  for (const auto& child : children) {
    // A strong reference: a child that fails after gather has returned must still have its
    // exception retrieved here, not reported as never retrieved.
    child->add_done_callback([shared, wake, child]() mutable {
      --shared->remaining;
      const bool child_failed = failed(*child);
      if (child_failed && !shared->first_failure) shared->first_failure = child;
      if ((shared->first_failure || shared->remaining == 0) && !wake.done()) wake.set_result();
    });
  }
  bool cancelled = false;
  try {
    co_await wake;
  } catch (const CancelledError&) {
    cancelled = true;
  }
  if (cancelled) {
    for (const auto& child : children) child->cancel();
    co_await wait_all(loop, children);
    throw CancelledError();
  }
  co_return shared->first_failure;
}

}  // namespace aiostreams::detail
