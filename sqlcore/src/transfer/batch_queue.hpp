// The hand-over between a table's reader thread and the thread that writes its rows (internal to
// transfer/): a bounded queue of row batches, and the reader thread that fills it.
//
//   detail::BatchReader reader(3, [&](detail::BatchQueue& q) { ... q.push(std::move(batch)) ... });
//   while (auto batch = reader.next()) write(*batch);  // rethrows the reader's error
//
// The reader runs ahead by at most `capacity` batches. Destroying the BatchReader (the writer is
// done, or failed) stops the reader at its next push and joins it, so no thread outlives it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "sqlcore/core/value.hpp"

namespace sqlcore::transfer::detail {

using Batch = std::vector<std::vector<Value>>;

class BatchQueue {
 public:
  explicit BatchQueue(std::size_t capacity) : capacity_(capacity) {}

  /// Reader: adds `batch`, waiting while the queue is full. False when the writer has stopped
  /// the queue: the reader then stops reading.
  bool push(Batch batch);
  /// Reader: there are no more batches; `error` when reading failed (rethrown by pop()).
  void finish(std::exception_ptr error = nullptr);
  /// Writer: the next batch, waiting for one; nullopt once the reader has finished and every
  /// batch was taken. Rethrows the reader's error as soon as it is there.
  std::optional<Batch> pop();
  /// Writer: no more batches are wanted (push() returns false from now on).
  void stop();

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Batch> batches_;
  std::size_t capacity_;
  bool finished_ = false, stopped_ = false;
  std::exception_ptr error_;
};

/// Runs `read` on a thread of its own, which hands its batches to the calling thread through a
/// BatchQueue of `capacity` batches. An exception of `read` is rethrown by next().
class BatchReader {
 public:
  BatchReader(std::size_t capacity, std::function<void(BatchQueue&)> read);
  ~BatchReader();
  BatchReader(const BatchReader&) = delete;
  BatchReader& operator=(const BatchReader&) = delete;

  /// The next batch, nullopt at the end (see BatchQueue::pop()).
  std::optional<Batch> next() { return queue_.pop(); }
  /// Waits for the reader to finish (after next() gave nullopt, everything it did is visible).
  void join();

 private:
  BatchQueue queue_;
  std::thread thread_;
};

}  // namespace sqlcore::transfer::detail
