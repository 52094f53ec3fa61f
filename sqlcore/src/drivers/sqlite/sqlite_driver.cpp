// SqliteDriver: sqlcore's SQLite backend over the sqlite3 C API: opening a database (URL
// settings, journal mode, read-only files), the connection's life and backups, and registration.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "sqlcore/dialect/registry.hpp"
#include "sqlite_internal.hpp"

namespace sqlcore {

namespace sqlite_driver {

SqliteConnection::~SqliteConnection() {
  try {
    detach_cursors();
  } catch (...) {
    // the cursor keeps the rows it buffered; a destructor never throws
  }
  cache_.clear();
  sqlite3_close_v2(db_);
  // A connection discarded in a write transaction: closing rolled it back and let go of the lock.
  if (holds_turn_) file_->writers().release();
}

// ---- the writer queue and checkpoints -------------------------------------------------------

void SqliteConnection::join_writers(std::shared_ptr<SharedFile> file, int busy_ms) {
  file_ = std::move(file);
  busy_ms_ = busy_ms;
}

void SqliteConnection::checkpoint_by(std::shared_ptr<Checkpointer> checkpointer, int pages) {
  checkpointer_ = std::move(checkpointer);
  checkpoint_pages_ = pages;
  // Replaces SQLite's auto-checkpoint, which is a WAL hook too.
  sqlite3_wal_hook(db_, &SqliteConnection::on_wal_commit, this);
}

void SqliteConnection::take_turn(const std::string& sql) {
  const int state = sqlite3_txn_state(db_, nullptr);
  if (state == SQLITE_TXN_WRITE) return;  // took the lock without the queue (below) and keeps it
  WriterQueue& queue = file_->writers();
  if (state == SQLITE_TXN_READ) {
    // A transaction that has read and now writes. Waiting in the queue while holding a read
    // lock could keep the holder from committing (in rollback-journal mode a commit waits for
    // readers to finish): take a free turn, else meet SQLite's lock directly, as before.
    holds_turn_ = queue.try_acquire();
    return;
  }
  const auto start = Clock::now();
  const auto busy = std::chrono::milliseconds(busy_ms_);
  if (!queue.acquire(start + busy))
    raise_code(SQLITE_BUSY, "database is locked by another writer of this process", sql);
  holds_turn_ = true;
  // SQLite's lock (other processes) gets what is left of busy_timeout.
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  if (waited.count() > 0) {
    sqlite3_busy_timeout(db_, static_cast<int>(std::max<std::int64_t>((busy - waited).count(), 0)));
    shortened_ = true;
  }
}

void SqliteConnection::settle() {
  if (shortened_) {
    sqlite3_busy_timeout(db_, busy_ms_);
    shortened_ = false;
  }
  end_turn_if_done();
}

void SqliteConnection::end_turn_if_done() {
  if (holds_turn_ && sqlite3_txn_state(db_, nullptr) != SQLITE_TXN_WRITE) {
    holds_turn_ = false;
    file_->writers().release();
  }
}

void SqliteConnection::refresh_busy() {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "PRAGMA busy_timeout", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    busy_ms_ = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
}

int SqliteConnection::on_wal_commit(void* self, sqlite3* db, const char* schema, int frames) {
  auto* conn = static_cast<SqliteConnection*>(self);
  if (conn->checkpointer_ == nullptr) {
    // SQLite's way, in the committing request, before the next writer of this process starts:
    // it then finds the WAL copied and starts it over.
    if (frames >= conn->checkpoint_pages_)
      sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    conn->end_turn_if_done();
  } else {
    // The commit is over and SQLite's lock released: the next writer goes now.
    conn->end_turn_if_done();
    conn->checkpointer_->wal_grew(frames);
  }
  return SQLITE_OK;
}

bool SqliteConnection::ping() {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT 1", -1, &st, nullptr) != SQLITE_OK) return false;
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW;
}

void SqliteConnection::backup_to(const std::string& path) {
  detach_cursors();
  std::error_code ec;
  if (std::filesystem::exists(path, ec))
    throw ArgumentError("backup_to('" + path + "'): the file exists; choose a new name");
  sqlite3* dest = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_backup* b = sqlite3_backup_init(dest, "main", db_, "main");
    if (b == nullptr) {
      rc = sqlite3_errcode(dest);
    } else {
      // Copy in steps. A lock busy after the source's busy handler, or this connection's own
      // write (LOCKED), is retried for up to 5 s more.
      for (int tries = 0;;) {
        rc = sqlite3_backup_step(b, 1024);
        if (rc == SQLITE_DONE) break;
        if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++tries < 500) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
          continue;
        }
        if (rc != SQLITE_OK) break;
      }
      const int finish = sqlite3_backup_finish(b);
      if (rc == SQLITE_DONE) rc = finish;
    }
  }
  std::string msg = dest != nullptr ? sqlite3_errmsg(dest) : sqlite3_errstr(rc);
  if (rc != SQLITE_OK && rc != SQLITE_DONE && msg == "not an error") msg = sqlite3_errstr(rc);
  sqlite3_close_v2(dest);
  if (rc != SQLITE_OK && rc != SQLITE_DONE) {
    std::filesystem::remove(path, ec);
    raise_code(rc, "backup to '" + path + "' failed: " + msg, "");
  }
}

