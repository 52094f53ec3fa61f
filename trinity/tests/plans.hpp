// PostgreSQL query plans, for tests that check which index a statement uses.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <sqlcore/engine/connection.hpp>
#include <sqlcore/sql/text.hpp>
#include <sqlcore/sqlcore.hpp>

namespace trinity_test {

/// The plan PostgreSQL makes for `stmt`, its lines joined by newlines: EXPLAIN of the statement
/// as compiled for `c`, its placeholders $1, $2, ... given `values` in order. Sequential scans are
/// disabled (SET LOCAL enable_seqscan = off, in a transaction rolled back afterwards), so the plan
/// shows which index can serve the statement even on a small table.
inline std::string postgres_plan(sqlcore::Connection& c, const sqlcore::Executable& stmt,
                                 const std::vector<sqlcore::Value>& values) {
  std::string sql = stmt.compiled(c.dialect()).sql;
  sqlcore::Params params;
  for (std::size_t i = values.size(); i >= 1; --i) {  // $10 before $1
    const std::string placeholder = "$" + std::to_string(i), name = "p" + std::to_string(i);
    for (auto at = sql.find(placeholder); at != std::string::npos; at = sql.find(placeholder))
      sql.replace(at, placeholder.size(), ":" + name);
    params.emplace_back(name, values[i - 1]);
  }
  auto tx = c.begin();
  c.execute(sqlcore::text("SET LOCAL enable_seqscan = off"));
  std::string plan;
  for (const sqlcore::Row& row : c.execute(sqlcore::text("EXPLAIN " + sql), params).all())
    plan += row.get<std::string>("QUERY PLAN") + "\n";
  tx.rollback();
  return plan;
}

}  // namespace trinity_test
