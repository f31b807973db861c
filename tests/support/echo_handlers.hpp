// The echo handler tests serve with: echoes lines until EOF, then closes and waits until closed.
#pragma once

#include <memory>
#include <string>

#include "aiostreams/stream_reader.hpp"
#include "aiostreams/stream_writer.hpp"
#include "aiostreams/task.hpp"

namespace aiostreams::testing {

inline Task<void> echo_lines(std::shared_ptr<StreamReader> reader, std::shared_ptr<StreamWriter> writer) {
  for (;;) {
    std::string line = co_await reader->readline();
    if (line.empty()) break;
    writer->write(line);
    co_await writer->drain();
  }
  writer->close();
  co_await writer->wait_closed();
}

}  // namespace aiostreams::testing
