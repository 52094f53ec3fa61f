// sqlcore::testing: runs test code on a thread with a small stack, as a server's worker threads
// may have: what recurses once per level of its input fails there instead of passing on an 8 MB
// main stack.
//
//   sqlcore::test::on_small_stack(sqlcore::test::kSmallStack, [&] { parse(deeply_nested); });
#pragma once

#include <gtest/gtest.h>
#include <pthread.h>

#include <cstddef>
#include <exception>
#include <functional>

namespace sqlcore::test {

inline constexpr std::size_t kSmallStack = 256 * 1024;

/// Runs `fn` on a thread with a stack of `bytes`; an exception thrown there is rethrown here. A
/// stack overflow ends the whole test binary (that is the failure this looks for).
inline void on_small_stack(std::size_t bytes, const std::function<void()>& fn) {
  struct Job {
    const std::function<void()>* fn;
    std::exception_ptr error;
  } job{&fn, nullptr};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, bytes), 0);
  pthread_t thread;
  auto body = [](void* p) -> void* {
    auto* j = static_cast<Job*>(p);
    try {
      (*j->fn)();
    } catch (...) {
      j->error = std::current_exception();
    }
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, body, &job), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace sqlcore::test
