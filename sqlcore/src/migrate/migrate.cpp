// The migration runner: version table, per-revision transactions with a lock, and the schema
// operations of MigrationContext spelled through the dialect.
#include "sqlcore/migrate/migrate.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "migrate/model.hpp"
#include "sql/ddl_internal.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/engine/connection.hpp"
#include "sqlcore/engine/engine.hpp"
#include "sqlcore/engine/transaction.hpp"
#include "sqlcore/schema/metadata.hpp"
#include "sqlcore/sql/ddl.hpp"

namespace sqlcore::migrate {

namespace {

constexpr std::string_view kBase = "base";

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

std::string known_ids(const History& h) {
  std::string out;
  for (const Revision& r : h.revisions()) out += (out.empty() ? "" : ", ") + r.id;
  return out.empty() ? "(none)" : out;
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

/// `sql` names `ident` as a whole word (quoted or not).
bool mentions(std::string_view sql, std::string_view ident) {
  auto word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
  };
  for (std::size_t at = sql.find(ident); at != std::string_view::npos;
       at = sql.find(ident, at + 1)) {
    bool before = at == 0 || !word(sql[at - 1]);
    bool after = at + ident.size() >= sql.size() || !word(sql[at + ident.size()]);
    if (before && after) return true;
  }
  return false;
}

/// What dropping `column` does to the rest of its table: keys, uniques, indexes, foreign keys and
/// checks that use it go with it (as PostgreSQL does).
void model_drop_column(detail::TableModel& m, std::string_view column) {
  auto uses = [&](const std::vector<std::string>& v) {
    return std::find(v.begin(), v.end(), column) != v.end();
  };
  auto drop_if = [](auto& v, auto pred) {
    v.erase(std::remove_if(v.begin(), v.end(), pred), v.end());
  };
  drop_if(m.columns, [&](const ColumnInfo& c) { return c.name == column; });
  if (uses(m.primary_key.columns)) m.primary_key = {};
  drop_if(m.uniques, [&](const UniqueInfo& u) { return uses(u.columns); });
  drop_if(m.foreign_keys, [&](const ForeignKeyInfo& f) { return uses(f.columns); });
  drop_if(m.indexes, [&](const IndexInfo& ix) {
    bool hit = uses(ix.columns) || mentions(ix.where, column);
    for (const auto& e : ix.expressions) hit = hit || mentions(e, column);
    return hit;
  });
  for (std::size_t i = m.checks.size(); i-- > 0;)
    if (mentions(m.checks[i].condition, column)) {
      m.checks.erase(m.checks.begin() + static_cast<std::ptrdiff_t>(i));
      m.check_types.erase(m.check_types.begin() + static_cast<std::ptrdiff_t>(i));
    }
}

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

/// `cs` with its placeholders replaced by the values they would take, as SQL literals (a
/// placeholder whose value is not in `params` stays as it is): what offline mode writes and
/// on_statement reports.
std::string with_literals(const Dialect& d, const Executable& stmt, const Params& params) {
  const CompiledStatement& cs = stmt.compiled(d);
  const std::string& s = cs.sql;
  auto param = [&](std::size_t p) -> const Value* {
    if (p >= cs.param_names.size()) return nullptr;
    for (const auto& [name, v] : params)
      if (name == cs.param_names[p]) return &v;
    return nullptr;
  };
  auto literal = [&](std::size_t p) -> std::optional<std::string> {
    if (p < cs.slots.size()) {
      const BindSlot& slot = cs.slots[p];
      Value v;
      switch (slot.source) {
        case BindSlot::Source::param:
          if (const Value* given = param(p))
            v = *given;
          else
            return std::nullopt;
          break;
        case BindSlot::Source::fixed:
          v = stmt.fixed_value(slot);
          break;
        case BindSlot::Source::now:
          v = Timestamp::from_micros(Timestamp::now().micros() + slot.offset_us);
          break;
        case BindSlot::Source::client_default:
          v = slot.column->client_default();
          break;
      }
      if (slot.type) return d.literal_sql(slot.type->bind(std::move(v), slot.label), *slot.type);
      return d.literal_sql(v, types::Text);
    }
    if (const Value* given = param(p)) return d.literal_sql(*given, types::Text);
    return std::nullopt;
  };
  std::string out;
  std::size_t i = 0;
  auto copy_until = [&](std::string_view end) {
    std::size_t stop = s.find(end, i);
    stop = stop == std::string::npos ? s.size() : stop + end.size();
    out.append(s, i, stop - i);
    i = stop;
  };
  while (i < s.size()) {
    const char ch = s[i];
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    if (ch == '\'' || ch == '"') {  // a quoted string or identifier; doubled quotes stay inside
      std::size_t j = i + 1;
      for (; j < s.size(); ++j)
        if (s[j] == ch) {
          if (j + 1 < s.size() && s[j + 1] == ch)
            ++j;
          else
            break;
        }
      j = std::min(j + 1, s.size());
      out.append(s, i, j - i);
      i = j;
    } else if (ch == '-' && next == '-') {
      copy_until("\n");
    } else if (ch == '/' && next == '*') {
      copy_until("*/");
    } else if ((ch == '?' || ch == '$') && std::isdigit(static_cast<unsigned char>(next))) {
      std::size_t n = 0;
      auto [end, ec] = std::from_chars(s.data() + i + 1, s.data() + s.size(), n);
      const std::size_t len = static_cast<std::size_t>(end - (s.data() + i));
      auto lit = ec == std::errc() && n > 0 ? literal(n - 1) : std::nullopt;
      out += lit ? *lit : s.substr(i, len);
      i += len;
    } else {
      out += ch;
      ++i;
    }
  }
  return out;
}

}  // namespace

// ---- History ----------------------------------------------------------------------------------

History::History(std::vector<Revision> revisions) : revisions_(std::move(revisions)) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < revisions_.size(); ++i) {
    const Revision& r = revisions_[i];
    if (r.id.empty())
      throw ArgumentError("migration history: revision #" + std::to_string(i + 1) +
                          " has an empty id; give every revision a unique id");
    if (r.id == kBase)
      throw ArgumentError(
          "migration history: 'base' is reserved (it means: no revision); rename "
          "revision #" +
          std::to_string(i + 1));
    if (r.id.size() > 64)
      throw ArgumentError("migration history: revision id '" + r.id +
                          "' is longer than 64 characters");
    if (!seen.insert(r.id).second)
      throw ArgumentError("migration history: duplicate revision id '" + r.id +
                          "'; every revision needs its own id");
    if (!r.upgrade)
      throw ArgumentError("migration history: revision '" + r.id + "' has no upgrade function");
    if (!r.follows.empty() && i == 0)
      throw ArgumentError("migration history: revision '" + r.id + "' follows '" + r.follows +
                          "', but it is the first revision: '" + r.follows +
                          "' is missing from the history (or clear `follows`)");
    if (!r.follows.empty() && r.follows != revisions_[i - 1].id)
      throw ArgumentError("migration history: revision '" + r.id + "' follows '" + r.follows +
                          "', but the revision before it is '" + revisions_[i - 1].id + "'" +
                          (seen.count(r.follows) ? ": the order is wrong"
                                                 : ": '" + r.follows + "' is missing (a gap)") +
                          ". Restore the missing revision or fix the order.");
  }
}