namespace {

// ---- driver ---------------------------------------------------------------------------------

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The journal mode a connection reports (lower case), or "" when it cannot say yet.
std::string journal_mode_of(sqlite3* db) {
  sqlite3_stmt* st = nullptr;
  std::string mode;
  if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    if (const unsigned char* t = sqlite3_column_text(st, 0))
      mode = lower(reinterpret_cast<const char*>(t));
  }
  sqlite3_finalize(st);
  return mode;
}

// Sets the journal mode, waiting up to `busy` like every statement does. Switching a file to WAL
// needs the file's exclusive lock, and SQLite does not call the busy handler for that: while
// another connection writes (several threads or processes opening a new file at once), the
// switch fails at once with SQLITE_BUSY. So it is retried here until busy_timeout has passed.
// A file already in the mode asked for (WAL is kept in the file) needs no switch at all.
// Returns the mode in effect (lower case).
std::string set_journal_mode(SqliteConnection& conn, const std::string& journal,
                             std::chrono::milliseconds busy) {
  const std::string mode = journal_mode_of(conn.db());
  if (mode == lower(journal)) return mode;
  const std::string sql = "PRAGMA journal_mode = " + journal;
  const auto start = std::chrono::steady_clock::now();
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    char* err = nullptr;
    const int rc = sqlite3_exec(conn.db(), sql.c_str(), nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc == SQLITE_OK) return journal_mode_of(conn.db());
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
      raise_sqlite(conn.db(), rc, sql);
    if (waited >= busy) raise_sqlite(conn.db(), rc, sql);
    std::this_thread::sleep_for(std::min(pause, busy - waited));
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

// True when the schema can be read (a WAL file may open read-only and still not be readable).
bool schema_readable(sqlite3* db) {
  sqlite3_stmt* st = nullptr;
  bool ok =
      sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM sqlite_master", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return ok;
}

// The file's path with every symbolic link resolved, so that every name of one file finds one
// writer queue.
std::string canonical_path(sqlite3* db, const std::string& path) {
  const char* opened = sqlite3_db_filename(db, "main");
  std::string name = opened != nullptr && *opened != '\0' ? opened : path;
  std::error_code ec;
  auto canonical = std::filesystem::canonical(name, ec);
  return ec ? name : canonical.string();
}

// `path` for a file: URI (percent-encoding what a URI gives meaning to).
std::string uri_path(const std::string& path) {
  std::string out;
  for (unsigned char ch : path) {
    if (ch == '%' || ch == '?' || ch == '#' || ch < 0x20) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out;
}

// What a SQLite URL's query asks of the driver.
struct SqliteSettings {
  std::optional<std::chrono::milliseconds> busy;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  std::string journal = "WAL", synchronous = "NORMAL";
  bool background_checkpoints = true;
  bool writer_queue = true;
  int checkpoint_pages = 1000;  // SQLite's own default for its auto-checkpoint
};

// Reads the query; throws ArgumentError for a bad value or an unknown key. Opens nothing:
// create_engine() runs it too.
SqliteSettings parse_settings(const Url& url) {
  SqliteSettings st;
  for (const auto& [key, value] : url.query()) {
    if (key == "busy_timeout") {
      char* end = nullptr;
      long ms = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || ms < 0)
        throw ArgumentError("invalid database URL setting busy_timeout: '" + value +
                            "' is not a number of milliseconds");
      st.busy = std::chrono::milliseconds(ms);
    } else if (key == "mode") {
      if (value == "ro")
        st.flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
      else if (value == "rw")
        st.flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
      else if (value != "rwc")
        throw ArgumentError("invalid database URL setting mode: '" + value +
                            "' (expected ro, rw or rwc)");
    } else if (key == "journal_mode") {
      st.journal = value;
      static const char* kModes[] = {"delete", "truncate", "persist", "memory", "wal", "off"};
      if (std::none_of(std::begin(kModes), std::end(kModes),
                       [&](const char* m) { return lower(value) == m; }))
        throw ArgumentError("invalid database URL setting journal_mode: '" + value + "'");
    } else if (key == "synchronous") {
      st.synchronous = value;
      static const char* kModes[] = {"off", "normal", "full", "extra"};
      if (std::none_of(std::begin(kModes), std::end(kModes),
                       [&](const char* m) { return lower(value) == m; }))
        throw ArgumentError("invalid database URL setting synchronous: '" + value + "'");
    } else if (key == "checkpoint") {
      if (value != "background" && value != "inline")
        throw ArgumentError("invalid database URL setting checkpoint: '" + value +
                            "' (expected background or inline)");
      st.background_checkpoints = value == "background";
    } else if (key == "writer_queue") {
      if (value != "fair" && value != "off")
        throw ArgumentError("invalid database URL setting writer_queue: '" + value +
                            "' (expected fair or off)");
      st.writer_queue = value == "fair";
    } else if (key == "checkpoint_pages") {
      char* end = nullptr;
      long pages = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || pages < 1 || pages > 1000000)
        throw ArgumentError("invalid database URL setting checkpoint_pages: '" + value +
                            "' is not a number of pages from 1 to 1000000");
      st.checkpoint_pages = static_cast<int>(pages);
    } else {
      throw ArgumentError("unknown sqlite URL setting '" + key +
                          "' (known: busy_timeout, mode, journal_mode, synchronous, writer_queue, "
                          "checkpoint, checkpoint_pages, and the pool settings)");
    }
  }
  return st;
}

