// Adopting the original system's SQLite database (see legacy.hpp).
#include "trinity/db/legacy.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include <sqlcore/core/error.hpp>
#include <sqlcore/dialect/dialect.hpp>
#include <sqlcore/engine/result.hpp>
#include <sqlcore/engine/row.hpp>
#include <sqlcore/inspect/inspector.hpp>
#include <sqlcore/migrate/migrate.hpp>
#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/expression.hpp>

#include "trinity/db/migrations.hpp"
#include "trinity/db/schedule_executions.hpp"
#include "trinity/db/schema.hpp"

#include "manual_schedule.hpp"

namespace trinity::db {

namespace {

using sqlcore::Column;
using sqlcore::Connection;
using sqlcore::Table;
using sqlcore::TypeKind;
using sqlcore::Value;

constexpr const char* kLegacyVersions = "schema_migrations";
constexpr const char* kKeptVersions = "_legacy_schema_migrations";
constexpr const char* kDangling = "_legacy_dangling_references";
constexpr std::size_t kMaxProblems = 20;

// Where a legacy table waits while revision 0001 creates its replacement (dropped at the end).
std::string aside(const std::string& table) {
  return "_adopting_" + table;
}
std::string extra_table(const std::string& table) {
  return "_legacy_extra_" + table;
}
std::string quarantine_table(const std::string& table) {
  return "_legacy_quarantine_" + table;
}

// The original system's fingerprint: tables it had from its first schema, with columns that
// identify them (beyond their keys).
const std::map<std::string, std::vector<std::string>>& fingerprint() {
  static const std::map<std::string, std::vector<std::string>> f = {
      {"users", {"id", "username", "role", "email", "created_at"}},
      {"agent_ownership", {"agent_name", "owner_id"}},
      {"agent_sharing", {"agent_name", "shared_with_email"}},
      {"mcp_api_keys", {"id", "key_hash", "user_id"}},
      {"agent_schedules", {"id", "agent_name", "cron_expression"}},
      {"schedule_executions", {"id", "schedule_id", "agent_name", "status"}},
      {"chat_sessions", {"id", "agent_name", "user_id"}},
      {"chat_messages", {"id", "session_id", "role", "content"}},
      {"agent_activities", {"id", "agent_name", "activity_type"}},
      {"system_settings", {"key", "value"}},
  };
  return f;
}

/// Why `v` is no value of `col`'s type, or the converted value.
struct Converted {
  Value value;
  std::string problem;
};

std::optional<std::int64_t> integer_text(std::string_view s) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

std::string quoted(const sqlcore::Dialect& d, const std::string& name) {
  return d.quote_identifier(name);
}

// The primary key of `r` in words: "id=42", "agent_name=a, tag=b".
std::string key_text(const Table& t, const sqlcore::Row& r) {
  std::string key;
  for (const Column* k : t.primary_key().columns()) {
    std::string shown;
    try {
      shown = r[k->name()].as<std::string>();
    } catch (const std::exception&) {
      shown = r[k->name()].is_null() ? "NULL" : r[k->name()].debug_string();
    }
    key += (key.empty() ? "" : ", ") + k->name() + "=" + shown;
  }
  return key;
}

// An empty table `name` with `columns` of `from` (every column when empty), each declared as in
// `from`. CREATE TABLE ... AS SELECT would declare them by affinity alone (NUM for a BOOLEAN or a
// timestamp), which no reader, such as a copy to another backend, can map back to a type. An
// INTEGER (or SMALLINT) column is declared BIGINT: SQLite stores 64 bits in any of them, and a
// reader of the catalog takes INTEGER for 32 bits.
void create_like(Connection& c, const std::string& name, const std::string& from,
                 const std::vector<std::string>& columns) {
  const sqlcore::Dialect& d = c.dialect();
  std::string defs;
  for (const auto& col : sqlcore::Inspector(c).columns(from)) {
    if (!columns.empty() && std::find(columns.begin(), columns.end(), col.name) == columns.end())
      continue;
    const bool integer = col.type && (col.type->kind() == TypeKind::integer ||
                                      col.type->kind() == TypeKind::small_integer);
    defs += (defs.empty() ? "" : ", ") + quoted(d, col.name) + " " +
            (integer ? std::string("BIGINT") : col.type_sql);
  }
  c.execute(sqlcore::text("CREATE TABLE IF NOT EXISTS " + quoted(d, name) + " (" + defs + ")"));
}

// The rows of `t` with a reference (foreign key) to a row that does not exist: set to NULL when
// every referencing column is nullable (recorded in kDangling), else the row moves whole to its
// quarantine table. Repeated until nothing dangles: a quarantined row may be another's parent.
// Foreign keys are off inside the revision (sqlcore's Migrator on SQLite), so nothing cascades.
void resolve_dangling(Connection& c, const sqlcore::MetaData& md, AdoptionReport& report) {
  const sqlcore::Dialect& d = c.dialect();
  c.execute(sqlcore::text("CREATE TABLE IF NOT EXISTS " + quoted(d, kDangling) +
                          " (table_name TEXT NOT NULL, row_key TEXT NOT NULL, column_name TEXT "
                          "NOT NULL, old_value TEXT)"));
  for (bool changed = true; changed;) {
    changed = false;
    for (const Table* t : md.sorted_tables()) {
      if (t->primary_key().empty()) continue;
      for (const auto& fk : t->foreign_keys()) {
        std::string cols, not_null, match, key_cols;
        bool nullable = true;
        for (std::size_t i = 0; i < fk.columns().size(); ++i) {
          const std::string col = quoted(d, fk.columns()[i]->name());
          cols += (i ? ", " : "") + std::string("t.") + col;
          not_null += (i ? " AND t." : "t.") + col + " IS NOT NULL";
          match += (i ? " AND p." : "p.") + quoted(d, fk.referred_columns()[i]) + " = t." + col;
          nullable = nullable && fk.columns()[i]->is_nullable();
        }
        for (const Column* k : t->primary_key().columns())
          key_cols += (key_cols.empty() ? "t." : ", t.") + quoted(d, k->name());
        const std::string where = not_null + " AND NOT EXISTS (SELECT 1 FROM " +
                                  quoted(d, fk.referred_table()) + " p WHERE " + match + ")";
        const std::vector<sqlcore::Row> rows =
            c.execute(sqlcore::text("SELECT " + key_cols + ", " + cols + " FROM " +
                                    quoted(d, t->name()) + " t WHERE " + where))
                .all();
        if (rows.empty()) continue;
        changed = true;
        for (const sqlcore::Row& r : rows) {
          DanglingReference ref{t->name(), key_text(*t, r), "", "", !nullable};
          for (std::size_t i = 0; i < fk.columns().size(); ++i) {
            const std::string& name = fk.columns()[i]->name();
            ref.column += (i ? "," : "") + name;
            std::string v;
            try {
              v = r[name].as<std::string>();
            } catch (const std::exception&) {
              v = r[name].debug_string();
            }
            ref.value += (i ? "," : "") + v;
          }
          report.dangling.push_back(ref);
          if (nullable) {
            c.execute(sqlcore::text("INSERT INTO " + quoted(d, kDangling) +
                                    " (table_name, row_key, column_name, old_value) VALUES (:t, "
                                    ":k, :c, :v)"),
                      {{"t", ref.table}, {"k", ref.key}, {"c", ref.column}, {"v", ref.value}});
            ++report.nulled[t->name()];
          } else {
            ++report.quarantined[t->name()];
          }
        }
        if (nullable) {
          std::string set;
          for (const Column* col : fk.columns())
            set += (set.empty() ? "" : ", ") + quoted(d, col->name()) + " = NULL";
          c.execute(sqlcore::text("UPDATE " + quoted(d, t->name()) + " AS t SET " + set +
                                  " WHERE " + where));
        } else {
          const std::string q = quoted(d, quarantine_table(t->name()));
          create_like(c, quarantine_table(t->name()), t->name(), {});
          c.execute(sqlcore::text("INSERT INTO " + q + " SELECT t.* FROM " + quoted(d, t->name()) +
                                  " t WHERE " + where));
          c.execute(sqlcore::text("DELETE FROM " + quoted(d, t->name()) + " AS t WHERE " + where));
        }
      }
    }
  }
}

// The original's manual executions name the schedule kManualScheduleId, a row it never wrote
// (its SQLite did not enforce the key). Writes that marker, owned by the owner of the agent of
// the oldest such execution (else the first user), so that they are kept, not quarantined.
void write_manual_marker(Connection& c, const Schema& s) {
  const auto& [e, a, u] = std::tie(s.schedule_executions, s.agent_ownership, s.users);
  auto owner = c.execute(sqlcore::select(a.owner_id)
                             .join(e, e.agent_name == a.agent_name)
                             .where(e.schedule_id == kManualScheduleId)
                             .order_by({e.started_at, e.id})
                             .limit(1))
                   .scalar<std::optional<std::int64_t>>();
  if (!owner) {
    const bool any =
        c.execute(sqlcore::select(e.id).where(e.schedule_id == kManualScheduleId).limit(1))
            .first()
            .has_value();
    if (!any) return;
    owner = c.execute(sqlcore::select(sqlcore::min(u.id)).select_from(u))
                .scalar<std::optional<std::int64_t>>();
  }
  if (owner) write_manual_schedule(c, s.agent_schedules, *owner);
}

class Copier {
 public:
  explicit Copier(Connection& c) : c_(c) {}