std::optional<std::string> History::head() const {
  if (revisions_.empty()) return std::nullopt;
  return revisions_.back().id;
}

const Revision* History::find(std::string_view id) const {
  auto i = index_of(id);
  return i ? &revisions_[*i] : nullptr;
}

std::optional<std::size_t> History::index_of(std::string_view id) const {
  for (std::size_t i = 0; i < revisions_.size(); ++i)
    if (revisions_[i].id == id) return i;
  return std::nullopt;
}

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

// ---- offline mode ----------------------------------------------------------------------------

std::vector<std::string> tables_at(const History& history, const Dialect& dialect,
                                   std::optional<std::string> revision) {
  if (!revision || *revision == kBase) return {};
  auto target = history.index_of(*revision);
  if (!target)
    throw ArgumentError("unknown revision '" + *revision + "' (known: " + known_ids(history) + ")");
  detail::SchemaModel model;
  for (std::size_t i = 0; i <= *target; ++i) {
    const Revision& rev = history.revisions()[i];
    std::vector<std::string> statements;
    MigrationContext ctx(dialect, model, statements, rev.id);
    rev.upgrade(ctx);
  }
  return model.table_names();
}

std::vector<OfflineRevision> offline_upgrade(const History& history, const Dialect& dialect,
                                             std::optional<std::string> from,
                                             std::optional<std::string> to) {
  long start = -1;
  if (from && *from != kBase) {
    auto i = history.index_of(*from);
    if (!i)
      throw ArgumentError("offline upgrade: unknown start revision '" + *from +
                          "' (known: " + known_ids(history) + ", or 'base' for none)");
    start = static_cast<long>(*i);
  }
  long target = static_cast<long>(history.size()) - 1;
  if (to) {
    auto i = history.index_of(*to);
    if (!i)
      throw ArgumentError("offline upgrade: unknown revision '" + *to +
                          "' (known: " + known_ids(history) + ")");
    target = static_cast<long>(*i);
  }
  if (target < start)
    throw ArgumentError("offline upgrade: '" + to.value_or("head") + "' comes before '" +
                        from.value_or("base") + "'");
  // The revisions up to `from` run too, unrecorded: they build the model the later ones read.
  detail::SchemaModel model;
  std::vector<OfflineRevision> out;
  for (long i = 0; i <= target; ++i) {
    const Revision& rev = history.revisions()[static_cast<std::size_t>(i)];
    std::vector<std::string> statements;
    try {
      MigrationContext ctx(dialect, model, statements, rev.id);
      rev.upgrade(ctx);
    } catch (const MigrationError&) {
      throw;
    } catch (const std::exception& e) {
      throw MigrationError(
          rev.id, "offline upgrade of revision '" + rev.id + "' (" + rev.message +
                      ") failed: " + e.what() +
                      (dynamic_cast<const ArgumentError*>(&e)
                           ? " (offline, the schema is a model that follows the MigrationContext "
                             "operations only: a table made or changed through execute(sql) is "
                             "not in it)"
                           : ""));
    }
    if (i > start) out.push_back({rev.id, rev.message, std::move(statements)});
  }
  return out;
}

