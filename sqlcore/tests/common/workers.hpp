// Test helper: several threads running the same work at once.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace sqlcore::test {

/// Runs `work(w)` for w = 0 .. n-1, each on its own thread, all at once, and joins them. An
/// exception out of a worker is a test failure naming the worker. Returns how many failed.
inline int run_workers(int n, const std::function<void(int)>& work) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int w = 0; w < n; ++w) {
    threads.emplace_back([&, w] {
      try {
        work(w);
      } catch (const std::exception& e) {
        ADD_FAILURE() << "worker " << w << ": " << e.what();
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  return failures.load();
}

}  // namespace sqlcore::test