  /// Copies the rows of `aside(t)` into `t`; returns how many.
  std::int64_t copy(const Table& t, const std::set<std::string>& legacy_columns) {
    std::vector<const Column*> cols;
    for (const Column* col : t.columns())
      if (legacy_columns.count(col->name())) cols.push_back(col);
    if (cols.empty()) return 0;
    const sqlcore::Dialect& d = c_.dialect();
    std::string list;
    for (const Column* col : cols)
      list += (list.empty() ? "" : ", ") + d.quote_identifier(col->name());
    std::vector<sqlcore::Assignment> values;
    for (const Column* col : cols) values.emplace_back(*col, sqlcore::bindparam(col->name()));
    const sqlcore::Dml insert = sqlcore::insert(t).values(std::move(values));

    std::vector<sqlcore::Params> rows;
    for (const sqlcore::Row& r : c_.execute(
             sqlcore::text("SELECT " + list + " FROM " + d.quote_identifier(aside(t.name()))))) {
      sqlcore::Params params;
      for (const Column* col : cols) {
        Converted conv = convert(*col, r[col->name()]);
        if (!conv.problem.empty()) note(t, r, *col, conv.problem);
        params.emplace_back(col->name(), std::move(conv.value));
      }
      rows.push_back(std::move(params));
    }
    if (!problems_.empty() || rows.empty()) return 0;
    c_.execute_many(insert, rows);
    if (t.name() == "users") remember_users();
    return static_cast<std::int64_t>(rows.size());
  }

