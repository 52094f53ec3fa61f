// The migration runner: Migrator's upgrade, downgrade and stamp, one locked transaction each.
#include "sqlcore/migrate/migrate.hpp"

#include <cstdint>

#include "migrate/migrate_internal.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/engine/connection.hpp"
#include "sqlcore/engine/engine.hpp"
#include "sqlcore/engine/transaction.hpp"

namespace sqlcore::migrate {

namespace {

/// The advisory lock key: a constant ("sqlcore" in ASCII) mixed with the version table's name, so
/// that two applications with their own version tables in one database do not wait for each other.
std::int64_t advisory_key(std::string_view version_table) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : version_table) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return static_cast<std::int64_t>((0x73716c636f7265ULL ^ h) & 0x7fffffffffffffffULL);
}

[[noreturn]] void throw_newer(const std::string& id, const History& h) {
  throw ArgumentError(
      "the database is at revision '" + id +
      "', which this program's migration history does not know (known: " + known_ids(h) +
      "): the database is newer than the code. Run a newer version of the "
      "program, or stamp the database to a known revision if you are sure.");
}

/// One revision transaction: the connection, the lock and the version table.
class Step {
 public:
  Step(Engine& engine, const MigratorOptions& options)
      : conn_(engine.connect()), options_(options), d_(conn_.dialect()) {
    const std::string wait = d_.lock_wait_setting_sql(options_.lock_timeout);
    if (!wait.empty()) {
      previous_wait_ = conn_.execute(text(d_.lock_wait_query_sql())).scalar<std::int64_t>();
      conn_.execute(text(wait));
    }
    try {
      prepared_ = true;
      for (const std::string& sql : d_.migration_prepare_sql()) conn_.execute(text(sql));
      tx_.emplace(conn_.begin());
      for (const std::string& sql :
           d_.migration_lock_sql(advisory_key(options_.version_table), options_.lock_timeout))
        conn_.execute(text(sql));
      conn_.execute(text("CREATE TABLE IF NOT EXISTS " + vt() + " (" +
                         d_.quote_identifier("version_num") + " VARCHAR(64) NOT NULL)"));
    } catch (const DatabaseError& e) {
      tx_.reset();
      finish();
      restore_busy();
      if (!e.is_transient()) throw;
      ErrorInfo info = e.info();
      info.server_message =
          "could not get the migration lock within " +
          std::to_string(options_.lock_timeout.count()) +
          " ms: another process is probably migrating this database. Wait for it to finish and "
          "retry, or raise MigratorOptions::lock_timeout. (" +
          info.server_message + ")";
      raise_database_error(std::move(info));
    } catch (...) {
      tx_.reset();
      finish();
      restore_busy();
      throw;
    }
  }
  ~Step() {
    tx_.reset();
    finish();
    restore_busy();
  }
  Step(const Step&) = delete;
  Step& operator=(const Step&) = delete;

  Connection& conn() { return conn_; }

  std::optional<std::string> read() {
    auto ids = conn_.execute(text("SELECT " + d_.quote_identifier("version_num") + " FROM " + vt()))
                   .scalars<std::string>();
    if (ids.empty()) return std::nullopt;
    if (ids.size() > 1)
      throw ArgumentError("the version table " + options_.version_table + " holds " +
                          std::to_string(ids.size()) +
                          " rows; it must hold one. Fix it by hand (keep the right revision), "
                          "or stamp the database.");
    return ids.front();
  }
  void write(const std::optional<std::string>& id) {
    conn_.execute(text("DELETE FROM " + vt()));
    if (id)
      conn_.execute(
          text("INSERT INTO " + vt() + " (" + d_.quote_identifier("version_num") + ") VALUES (:v)"),
          {{"v", *id}});
  }
  /// Checks the foreign keys where the revision ran without them, then commits.
  void commit() {
    const std::string check = d_.foreign_key_check_sql();
    if (!check.empty()) {
      auto broken = conn_.execute(text(check)).all();
      if (!broken.empty()) {
        ErrorInfo info;
        info.backend = std::string(d_.name());
        info.sqlstate = "23503";
        info.sql = check;
        info.server_message = std::to_string(broken.size()) +
                              " row(s) break a foreign key after the migration (first in table " +
                              broken.front().get<std::string>("table") + ")";
        raise_database_error(std::move(info));
      }
    }
    tx_->commit();
  }
  void rollback() noexcept {
    try {
      if (tx_ && tx_->is_active()) tx_->rollback();
    } catch (...) {
    }
  }

 private:
  std::string vt() const { return d_.quote_identifier(options_.version_table); }
  void restore_busy() noexcept {
    if (!previous_wait_) return;
    try {
      conn_.execute(text(d_.lock_wait_setting_sql(std::chrono::milliseconds(*previous_wait_))));
    } catch (...) {
    }
    previous_wait_.reset();
  }

  void finish() noexcept {
    if (!prepared_) return;
    prepared_ = false;
    try {
      for (const std::string& sql : d_.migration_finish_sql()) conn_.execute(text(sql));
    } catch (...) {
    }
  }

  Connection conn_;
  bool prepared_ = false;
  const MigratorOptions& options_;
  const Dialect& d_;
  std::optional<Transaction> tx_;
  std::optional<std::int64_t> previous_wait_;
};

/// Index in the history of the recorded revision: -1 for none.
long position(const std::optional<std::string>& id, const History& h) {
  if (!id) return -1;
  auto i = h.index_of(*id);
  if (!i) throw_newer(*id, h);
  return static_cast<long>(*i);
}