std::string upgrade_script(const History& history, const Dialect& dialect,
                           std::optional<std::string> from, std::optional<std::string> to,
                           const MigratorOptions& options) {
  const auto revisions = offline_upgrade(history, dialect, from, to);
  const std::string vt = dialect.quote_identifier(options.version_table);
  std::string out = "-- sqlcore offline upgrade (" + std::string(dialect.name()) +
                    "): " + from.value_or(std::string(kBase)) + " -> " +
                    to.value_or(history.head().value_or(std::string(kBase))) + "\n";
  out += "CREATE TABLE IF NOT EXISTS " + vt + " (" + dialect.quote_identifier("version_num") +
         " VARCHAR(64) NOT NULL);\n";
  for (const OfflineRevision& r : revisions) {
    std::string message = r.message;
    std::replace(message.begin(), message.end(), '\n', ' ');
    out += "\n-- revision " + r.id + ": " + message + "\n";
    for (const std::string& sql : dialect.migration_prepare_sql()) out += sql + ";\n";
    out += "BEGIN;\n";
    for (const std::string& sql : r.statements) out += sql + ";\n";
    out += "DELETE FROM " + vt + ";\n";
    out += "INSERT INTO " + vt + " (" + dialect.quote_identifier("version_num") + ") VALUES (" +
           dialect.literal_sql(Value(r.id), types::Text) + ");\nCOMMIT;\n";
    for (const std::string& sql : dialect.migration_finish_sql()) out += sql + ";\n";
  }
  return out;
}

// ---- MigrationContext -------------------------------------------------------------------------

MigrationContext::MigrationContext(
    Connection& conn, std::string revision,
    std::function<void(const std::string&, const std::string&)> on_statement)
    : conn_(&conn),
      dialect_(&conn.dialect()),
      revision_(std::move(revision)),
      on_statement_(std::move(on_statement)) {}

MigrationContext::MigrationContext(const Dialect& dialect, detail::SchemaModel& model,
                                   std::vector<std::string>& out, std::string revision)
    : dialect_(&dialect), revision_(std::move(revision)), model_(&model), out_(&out) {}

MigrationContext::~MigrationContext() = default;

const Dialect& MigrationContext::dialect() const {
  return *dialect_;
}

Connection& MigrationContext::connection() {
  if (!conn_)
    throw MigrationError(revision_, "revision '" + revision_ +
                                        "' uses connection(), which offline mode does not have; "
                                        "use execute() so that the SQL can be written out");
  return *conn_;
}

Inspector& MigrationContext::inspector() {
  if (!inspector_)
    inspector_ = model_ ? std::make_unique<Inspector>(*dialect_, detail::model_reflector(*model_))
                        : std::make_unique<Inspector>(*conn_);
  return *inspector_;
}

