// What the connections of this process to one SQLite database file share: the queue its writers
// wait in for their turn at the write lock, and the background checkpointer of its WAL.
//
// SQLite lets one connection write at a time and makes the others wait in a busy handler that
// sleeps and polls: with many writers the unlucky ones sleep again and again while others barge
// in, and the slowest wait far longer than the average. Here the writers of one process wait in
// order instead (WriterQueue); only the connection at the head of the queue meets SQLite's lock,
// and with it busy_timeout, which still rules the wait for writers of other processes.
// Connections opened with writer_queue=off are not in it (they meet SQLite's lock directly): in
// order, each write lands on a connection whose page cache another's commit made stale, which
// costs throughput (docs/engine.md has the figures).
//
// Invariants:
//   - one SharedFile per canonical file path in this process (shared_file());
//   - a WriterQueue has at most one holder; a waiter is granted the turn only by release(), in
//     the order the waiters arrived (FIFO);
//   - a Checkpointer's thread runs from its construction to its destruction, and only it uses
//     the checkpointer's own connection.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace sqlcore::sqlite_driver {

using Clock = std::chrono::steady_clock;

/// The writers of this process on one file, served in the order they arrive. Thread-safe.
class WriterQueue {
 public:
  WriterQueue() = default;
  WriterQueue(const WriterQueue&) = delete;
  WriterQueue& operator=(const WriterQueue&) = delete;

  /// Waits for the caller's turn until `deadline`. True: the caller holds the turn until it calls
  /// release(). False: the deadline passed first and the caller holds nothing.
  bool acquire(Clock::time_point deadline);
  /// Takes the turn only when nobody holds it and nobody waits; never waits.
  bool try_acquire();
  /// Ends the holder's turn and hands it to the longest waiter, if any, then yields the CPU
  /// (so that the waiter, not this thread, runs next on a busy machine).
  void release();

 private:
  struct Waiter {
    std::condition_variable cv;
    Waiter* prev = nullptr;
    Waiter* next = nullptr;
    bool granted = false;
  };
  void unlink(Waiter& w);

  std::mutex mu_;
  bool held_ = false;
  Waiter* head_ = nullptr;  // the longest waiter
  Waiter* tail_ = nullptr;
};

class Checkpointer;

/// Everything the connections of this process to one database file share.
class SharedFile : public std::enable_shared_from_this<SharedFile> {
 public:
  explicit SharedFile(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  WriterQueue& writers() { return writers_; }
  /// The file's checkpointer, started by the first connection that asks for it and stopped when
  /// the last connection holding it lets go. `pages` and `busy` are the first asker's.
  std::shared_ptr<Checkpointer> checkpointer(int pages, std::chrono::milliseconds busy);

 private:
  const std::string path_;
  WriterQueue writers_;
  std::mutex mu_;
  std::weak_ptr<Checkpointer> checkpointer_;
};

/// The SharedFile of `canonical_path` in this process (created on first use, kept while any
/// connection holds it). A child process after fork() starts with none.
std::shared_ptr<SharedFile> shared_file(const std::string& canonical_path);

/// Runs the WAL checkpoints of one database file on a thread of its own, so that the copying and
/// the fsyncs of a checkpoint never land on a request. Connections that use it switch SQLite's
/// own auto-checkpoint off and report each commit's WAL size through wal_grew().
///
/// When a commit leaves `pages` frames or more in the WAL that the last checkpoint had not copied
/// (frames written since), the thread runs a PASSIVE checkpoint
/// (it takes no lock that writers or readers wait for; commits meanwhile are folded into one
/// request). A writer starts the WAL over from its beginning only when it finds every frame
/// copied and no reader using the WAL; while requests keep coming that moment rarely comes (a
/// checkpoint's fsyncs take longer than the time between commits), and the WAL grows. Then:
///   - past 4 x `pages` frames in use, when no writer of this process holds or waits for the
///     write lock, the thread takes the turn and runs a RESTART checkpoint: it copies the frames
///     left and waits up to kRestartWait for the readers still in the WAL, so that the next
///     writer starts the WAL over;
///   - past 16 x `pages` frames in use, it waits for its turn in the queue like any writer, so
///     the WAL stays bounded under any load (writers then wait for that checkpoint: a few
///     milliseconds, its fsyncs).
/// A restart keeps the WAL file's size, and writers then overwrite it instead of growing it.
/// Emptying it (a TRUNCATE checkpoint) frees a large file's blocks, which takes tens of
/// milliseconds: the thread does it only once writes have paused for kQuiet (no checkpoint
/// asked for), and only when the turn is free, for a file larger than 4 x `pages` frames.
/// After a failed RESTART or TRUNCATE (a long reader), the next one waits for a pause that
/// doubles from one second up to a minute.
class Checkpointer {
 public:
  static constexpr std::chrono::milliseconds kRestartWait{20};
  static constexpr std::chrono::milliseconds kQuiet{1000};

  Checkpointer(std::shared_ptr<SharedFile> file, int pages, std::chrono::milliseconds busy);
  /// Stops the thread (a checkpoint under way finishes first) and closes its connection.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  /// After a commit that left `frames` frames in the WAL (from SQLite's WAL hook, on the
  /// committing thread). Cheap; wakes the thread when a checkpoint is due.
  void wal_grew(int frames) noexcept;

 private:
  void run();
  void checkpoint();
  // Runs `mode` (RESTART or TRUNCATE) holding the turn: waits for it, or takes it only if free.
  // True when it ran and succeeded.
  bool start_over(int mode, bool wait_for_turn);
  bool wal_file_oversized() const;  // the -wal file has room for more than 4 x pages_ frames
  bool open();

  const std::shared_ptr<SharedFile> file_;
  const int pages_;
  const std::chrono::milliseconds busy_;
  sqlite3* db_ = nullptr;             // the thread's own connection, opened on first use
  int frame_bytes_ = 0;               // page size + frame header; 0: not known yet
  Clock::time_point next_restart_{};  // no RESTART or TRUNCATE before (after one failed)
  std::chrono::milliseconds restart_pause_{1000};
  bool oversized_ = false;        // wal_file_oversized() when last looked (thread only)
  std::atomic<bool> due_{false};  // a checkpoint is asked for
  std::atomic<int> copied_{0};    // frames of the WAL the last checkpoint had copied
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;  // last: starts when everything above is ready
};

}  // namespace sqlcore::sqlite_driver