/// Runs `fn` as revision `rev` (upgrade or downgrade) inside `step`, then records `after` and
/// commits. On failure rolls back and rethrows naming the revision.
void run_revision(Step& step, const Revision& rev, const char* direction,
                  const std::function<void(MigrationContext&)>& fn,
                  const std::optional<std::string>& after,
                  const std::function<void(const std::string&, const std::string&)>& on_statement) {
  const std::string what = std::string(direction) + " of revision '" + rev.id + "' (" +
                           rev.message + ") failed and was rolled back";
  try {
    {
      MigrationContext ctx(step.conn(), rev.id, on_statement);
      fn(ctx);
    }
    step.write(after);
    step.commit();
  } catch (const DatabaseError& e) {
    step.rollback();
    ErrorInfo info = e.info();
    info.server_message = what + ": " + info.server_message;
    raise_database_error(std::move(info));
  } catch (const std::exception& e) {
    step.rollback();
    throw MigrationError(rev.id, what + ": " + e.what());
  }
}

}  // namespace

// ---- Migrator ---------------------------------------------------------------------------------

Migrator::Migrator(Engine& engine, const History& history, MigratorOptions options)
    : engine_(&engine), history_(&history), options_(std::move(options)) {
  if (options_.version_table.empty())
    throw ArgumentError("MigratorOptions::version_table must not be empty");
}

std::optional<std::string> Migrator::current() {
  Connection conn = engine_->connect();
  const Dialect& d = conn.dialect();
  auto exists =
      conn.execute(text(d.has_table_sql()), {{"name", options_.version_table}}).first().has_value();
  if (!exists) return std::nullopt;
  auto ids = conn.execute(text("SELECT " + d.quote_identifier("version_num") + " FROM " +
                               d.quote_identifier(options_.version_table)))
                 .scalars<std::string>();
  if (ids.empty()) return std::nullopt;
  if (ids.size() > 1)
    throw ArgumentError("the version table " + options_.version_table + " holds " +
                        std::to_string(ids.size()) + " rows; it must hold one");
  position(ids.front(), *history_);
  return ids.front();
}

std::vector<std::string> Migrator::pending() {
  long pos = position(current(), *history_);
  std::vector<std::string> out;
  for (std::size_t i = static_cast<std::size_t>(pos + 1); i < history_->size(); ++i)
    out.push_back(history_->revisions()[i].id);
  return out;
}

std::vector<RevisionStatus> Migrator::history() {
  long pos = position(current(), *history_);
  std::vector<RevisionStatus> out;
  for (std::size_t i = 0; i < history_->size(); ++i) {
    const Revision& r = history_->revisions()[i];
    out.push_back({r.id, r.message, static_cast<long>(i) <= pos, static_cast<long>(i) == pos,
                   static_cast<bool>(r.downgrade)});
  }
  return out;
}

std::vector<std::string> Migrator::upgrade(std::optional<std::string> to) {
  std::vector<std::string> applied;
  long target = static_cast<long>(history_->size()) - 1;
  if (to) {
    auto i = history_->index_of(*to);
    if (!i)
      throw ArgumentError("upgrade: unknown revision '" + *to +
                          "' (known: " + known_ids(*history_) + ")");
    target = static_cast<long>(*i);
  }
  for (;;) {
    Step step(*engine_, options_);
    long pos = position(step.read(), *history_);
    if (pos >= target) {
      if (pos > target)
        throw ArgumentError("upgrade: the database is at revision '" +
                            history_->revisions()[static_cast<std::size_t>(pos)].id + "', after '" +
                            *to + "'; use downgrade to go back");
      step.commit();
      return applied;
    }
    const Revision& rev = history_->revisions()[static_cast<std::size_t>(pos + 1)];
    run_revision(step, rev, "upgrade", rev.upgrade, rev.id, options_.on_statement);
    applied.push_back(rev.id);
  }
}

void Migrator::downgrade(const std::string& to) {
  long target = -1;
  if (to != kBase) {
    auto i = history_->index_of(to);
    if (!i)
      throw ArgumentError("downgrade: unknown revision '" + to +
                          "' (known: " + known_ids(*history_) + ", or 'base' for none)");
    target = static_cast<long>(*i);
  }
  // Check before anything runs that every revision to undo can be undone.
  long start = position(current(), *history_);
  if (start < target)
    throw ArgumentError(
        "downgrade: the database is at " +
        (start < 0
             ? std::string("base")
             : "revision '" + history_->revisions()[static_cast<std::size_t>(start)].id + "'") +
        ", before '" + to + "'; use upgrade to go forward");
  for (long i = start; i > target; --i) {
    const Revision& r = history_->revisions()[static_cast<std::size_t>(i)];
    if (!r.downgrade)
      throw ArgumentError("downgrade: revision '" + r.id + "' (" + r.message +
                          ") has no downgrade, so the database cannot go back past it; nothing "
                          "was changed");
  }
  for (;;) {
    Step step(*engine_, options_);
    long pos = position(step.read(), *history_);
    if (pos <= target) {
      step.commit();
      return;
    }
    const Revision& rev = history_->revisions()[static_cast<std::size_t>(pos)];
    if (!rev.downgrade)
      throw ArgumentError("downgrade: revision '" + rev.id + "' has no downgrade");
    std::optional<std::string> after;
    if (pos > 0) after = history_->revisions()[static_cast<std::size_t>(pos - 1)].id;
    run_revision(step, rev, "downgrade", rev.downgrade, after, options_.on_statement);
  }
}

void Migrator::stamp(const std::string& id) {
  std::optional<std::string> value;
  if (id != kBase) {
    if (!history_->find(id))
      throw ArgumentError("stamp: unknown revision '" + id + "' (known: " + known_ids(*history_) +
                          ", or 'base' for none)");
    value = id;
  }
  Step step(*engine_, options_);
  step.write(value);
  step.commit();
}

}  // namespace sqlcore::migrate
