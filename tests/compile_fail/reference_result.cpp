// Must not compile: a Task cannot hold a reference. ctest checks the one-line message.
#include "aiostreams/task.hpp"

int value = 1;
aiostreams::Task<int&> get_reference() { co_return value; }
