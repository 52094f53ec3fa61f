// The source's tables outside the MetaData: see unknown_tables.hpp.
#include "transfer/unknown_tables.hpp"

#include <algorithm>
#include <set>

#include "sqlcore/inspect/inspector.hpp"
#include "sqlcore/migrate/autogenerate.hpp"
#include "sqlcore/transfer/transfer.hpp"

namespace sqlcore::transfer::detail {

std::string described(const migrate::Change& ch) {
  using Kind = migrate::Change::Kind;
  if (ch.kind == Kind::add_table) return "table " + ch.table + " is missing";
  if (ch.kind == Kind::drop_table)
    return "table " + ch.table +
           " is not part of the schema (its rows would be left behind: ignore_tables or "
           "unknown_tables = skip leaves it, unknown_tables = copy takes it along)";
  return std::string(migrate::to_string(ch.kind)) + " " + ch.table +
         (ch.name.empty() ? "" : "." + ch.name) + (ch.detail.empty() ? "" : " (" + ch.detail + ")");
}

std::vector<std::string> unknown_tables(Connection& conn, const MetaData& md,
                                        const std::vector<std::string>& ignore) {
  std::vector<std::string> out;
  for (const auto& name : Inspector(conn).table_names()) {
    if (md.find_table(name)) continue;
    if (std::find(ignore.begin(), ignore.end(), name) != ignore.end()) continue;
    out.push_back(name);
  }
  return out;
}

std::vector<const Table*> reflect_tables(Connection& source, const std::vector<std::string>& names,
                                         MetaData& into) {
  Inspector insp(source);
  std::string untyped;
  for (const auto& name : names)
    for (const ColumnInfo& c : insp.columns(name))
      if (!c.type) untyped += "\n  " + name + "." + c.name + " (" + c.type_sql + ")";
  if (!untyped.empty())
    throw TransferRefused(
        "transfer: these columns of tables outside the schema have no portable type, so their "
        "values could change on the way (leave the tables behind, or declare the columns with a "
        "type):" +
        untyped);
  insp.reflect_all(into);
  const std::set<std::string> wanted(names.begin(), names.end());
  std::vector<const Table*> out;
  for (const Table* t : into.sorted_tables())
    if (wanted.count(t->name())) out.push_back(t);
  return out;
}

std::string target_differences(Connection& target, const MetaData& reflected,
                               const std::vector<const Table*>& tables,
                               std::vector<std::string>& missing) {
  Inspector insp(target);
  std::set<std::string> present;
  for (const Table* t : tables) {
    if (insp.has_table(t->name()))
      present.insert(t->name());
    else
      missing.push_back(t->name());
  }
  std::string out;
  for (const auto& ch : migrate::compare(target, reflected, {}))
    if (present.count(ch.table) && ch.kind != migrate::Change::Kind::drop_table)
      out += "\n  target: " + described(ch);
  return out;
}

}  // namespace sqlcore::transfer::detail