void MigrationContext::run(const Executable& stmt, const Params& params) {
  if (model_ || on_statement_) {
    std::string sql = with_literals(*dialect_, stmt, params);
    if (on_statement_) on_statement_(revision_, sql);
    if (out_) {
      out_->push_back(std::move(sql));
      return;
    }
  }
  conn_->execute(stmt, params);
}

void MigrationContext::execute(const Executable& stmt, const Params& params) {
  run(stmt, params);
}

void MigrationContext::execute(std::string_view sql) {
  run(text(sql));
}

void MigrationContext::create_table(const Table& table) {
  run(sqlcore::create_table(table, false, true));
  for (const Index& ix : table.indexes()) run(sqlcore::create_index(ix));
  if (model_) model_->put(table.name(), detail::SchemaModel::describe(*dialect_, table));
}

void MigrationContext::drop_table(std::string_view table) {
  execute("DROP TABLE " + dialect().quote_identifier(table));
  if (model_) model_->erase(table);
}

void MigrationContext::rename_table(std::string_view from, std::string_view to) {
  const Dialect& d = dialect();
  execute("ALTER TABLE " + d.quote_identifier(from) + " RENAME TO " + d.quote_identifier(to));
  if (model_) model_->rename(from, to);
}

void MigrationContext::add_column(std::string_view table, std::string name, const Type& type,
                                  ColumnOptions options) {
  if (!options.nullable && !options.server_default)
    throw ArgumentError("add_column " + std::string(table) + "." + name +
                        ": a NOT NULL column needs a server default, so that the rows already "
                        "in the table get a value. Give ColumnOptions::server_default, or add "
                        "the column nullable, fill it, and make it NOT NULL afterwards.");
  const Dialect& d = dialect();
  if (!d.supports_alter_column() && options.server_default &&
      options.server_default->kind() != ServerDefault::Kind::literal) {
    // SQLite's ADD COLUMN takes constant defaults only.
    rebuild_table(table, {}, {}, nullptr, {}, [&](Table& t) {
      t.column(name, type).nullable(options.nullable).server_default(*options.server_default);
    });
    return;
  }
  MetaData md;
  Table& t = md.add_table(std::string(table));
  Column& c = t.column(name, type).nullable(options.nullable);
  if (options.server_default) c.server_default(*options.server_default);
  std::string sql = "ALTER TABLE " + d.quote_identifier(table) + " ADD COLUMN " +
                    detail::column_definition_sql(d, c);
  for (const auto& [label, condition] : d.type_checks(c)) {
    std::string ck = md.apply_convention(md.naming_convention().check, t, {&c}, {}, {}, label);
    sql += " CONSTRAINT " + d.quote_identifier(ck) + " CHECK (" + condition + ")";
  }
  execute(sql);
  if (model_) {
    detail::TableModel& m = model_->at(table);
    detail::TableModel added = detail::SchemaModel::describe(d, t);
    m.columns.push_back(added.columns.front());
    m.checks.insert(m.checks.end(), added.checks.begin(), added.checks.end());
    m.check_types.insert(m.check_types.end(), added.check_types.begin(), added.check_types.end());
  }
}

void MigrationContext::drop_column(std::string_view table, std::string_view column) {
  const Dialect& d = dialect();
  Inspector& insp = inspector();
  auto cols = insp.columns(table);
  if (std::none_of(cols.begin(), cols.end(), [&](const ColumnInfo& c) { return c.name == column; }))
    throw ArgumentError("drop_column: table " + std::string(table) + " has no column " +
                        std::string(column));
  if (!d.supports_alter_column()) {
    auto has = [&](const std::vector<std::string>& v) {
      return std::find(v.begin(), v.end(), column) != v.end();
    };
    // SQLite's DROP COLUMN refuses a column in a key, a UNIQUE, a foreign key or a CHECK: rebuild.
    bool rebuild = has(insp.primary_key(table).columns);
    for (const auto& u : insp.unique_constraints(table)) rebuild = rebuild || has(u.columns);
    for (const auto& fk : insp.foreign_keys(table)) rebuild = rebuild || has(fk.columns);
    for (const auto& ck : insp.checks(table)) rebuild = rebuild || mentions(ck.condition, column);
    if (rebuild) {
      rebuild_table(table, column, {}, nullptr);
      return;
    }
    // It also refuses an indexed column; an index on a dropped column goes with it (as on
    // PostgreSQL).
    for (const auto& ix : insp.indexes(table)) {
      bool uses = has(ix.columns) || mentions(ix.where, column);
      for (const auto& e : ix.expressions) uses = uses || mentions(e, column);
      if (uses) drop_index(ix.name);
    }
  }
  execute("ALTER TABLE " + d.quote_identifier(table) + " DROP COLUMN " +
          d.quote_identifier(column));
  if (model_) model_drop_column(model_->at(table), column);
}

