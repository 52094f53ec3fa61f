// The migration runner: version table, per-revision transactions with a lock, and the schema
// operations of MigrationContext spelled through the dialect.
#include "sqlcore/migrate/migrate.hpp"

#include <algorithm>
#include <cctype>
#include <set>

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
      tx_.emplace(conn_.begin());
      for (const std::string& sql :
           d_.migration_lock_sql(advisory_key(options_.version_table), options_.lock_timeout))
        conn_.execute(text(sql));
      conn_.execute(text("CREATE TABLE IF NOT EXISTS " + vt() + " (" +
                         d_.quote_identifier("version_num") + " VARCHAR(64) NOT NULL)"));
    } catch (const DatabaseError& e) {
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
      restore_busy();
      throw;
    }
  }
  ~Step() {
    tx_.reset();
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
  void commit() { tx_->commit(); }
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

  Connection conn_;
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
                  const std::optional<std::string>& after) {
  const std::string what = std::string(direction) + " of revision '" + rev.id + "' (" +
                           rev.message + ") failed and was rolled back";
  try {
    {
      MigrationContext ctx(step.conn(), rev.id);
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

void Migrator::upgrade(std::optional<std::string> to) {
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
      return;
    }
    const Revision& rev = history_->revisions()[static_cast<std::size_t>(pos + 1)];
    run_revision(step, rev, "upgrade", rev.upgrade, rev.id);
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
    run_revision(step, rev, "downgrade", rev.downgrade, after);
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

// ---- MigrationContext -------------------------------------------------------------------------

MigrationContext::MigrationContext(Connection& conn, std::string revision)
    : conn_(&conn), revision_(std::move(revision)) {}

MigrationContext::~MigrationContext() = default;

const Dialect& MigrationContext::dialect() const {
  return conn_->dialect();
}

Inspector& MigrationContext::inspector() {
  if (!inspector_) inspector_ = std::make_unique<Inspector>(*conn_);
  return *inspector_;
}

void MigrationContext::execute(const Executable& stmt, const Params& params) {
  conn_->execute(stmt, params);
}

void MigrationContext::execute(std::string_view sql) {
  conn_->execute(text(sql));
}

void MigrationContext::create_table(const Table& table) {
  conn_->execute(sqlcore::create_table(table, false, true));
  for (const Index& ix : table.indexes()) conn_->execute(sqlcore::create_index(ix));
}

void MigrationContext::drop_table(std::string_view table) {
  execute("DROP TABLE " + dialect().quote_identifier(table));
}

void MigrationContext::rename_table(std::string_view from, std::string_view to) {
  const Dialect& d = dialect();
  execute("ALTER TABLE " + d.quote_identifier(from) + " RENAME TO " + d.quote_identifier(to));
}

void MigrationContext::add_column(std::string_view table, std::string name, const Type& type,
                                  ColumnOptions options) {
  if (!options.nullable && !options.server_default)
    throw ArgumentError("add_column " + std::string(table) + "." + name +
                        ": a NOT NULL column needs a server default, so that the rows already "
                        "in the table get a value. Give ColumnOptions::server_default, or add "
                        "the column nullable, fill it, and make it NOT NULL afterwards.");
  const Dialect& d = dialect();
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
  if (!found)
    throw ArgumentError("alter_column: table " + std::string(table) + " has no column " +
                        std::string(column));
  const std::string base =
      "ALTER TABLE " + d.quote_identifier(table) + " ALTER COLUMN " + d.quote_identifier(column);
  if (changes.type) {
    const std::string type = d.type_sql(*changes.type);
    execute(base + " TYPE " + type + " USING " + d.quote_identifier(column) + "::" + type);
  }
  if (changes.nullable) execute(base + (*changes.nullable ? " DROP NOT NULL" : " SET NOT NULL"));
  if (changes.drop_server_default) execute(base + " DROP DEFAULT");
  if (changes.server_default) {
    MetaData md;
    Table& t = md.add_table(std::string(table));
    Column& c = t.column(std::string(column),
                         changes.type ? *changes.type : current_type.value_or(types::Text));
    c.nullable().server_default(*changes.server_default);
    execute(base + " SET DEFAULT " + detail::default_expression_sql(d, c));
  }
}

void MigrationContext::rebuild_table(std::string_view table, std::string_view drop,
                                     std::string_view alter_name, const AlterColumn* alter,
                                     std::string_view drop_constraint,
                                     const std::function<void(Table&)>& add) {
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
    if (c->autoincrement_setting() != Autoincrement::automatic)
      nc.autoincrement(c->autoincrement_setting() == Autoincrement::yes);
    column_list += (column_list.empty() ? "" : ", ") + d.quote_identifier(c->name());
  }
  if (column_list.empty())
    throw ArgumentError("drop_column: " + std::string(drop) + " is the last column of " +
                        std::string(table) + "; drop the table instead");
  // A key, unique or foreign key on the dropped column goes with it (as on PostgreSQL).
  if (!old.primary_key().empty() && kept(old.primary_key().columns()))
    nt.primary_key(refs(old.primary_key().columns()), old.primary_key().name());
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
  conn_->execute(sqlcore::create_table(nt, false, true));
  execute("INSERT INTO " + d.quote_identifier(table) + " (" + column_list + ") SELECT " +
          column_list + " FROM " + holding);
  execute("DROP TABLE " + holding);
  for (const Index& ix : nt.indexes()) conn_->execute(sqlcore::create_index(ix));
}

void MigrationContext::rename_column(std::string_view table, std::string_view from,
                                     std::string_view to) {
  const Dialect& d = dialect();
  execute("ALTER TABLE " + d.quote_identifier(table) + " RENAME COLUMN " +
          d.quote_identifier(from) + " TO " + d.quote_identifier(to));
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
}

void MigrationContext::drop_index(std::string_view name) {
  execute("DROP INDEX " + dialect().quote_identifier(name));
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
}

}  // namespace sqlcore::migrate
