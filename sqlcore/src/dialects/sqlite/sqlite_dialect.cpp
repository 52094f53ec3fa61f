// SqliteDialect: how SQLite spells SQL. No <sqlite3.h> here: rendering needs no driver.
#include <memory>

#include "inspect/reflector.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/dialect/registry.hpp"
#include "sqlcore/schema/table.hpp"
#include "sqlcore/sql/compiler.hpp"

namespace sqlcore {

namespace detail {
std::unique_ptr<Reflector> make_sqlite_reflector(Connection& c);  // sqlite_inspect.cpp
}

namespace {

class SqliteDialect final : public Dialect {
 public:
  std::string_view name() const override { return "sqlite"; }
  std::vector<std::string> url_schemes() const override { return {"sqlite"}; }
  void append_placeholder(std::string& out, std::size_t position) const override {
    out.push_back('?');
    out += std::to_string(position);
  }
  // IMMEDIATE takes the write lock at BEGIN, where busy_timeout applies. A DEFERRED transaction
  // that reads and then writes can fail with SQLITE_BUSY_SNAPSHOT without waiting at all.
  std::string begin_sql() const override { return "BEGIN IMMEDIATE"; }
  bool single_writer() const override { return true; }
  // A DEFERRED transaction that only reads takes no write lock; its first read fixes the
  // snapshot (WAL readers see the database as of that moment until they end).
  std::string begin_snapshot_sql() const override { return "BEGIN DEFERRED"; }
  // A reader takes no write lock either; BEGIN has no READ ONLY, so the connection refuses
  // writes for the transaction's length (SQLITE_READONLY, mapped to SQLSTATE 25006 as
  // PostgreSQL's read-only transactions report).
  std::string begin_read_only_sql() const override { return "BEGIN DEFERRED"; }
  std::string forbid_writes_sql() const override { return "PRAGMA query_only = ON"; }
  std::string allow_writes_sql() const override { return "PRAGMA query_only = OFF"; }
  std::vector<std::string> defer_foreign_keys_sql() const override {
    return {"PRAGMA defer_foreign_keys = ON"};
  }
  // Measured (SQLite 3.40.1, prepared INSERTs of 1,000,000 rows shaped like trinity's
  // chat_messages -- text key, 5 indexes -- into a WAL file in one transaction): 93.7 s with the
  // indexes in place (every insert updates five B-trees at random places, far beyond the page
  // cache), 14.0 s with them dropped first and built after the load (6.6 s of inserts + 7.4 s of
  // sorted builds). DROP/CREATE INDEX are transactional.
  bool rebuild_indexes_after_load() const override { return true; }
  bool embedded() const override { return true; }
  std::size_t max_parameters() const override { return 32766; }  // SQLITE_MAX_VARIABLE_NUMBER

