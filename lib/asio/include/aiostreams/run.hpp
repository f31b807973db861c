// run(main): asyncio.run on a new AsioLoop, the production default. run(loop, main) for any
// loop is in <aiostreams/run_until_complete.hpp>, which this header includes.
#pragma once

#include "aiostreams/asio_loop.hpp"
#include "aiostreams/run_until_complete.hpp"
#include "aiostreams/task.hpp"

namespace aiostreams {

/// run(main) on a new AsioLoop: the production default, like asyncio.run(main()).
template <class T>
T run(Task<T> main) {
  AsioLoop loop;
  return run(loop, std::move(main));
}

}  // namespace aiostreams