void MigrationContext::alter_column(std::string_view table, std::string_view column,
                                    AlterColumn changes) {
  if (changes.server_default && changes.drop_server_default)
    throw ArgumentError("alter_column " + std::string(table) + "." + std::string(column) +
                        ": give a new server default or drop it, not both");
  const Dialect& d = dialect();
  if (!d.supports_alter_column()) {
    rebuild_table(table, {}, column, &changes);
    return;
  }
  std::optional<Type> current_type;
  bool found = false;
  for (const ColumnInfo& c : inspector().columns(table))
    if (c.name == column) {
      current_type = c.type;
      found = true;
    }
  ColumnInfo* modelled = nullptr;
  if (model_)
    for (ColumnInfo& c : model_->at(table).columns)
      if (c.name == column) modelled = &c;
  if (!found)
    throw ArgumentError("alter_column: table " + std::string(table) + " has no column " +
                        std::string(column));
  const std::string base =
      "ALTER TABLE " + d.quote_identifier(table) + " ALTER COLUMN " + d.quote_identifier(column);
  // An Enum is a CHECK next to the type: the old one goes before the type changes, the new one
  // comes after.
  const bool enum_involved =
      changes.type && (changes.type->kind() == TypeKind::enumeration ||
                       (current_type && current_type->kind() == TypeKind::enumeration));
  std::string enum_check;
  if (enum_involved) {
    MetaData md;
    Table& t = md.add_table(std::string(table));
    const Column& c = t.column(std::string(column), *changes.type);
    enum_check = md.apply_convention(md.naming_convention().check, t, {&c}, {}, {},
                                     std::string(column) + "_enum");
    for (const CheckInfo& ck : inspector().checks(table))
      if (ck.name == enum_check) drop_constraint(table, enum_check);
  }
  if (changes.type) {
    const std::string type = d.type_sql(*changes.type);
    execute(base + " TYPE " + type + " USING " + d.quote_identifier(column) + "::" + type);
    if (modelled) {
      modelled->type = *changes.type;
      modelled->type_sql = type;
    }
  }
  if (enum_involved && changes.type->kind() == TypeKind::enumeration) {
    MetaData md;
    Table& t = md.add_table(std::string(table));
    const Column& c = t.column(std::string(column), *changes.type);
    for (const auto& [label, condition] : d.type_checks(c))
      if (label == std::string(column) + "_enum") add_check(table, condition, enum_check);
  }
  if (changes.nullable) execute(base + (*changes.nullable ? " DROP NOT NULL" : " SET NOT NULL"));
  if (modelled && changes.nullable) modelled->nullable = *changes.nullable;
  if (changes.drop_server_default) execute(base + " DROP DEFAULT");
  if (modelled && changes.drop_server_default) modelled->default_sql.reset();
  if (changes.server_default) {
    MetaData md;
    Table& t = md.add_table(std::string(table));
    Column& c = t.column(std::string(column),
                         changes.type ? *changes.type : current_type.value_or(types::Text));
    c.nullable().server_default(*changes.server_default);
    execute(base + " SET DEFAULT " + detail::default_expression_sql(d, c));
    if (modelled) modelled->default_sql = detail::default_expression_sql(d, c);
  }
}