class SqliteDriver final : public Driver {
 public:
  std::string_view name() const override { return "sqlite3"; }

  bool shares_one_connection(const Url& url) const override { return url.is_memory(); }

  void check_url(const Url& url) const override { (void)parse_settings(url); }

  std::unique_ptr<DriverConnection> connect(const Url& url, const DriverOptions& options) override {
    const SqliteSettings st = parse_settings(url);
    const auto busy = st.busy.value_or(options.busy_timeout);
    int flags = st.flags;
    const bool memory = url.is_memory();
    std::string path = memory ? ":memory:" : url.database();
    if (!memory && !options.create_database) {
      // A tool that only looks: never a new file or folder.
      flags &= ~SQLITE_OPEN_CREATE;
      std::error_code ec;
      if (!std::filesystem::exists(path, ec)) {
        ErrorInfo info;
        info.backend = "sqlite";
        info.sqlstate = "3D000";
        info.native_code = SQLITE_CANTOPEN;
        info.server_message = "no database at '" + path + "'";
        raise_database_error(std::move(info));
      }
    }
    if (!memory && (flags & SQLITE_OPEN_CREATE) != 0) {
      std::filesystem::path parent = std::filesystem::path(path).parent_path();
      std::error_code ec;
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
      if (ec) {
        ErrorInfo info;
        info.backend = "sqlite";
        info.sqlstate = "58030";
        info.native_code = SQLITE_CANTOPEN;
        info.server_message =
            "cannot create the folder '" + parent.string() + "' for the database: " + ec.message();
        raise_database_error(std::move(info));
      }
    }
    std::unique_ptr<SqliteConnection> conn = open(path, flags, busy);
    sqlite3* db = conn->db();
    // A file opened read-only (mode=ro, or a file or folder this process cannot write) is read
    // in whatever journal mode it has: switching it would be a write.
    if (!memory && (flags & SQLITE_OPEN_READONLY) == 0 && sqlite3_db_readonly(db, "main") != 1) {
      const std::string mode = set_journal_mode(*conn, st.journal, busy);
      if (lower(st.journal) == "wal")
        conn->execute_simple("PRAGMA synchronous = " + st.synchronous);
      // The writers of this process on this file wait for each other in order (whatever the
      // URL that named the file), unless the URL says writer_queue=off; in WAL mode, checkpoints
      // run as the URL says.
      const int busy_ms = static_cast<int>(std::min<std::int64_t>(busy.count(), INT32_MAX));
      auto file = shared_file(canonical_path(db, path));
      if (mode == "wal")
        conn->checkpoint_by(
            st.background_checkpoints ? file->checkpointer(st.checkpoint_pages, busy) : nullptr,
            st.checkpoint_pages);
      if (st.writer_queue) conn->join_writers(std::move(file), busy_ms);
    }
    // A WAL file read by a process that can create neither its -shm file nor its -wal file (a
    // read-only folder) cannot be read the ordinary way ("attempt to write a readonly
    // database"). When no -wal file holds changes, the file alone is the whole database: it is
    // then read as immutable, which needs neither.
    if (!memory && sqlite3_db_readonly(db, "main") == 1 && !schema_readable(db)) {
      std::error_code ec;
      const auto wal_size = std::filesystem::file_size(path + "-wal", ec);
      if (ec || wal_size == 0) {
        conn.reset();
        conn = open("file:" + uri_path(path) + "?immutable=1",
                    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, busy);
      }
    }
    return conn;
  }

