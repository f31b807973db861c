// Must not compile: a result must be move-constructible. ctest checks the one-line message.
#include "aiostreams/task.hpp"

struct Pinned {
  Pinned() = default;
  Pinned(Pinned&&) = delete;
};
aiostreams::Task<Pinned> make_pinned() { co_return Pinned{}; }