void MigrationContext::rebuild_table(std::string_view table, std::string_view drop,
                                     std::string_view alter_name, const AlterColumn* alter,
                                     std::string_view drop_constraint,
                                     const std::function<void(Table&)>& add,
                                     const PrimaryKeyInfo* primary_key) {
  const Dialect& d = dialect();
  MetaData md;
  const Table& old = inspector().reflect(md, table);
  if (alter && !old.find_column(alter_name))
    throw ArgumentError("alter_column: table " + std::string(table) + " has no column " +
                        std::string(alter_name));
  // The new table is declared under the final name (generated names such as type checks' follow
  // it); it is created once the old one is gone.
  MetaData nmd;
  Table& nt = nmd.add_table(std::string(table));
  auto kept = [&](const std::vector<const Column*>& cols) {
    return std::none_of(cols.begin(), cols.end(),
                        [&](const Column* c) { return c && c->name() == drop; });
  };
  auto refs = [](const std::vector<const Column*>& cols) {
    std::vector<ColumnRef> out;
    for (const Column* c : cols) out.emplace_back(c->name());
    return out;
  };
  std::string column_list;
  for (const Column* c : old.columns()) {
    if (c->name() == drop) continue;
    Type type = c->type();
    bool nullable = c->is_nullable();
    std::optional<ServerDefault> def = c->server_default();
    if (alter && c->name() == alter_name) {
      if (alter->type) type = *alter->type;
      if (alter->nullable) nullable = *alter->nullable;
      if (alter->drop_server_default) def.reset();
      if (alter->server_default) def = alter->server_default;
    }
    Column& nc = nt.column(c->name(), type).nullable(nullable);
    if (def) nc.server_default(*def);
    // A numbered key stays one only while it is the whole key.
    const bool sole_key = !primary_key || (primary_key->columns.size() == 1 &&
                                           primary_key->columns.front() == c->name());
    if (c->autoincrement_setting() != Autoincrement::automatic && sole_key)
      nc.autoincrement(c->autoincrement_setting() == Autoincrement::yes);
    column_list += (column_list.empty() ? "" : ", ") + d.quote_identifier(c->name());
  }
  if (column_list.empty())
    throw ArgumentError("drop_column: " + std::string(drop) + " is the last column of " +
                        std::string(table) + "; drop the table instead");
  // A key, unique or foreign key on the dropped column goes with it (as on PostgreSQL).
  if (primary_key) {
    if (!primary_key->columns.empty())
      nt.primary_key(
          std::vector<ColumnRef>(primary_key->columns.begin(), primary_key->columns.end()),
          primary_key->name);
  } else if (!old.primary_key().empty() && kept(old.primary_key().columns())) {
    nt.primary_key(refs(old.primary_key().columns()), old.primary_key().name());
  }
  for (const UniqueConstraint& u : old.unique_constraints())
    if (kept(u.columns()) && u.name() != drop_constraint) nt.unique(refs(u.columns()), u.name());
  for (const CheckConstraint& ck : old.checks())
    if ((drop.empty() || !mentions(ck.condition(), drop)) && ck.name() != drop_constraint)
      nt.check(raw_sql(ck.condition()), ck.name());
  for (const ForeignKey& fk : old.foreign_keys())
    if (kept(fk.columns()) && fk.name() != drop_constraint)
      nt.foreign_key(refs(fk.columns()), fk.referred_table(), fk.referred_columns(), fk.on_delete(),
                     fk.on_update(), fk.name());
  for (const Index& ix : old.indexes()) {
    bool keep = kept(ix.columns()) && (drop.empty() || !mentions(ix.where(), drop));
    std::vector<IndexElement> elements;
    for (std::size_t i = 0; i < ix.columns().size(); ++i) {
      if (ix.columns()[i]) {
        elements.emplace_back(ColumnRef(ix.columns()[i]->name()));
      } else {
        keep = keep && (drop.empty() || !mentions(ix.expressions()[i], drop));
        elements.emplace_back(raw_sql(ix.expressions()[i]));
      }
    }
    if (!keep) continue;
    Index& nix = nt.index(ix.name(), std::move(elements)).unique(ix.is_unique());
    if (!ix.where().empty()) nix.where(raw_sql(ix.where()));
  }

  if (add) add(nt);

  // The rows wait in a holding table while the old table is dropped and the new one created
  // under the same name. Renaming instead would make SQLite rewrite other tables' foreign keys to
  // the temporary name. Dropping a table that other tables' rows refer to leaves those rows
  // orphaned for a moment: with the checks deferred, inserting the rows into the new table
  // settles them again before the commit checks.
  const std::string holding = d.quote_identifier("_sqlcore_rebuild");
  execute("PRAGMA defer_foreign_keys = ON");
  execute("CREATE TABLE " + holding + " AS SELECT " + column_list + " FROM " +
          d.quote_identifier(table));
  drop_table(table);
  run(sqlcore::create_table(nt, false, true));
  execute("INSERT INTO " + d.quote_identifier(table) + " (" + column_list + ") SELECT " +
          column_list + " FROM " + holding);
  execute("DROP TABLE " + holding);
  for (const Index& ix : nt.indexes()) run(sqlcore::create_index(ix));
  if (model_) model_->put(std::string(table), detail::SchemaModel::describe(d, nt));
}