  const std::vector<std::string>& problems() const { return problems_; }
  std::size_t problem_count() const { return problem_count_; }

 private:
  Converted convert(const Column& col, const Value& v) {
    using K = Value::Kind;
    if (v.is_null()) return {v, {}};
    switch (col.type().kind()) {
      case TypeKind::boolean:
        if (v.kind() == K::integer && (v.int_unchecked() == 0 || v.int_unchecked() == 1))
          return {Value(v.int_unchecked() == 1), {}};
        if (v.kind() == K::text) {
          const std::string& s = v.text_unchecked();
          if (s == "1" || s == "true" || s == "TRUE") return {Value(true), {}};
          if (s == "0" || s == "false" || s == "FALSE") return {Value(false), {}};
        }
        return {Value(), "not a boolean (0/1)"};
      case TypeKind::date_time: {
        // DateTime::result reads sqlcore's form and both legacy ones (`...T...Z`, SQLite's
        // `YYYY-MM-DD HH:MM:SS`); what it cannot read comes back as it went in.
        Value t = col.type().result(v);
        if (t.kind() != K::timestamp) return {Value(), "not a timestamp"};
        if (!t.is_bindable()) return {Value(), "a timestamp outside the years 1 to 9999"};
        return {std::move(t), {}};
      }
      case TypeKind::json:
        if (v.kind() == K::text) {
          Value doc;
          try {
            // nlohmann's parser and destructor do not recurse; the Value checks nesting and text.
            doc = Value(sqlcore::Json::parse(v.text_unchecked()));
          } catch (const std::exception& e) {
            return {Value(), std::string("malformed JSON (") + e.what() + ")"};
          }
          try {
            doc.check_json({});
          } catch (const sqlcore::DataError& e) {
            return {Value(), e.server_message()};  // too deep, or text PostgreSQL cannot hold
          }
          return {std::move(doc), {}};
        }
        return {Value(), "not JSON text"};
      case TypeKind::small_integer:
      case TypeKind::integer:
      case TypeKind::big_integer:
        if (v.kind() == K::integer) return {v, {}};
        // A whole number stored as REAL (a cast of one out of range would be undefined).
        if (v.kind() == K::real && std::fabs(v.real_unchecked()) < 9.2e18 &&
            v.real_unchecked() ==
                static_cast<double>(static_cast<std::int64_t>(v.real_unchecked())))
          return {Value(static_cast<std::int64_t>(v.real_unchecked())), {}};
        if (v.kind() == K::text) {
          if (auto n = integer_text(v.text_unchecked())) return {Value(*n), {}};
          // A few columns held a username where the original joined TEXT to users.id.
          if (refers_to_users(col)) {
            auto it = user_ids_.find(v.text_unchecked());
            if (it != user_ids_.end()) return {Value(it->second), {}};
            return {Value(), "no user named '" + v.text_unchecked() + "'"};
          }
        }
        return {Value(), "not an integer"};
      case TypeKind::float_:
      case TypeKind::double_:
        if (v.kind() == K::real && !std::isfinite(v.real_unchecked()))
          return {Value(), "an infinite number (only finite numbers are stored)"};
        if (v.kind() == K::real || v.kind() == K::integer) return {v, {}};
        return {Value(), "not a number"};
      case TypeKind::text:
      case TypeKind::string:
        if (v.kind() == K::integer) return {Value(std::to_string(v.int_unchecked())), {}};
        return {v, {}};
      default:
        return {v, {}};
    }
  }

