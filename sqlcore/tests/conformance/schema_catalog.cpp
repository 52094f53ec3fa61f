// The schema tests' catalog readers: raw SQL on each backend's catalog (see schema_fixture.hpp).
#include <algorithm>
#include <map>

#include "conformance/schema_fixture.hpp"
#include "inspect/reflector.hpp"

using namespace sqlcore;

namespace sqlcore_test {
namespace {

std::string dialect_name(const Connection& c) {
  return std::string(c.dialect().name());
}
bool is_sqlite(const Connection& c) {
  return dialect_name(c) == "sqlite";
}

// A minimal reader of SQLite's stored CREATE TABLE text: SQLite keeps constraint names nowhere
// else.
struct DdlConstraint {
  std::string name;
  std::string kind;  // "PRIMARY KEY", "UNIQUE", "CHECK", "FOREIGN KEY"
  std::vector<std::string> columns;
  std::string body;  // inside the parentheses after the kind
  std::string ref_table;
};

// The SQL text readers the reflectors use (pure text; the catalog queries here stay this test's
// own).
using sqlcore::detail::read_identifier;
using sqlcore::detail::read_parenthesized;
using sqlcore::detail::skip_blanks;
using sqlcore::detail::split_unit;
using sqlcore::detail::starts_with_word;

std::vector<std::string> identifier_list(std::string_view body) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < body.size()) {
    out.push_back(read_identifier(body, i));
    skip_blanks(body, i);
    if (i < body.size() && body[i] == ',') ++i;
  }
  return out;
}

std::vector<DdlConstraint> named_constraints(std::string_view sql) {
  std::vector<DdlConstraint> out;
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char ch = sql[i];
    if (quote) {
      if (ch == quote) quote = 0;
      continue;
    }
    if (ch == '\'' || ch == '"') {
      quote = ch;
      continue;
    }
    if (!starts_with_word(sql, i, "CONSTRAINT") ||
        (i > 0 && (std::isalnum(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '_')))
      continue;
    std::size_t j = i + 10;
    DdlConstraint c;
    c.name = read_identifier(sql, j);
    skip_blanks(sql, j);
    for (std::string_view kind : {"PRIMARY KEY", "UNIQUE", "CHECK", "FOREIGN KEY"}) {
      std::string_view first = kind.substr(0, kind.find(' '));
      if (!starts_with_word(sql, j, first)) continue;
      c.kind = std::string(kind);
      j += first.size();
      if (kind.find(' ') != std::string_view::npos) {
        skip_blanks(sql, j);
        j += kind.size() - first.size() - 1;  // the second word
      }
      break;
    }
    skip_blanks(sql, j);
    if (j < sql.size() && sql[j] == '(') c.body = read_parenthesized(sql, j).value_or("");
    if (c.kind != "CHECK") c.columns = identifier_list(c.body);
    if (c.kind == "FOREIGN KEY") {
      skip_blanks(sql, j);
      if (starts_with_word(sql, j, "REFERENCES")) {
        j += 10;
        c.ref_table = read_identifier(sql, j);
      }
    }
    out.push_back(std::move(c));
    i = j > i ? j - 1 : i;
  }
  return out;
}

std::string sqlite_fk_action(const std::string& a) {
  return a;  // SQLite reports "NO ACTION", "CASCADE", "SET NULL", ... already
}

std::string pg_fk_action(const std::string& code) {
  if (code == "a") return to_sql(FkAction::no_action);
  if (code == "r") return to_sql(FkAction::restrict);
  if (code == "c") return to_sql(FkAction::cascade);
  if (code == "n") return to_sql(FkAction::set_null);
  if (code == "d") return to_sql(FkAction::set_default);
  return "?" + code;
}

}  // namespace

/// Lower case without quotes, parentheses and blanks: comparable across the catalogs' spellings.
std::string squash(std::string_view s) {
  std::string out;
  for (char ch : s)
    if (ch != '"' && ch != '(' && ch != ')' && ch != ' ' && ch != '\n' && ch != '\t')
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return out;
}

std::vector<CatalogColumn> read_columns(Connection& c, const std::string& table) {
  std::vector<CatalogColumn> out;
  if (is_sqlite(c)) {
    for (auto& r : c.execute(text("SELECT name, type, \"notnull\" AS not_null, dflt_value, pk "
                                  "FROM pragma_table_xinfo(:t) ORDER BY cid"),
                             {{"t", table}})
                       .all())
      out.push_back({r.get<std::string>("name"), r.get<std::string>("type"),
                     r.get<std::int64_t>("not_null") == 0,
                     static_cast<int>(r.get<std::int64_t>("pk")), !r["dflt_value"].is_null()});
  } else {
    for (auto& r :
         c.execute(text("SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS "
                        "type, a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS dflt, "
                        "COALESCE(array_position(pk.conkey, a.attnum), 0) AS pk "
                        "FROM pg_catalog.pg_attribute a "
                        "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum "
                        "= a.attnum "
                        "LEFT JOIN pg_catalog.pg_constraint pk ON pk.conrelid = a.attrelid AND "
                        "pk.contype = 'p' "
                        "WHERE a.attrelid = to_regclass(quote_ident(:t)) AND a.attnum > 0 AND NOT "
                        "a.attisdropped ORDER BY a.attnum"),
                   {{"t", table}})
             .all())
      out.push_back({r.get<std::string>("name"), r.get<std::string>("type"),
                     !r.get<bool>("not_null"), static_cast<int>(r.get<std::int64_t>("pk")),
                     !r["dflt"].is_null()});
  }
  return out;
}