  // Type names are chosen for their affinity as much as for their look: text-stored types
  // (DATETIME, DATE, TIME, UUID) get NUMERIC affinity, which leaves their text alone since it
  // never looks like a number; JSON is TEXT, since NUMERIC affinity would turn a document such
  // as `12` into an integer.
  std::string type_sql(const Type& t) const override {
    switch (t.kind()) {
      case TypeKind::float_:
        return "FLOAT";
      case TypeKind::double_:
        return "DOUBLE";
      case TypeKind::numeric:
        // A REAL holds 15 significant digits exactly; wider numbers are kept as their text so
        // that no digit is lost (they then compare as text in SQL, see docs/schema.md).
        return t.precision() <= 15 ? Dialect::type_sql(t) : "TEXT";
      case TypeKind::json:
        return "TEXT";
      case TypeKind::date_time:
        return "DATETIME";
      default:
        return Dialect::type_sql(t);
    }
  }
  // Only a column declared exactly INTEGER PRIMARY KEY becomes the rowid (64-bit, generated).
  std::string column_type_sql(const Column& c) const override {
    return c.is_autoincrement() ? "INTEGER" : type_sql(c.type());
  }
  std::string inline_primary_key_sql(const Column& c) const override {
    if (c.is_autoincrement() && c.autoincrement_setting() == Autoincrement::yes)
      return "PRIMARY KEY AUTOINCREMENT";
    return {};
  }
  std::string literal_sql(const Value& v, const Type& t) const override {
    if (v.kind() == Value::Kind::boolean) return v.bool_unchecked() ? "1" : "0";
    return Dialect::literal_sql(v, t);
  }
  // The canonical form sqlcore writes (`YYYY-MM-DD HH:MM:SS.ffffff`): %f gives SS.SSS.
  std::string current_timestamp_sql(const Type& t) const override {
    if (t.kind() == TypeKind::date) return "date('now')";
    if (t.kind() == TypeKind::time) return "strftime('%H:%M:%f', 'now') || '000'";
    return "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'";
  }
  std::vector<std::pair<std::string, std::string>> type_checks(const Column& c) const override {
    auto out = Dialect::type_checks(c);
    // json_valid(NULL) is 0 before SQLite 3.45 (NULL only since): let NULL through explicitly,
    // or a nullable Json column could never hold SQL NULL.
    if (c.type().kind() == TypeKind::json)
      out.emplace_back(c.name() + "_json", quote_identifier(c.name()) + " IS NULL OR json_valid(" +
                                               quote_identifier(c.name()) + ")");
    return out;
  }
  bool supports_add_constraint() const override { return false; }
  bool supports_alter_column() const override { return false; }
  // BEGIN IMMEDIATE takes the write lock: migrations need no other lock, only a bounded wait.
  std::string lock_wait_setting_sql(std::chrono::milliseconds timeout) const override {
    return "PRAGMA busy_timeout = " + std::to_string(timeout.count());
  }
  std::string lock_wait_query_sql() const override { return "PRAGMA busy_timeout"; }
  std::vector<std::string> migration_prepare_sql() const override {
    return {"PRAGMA foreign_keys = OFF"};
  }
  // Every connection sqlcore opens enforces foreign keys (the driver's set-up).
  std::vector<std::string> migration_finish_sql() const override {
    return {"PRAGMA foreign_keys = ON"};
  }
  std::string foreign_key_check_sql() const override { return "PRAGMA foreign_key_check"; }
  std::unique_ptr<SqlCompiler> make_compiler() const override;
  std::unique_ptr<detail::Reflector> reflector(Connection& c) const override {
    return detail::make_sqlite_reflector(c);
  }
  std::string has_table_sql() const override {
    return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name";
  }
};

// SQLite's spellings: group_concat, LIMIT -1 for OFFSET alone, json_extract with a path string,
// strftime arithmetic on the stored text, and no row locks.
class SqliteCompiler final : public SqlCompiler {
 public:
  using SqlCompiler::SqlCompiler;

 protected:
  void visit_string_agg(std::string& out, const std::string& expr,
                        const std::string& sep) override {
    out += "group_concat(" + expr + ", " + sep + ")";
  }
  // No row locks: write transactions are serialised (BEGIN IMMEDIATE), so none are needed.
  void visit_row_lock(std::string&, RowLock, LockWait) override {}
  // OFFSET needs a LIMIT in SQLite; -1 means none.
  void visit_limit_offset(std::string& out, std::optional<std::int64_t> limit,
                          std::optional<std::int64_t> offset) override {
    if (limit || offset) out += " LIMIT " + std::to_string(limit ? *limit : -1);
    if (offset) out += " OFFSET " + std::to_string(*offset);
  }
  void visit_json_extract(std::string& out, const std::string& doc,
                          const std::vector<std::string>& path) override {
    out += "json_extract(" + doc + ", " + path.at(0) + ")";
  }
  // Whole seconds move the `YYYY-MM-DD HH:MM:SS` part; the `.ffffff` tail stays as it was.
  void visit_datetime_add(std::string& out, const std::string& expr,
                          std::int64_t seconds) override {
    out += "(strftime('%Y-%m-%d %H:%M:%S', " + expr + ", '" + (seconds >= 0 ? "+" : "") +
           std::to_string(seconds) + " seconds') || substr(" + expr + ", 20))";
  }
};

std::unique_ptr<SqlCompiler> SqliteDialect::make_compiler() const {
  return std::make_unique<SqliteCompiler>(*this);
}

}  // namespace

namespace detail {
void register_dialect_sqlite() {
  register_dialect(std::make_shared<SqliteDialect>());
}
}  // namespace detail

}  // namespace sqlcore