  static bool refers_to_users(const Column& col) {
    for (const auto& fk : col.table().foreign_keys())
      if (fk.referred_table() == "users" && fk.columns().size() == 1 && fk.columns()[0] == &col)
        return true;
    return false;
  }

  void note(const Table& t, const sqlcore::Row& r, const Column& col, const std::string& why) {
    ++problem_count_;
    if (problems_.size() >= kMaxProblems) return;
    problems_.push_back(t.name() + " (" + key_text(t, r) + ") column " + col.name() + ": " + why);
  }

  void remember_users() {
    for (const sqlcore::Row& r : c_.execute(
             sqlcore::text("SELECT id, username FROM " + c_.dialect().quote_identifier("users"))))
      user_ids_[r.get<std::string>("username")] = r.get<std::int64_t>("id");
  }

  Connection& c_;
  std::vector<std::string> problems_;
  std::size_t problem_count_ = 0;
  std::map<std::string, std::int64_t> user_ids_;
};

}  // namespace

LegacyCheck check_legacy_database(Connection& conn) {
  LegacyCheck out;
  if (!conn.dialect().embedded()) return out;  // the original wrote a SQLite file
  sqlcore::Inspector insp(conn);
  if (!insp.has_table(kLegacyVersions) || insp.has_table("sqlcore_version")) return out;
  out.candidate = true;
  auto columns_of = [&](const std::string& table) {
    std::set<std::string> names;
    for (const auto& col : insp.columns(table)) names.insert(col.name);
    return names;
  };
  const auto versions = columns_of(kLegacyVersions);
  for (const char* col : {"name", "applied_at"})
    if (!versions.count(col)) out.missing.push_back(std::string(kLegacyVersions) + "." + col);
  for (const auto& [table, cols] : fingerprint()) {
    if (!insp.has_table(table)) {
      out.missing.push_back("table " + table);
      continue;
    }
    const auto have = columns_of(table);
    for (const auto& col : cols)
      if (!have.count(col)) out.missing.push_back(table + "." + col);
  }
  // Every table it shares with trinity-db must have that table's key columns.
  for (const Table* t : schema().metadata.tables()) {
    if (fingerprint().count(t->name()) || !insp.has_table(t->name())) continue;
    const auto have = columns_of(t->name());
    for (const Column* k : t->primary_key().columns())
      if (!have.count(k->name())) out.missing.push_back(t->name() + "." + k->name());
  }
  out.original = out.missing.empty();
  return out;
}

bool is_legacy_database(Connection& conn) {
  return check_legacy_database(conn).original;
}

void refuse_foreign_database(Connection& conn, const std::string& display_url) {
  const LegacyCheck check = check_legacy_database(conn);
  if (!check.candidate || check.original) return;
  std::string missing;
  for (std::size_t i = 0; i < check.missing.size() && i < 8; ++i)
    missing += (i ? ", " : "") + check.missing[i];
  if (check.missing.size() > 8) missing += ", ...";
  throw std::runtime_error(
      "trinity-db: " + display_url +
      " has a schema_migrations table but is not a database of the original system (missing: " +
      missing +
      "). It may belong to another application: nothing was changed. Point "
      "DATABASE_URL at trinity-db's own database.");
}

std::string AdoptionReport::summary() const {
  std::string out = "adopted the original system's database: " + std::to_string(rows_copied) +
                    " rows kept; backup at " + backup_path + "\n";
  for (const auto& [table, cols] : extra_columns) {
    std::string list;
    for (const auto& c : cols) list += (list.empty() ? "" : ", ") + c;
    out += "  " + table + ": column(s) " + list + " kept in " + extra_table(table) + "\n";
  }
  std::set<std::string> tables;
  for (const auto& [t, n] : nulled) tables.insert(t);
  for (const auto& [t, n] : quarantined) tables.insert(t);
  for (const auto& t : tables) {
    out += "  " + t + ": ";
    auto n = nulled.find(t);
    auto q = quarantined.find(t);
    if (n != nulled.end())
      out += std::to_string(n->second) + " dangling reference(s) set to NULL (old values in " +
             std::string(kDangling) + ")";
    if (n != nulled.end() && q != quarantined.end()) out += ", ";
    if (q != quarantined.end())
      out += std::to_string(q->second) + " row(s) with a dangling required reference moved to " +
             quarantine_table(t);
    out += "\n";
  }
  for (const auto& t : unknown_tables) out += "  " + t + ": not trinity-db's, left as it was\n";
  return out;
}

std::string AdoptionReport::to_json() const {
  nlohmann::json j;
  j["rows_copied"] = rows_copied;
  j["backup"] = backup_path;
  j["extra_columns"] = extra_columns;
  j["nulled"] = nulled;
  j["quarantined"] = quarantined;
  j["unknown_tables"] = unknown_tables;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& d : dangling)
    list.push_back({{"table", d.table},
                    {"key", d.key},
                    {"column", d.column},
                    {"value", d.value},
                    {"action", d.quarantined ? "quarantined" : "set_null"}});
  j["dangling"] = list;
  return j.dump(2);
}