std::vector<CatalogConstraint> read_constraints(Connection& c, const std::string& table) {
  std::vector<CatalogConstraint> out;
  if (is_sqlite(c)) {
    std::string sql = c.execute(text("SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                                     "name = :t"),
                                {{"t", table}})
                          .scalar<std::string>();
    auto parsed = named_constraints(sql);
    auto name_of = [&](const std::string& kind, const std::vector<std::string>& cols,
                       const std::string& ref_table) {
      for (const auto& p : parsed)
        if (p.kind == kind && (cols.empty() || p.columns.empty() || p.columns == cols) &&
            p.ref_table == ref_table)
          return p.name;
      return std::string();
    };
    // Primary key: the columns from the catalog, the name from the DDL.
    std::vector<std::pair<int, std::string>> pk;
    for (const auto& col : read_columns(c, table))
      if (col.pk_position > 0) pk.emplace_back(col.pk_position, col.name);
    std::sort(pk.begin(), pk.end());
    if (!pk.empty()) {
      CatalogConstraint k;
      k.kind = 'p';
      for (auto& [pos, name] : pk) k.columns.push_back(name);
      k.name = name_of("PRIMARY KEY", k.columns, "");
      out.push_back(std::move(k));
    }
    // Unique constraints: the indexes SQLite made for them.
    for (auto& ix : c.execute(text("SELECT name FROM pragma_index_list(:t) WHERE origin = 'u' "
                                   "ORDER BY name"),
                              {{"t", table}})
                        .scalars<std::string>()) {
      CatalogConstraint u;
      u.kind = 'u';
      u.columns =
          c.execute(text("SELECT name FROM pragma_index_info(:ix) ORDER BY seqno"), {{"ix", ix}})
              .scalars<std::string>();
      u.name = name_of("UNIQUE", u.columns, "");
      out.push_back(std::move(u));
    }
    for (const auto& p : parsed)
      if (p.kind == "CHECK") {
        CatalogConstraint k;
        k.kind = 'c';
        k.name = p.name;
        k.condition = p.body;
        out.push_back(std::move(k));
      }
    // Foreign keys: one row per column, grouped by id.
    std::map<std::int64_t, CatalogConstraint> fks;
    for (auto& r : c.execute(text("SELECT id, seq, \"table\" AS ref_table, \"from\" AS col, "
                                  "\"to\" AS ref_col, on_update, on_delete FROM "
                                  "pragma_foreign_key_list(:t) ORDER BY id, seq"),
                             {{"t", table}})
                       .all()) {
      auto& f = fks[r.get<std::int64_t>("id")];
      f.kind = 'f';
      f.ref_table = r.get<std::string>("ref_table");
      f.columns.push_back(r.get<std::string>("col"));
      f.ref_columns.push_back(r.get<std::optional<std::string>>("ref_col").value_or("?"));
      f.on_delete = sqlite_fk_action(r.get<std::string>("on_delete"));
      f.on_update = sqlite_fk_action(r.get<std::string>("on_update"));
    }
    for (auto& [id, f] : fks) {
      f.name = name_of("FOREIGN KEY", f.columns, f.ref_table);
      out.push_back(std::move(f));
    }
  } else {
    for (auto& r :
         c.execute(text("SELECT con.conname::text AS name, con.contype::text AS kind, "
                        "pg_get_constraintdef(con.oid) AS def, "
                        "(SELECT string_agg(a.attname::text, chr(31) ORDER BY k.ord) FROM "
                        "unnest(con.conkey) WITH ORDINALITY k(attnum, ord) JOIN "
                        "pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND "
                        "a.attnum = k.attnum) AS cols, "
                        "(SELECT relname::text FROM pg_catalog.pg_class WHERE oid = "
                        "con.confrelid) AS ref_table, "
                        "(SELECT string_agg(a.attname::text, chr(31) ORDER BY k.ord) FROM "
                        "unnest(con.confkey) WITH ORDINALITY k(attnum, ord) JOIN "
                        "pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND "
                        "a.attnum = k.attnum) AS ref_cols, "
                        "con.confdeltype::text AS on_delete, con.confupdtype::text AS "
                        "on_update "
                        "FROM pg_catalog.pg_constraint con WHERE con.conrelid = "
                        "to_regclass(quote_ident(:t)) AND con.contype IN ('p', 'u', 'c', "
                        "'f') ORDER BY con.conname"),
                   {{"t", table}})
             .all()) {
      CatalogConstraint k;
      k.kind = r.get<std::string>("kind")[0];
      k.name = r.get<std::string>("name");
      if (auto cols = r.get<std::optional<std::string>>("cols")) k.columns = split_unit(*cols);
      if (k.kind == 'c') k.condition = r.get<std::string>("def");
      if (k.kind == 'f') {
        k.ref_table = r.get<std::string>("ref_table");
        k.ref_columns = split_unit(r.get<std::string>("ref_cols"));
        k.on_delete = pg_fk_action(r.get<std::string>("on_delete"));
        k.on_update = pg_fk_action(r.get<std::string>("on_update"));
      }
      out.push_back(std::move(k));
    }
  }
  return out;
}

/// Indexes created with CREATE INDEX (not the ones backing a primary key or unique constraint).
std::vector<CatalogIndex> read_indexes(Connection& c, const std::string& table) {
  std::vector<CatalogIndex> out;
  if (is_sqlite(c)) {
    for (auto& r : c.execute(text("SELECT name, \"unique\" AS uniq, partial FROM "
                                  "pragma_index_list(:t) WHERE origin = 'c' ORDER BY name"),
                             {{"t", table}})
                       .all()) {
      CatalogIndex ix;
      ix.name = r.get<std::string>("name");
      ix.unique = r.get<bool>("uniq");
      ix.partial = r.get<bool>("partial");
      for (auto& col : c.execute(text("SELECT name FROM pragma_index_info(:ix) ORDER BY seqno"),
                                 {{"ix", ix.name}})
                           .scalars<std::optional<std::string>>())
        ix.columns.push_back(col.value_or("<expr>"));
      ix.definition =
          c.execute(text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :ix"),
                    {{"ix", ix.name}})
              .scalar<std::string>();
      out.push_back(std::move(ix));
    }
  } else {
    for (auto& r :
         c.execute(text("SELECT ci.relname::text AS name, i.indisunique AS uniq, i.indpred IS NOT "
                        "NULL AS partial, pg_get_indexdef(i.indexrelid) AS def, "
                        "(SELECT string_agg(CASE WHEN k.attnum = 0 THEN '<expr>' ELSE "
                        "a.attname::text END, chr(31) ORDER BY k.ord) FROM "
                        "unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) LEFT JOIN "
                        "pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = "
                        "k.attnum) AS cols "
                        "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ci ON ci.oid = "
                        "i.indexrelid WHERE i.indrelid = to_regclass(quote_ident(:t)) AND NOT "
                        "EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = "
                        "i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', "
                        "'u', 'x')) ORDER BY ci.relname"),
                   {{"t", table}})
             .all()) {
      CatalogIndex ix;
      ix.name = r.get<std::string>("name");
      ix.unique = r.get<bool>("uniq");
      ix.partial = r.get<bool>("partial");
      ix.columns = split_unit(r.get<std::string>("cols"));
      ix.definition = r.get<std::string>("def");
      out.push_back(std::move(ix));
    }
  }
  return out;
}

bool table_exists(Connection& c, const std::string& table) {
  std::string sql = is_sqlite(c) ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
                                   "name = :t"
                                 : "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = "
                                   "current_schema() AND tablename = :t";
  return c.execute(text(sql), {{"t", table}}).scalar<std::int64_t>() > 0;
}

/// Tables, indexes, sequences ... in this test's database (SQLite) or schema (PostgreSQL).
std::int64_t schema_object_count(Connection& c) {
  std::string sql = is_sqlite(c) ? "SELECT COUNT(*) FROM sqlite_master"
                                 : "SELECT COUNT(*) FROM pg_catalog.pg_class cl JOIN "
                                   "pg_catalog.pg_namespace n ON n.oid = cl.relnamespace WHERE "
                                   "n.nspname = current_schema()";
  return c.execute(text(sql)).scalar<std::int64_t>();
}

/// How this catalog spells each of `type_sqls` (as written in DDL): read back from a probe table.
/// SQLite keeps the text as written; PostgreSQL has its own names ("character varying(64)").
std::vector<std::string> catalog_spellings(Connection& c,
                                           const std::vector<std::string>& type_sqls) {
  const Dialect& d = c.dialect();
  std::string ddl = "CREATE TABLE " + d.quote_identifier("zz_type_probe") + " (";
  for (std::size_t i = 0; i < type_sqls.size(); ++i)
    ddl += (i ? ", " : "") + d.quote_identifier("c" + std::to_string(i)) + " " + type_sqls[i];
  c.execute(text(ddl + ")"));
  std::vector<std::string> out;
  for (const auto& col : read_columns(c, "zz_type_probe")) out.push_back(col.type);
  c.execute(text("DROP TABLE " + d.quote_identifier("zz_type_probe")));
  return out;
}

const CatalogConstraint* find_constraint(const std::vector<CatalogConstraint>& all, char kind,
                                         const std::string& name) {
  for (const auto& k : all)
    if (k.kind == kind && k.name == name) return &k;
  return nullptr;
}

std::set<std::string> constraint_names(const std::vector<CatalogConstraint>& all, char kind) {
  std::set<std::string> out;
  for (const auto& k : all)
    if (k.kind == kind) out.insert(k.name);
  return out;
}

}  // namespace sqlcore_test
