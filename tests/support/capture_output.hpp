// Runs a function with the process's stdout and stderr captured (file descriptors 1 and 2),
// for tests of command-line entry points that print with printf.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace aiostreams::testing {

struct Captured {
  int code = 0;
  std::string out, err;
};

inline std::string read_all(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
  std::fclose(file);
  return text;
}

/// Calls `f()` (returning int) with stdout and stderr going to temporary files.
template <class F>
Captured capture_output(F&& f) {
  std::fflush(stdout);
  std::fflush(stderr);
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  const int saved_out = ::dup(1), saved_err = ::dup(2);
  ::dup2(fileno(out), 1);
  ::dup2(fileno(err), 2);
  Captured captured;
  captured.code = std::forward<F>(f)();
  std::fflush(stdout);
  std::fflush(stderr);
  ::dup2(saved_out, 1);
  ::dup2(saved_err, 2);
  ::close(saved_out);
  ::close(saved_err);
  captured.out = read_all(out);
  captured.err = read_all(err);
  return captured;
}

/// Calls aiostreams::testing::main-like `entry(argc, argv)` with these words (argv[0] first).
template <class Entry>
Captured capture_main(Entry entry, std::vector<std::string> words) {
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  return capture_output([&] { return entry(static_cast<int>(words.size()), argv.data()); });
}

}  // namespace aiostreams::testing