namespace {

// A copy of the whole file next to it, before anything changes: `<file>.before-adoption-<UTC
// time>` (with a counter when that exists).
std::string back_up(sqlcore::Engine& engine) {
  const std::string file = engine.url().database();
  const std::string stamp = sqlcore::Timestamp::now().to_iso8601().substr(0, 19);
  std::string base = file + ".before-adoption-";  // then 20250101T120000
  for (char ch : stamp)
    if (ch != ':' && ch != '-') base += ch;
  std::string path = base;
  for (int n = 2; std::filesystem::exists(path); ++n) path = base + "-" + std::to_string(n);
  auto conn = engine.connect();
  conn.backup_to(path);
  return path;
}

}  // namespace

AdoptionReport adopt_legacy_database(sqlcore::Engine& engine) {
  {
    auto conn = engine.connect();
    if (!is_legacy_database(conn))
      throw sqlcore::ArgumentError(
          "adopt_legacy_database: " + engine.url().to_string() +
          " is not a database of the original system (its schema_migrations table, its core "
          "tables, and no sqlcore_version table)");
  }
  AdoptionReport report;
  report.backup_path = back_up(engine);
  const Schema& s = schema();
  const sqlcore::migrate::Revision& initial = history().revisions().front();
  std::vector<std::string> problems;
  std::size_t problem_count = 0;
  // Revision 0001 of the history, for a database that already holds the data.
  auto adopt = [&](sqlcore::migrate::MigrationContext& m) {
    Connection& c = m.connection();
    const sqlcore::Dialect& d = c.dialect();
    sqlcore::Inspector& insp = m.inspector();
    std::map<std::string, std::set<std::string>> legacy;  // our tables it has, and their columns
    std::set<std::string> ours;
    for (const Table* t : s.metadata.tables()) ours.insert(t->name());
    for (const std::string& name : insp.table_names())
      if (!ours.count(name) && name != kLegacyVersions) report.unknown_tables.push_back(name);
    for (const Table* t : s.metadata.tables()) {
      if (!insp.has_table(t->name())) continue;
      for (const auto& col : insp.columns(t->name())) legacy[t->name()].insert(col.name);
      for (const auto& ix : insp.indexes(t->name())) m.drop_index(ix.name);
      m.rename_table(t->name(), aside(t->name()));
    }
    // Columns trinity-db does not know are kept beside their row's key.
    for (const auto& [name, cols] : legacy) {
      const Table& t = s.metadata.table(name);
      std::vector<std::string> extra;
      for (const auto& col : cols)
        if (!t.find_column(col)) extra.push_back(col);
      if (extra.empty()) continue;
      std::string list;
      std::vector<std::string> kept;
      for (const Column* k : t.primary_key().columns()) {
        list += (list.empty() ? "" : ", ") + quoted(d, k->name());
        kept.push_back(k->name());
      }
      for (const auto& col : extra) list += ", " + quoted(d, col);
      kept.insert(kept.end(), extra.begin(), extra.end());
      create_like(c, extra_table(name), aside(name), kept);
      c.execute(sqlcore::text("INSERT INTO " + quoted(d, extra_table(name)) + " (" + list +
                              ") SELECT " + list + " FROM " + quoted(d, aside(name))));
      report.extra_columns[name] = extra;
    }
    initial.upgrade(m);
    Copier copier(c);
    for (const Table* t : s.metadata.sorted_tables()) {
      auto it = legacy.find(t->name());
      if (it != legacy.end()) report.rows_copied += copier.copy(*t, it->second);
    }
    problems = copier.problems();
    problem_count = copier.problem_count();
    if (problem_count) throw LegacyDataError("", {});  // rolls the revision back; reported below
    write_manual_marker(c, s);
    resolve_dangling(c, s.metadata, report);
    for (const auto& [name, cols] : legacy) m.drop_table(aside(name));
    m.rename_table(kLegacyVersions, kKeptVersions);
  };
  sqlcore::migrate::History adoption({{initial.id, "adopt the original system's database", adopt}});
  try {
    sqlcore::migrate::Migrator(engine, adoption).upgrade();
  } catch (const sqlcore::migrate::MigrationError&) {
    if (!problem_count) throw;
    std::string message = "trinity-db: the original system's database " + engine.url().to_string() +
                          " holds " + std::to_string(problem_count) +
                          " value(s) that cannot be converted, so nothing was changed. Fix them "
                          "and run again:";
    for (const auto& p : problems) message += "\n  " + p;
    if (problem_count > problems.size())
      message += "\n  ... and " + std::to_string(problem_count - problems.size()) + " more";
    throw LegacyDataError(message, problems);
  }
  return report;
}

}  // namespace trinity::db
