#include "transfer/batch_queue.hpp"

#include <utility>

namespace sqlcore::transfer::detail {

bool BatchQueue::push(Batch batch) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return stopped_ || batches_.size() < capacity_; });
  if (stopped_) return false;
  batches_.push_back(std::move(batch));
  changed_.notify_all();
  return true;
}

void BatchQueue::finish(std::exception_ptr error) {
  std::lock_guard lock(mu_);
  finished_ = true;
  error_ = std::move(error);
  changed_.notify_all();
}

std::optional<Batch> BatchQueue::pop() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return error_ || !batches_.empty() || finished_; });
  if (error_) std::rethrow_exception(error_);
  if (batches_.empty()) return std::nullopt;
  Batch out = std::move(batches_.front());
  batches_.pop_front();
  changed_.notify_all();
  return out;
}

void BatchQueue::stop() {
  std::lock_guard lock(mu_);
  stopped_ = true;
  batches_.clear();
  changed_.notify_all();
}

BatchReader::BatchReader(std::size_t capacity, std::function<void(BatchQueue&)> read)
    : queue_(capacity), thread_([this, read = std::move(read)] {
        try {
          read(queue_);
          queue_.finish();
        } catch (...) {
          queue_.finish(std::current_exception());
        }
      }) {}

BatchReader::~BatchReader() {
  queue_.stop();
  join();
}

void BatchReader::join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace sqlcore::transfer::detail
