// Seeds spread over forked worker processes (see run_seeds in runner.hpp). Each worker runs
// seeds k, k + jobs, ... of the list in a fresh SimLoop each and writes one JSON line per
// seed to its pipe; the parent collects them and orders them by seed.
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>

#include "aiostreams/testing/report.hpp"
#include "aiostreams/testing/runner.hpp"

namespace aiostreams::testing {

namespace {
struct Worker {
  pid_t pid = -1;
  int fd = -1;
  std::string pending;  // a partial line
  std::vector<std::uint64_t> seeds;
};

[[noreturn]] void worker_main(int fd, const TestCase& test, const RunConfig& config,
                              const std::vector<std::uint64_t>& seeds) {
  for (const std::uint64_t seed : seeds) {
    const std::string line = to_json_line(run_seed(test, config, seed)) + "\n";
    std::size_t written = 0;
    while (written < line.size()) {
      const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) ::_exit(3);
      written += static_cast<std::size_t>(n);
    }
  }
  ::_exit(0);
}

std::string how_it_ended(int status) {
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}
}  // namespace

std::vector<SeedResult> run_seeds(const TestCase& test, const RunConfig& config,
                                  const std::vector<std::uint64_t>& seeds, int jobs, const Progress& progress) {
  std::vector<SeedResult> results;
  if (jobs <= 1 || seeds.size() <= 1) {
    for (const std::uint64_t seed : seeds) {
      results.push_back(run_seed(test, config, seed));
      if (progress) progress(results.back());
    }
  } else {
    const std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(jobs), seeds.size());
    std::vector<Worker> workers(count);
    for (std::size_t k = 0; k < seeds.size(); ++k) workers[k % count].seeds.push_back(seeds[k]);
    std::fflush(nullptr);  // a child must not flush the parent's buffered output again
    for (auto& worker : workers) {
      int fds[2];
      if (::pipe(fds) != 0) throw std::runtime_error("--jobs: pipe() failed");
      worker.pid = ::fork();
      if (worker.pid < 0) throw std::runtime_error("--jobs: fork() failed");
      if (worker.pid == 0) {
        ::close(fds[0]);
        worker_main(fds[1], test, config, worker.seeds);
      }
      ::close(fds[1]);
      worker.fd = fds[0];
    }
    std::map<std::uint64_t, SeedResult> received;
    std::size_t open = count;
    while (open > 0) {
      std::vector<pollfd> polled;
      for (const auto& worker : workers) {
        if (worker.fd >= 0) polled.push_back({worker.fd, POLLIN, 0});
      }
      if (::poll(polled.data(), polled.size(), -1) < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error("--jobs: poll() failed");
      }
      for (auto& worker : workers) {
        if (worker.fd < 0) continue;
        const auto entry =
            std::find_if(polled.begin(), polled.end(), [&](const pollfd& p) { return p.fd == worker.fd; });
        if (entry->revents == 0) continue;
        char buffer[65536];
        const ssize_t n = ::read(worker.fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          ::close(worker.fd);
          worker.fd = -1;
          --open;
          continue;
        }
        worker.pending.append(buffer, static_cast<std::size_t>(n));
        std::size_t newline;
        while ((newline = worker.pending.find('\n')) != std::string::npos) {
          SeedResult result = parse_json_line(std::string_view(worker.pending).substr(0, newline));
          worker.pending.erase(0, newline + 1);
          if (progress) progress(result);
          received.emplace(result.seed, std::move(result));
        }
      }
    }
    for (const auto& worker : workers) {
      int status = 0;
      while (::waitpid(worker.pid, &status, 0) < 0 && errno == EINTR) {
      }
      for (const std::uint64_t seed : worker.seeds) {
        if (received.count(seed) > 0) continue;
        SeedResult lost;  // the worker died while running this seed (or one before it)
        lost.test = test.name;
        lost.seed = seed;
        lost.faults = config.faults;
        lost.ok = false;
        lost.violations.push_back("the worker process " + how_it_ended(status) +
                                  " before reporting this seed (run it alone to see why)");
        lost.replay = replay_command(config, test.name, seed);
        received.emplace(seed, std::move(lost));
      }
    }
    for (auto& [seed, result] : received) results.push_back(std::move(result));
  }
  std::stable_sort(results.begin(), results.end(),
                   [](const SeedResult& a, const SeedResult& b) { return a.seed < b.seed; });
  return results;
}

}  // namespace aiostreams::testing
