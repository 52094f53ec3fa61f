// Adopting the original system's SQLite database (see legacy.hpp).
#include "trinity/db/legacy.hpp"

#include <charconv>
#include <map>
#include <set>

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
#include "trinity/db/schema.hpp"

namespace trinity::db {

namespace {

using sqlcore::Column;
using sqlcore::Connection;
using sqlcore::Table;
using sqlcore::TypeKind;
using sqlcore::Value;

constexpr const char* kLegacyVersions = "schema_migrations";
constexpr std::size_t kMaxProblems = 20;

std::string aside(const std::string& table) {
  return "_legacy_" + table;
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
        if (t.kind() == K::timestamp) return {std::move(t), {}};
        return {Value(), "not a timestamp"};
      }
      case TypeKind::json:
        if (v.kind() == K::text) {
          try {
            return {Value(sqlcore::Json::parse(v.text_unchecked())), {}};
          } catch (const std::exception& e) {
            return {Value(), std::string("malformed JSON (") + e.what() + ")"};
          }
        }
        return {Value(), "not JSON text"};
      case TypeKind::small_integer:
      case TypeKind::integer:
      case TypeKind::big_integer:
        if (v.kind() == K::integer) return {v, {}};
        if (v.kind() == K::real &&
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
    std::string key;
    for (const Column* k : t.primary_key().columns()) {
      std::string shown;
      try {
        shown = r[k->name()].as<std::string>();
      } catch (const std::exception&) {
        shown = "?";
      }
      key += (key.empty() ? "" : ", ") + k->name() + "=" + shown;
    }
    problems_.push_back(t.name() + " (" + key + ") column " + col.name() + ": " + why);
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

bool is_legacy_database(Connection& conn) {
  if (conn.dialect().name() != "sqlite") return false;
  sqlcore::Inspector insp(conn);
  return insp.has_table(kLegacyVersions) && !insp.has_table("sqlcore_version") &&
         insp.has_table("users");
}

std::int64_t adopt_legacy_database(sqlcore::Engine& engine) {
  {
    auto conn = engine.connect();
    if (!is_legacy_database(conn))
      throw sqlcore::ArgumentError(
          "adopt_legacy_database: " + engine.url().to_string() +
          " is not a database of the original system (a SQLite database with its "
          "schema_migrations table and no sqlcore_version table)");
  }
  const Schema& s = schema();
  const sqlcore::migrate::Revision& initial = history().revisions().front();
  std::int64_t copied = 0;
  std::vector<std::string> problems;
  std::size_t problem_count = 0;
  // Revision 0001 of the history, for a database that already holds the data.
  sqlcore::migrate::History adoption({{initial.id, "adopt the original system's database",
                                       [&](sqlcore::migrate::MigrationContext& m) {
                                         Connection& c = m.connection();
                                         sqlcore::Inspector& insp = m.inspector();
                                         std::map<std::string, std::set<std::string>>
                                             legacy;  // our tables it has, and their columns
                                         for (const Table* t : s.metadata.tables()) {
                                           if (!insp.has_table(t->name())) continue;
                                           for (const auto& col : insp.columns(t->name()))
                                             legacy[t->name()].insert(col.name);
                                           for (const auto& ix : insp.indexes(t->name()))
                                             m.drop_index(ix.name);
                                           m.rename_table(t->name(), aside(t->name()));
                                         }
                                         initial.upgrade(m);
                                         Copier copier(c);
                                         for (const Table* t : s.metadata.sorted_tables()) {
                                           auto it = legacy.find(t->name());
                                           if (it != legacy.end())
                                             copied += copier.copy(*t, it->second);
                                         }
                                         problems = copier.problems();
                                         problem_count = copier.problem_count();
                                         if (problem_count)
                                           throw LegacyDataError(
                                               "", {});  // rolls the revision back; reported below
                                         for (const auto& [name, cols] : legacy)
                                           m.drop_table(aside(name));
                                         m.drop_table(kLegacyVersions);
                                       }}});
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
  return copied;
}

}  // namespace trinity::db