void MigrationContext::rename_column(std::string_view table, std::string_view from,
                                     std::string_view to) {
  const Dialect& d = dialect();
  execute("ALTER TABLE " + d.quote_identifier(table) + " RENAME COLUMN " +
          d.quote_identifier(from) + " TO " + d.quote_identifier(to));
  if (model_) model_->rename_column(table, from, to);
}

void MigrationContext::create_index(std::string_view table, std::string name,
                                    std::vector<std::string> columns, bool unique) {
  if (columns.empty())
    throw ArgumentError("create_index " + name + ": an index needs at least one column");
  const Dialect& d = dialect();
  std::string sql = unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  sql += d.quote_identifier(name) + " ON " + d.quote_identifier(table) + " (";
  for (std::size_t i = 0; i < columns.size(); ++i)
    sql += (i ? ", " : "") + d.quote_identifier(columns[i]);
  execute(sql + ")");
  if (model_) {
    std::vector<std::string> none(columns.size());
    model_->at(table).indexes.push_back({name, unique, columns, none, {}});
  }
}

void MigrationContext::create_index(const Index& index) {
  run(sqlcore::create_index(index));
  if (model_) {
    detail::TableModel described = detail::SchemaModel::describe(dialect(), index.table());
    for (IndexInfo& ix : described.indexes)
      if (ix.name == index.name()) model_->at(index.table().name()).indexes.push_back(ix);
  }
}

void MigrationContext::drop_index(std::string_view name) {
  execute("DROP INDEX " + dialect().quote_identifier(name));
  if (model_)
    for (const std::string& t : model_->table_names()) {
      auto& ixs = model_->at(t).indexes;
      ixs.erase(std::remove_if(ixs.begin(), ixs.end(),
                               [&](const IndexInfo& ix) { return ix.name == name; }),
                ixs.end());
    }
}

bool MigrationContext::add_column_if_missing(std::string_view table, std::string name,
                                             const Type& type, ColumnOptions options) {
  for (const ColumnInfo& c : inspector().columns(table))
    if (c.name == name) return false;
  add_column(table, std::move(name), type, std::move(options));
  return true;
}

bool MigrationContext::create_index_if_missing(std::string_view table, std::string name,
                                               std::vector<std::string> columns, bool unique) {
  for (const IndexInfo& ix : inspector().indexes(table))
    if (ix.name == name) return false;
  create_index(table, std::move(name), std::move(columns), unique);
  return true;
}

namespace {

std::string joined(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : std::string(sep)) + x;
  return out;
}

std::string quoted_list(const Dialect& d, const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + d.quote_identifier(x);
  return out;
}

}  // namespace

void MigrationContext::add_unique(std::string_view table, std::vector<std::string> columns,
                                  std::string name) {
  if (columns.empty()) throw ArgumentError("add_unique: no columns");
  if (name.empty()) name = "uq_" + std::string(table) + "_" + joined(columns, "_");
  const Dialect& d = dialect();
  if (!d.supports_add_constraint()) {
    rebuild_table(table, {}, {}, nullptr, {}, [&](Table& t) {
      std::vector<ColumnRef> refs(columns.begin(), columns.end());
      t.unique(std::move(refs), name);
    });
    return;
  }
  execute("ALTER TABLE " + d.quote_identifier(table) + " ADD CONSTRAINT " +
          d.quote_identifier(name) + " UNIQUE (" + quoted_list(d, columns) + ")");
  if (model_) model_->at(table).uniques.push_back({name, columns});
}

void MigrationContext::add_check(std::string_view table, std::string condition, std::string name) {
  if (condition.empty() || name.empty())
    throw ArgumentError(
        "add_check: give the condition and a name (a later revision drops it by name)");
  const Dialect& d = dialect();
  if (!d.supports_add_constraint()) {
    rebuild_table(table, {}, {}, nullptr, {}, [&](Table& t) { t.check(raw_sql(condition), name); });
    return;
  }
  execute("ALTER TABLE " + d.quote_identifier(table) + " ADD CONSTRAINT " +
          d.quote_identifier(name) + " CHECK (" + condition + ")");
  if (model_) {
    model_->at(table).checks.push_back({name, condition});
    model_->at(table).check_types.emplace_back();
  }
}