 private:
  // Opens `target` (a path, or a file: URI with SQLITE_OPEN_URI) with sqlcore's settings:
  // extended result codes, busy_timeout, foreign keys on, LIKE case-sensitive.
  static std::unique_ptr<SqliteConnection> open(const std::string& target, int flags,
                                                std::chrono::milliseconds busy) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(target.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
      ErrorInfo info;
      info.backend = "sqlite";
      info.native_code = db != nullptr ? sqlite3_extended_errcode(db) : rc;
      info.sqlstate = sqlstate_for(info.native_code, "");
      info.server_message = std::string(db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)) +
                            ": '" + target + "'";
      sqlite3_close_v2(db);
      raise_database_error(std::move(info));
    }
    auto conn = std::make_unique<SqliteConnection>(db);
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, static_cast<int>(std::min<std::int64_t>(busy.count(), INT32_MAX)));
    conn->execute_simple("PRAGMA foreign_keys = ON");
    // LIKE is case-sensitive on PostgreSQL; make it so here too (ilike() is the insensitive one).
    conn->execute_simple("PRAGMA case_sensitive_like = ON");
    return conn;
  }
};

}  // namespace

}  // namespace sqlite_driver

namespace detail {
void register_driver_sqlite() {
  register_driver("sqlite", std::make_shared<sqlite_driver::SqliteDriver>());
}
}  // namespace detail

}  // namespace sqlcore
