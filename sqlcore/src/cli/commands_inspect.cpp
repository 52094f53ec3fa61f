// The inspect command: the tables, or one table's columns, keys, indexes and checks.
#include "cli_internal.hpp"

#include <algorithm>
#include <cctype>

#include "sqlcore/inspect/inspector.hpp"

namespace sqlcore::cli {

namespace {

std::string fk_action(FkAction a) {
  std::string s = to_sql(a);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

}  // namespace

int cmd_inspect(Context& ctx, const Options& o) {
  auto conn = ctx.engine().connect();
  Inspector insp(conn);
  if (o.table.empty()) {
    const auto names = insp.table_names();
    if (ctx.json()) {
      json a = json::array();
      for (const auto& t : names) a.push_back({{"name", t}, {"columns", insp.columns(t).size()}});
      ctx.out() << a.dump(2) << '\n';
      return k_exit_ok;
    }
    Rows rows;
    for (const auto& t : names) rows.push_back({t, std::to_string(insp.columns(t).size())});
    if (names.empty()) {
      ctx.out() << "(no tables)\n";
    } else {
      print_table(ctx.out(), ctx.color(), {"table", "columns"}, rows);
    }
    return k_exit_ok;
  }
  const std::string& t = o.table;
  const auto cols = insp.columns(t);
  const auto pk = insp.primary_key(t);
  const auto uniques = insp.unique_constraints(t);
  const auto indexes = insp.indexes(t);
  const auto fks = insp.foreign_keys(t);
  const auto checks = insp.checks(t);
  auto index_elements = [](const IndexInfo& ix) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < ix.columns.size(); ++i) {
      out.push_back(!ix.columns[i].empty() || i >= ix.expressions.size() ? ix.columns[i]
                                                                         : ix.expressions[i]);
    }
    return out;
  };
  if (ctx.json()) {
    json jc = json::array();
    for (const auto& c : cols) {
      jc.push_back({{"name", c.name},
                    {"type", c.type_sql},
                    {"nullable", c.nullable},
                    {"default", opt_json(c.default_sql)},
                    {"autoincrement", c.autoincrement}});
    }
    json ju = json::array();
    for (const auto& u : uniques) ju.push_back({{"name", u.name}, {"columns", u.columns}});
    json ji = json::array();
    for (const auto& ix : indexes) {
      ji.push_back({{"name", ix.name},
                    {"unique", ix.unique},
                    {"elements", index_elements(ix)},
                    {"where", ix.where}});
    }
    json jf = json::array();
    for (const auto& fk : fks) {
      jf.push_back({{"name", fk.name},
                    {"columns", fk.columns},
                    {"referred_table", fk.referred_table},
                    {"referred_columns", fk.referred_columns},
                    {"on_delete", fk_action(fk.on_delete)},
                    {"on_update", fk_action(fk.on_update)}});
    }
    json jk = json::array();
    for (const auto& ck : checks) jk.push_back({{"name", ck.name}, {"condition", ck.condition}});
    ctx.out() << json{{"table", t},
                      {"columns", jc},
                      {"primary_key", {{"name", pk.name}, {"columns", pk.columns}}},
                      {"unique_constraints", ju},
                      {"indexes", ji},
                      {"foreign_keys", jf},
                      {"checks", jk}}
                     .dump(2)
              << '\n';
    return k_exit_ok;
  }
  ctx.out() << bold(ctx.color(), "table " + t) << "\n\n";
  Rows rows;
  for (const auto& c : cols) {
    rows.push_back({c.name, c.type_sql, c.nullable ? "yes" : "no", c.default_sql.value_or(""),
                    c.autoincrement ? "yes" : ""});
  }
  print_table(ctx.out(), ctx.color(), {"column", "type", "nullable", "default", "autoincrement"},
              rows);
  Rows cons;
  auto cols_text = [](const std::vector<std::string>& c) { return "(" + joined(c) + ")"; };
  if (!pk.columns.empty()) cons.push_back({"primary key", pk.name, cols_text(pk.columns)});
  for (const auto& u : uniques) cons.push_back({"unique", u.name, cols_text(u.columns)});
  for (const auto& ix : indexes) {
    std::string def = cols_text(index_elements(ix));
    if (!ix.where.empty()) def += " WHERE " + ix.where;
    cons.push_back({ix.unique ? "unique index" : "index", ix.name, def});
  }
  for (const auto& fk : fks) {
    std::string def =
        cols_text(fk.columns) + " -> " + fk.referred_table + cols_text(fk.referred_columns);
    if (fk.on_delete != FkAction::no_action) def += " on delete " + fk_action(fk.on_delete);
    if (fk.on_update != FkAction::no_action) def += " on update " + fk_action(fk.on_update);
    cons.push_back({"foreign key", fk.name, def});
  }
  for (const auto& ck : checks) cons.push_back({"check", ck.name, ck.condition});
  if (!cons.empty()) {
    ctx.out() << '\n';
    print_table(ctx.out(), ctx.color(), {"constraint", "name", "definition"}, cons);
  }
  return k_exit_ok;
}

}  // namespace sqlcore::cli