void MigrationContext::add_foreign_key(std::string_view table, std::vector<std::string> columns,
                                       std::string referred_table,
                                       std::vector<std::string> referred_columns,
                                       FkAction on_delete, FkAction on_update, std::string name) {
  if (columns.empty() || columns.size() != referred_columns.size())
    throw ArgumentError("add_foreign_key: give as many columns as referred columns");
  if (name.empty())
    name = "fk_" + std::string(table) + "_" + joined(columns, "_") + "_" + referred_table;
  const Dialect& d = dialect();
  if (!d.supports_add_constraint()) {
    rebuild_table(table, {}, {}, nullptr, {}, [&](Table& t) {
      std::vector<ColumnRef> refs(columns.begin(), columns.end());
      t.foreign_key(std::move(refs), referred_table, referred_columns, on_delete, on_update, name);
    });
    return;
  }
  std::string sql = "ALTER TABLE " + d.quote_identifier(table) + " ADD CONSTRAINT " +
                    d.quote_identifier(name) + " FOREIGN KEY (" + quoted_list(d, columns) +
                    ") REFERENCES " + d.quote_identifier(referred_table) + " (" +
                    quoted_list(d, referred_columns) + ")";
  if (on_delete != FkAction::no_action) sql += std::string(" ON DELETE ") + to_sql(on_delete);
  if (on_update != FkAction::no_action) sql += std::string(" ON UPDATE ") + to_sql(on_update);
  execute(sql);
  if (model_)
    model_->at(table).foreign_keys.push_back(
        {name, columns, referred_table, referred_columns, on_delete, on_update});
}

void MigrationContext::alter_primary_key(std::string_view table, std::vector<std::string> columns,
                                         std::string name) {
  if (name.empty()) name = "pk_" + std::string(table);
  const Dialect& d = dialect();
  if (!d.supports_add_constraint()) {
    const PrimaryKeyInfo key{name, columns};
    rebuild_table(table, {}, {}, nullptr, {}, {}, &key);
    return;
  }
  const PrimaryKeyInfo old = inspector().primary_key(table);
  if (!old.columns.empty())
    execute("ALTER TABLE " + d.quote_identifier(table) + " DROP CONSTRAINT " +
            d.quote_identifier(old.name));
  if (!columns.empty())
    execute("ALTER TABLE " + d.quote_identifier(table) + " ADD CONSTRAINT " +
            d.quote_identifier(name) + " PRIMARY KEY (" + quoted_list(d, columns) + ")");
  if (model_) {
    detail::TableModel& m = model_->at(table);
    m.primary_key = columns.empty() ? PrimaryKeyInfo{} : PrimaryKeyInfo{name, columns};
    for (ColumnInfo& c : m.columns)
      if (std::find(columns.begin(), columns.end(), c.name) != columns.end()) c.nullable = false;
  }
}

void MigrationContext::drop_constraint(std::string_view table, std::string_view name) {
  Inspector& insp = inspector();
  bool found = false;
  for (const auto& u : insp.unique_constraints(table)) found = found || u.name == name;
  for (const auto& c : insp.checks(table)) found = found || c.name == name;
  for (const auto& f : insp.foreign_keys(table)) found = found || f.name == name;
  if (!found)
    throw ArgumentError("drop_constraint: table " + std::string(table) +
                        " has no unique, check or foreign-key constraint named " +
                        std::string(name));
  const Dialect& d = dialect();
  if (!d.supports_add_constraint()) {
    rebuild_table(table, {}, {}, nullptr, name);
    return;
  }
  execute("ALTER TABLE " + d.quote_identifier(table) + " DROP CONSTRAINT " +
          d.quote_identifier(name));
  if (model_) {
    detail::TableModel& m = model_->at(table);
    auto named = [&](const auto& x) { return x.name == name; };
    m.uniques.erase(std::remove_if(m.uniques.begin(), m.uniques.end(), named), m.uniques.end());
    m.foreign_keys.erase(std::remove_if(m.foreign_keys.begin(), m.foreign_keys.end(), named),
                         m.foreign_keys.end());
    for (std::size_t i = m.checks.size(); i-- > 0;)
      if (m.checks[i].name == name) {
        m.checks.erase(m.checks.begin() + static_cast<std::ptrdiff_t>(i));
        m.check_types.erase(m.check_types.begin() + static_cast<std::ptrdiff_t>(i));
      }
  }
}

}  // namespace sqlcore::migrate
