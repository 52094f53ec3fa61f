// Seeding every table of a MetaData with rows that keep its foreign keys: the tables are filled
// referenced tables first, and a foreign-key column takes a value of the column it refers to from
// a row seeded before. What every other column holds is the caller's choice, so one seeder serves
// the tests that need a row naming an agent in each of trinity-db's 45 tables (agents_test) and
// those that fill every table with awkward values (copy_test).
//
//   trinity_test::Seeder seeder([](const Table&, const Column& c, int row, const auto& referred)
//                                   -> std::optional<Value> { return referred; });
//   seeder.known("users.id", {Value(ada)});   // rows inserted another way, referable
//   seeder.seed(conn, schema.metadata, 3, {"users"});
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <sqlcore/engine/connection.hpp>
#include <sqlcore/schema/metadata.hpp>
#include <sqlcore/sql/dml.hpp>

namespace trinity_test {

/// The value column `c` of table `t` takes in the table's row `row` (from 0). `referred`: for a
/// single-column foreign key, the referred column's value in row `row` modulo the rows seeded
/// there (nullopt when there is none yet: a self-reference's first row). Returning nullopt leaves
/// the column out of the INSERT: its default, NULL, or a generated identity.
using ChooseValue = std::function<std::optional<sqlcore::Value>(
    const sqlcore::Table& t, const sqlcore::Column& c, int row,
    const std::optional<sqlcore::Value>& referred)>;

/// Inserts rows in foreign-key order and remembers every value written and every identity
/// generated, per "table.column", for the rows that refer to them.
class Seeder {
 public:
  explicit Seeder(ChooseValue choose) : choose_(std::move(choose)) {}

  /// Values of `column` ("table.column") in rows written another way, which seeded rows may
  /// refer to (before the values seeded into that column).
  void known(const std::string& column, std::vector<sqlcore::Value> values) {
    auto& v = seeded_[column];
    v.insert(v.begin(), values.begin(), values.end());
  }

  /// `rows` rows in every table of `md` except `skip`, on `c` (one INSERT per row).
  void seed(sqlcore::Connection& c, const sqlcore::MetaData& md, int rows,
            const std::set<std::string>& skip = {}) {
    for (const sqlcore::Table* t : md.sorted_tables()) {
      if (skip.count(t->name())) continue;
      for (int r = 0; r < rows; ++r) insert(c, *t, r);
    }
  }

  /// Inserts row `row` of `t` (one INSERT on `c`).
  void insert(sqlcore::Connection& c, const sqlcore::Table& t, int row) {
    std::vector<sqlcore::Assignment> assignments;
    std::vector<const sqlcore::Column*> generated;
    std::vector<std::pair<std::string, sqlcore::Value>> written;
    for (const sqlcore::Column* col : t.columns()) {
      auto v = choose_(t, *col, row, referred(t, *col, row));
      if (!v) {
        if (col->is_autoincrement()) generated.push_back(col);
        continue;
      }
      assignments.push_back({*col, *v});
      written.emplace_back(t.name() + "." + col->name(), std::move(*v));
    }
    sqlcore::Dml stmt = sqlcore::insert(t).values(assignments);
    if (generated.empty()) {
      c.execute(stmt);
    } else {
      std::vector<sqlcore::Expr> returned;
      for (const sqlcore::Column* col : generated) returned.emplace_back(*col);
      stmt.returning(std::move(returned));
      const sqlcore::Row r = *c.execute(stmt).first();
      for (const sqlcore::Column* col : generated)
        written.emplace_back(t.name() + "." + col->name(), r[col->name()]);
    }
    for (auto& [key, v] : written) seeded_[key].push_back(std::move(v));
  }

  /// The values seeded (and known) in "table.column", in the order written.
  const std::vector<sqlcore::Value>& values(const std::string& column) const {
    static const std::vector<sqlcore::Value> none;
    const auto it = seeded_.find(column);
    return it == seeded_.end() ? none : it->second;
  }

  /// "table.column" that a single-column foreign key `col` refers to; nullopt for another column.
  static std::optional<std::string> referred_column(const sqlcore::Table& t,
                                                    const sqlcore::Column& col) {
    for (const auto& fk : t.foreign_keys())
      if (fk.columns().size() == 1 && fk.columns()[0] == &col)
        return fk.referred_table() + "." + fk.referred_columns()[0];
    return std::nullopt;
  }

 private:
  std::optional<sqlcore::Value> referred(const sqlcore::Table& t, const sqlcore::Column& col,
                                         int row) const {
    const auto target = referred_column(t, col);
    if (!target) return std::nullopt;
    const auto& v = values(*target);
    if (v.empty()) return std::nullopt;
    return v[static_cast<std::size_t>(row) % v.size()];
  }

  ChooseValue choose_;
  std::map<std::string, std::vector<sqlcore::Value>> seeded_;
};

}  // namespace trinity_test
