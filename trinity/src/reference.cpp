// The tables reference (docs/trinity-tables.md), rendered from the metadata with the dialects'
// own DDL spellings (Dialect::column_type_sql, identity_sql, literal_sql, ...), so it shows what
// create_all() writes on each backend.
#include "trinity/db/reference.hpp"

#include <cctype>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <sqlcore/dialect/dialect.hpp>
#include <sqlcore/dialect/registry.hpp>

#include "trinity/db/schema.hpp"

namespace trinity::db {
namespace {

using sqlcore::Column;
using sqlcore::Dialect;
using sqlcore::ServerDefault;
using sqlcore::Table;

std::shared_ptr<const Dialect> dialect(std::string_view name) {
  auto d = sqlcore::find_dialect(name);
  if (!d) throw std::logic_error("tables reference: no " + std::string(name) + " dialect");
  return d;
}

/// `text` as a code span, safe inside a Markdown table cell.
std::string code(const std::string& text) {
  std::string out = "`";
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out + "`";
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string column_list(const std::vector<const Column*>& columns) {
  std::vector<std::string> names;
  for (const Column* c : columns) names.push_back(code(c->name()));
  return join(names, ", ");
}

/// The column's type as `d` writes it in CREATE TABLE, with what numbers it.
std::string ddl_type(const Dialect& d, const Column& c) {
  std::string out = d.column_type_sql(c);
  for (const std::string& extra : {d.identity_sql(c), d.inline_primary_key_sql(c)})
    if (!extra.empty()) out += " " + extra;
  return code(out);
}

std::string default_sql(const Dialect& d, const Column& c) {
  const auto& def = *c.server_default();
  switch (def.kind()) {
    case ServerDefault::Kind::literal:
      return d.literal_sql(def.value(), c.type());
    case ServerDefault::Kind::current_timestamp:
      return "now()";
    case ServerDefault::Kind::sql:
      return "(" + def.expression() + ")";
  }
  return {};
}

std::string default_cell(const Dialect& sqlite, const Dialect& pg, const Column& c) {
  if (!c.server_default()) return "";
  const std::string a = default_sql(sqlite, c);
  const std::string b = default_sql(pg, c);
  if (a == b) return code(a);
  return "SQLite " + code(a) + ", PostgreSQL " + code(b);
}

std::string anchor(std::string_view title) {
  std::string out;
  for (char ch : title) {
    if (ch == ' ')
      out += '-';
    else if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-')
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return out;
}

void render_table(std::string& out, const Table& t, const Dialect& sqlite, const Dialect& pg) {
  out += "### " + t.name() + "\n\n";
  out += "| column | type | SQLite | PostgreSQL | null | default |\n";
  out += "|---|---|---|---|---|---|\n";
  for (const Column* c : t.columns()) {
    out += "| " + code(c->name()) + " | " + c->type().to_string() + " | " + ddl_type(sqlite, *c) +
           " | " + ddl_type(pg, *c) + " | " + (c->is_nullable() ? "yes" : "no") + " | " +
           default_cell(sqlite, pg, *c) + " |\n";
  }
  out += "\n";

  const auto& pk = t.primary_key();
  if (!pk.empty()) {
    out += "- Primary key " + code(pk.name()) + ": " + column_list(pk.columns());
    if (const Column* a = t.autoincrement_column())
      out +=
          " (numbered by the database" +
          std::string(a->autoincrement_setting() == sqlcore::Autoincrement::yes ? ", never reused"
                                                                                : "") +
          ")";
    out += "\n";
  }
  for (const auto& u : t.unique_constraints())
    out += "- Unique " + code(u.name()) + ": " + column_list(u.columns()) + "\n";
  for (const auto& ck : t.checks())
    out += "- Check " + code(ck.name()) + ": " + code(ck.condition()) + "\n";
  for (const auto& fk : t.foreign_keys()) {
    std::vector<std::string> targets;
    for (const auto& rc : fk.referred_columns())
      targets.push_back(code(fk.referred_table() + "." + rc));
    out += "- Foreign key " + code(fk.name()) + ": " + column_list(fk.columns()) + " → " +
           join(targets, ", ");
    std::vector<std::string> actions;
    if (fk.on_delete() != sqlcore::FkAction::no_action)
      actions.push_back(std::string("ON DELETE ") + sqlcore::to_sql(fk.on_delete()));
    if (fk.on_update() != sqlcore::FkAction::no_action)
      actions.push_back(std::string("ON UPDATE ") + sqlcore::to_sql(fk.on_update()));
    if (!actions.empty()) out += " (" + join(actions, ", ") + ")";
    out += "\n";
  }
  if (!pk.empty() || !t.unique_constraints().empty() || !t.checks().empty() ||
      !t.foreign_keys().empty())
    out += "\n";

  if (!t.indexes().empty()) {
    out += "| index | on | unique | where |\n";
    out += "|---|---|---|---|\n";
    for (const auto& ix : t.indexes()) {
      std::vector<std::string> parts;
      for (std::size_t i = 0; i < ix.columns().size(); ++i)
        parts.push_back(ix.columns()[i] ? code(ix.columns()[i]->name())
                                        : code(ix.expressions()[i]));
      out += "| " + code(ix.name()) + " | " + join(parts, ", ") + " | " +
             (ix.is_unique() ? "yes" : "") + " | " +
             (ix.where().empty() ? std::string() : code(ix.where())) + " |\n";
    }
    out += "\n";
  }
}

}  // namespace

std::string tables_reference() {
  const Schema& s = schema();
  const auto sqlite_dialect = dialect("sqlite");
  const auto pg_dialect = dialect("postgresql");
  const Dialect& sqlite = *sqlite_dialect;
  const Dialect& pg = *pg_dialect;

  // Every table in exactly one domain.
  std::map<std::string, std::string, std::less<>> domain_of;
  for (const auto& d : table_domains()) {
    for (std::string_view t : d.tables) {
      if (!s.metadata.find_table(t))
        throw std::logic_error("tables reference: domain " + std::string(d.name) + " names table " +
                               std::string(t) + ", which the schema lacks");
      auto [it, added] = domain_of.emplace(std::string(t), std::string(d.name));
      if (!added)
        throw std::logic_error("tables reference: table " + std::string(t) + " is in domains " +
                               it->second + " and " + std::string(d.name));
    }
  }
  for (const Table* t : s.metadata.tables())
    if (!domain_of.count(t->name()))
      throw std::logic_error(
          "tables reference: table " + t->name() +
          " is in no domain (add it to table_domains() in trinity/src/schema.cpp)");

  std::string out;
  out += "# trinity-db tables\n\n";
  out += "<!-- Generated from the metadata by `trinity-db reference`: do not edit. -->\n\n";
  out += "Every table of trinity-db (" + std::to_string(s.metadata.tables().size()) +
         "), grouped by domain as they are declared: one header per domain under "
         "`trinity/include/trinity/db/tables/`, each table's columns, keys and indexes in one "
         "struct. This file is generated from that metadata; the test "
         "`TrinityTablesReference.MatchesTheCommittedFile` fails when it is out of date. "
         "Regenerate it with\n\n"
         "```sh\n"
         "build/dev/apps/trinity-db/trinity-db reference > docs/trinity-tables.md\n"
         "```\n\n";
  out += "How to read it:\n\n";
  out +=
      "- **type** is the portable sqlcore type; **SQLite** and **PostgreSQL** are the column "
      "types each backend's `CREATE TABLE` writes (`Dialect::column_type_sql`, then how "
      "the database numbers a generated key).\n";
  out +=
      "- **null**: whether the column accepts NULL. **default** is the server default; "
      "`now()` is the time of the insert, written `(" +
      sqlite.current_timestamp_sql(sqlcore::types::DateTime) + ")` on SQLite and `(" +
      pg.current_timestamp_sql(sqlcore::types::DateTime) + ")` on PostgreSQL.\n";
  out +=
      "- On SQLite every Json column also gets a check that its text is valid JSON (`\"c\" IS "
      "NULL OR json_valid(\"c\")`).\n";
  out +=
      "- Constraint and index names are the ones the database gets (given, or from the naming "
      "convention). The reasons behind the keys, defaults and indexes are comments in the "
      "table headers and the numbered decisions in `trinity/include/trinity/db/schema.hpp`.\n\n";

  out += "## Domains\n\n";
  for (const auto& d : table_domains()) {
    std::vector<std::string> links;
    for (std::string_view t : d.tables)
      links.push_back("[" + std::string(t) + "](#" + anchor(t) + ")");
    out += "- [" + std::string(d.title) + "](#" + anchor(d.title) + ") (`tables/" +
           std::string(d.name) + ".hpp`): " + join(links, ", ") + "\n";
  }
  out += "\n";

  for (const auto& d : table_domains()) {
    out += "## " + std::string(d.title) + "\n\n" + std::string(d.summary) +
           " Declared in `trinity/include/trinity/db/tables/" + std::string(d.name) + ".hpp`.\n\n";
    for (std::string_view t : d.tables) render_table(out, s.metadata.table(t), sqlite, pg);
  }
  while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n')
    out.pop_back();
  return out;
}

}  // namespace trinity::db
