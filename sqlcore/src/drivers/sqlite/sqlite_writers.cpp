// The writer queue and the background checkpointer of one SQLite database file (see
// sqlite_writers.hpp for what they do and why).
#include "sqlite_writers.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <thread>
#include <unordered_map>

namespace sqlcore::sqlite_driver {

// ---- WriterQueue ------------------------------------------------------------------------------

bool WriterQueue::try_acquire() {
  std::lock_guard lock(mu_);
  if (held_ || head_ != nullptr) return false;
  held_ = true;
  return true;
}

bool WriterQueue::acquire(Clock::time_point deadline) {
  std::unique_lock lock(mu_);
  if (!held_ && head_ == nullptr) {
    held_ = true;
    return true;
  }
  Waiter me;
  me.prev = tail_;
  (tail_ != nullptr ? tail_->next : head_) = &me;
  tail_ = &me;
  while (!me.granted) {
    if (me.cv.wait_until(lock, deadline) == std::cv_status::timeout && !me.granted) {
      unlink(me);
      return false;
    }
  }
  return true;  // release() unlinked us and left held_ set: the turn passed straight to us
}

void WriterQueue::release() {
  {
    std::lock_guard lock(mu_);
    Waiter* next = head_;
    if (next == nullptr) {
      held_ = false;
      return;
    }
    unlink(*next);
    next->granted = true;
    // Under the lock: once it is released, a woken waiter may return and its Waiter be gone.
    next->cv.notify_one();
  }
  // The next writer holds the turn now, but runs only when the scheduler gives it a CPU; on a
  // busy machine it waited behind this thread, which woke it and goes on to its own work. Giving
  // up the rest of this time slice lets it start at once (docs/engine.md: +13% operations/s and
  // a lower p99 at 32 threads on 2 vCPUs).
  std::this_thread::yield();
}

void WriterQueue::unlink(Waiter& w) {
  (w.prev != nullptr ? w.prev->next : head_) = w.next;
  (w.next != nullptr ? w.next->prev : tail_) = w.prev;
  w.prev = w.next = nullptr;
}

// ---- SharedFile -------------------------------------------------------------------------------

std::shared_ptr<SharedFile> shared_file(const std::string& canonical_path) {
  static std::mutex mu;
  static pid_t pid = ::getpid();
  static std::unordered_map<std::string, std::weak_ptr<SharedFile>> files;
  std::lock_guard lock(mu);
  // A child process after fork() does not share its parent's queues: the parent's holders and
  // threads are not in it (and SQLite's handles must not cross a fork anyway).
  if (pid != ::getpid()) {
    files.clear();
    pid = ::getpid();
  }
  if (auto it = files.find(canonical_path); it != files.end())
    if (auto existing = it->second.lock()) return existing;
  std::erase_if(files, [](const auto& kv) { return kv.second.expired(); });
  auto made = std::make_shared<SharedFile>(canonical_path);
  files[canonical_path] = made;
  return made;
}

std::shared_ptr<Checkpointer> SharedFile::checkpointer(int pages, std::chrono::milliseconds busy) {
  std::lock_guard lock(mu_);
  if (auto existing = checkpointer_.lock()) return existing;
  auto made = std::make_shared<Checkpointer>(shared_from_this(), pages, busy);
  checkpointer_ = made;
  return made;
}

// ---- Checkpointer -----------------------------------------------------------------------------

Checkpointer::Checkpointer(std::shared_ptr<SharedFile> file, int pages,
                           std::chrono::milliseconds busy)
    : file_(std::move(file)), pages_(pages), busy_(busy) {
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
  // The last connection to the file, once the engine is gone: SQLite checkpoints the WAL and
  // removes it as it closes.
  sqlite3_close_v2(db_);
}

void Checkpointer::wal_grew(int frames) noexcept {
  // Due when `pages` frames have been written since the last checkpoint copied the WAL (the
  // size of the WAL alone would ask for one at every commit while the WAL does not start over).
  int copied = copied_.load(std::memory_order_relaxed);
  if (frames < copied) {
    // The WAL started over (a writer found every frame copied and no reader in it).
    copied_.compare_exchange_strong(copied, 0, std::memory_order_relaxed);
    copied = 0;
  }
  if (frames - copied < pages_ || due_.exchange(true)) return;
  std::lock_guard lock(mu_);  // no lost wake-up: the thread checks due_ under this lock
  cv_.notify_one();
}

void Checkpointer::run() {
  std::unique_lock lock(mu_);
  const auto asked = [this] { return stop_ || due_.load(); };
  for (;;) {
    if (!oversized_) {
      cv_.wait(lock, asked);
    } else if (!cv_.wait_for(lock, kQuiet, asked)) {
      // Writes have paused: give the large WAL file's space back.
      lock.unlock();
      if (open() && start_over(SQLITE_CHECKPOINT_TRUNCATE, /*wait_for_turn=*/false))
        oversized_ = wal_file_oversized();
      lock.lock();
      continue;
    }
    if (stop_) return;
    due_ = false;
    lock.unlock();
    checkpoint();
    lock.lock();
  }
}

bool Checkpointer::open() {
  if (db_ != nullptr) return true;
  // No CREATE: the file exists while connections to it do. No busy handler: a PASSIVE
  // checkpoint never waits, and a RESTART or TRUNCATE sets its own short wait.
  if (sqlite3_open_v2(file_->path().c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
    return false;  // tried again at the next request
  }
  // A connection learns that the file is in WAL mode when it first reads it; until then a
  // checkpoint does nothing.
  sqlite3_exec(db_, "SELECT COUNT(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "PRAGMA page_size", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    frame_bytes_ = sqlite3_column_int(st, 0) + 24;  // a WAL frame: 24-byte header + one page
  sqlite3_finalize(st);
  return true;
}

void Checkpointer::checkpoint() {
  if (!open()) return;
  // SQLITE_BUSY: another connection (of another process) is checkpointing; the next request
  // tries again.
  int log = 0;
  int copied = 0;
  if (sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_PASSIVE, &log, &copied) != SQLITE_OK)
    return;
  copied_.store(copied, std::memory_order_relaxed);
  // `log`: the frames in use, from the WAL's beginning (not the file's size, which a restart
  // keeps).
  const std::int64_t pages = pages_;
  if (log > 4 * pages) start_over(SQLITE_CHECKPOINT_RESTART, /*wait_for_turn=*/log > 16 * pages);
  oversized_ = wal_file_oversized();
}

bool Checkpointer::wal_file_oversized() const {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file_->path() + "-wal", ec);
  if (ec || frame_bytes_ <= 0) return false;
  return size / static_cast<std::uintmax_t>(frame_bytes_) > 4 * static_cast<std::uintmax_t>(pages_);
}

namespace {

// The checkpointer's busy handler while it holds the turn: the readers it waits for finish
// within a read's time, so it looks again every 100 us (SQLite's own handler sleeps 1, 2, 5,
// 10 ms...), until the deadline.
int poll_until(void* deadline, int /*count*/) {
  if (Clock::now() >= *static_cast<Clock::time_point*>(deadline)) return 0;
  std::this_thread::sleep_for(std::chrono::microseconds(100));
  return 1;
}

}  // namespace

bool Checkpointer::start_over(int mode, bool wait_for_turn) {
  const auto now = Clock::now();
  if (now < next_restart_) return false;
  WriterQueue& writers = file_->writers();
  if (!(wait_for_turn ? writers.acquire(now + busy_) : writers.try_acquire())) return false;
  Clock::time_point deadline = Clock::now() + kRestartWait;
  sqlite3_busy_handler(db_, &poll_until, &deadline);
  const int rc = sqlite3_wal_checkpoint_v2(db_, "main", mode, nullptr, nullptr);
  sqlite3_busy_handler(db_, nullptr, nullptr);
  writers.release();
  if (rc == SQLITE_OK) {
    restart_pause_ = std::chrono::milliseconds(1000);
    next_restart_ = {};
    return true;
  }
  next_restart_ = Clock::now() + restart_pause_;
  restart_pause_ = std::min(restart_pause_ * 2, std::chrono::milliseconds(60000));
  return false;
}

}  // namespace sqlcore::sqlite_driver
