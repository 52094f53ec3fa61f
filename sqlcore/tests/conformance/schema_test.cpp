// The schema layer on every backend: create_all() checked against the real catalog, drop_all(),
// every portable type through a table create_all() made, server defaults, autoincrement, the value
// checks both backends agree on, foreign key actions and identifiers that need quoting.
//
// The catalog is read with raw SQL (PRAGMAs and sqlite_master on SQLite, pg_catalog on
// PostgreSQL) by the small readers below, the only code here that depends on the dialect; the
// test bodies compare what they read with what the metadata and the dialect's own spellings say.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include <sqlcore/testing/backend.hpp>
#include "inspect/reflector.hpp"

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

// ---- catalog readers ----------------------------------------------------------------------

struct CatalogColumn {
  std::string name;
  std::string type;  // as the catalog spells it
  bool nullable = true;
  int pk_position = 0;  // 1-based position in the primary key; 0 when not part of it
  bool has_default = false;
};

struct CatalogConstraint {
  char kind = '?';  // p(rimary key), u(nique), c(heck), f(oreign key)
  std::string name;
  std::vector<std::string> columns;
  std::string condition;  // checks: the condition as the catalog keeps it
  std::string ref_table;
  std::vector<std::string> ref_columns;
  std::string on_delete;  // as to_sql(FkAction): "CASCADE", "NO ACTION", ...
  std::string on_update;
};

struct CatalogIndex {
  std::string name;
  bool unique = false;
  bool partial = false;
  std::vector<std::string> columns;  // "<expr>" for an expression
  std::string definition;            // the CREATE INDEX statement as the catalog shows it
};

std::string dialect_name(const Connection& c) {
  return std::string(c.dialect().name());
}
bool is_sqlite(const Connection& c) {
  return dialect_name(c) == "sqlite";
}

/// Lower case without quotes, parentheses and blanks: comparable across the catalogs' spellings.
std::string squash(std::string_view s) {
  std::string out;
  for (char ch : s)
    if (ch != '"' && ch != '(' && ch != ')' && ch != ' ' && ch != '\n' && ch != '\t')
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return out;
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

using Strings = std::vector<std::string>;

// ---- the fixture ---------------------------------------------------------------------------

class SchemaTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    engine_.emplace(make_engine());
  }
  void TearDown() override {
    engine_.reset();
    BackendTest::TearDown();
  }

  Engine& engine() { return *engine_; }
  const Dialect& dialect() { return engine_->dialect(); }
  std::string q(std::string_view ident) { return dialect().quote_identifier(ident); }

  // Capabilities of the dialect under test, asked instead of naming a backend.
  /// DateTime values are stored as text (SQLite), so text order must be time order.
  bool stores_timestamps_as_text() { return dialect().name() == "sqlite"; }
  /// The server itself refuses an integer too wide for an INTEGER column (SQLite stores any).
  bool server_checks_integer_width() { return dialect().name() == "postgresql"; }

  /// INSERT INTO `t` the `values`, each first checked by its column's type (Type::bind), through
  /// raw text(); returns the `returning` column of the new row (NULL when `returning` is empty).
  Value insert(Connection& c, const Table& t,
               const std::vector<std::pair<std::string, Value>>& values,
               const std::string& returning = "id") {
    std::string cols, binds;
    Params params;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const Column& col = t.c(values[i].first);
      std::string p = "p" + std::to_string(i);
      cols += (i ? ", " : "") + q(col.name());
      binds += (i ? ", :" : ":") + p;
      params.emplace_back(p, col.type().bind(values[i].second, col.qualified_name()));
    }
    std::string sql =
        "INSERT INTO " + q(t.name()) +
        (values.empty() ? " DEFAULT VALUES" : " (" + cols + ") VALUES (" + binds + ")");
    if (returning.empty()) {
      c.execute(text(sql), params);
      return Value();
    }
    return c.execute(text(sql + " RETURNING " + q(returning)), params).one()[0];
  }

  /// The row of `t` whose id is `id`, each column read through its type (Type::result).
  std::map<std::string, Value> fetch(Connection& c, const Table& t, const Value& id) {
    auto row = c.execute(text("SELECT * FROM " + q(t.name()) + " WHERE " + q("id") + " = :id"),
                         {{"id", id}})
                   .one();
    std::map<std::string, Value> out;
    for (const Column* col : t.columns()) out[col->name()] = col->type().result(row[col->name()]);
    return out;
  }

  /// Stores `v` in column `col` of `t` (checked by the column's type) and reads it back.
  Value round_trip(const Table& t, const std::string& col, const Value& v) {
    auto c = engine().connect();
    Value id = insert(c, t, {{col, v}});
    auto row = c.execute(text("SELECT " + q(col) + " FROM " + q(t.name()) + " WHERE " + q("id") +
                              " = :id"),
                         {{"id", id}})
                   .one();
    return t.c(col).type().result(row[col]);
  }

  // A small blog: every kind of constraint and index, with actions on the foreign keys.
  void declare_blog(MetaData& md) {
    Table& users = md.add_table("users");
    users.column("id", types::BigInteger).primary_key();
    users.column("username", types::String(64)).unique();
    users.column("email", types::String(255)).nullable();
    users.column("age", types::SmallInteger).nullable().check(raw_sql(q("age") + " >= 0"));
    users.column("status", types::Enum({"active", "banned"})).server_default("active");
    users.column("active", types::Boolean).server_default(false);
    users.column("created_at", types::DateTime).server_default(now());
    users.column("deleted_at", types::DateTime).nullable();
    users.index("ix_users_email_lower", {raw_sql("lower(" + q("email") + ")")}).unique();
    users.index({}, {"username"}).where(raw_sql(q("deleted_at") + " IS NULL"));
    users.index({}, {"status", "created_at"});

    Table& posts = md.add_table("posts");
    posts.column("id", types::Integer).primary_key();
    posts.column("user_id", types::BigInteger)
        .references(users.c("id"), FkAction::cascade, FkAction::cascade);
    posts.column("editor_id", types::BigInteger)
        .nullable()
        .references("users.id", FkAction::set_null);
    posts.column("reviewer_id", types::BigInteger).nullable();
    posts.column("slug", types::String(100));
    posts.column("title", types::Text);
    posts.column("qty", types::Integer).server_default(0).check(raw_sql(q("qty") + " >= 0"));
    posts.column("price", types::Numeric(12, 2)).server_default(Decimal{"0"});
    posts.column("data", types::Json).nullable();
    posts.unique({"user_id", "slug"});
    posts.check(raw_sql("length(" + q("slug") + ") > 0"));
    posts.check(raw_sql(q("title") + " <> ''"), "ck_posts_title_nonempty");
    posts.foreign_key({"reviewer_id"}, "users", {"id"}, FkAction::restrict, FkAction::no_action,
                      "fk_posts_reviewer");
  }

  // Two tables that refer to each other; with `use_alter`, a's key is added after the tables.
  static void declare_cycle(MetaData& md, bool use_alter) {
    Table& a = md.add_table("cyc_a");
    a.column("id", types::BigInteger).primary_key();
    a.column("b_id", types::BigInteger).nullable();
    Table& b = md.add_table("cyc_b");
    b.column("id", types::BigInteger).primary_key();
    b.column("a_id", types::BigInteger).references(a.c("id"));
    a.foreign_key({"b_id"}, "cyc_b", {"id"}).use_alter(use_alter);
  }

  /// The check names the catalog must show for `t`: its own checks and the dialect's type checks.
  std::set<std::string> expected_checks(const Table& t) {
    std::set<std::string> out;
    for (const CheckConstraint& ck : t.checks()) out.insert(ck.name());
    const MetaData& md = t.metadata();
    for (const Column* col : t.columns())
      for (const auto& [label, condition] : dialect().type_checks(*col))
        out.insert(md.apply_convention(md.naming_convention().check, t, {col}, {}, {}, label));
    return out;
  }

  /// Checks the catalog's columns of `t` against the metadata: names, types as the dialect
  /// spells them, nullability, primary key positions and server defaults.
  void expect_columns_match(Connection& c, const Table& t) {
    SCOPED_TRACE("table " + t.name());
    Strings wanted_types;
    for (const Column* col : t.columns()) wanted_types.push_back(dialect().column_type_sql(*col));
    const Strings spelled = catalog_spellings(c, wanted_types);
    const auto cols = read_columns(c, t.name());
    ASSERT_EQ(cols.size(), t.columns().size());
    for (std::size_t i = 0; i < cols.size(); ++i) {
      const Column& col = *t.columns()[i];
      SCOPED_TRACE("column " + col.name());
      EXPECT_EQ(cols[i].name, col.name());
      EXPECT_EQ(cols[i].type, spelled[i]);
      if (!col.is_autoincrement()) {
        EXPECT_EQ(dialect().column_type_sql(col), dialect().type_sql(col.type()));
      }
      EXPECT_EQ(cols[i].nullable, col.is_nullable());
      const auto& pk = t.primary_key().columns();
      auto pos = std::find(pk.begin(), pk.end(), &col);
      EXPECT_EQ(cols[i].pk_position, pos == pk.end() ? 0 : static_cast<int>(pos - pk.begin()) + 1);
      EXPECT_EQ(cols[i].has_default, col.server_default().has_value());
    }
  }

  MetaData md_;
  std::optional<Engine> engine_;
};

// ---- 1. create_all against the catalog -----------------------------------------------------

TEST_P(SchemaTest, CreateAllBuildsWhatTheCatalogShows) {
  declare_blog(md_);
  md_.create_all(engine());
  auto c = engine().connect();
  const Table& users = md_.table("users");
  const Table& posts = md_.table("posts");
  ASSERT_TRUE(table_exists(c, "users"));
  ASSERT_TRUE(table_exists(c, "posts"));

  expect_columns_match(c, users);
  expect_columns_match(c, posts);

  // The integer types have their declared width on every backend.
  const Strings ints = catalog_spellings(
      c, {dialect().type_sql(types::SmallInteger), dialect().type_sql(types::Integer),
          dialect().type_sql(types::BigInteger)});
  EXPECT_EQ(std::set<std::string>(ints.begin(), ints.end()).size(), 3u) << "three distinct widths";

  // Primary keys.
  auto uc = read_constraints(c, "users");
  auto pc = read_constraints(c, "posts");
  const CatalogConstraint* pk = find_constraint(uc, 'p', "pk_users");
  ASSERT_NE(pk, nullptr);
  EXPECT_EQ(pk->columns, Strings{"id"});
  pk = find_constraint(pc, 'p', "pk_posts");
  ASSERT_NE(pk, nullptr);
  EXPECT_EQ(pk->columns, Strings{"id"});

  // Unique constraints, named by the convention.
  EXPECT_EQ(constraint_names(uc, 'u'), std::set<std::string>{"uq_users_username"});
  const CatalogConstraint* uq = find_constraint(pc, 'u', "uq_posts_user_id_slug");
  ASSERT_NE(uq, nullptr);
  EXPECT_EQ(uq->columns, (Strings{"user_id", "slug"}));
  EXPECT_EQ(find_constraint(uc, 'u', "uq_users_username")->columns, Strings{"username"});

  // Checks: the declared ones and the dialect's type checks (an Enum's set everywhere), by name.
  EXPECT_EQ(constraint_names(uc, 'c'), expected_checks(users));
  EXPECT_EQ(constraint_names(pc, 'c'), expected_checks(posts));
  for (const char* name : {"ck_users_age", "ck_users_status_enum"})
    EXPECT_TRUE(constraint_names(uc, 'c').count(name)) << name;
  for (const char* name : {"ck_posts_qty", "ck_posts_title_nonempty"})
    EXPECT_TRUE(constraint_names(pc, 'c').count(name)) << name;
  EXPECT_NE(squash(find_constraint(uc, 'c', "ck_users_status_enum")->condition).find("'banned'"),
            std::string::npos);
  EXPECT_NE(squash(find_constraint(pc, 'c', "ck_posts_qty")->condition).find("qty>=0"),
            std::string::npos);

  // Foreign keys with their actions.
  EXPECT_TRUE(constraint_names(uc, 'f').empty());
  EXPECT_EQ(constraint_names(pc, 'f'),
            (std::set<std::string>{"fk_posts_user_id_users", "fk_posts_editor_id_users",
                                   "fk_posts_reviewer"}));
  struct WantFk {
    const char* name;
    const char* column;
    FkAction on_delete, on_update;
  };
  for (const WantFk& w :
       {WantFk{"fk_posts_user_id_users", "user_id", FkAction::cascade, FkAction::cascade},
        WantFk{"fk_posts_editor_id_users", "editor_id", FkAction::set_null, FkAction::no_action},
        WantFk{"fk_posts_reviewer", "reviewer_id", FkAction::restrict, FkAction::no_action}}) {
    SCOPED_TRACE(w.name);
    const CatalogConstraint* fk = find_constraint(pc, 'f', w.name);
    ASSERT_NE(fk, nullptr);
    EXPECT_EQ(fk->columns, Strings{w.column});
    EXPECT_EQ(fk->ref_table, "users");
    EXPECT_EQ(fk->ref_columns, Strings{"id"});
    EXPECT_EQ(fk->on_delete, to_sql(w.on_delete));
    EXPECT_EQ(fk->on_update, to_sql(w.on_update));
  }

  // Indexes: unique on an expression, partial, multi-column.
  auto ix = read_indexes(c, "users");
  ASSERT_EQ(ix.size(), 3u);
  std::map<std::string, CatalogIndex> by_name;
  for (auto& i : ix) by_name[i.name] = i;
  ASSERT_TRUE(by_name.count("ix_users_email_lower"));
  ASSERT_TRUE(by_name.count("ix_users_username"));
  ASSERT_TRUE(by_name.count("ix_users_status_created_at"));
  const auto& lower = by_name["ix_users_email_lower"];
  EXPECT_TRUE(lower.unique);
  EXPECT_FALSE(lower.partial);
  EXPECT_EQ(lower.columns, Strings{"<expr>"});
  EXPECT_NE(squash(lower.definition).find("loweremail"), std::string::npos) << lower.definition;
  const auto& partial = by_name["ix_users_username"];
  EXPECT_FALSE(partial.unique);
  EXPECT_TRUE(partial.partial);
  EXPECT_EQ(partial.columns, Strings{"username"});
  EXPECT_NE(squash(partial.definition).find("wheredeleted_atisnull"), std::string::npos)
      << partial.definition;
  const auto& multi = by_name["ix_users_status_created_at"];
  EXPECT_FALSE(multi.unique);
  EXPECT_FALSE(multi.partial);
  EXPECT_EQ(multi.columns, (Strings{"status", "created_at"}));
  EXPECT_TRUE(read_indexes(c, "posts").empty());

  // The declared checks work.
  Value owner = insert(c, users, {{"username", "owner"}});
  auto expect_check = [&](const Table& t, std::vector<std::pair<std::string, Value>> values) {
    try {
      insert(c, t, values);
      ADD_FAILURE() << "expected IntegrityError on " << t.name();
    } catch (const IntegrityError& e) {
      EXPECT_EQ(e.kind(), IntegrityKind::check) << e.what();
    }
  };
  expect_check(users, {{"username", "neg"}, {"age", -1}});
  expect_check(posts, {{"user_id", owner}, {"slug", "s"}, {"title", ""}});
  expect_check(posts, {{"user_id", owner}, {"slug", ""}, {"title", "t"}});
  expect_check(posts, {{"user_id", owner}, {"slug", "s"}, {"title", "t"}, {"qty", -1}});
  EXPECT_NO_THROW(insert(c, posts, {{"user_id", owner}, {"slug", "s"}, {"title", "t"}}));

  // The indexes work: the expression index is unique regardless of case; the partial index
  // covers only live rows (nothing to assert beyond its presence, it is not unique).
  insert(c, users, {{"username", "ann"}, {"email", "Ann@Example.com"}});
  try {
    insert(c, users, {{"username", "ann2"}, {"email", "ann@example.COM"}});
    ADD_FAILURE() << "expected IntegrityError";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.kind(), IntegrityKind::unique) << e.what();
  }
}

TEST_P(SchemaTest, CreateAllIsIdempotentAndDropAllRemovesEverything) {
  declare_blog(md_);
  md_.create_all(engine());
  std::int64_t objects = 0;
  {
    auto c = engine().connect();
    objects = schema_object_count(c);
    EXPECT_GT(objects, 0);
    insert(c, md_.table("users"), {{"username", "kept"}});
  }
  // checkfirst (the default): existing tables are left alone, with their rows and indexes.
  EXPECT_NO_THROW(md_.create_all(engine()));
  {
    auto c = engine().connect();
    EXPECT_EQ(schema_object_count(c), objects);
    EXPECT_EQ(count(c, q("users")), 1);
  }
  // Without checkfirst the database refuses, and nothing changes.
  EXPECT_THROW(md_.create_all(engine(), {.checkfirst = false}), DatabaseError);
  {
    auto c = engine().connect();
    EXPECT_EQ(schema_object_count(c), objects);
  }

  md_.drop_all(engine());
  {
    auto c = engine().connect();
    EXPECT_FALSE(table_exists(c, "users"));
    EXPECT_FALSE(table_exists(c, "posts"));
    EXPECT_EQ(schema_object_count(c), 0) << "indexes, sequences and tables are all gone";
  }
  EXPECT_NO_THROW(md_.drop_all(engine())) << "checkfirst: nothing left to drop";
  EXPECT_THROW(md_.drop_all(engine(), {.checkfirst = false}), DatabaseError);

  // And it can all be made again.
  md_.create_all(engine());
  auto c = engine().connect();
  EXPECT_EQ(schema_object_count(c), objects);
  EXPECT_EQ(count(c, q("users")), 0);
}

TEST_P(SchemaTest, CreateAllIsOneTransaction) {
  Table& good = md_.add_table("good");
  good.column("id", types::BigInteger).primary_key();
  Table& bad = md_.add_table("bad");
  bad.column("id", types::BigInteger).primary_key();
  bad.check(raw_sql(q("id") + " >"), "ck_bad_syntax");  // fails at CREATE TABLE
  EXPECT_THROW(md_.create_all(engine()), DatabaseError);
  auto c = engine().connect();
  EXPECT_FALSE(table_exists(c, "good")) << "the first table's CREATE was rolled back";
  EXPECT_EQ(schema_object_count(c), 0);
}

TEST_P(SchemaTest, ForeignKeyCycleNeedsUseAlterAndThenCreatesAndDrops) {
  {
    MetaData cyclic;
    declare_cycle(cyclic, /*use_alter=*/false);
    try {
      cyclic.create_all(engine());
      ADD_FAILURE() << "expected ArgumentError";
    } catch (const ArgumentError& e) {
      EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("use_alter"), std::string::npos) << e.what();
    }
  }
  declare_cycle(md_, /*use_alter=*/true);
  md_.create_all(engine());
  const Table& a = md_.table("cyc_a");
  const Table& b = md_.table("cyc_b");
  {
    auto c = engine().connect();
    auto ak = read_constraints(c, "cyc_a");
    auto bk = read_constraints(c, "cyc_b");
    const CatalogConstraint* fa = find_constraint(ak, 'f', "fk_cyc_a_b_id_cyc_b");
    ASSERT_NE(fa, nullptr);
    EXPECT_EQ(fa->ref_table, "cyc_b");
    EXPECT_EQ(fa->columns, Strings{"b_id"});
    const CatalogConstraint* fb = find_constraint(bk, 'f', "fk_cyc_b_a_id_cyc_a");
    ASSERT_NE(fb, nullptr);
    EXPECT_EQ(fb->ref_table, "cyc_a");

    // Rows that close the cycle, and both keys enforced.
    insert(c, a, {{"id", 1}});
    insert(c, b, {{"id", 10}, {"a_id", 1}});
    c.execute(
        text("UPDATE " + q("cyc_a") + " SET " + q("b_id") + " = 10 WHERE " + q("id") + " = 1"));
    try {
      insert(c, a, {{"id", 2}, {"b_id", 999}});
      ADD_FAILURE() << "expected IntegrityError";
    } catch (const IntegrityError& e) {
      EXPECT_EQ(e.kind(), IntegrityKind::foreign_key) << e.what();
    }
    try {
      insert(c, b, {{"id", 11}, {"a_id", 999}});
      ADD_FAILURE() << "expected IntegrityError";
    } catch (const IntegrityError& e) {
      EXPECT_EQ(e.kind(), IntegrityKind::foreign_key) << e.what();
    }
  }
  // drop_all with the cycle's rows still in place.
  EXPECT_NO_THROW(md_.drop_all(engine()));
  {
    auto c = engine().connect();
    EXPECT_FALSE(table_exists(c, "cyc_a"));
    EXPECT_FALSE(table_exists(c, "cyc_b"));
    EXPECT_EQ(schema_object_count(c), 0);
  }
  md_.create_all(engine());
  md_.drop_all(engine());
  auto c = engine().connect();
  EXPECT_EQ(schema_object_count(c), 0);
}

// ---- 2. every portable type round-trips ----------------------------------------------------

class SchemaTypesTest : public SchemaTest {
 protected:
  void SetUp() override {
    SchemaTest::SetUp();
    Table& t = md_.add_table("vals");
    t.column("id", types::BigInteger).primary_key();
    t.column("b", types::Boolean).nullable();
    t.column("si", types::SmallInteger).nullable();
    t.column("i", types::Integer).nullable();
    t.column("bi", types::BigInteger).nullable();
    t.column("f", types::Float).nullable();
    t.column("d", types::Double).nullable();
    t.column("n40", types::Numeric(40, 10)).nullable();
    t.column("n12", types::Numeric(12, 2)).nullable();
    t.column("s5", types::String(5)).nullable();
    t.column("s", types::String()).nullable();
    t.column("tx", types::Text).nullable();
    t.column("ts", types::DateTime).nullable();
    t.column("dt", types::Date).nullable();
    t.column("tm", types::Time).nullable();
    t.column("j", types::Json).nullable();
    t.column("bl", types::LargeBinary).nullable();
    t.column("u", types::Uuid).nullable();
    t.column("e", types::Enum({"draft", "published", "archived"})).nullable();
    md_.create_all(engine());
    vals_ = &t;
  }

  Value rt(const std::string& col, const Value& v) { return round_trip(*vals_, col, v); }

  const Table* vals_ = nullptr;
};

#define EXPECT_VALUE_EQ(got, want)                                                       \
  do {                                                                                   \
    const Value got_ = (got);                                                            \
    const Value want_ = (want);                                                          \
    EXPECT_TRUE(got_ == want_) << got_.debug_string() << " != " << want_.debug_string(); \
  } while (0)

TEST_P(SchemaTypesTest, NullStaysNullInEveryColumn) {
  for (const Column* col : vals_->columns()) {
    if (col->name() == "id") continue;
    EXPECT_TRUE(rt(col->name(), Value()).is_null()) << col->name();
  }
}

TEST_P(SchemaTypesTest, BooleansAndIntegerExtremes) {
  EXPECT_VALUE_EQ(rt("b", true), Value(true));
  EXPECT_VALUE_EQ(rt("b", false), Value(false));
  for (std::int64_t v : {std::int64_t{std::numeric_limits<std::int16_t>::min()}, std::int64_t{-1},
                         std::int64_t{0}, std::int64_t{std::numeric_limits<std::int16_t>::max()}})
    EXPECT_VALUE_EQ(rt("si", v), Value(v));
  for (std::int64_t v : {std::int64_t{std::numeric_limits<std::int32_t>::min()}, std::int64_t{0},
                         std::int64_t{std::numeric_limits<std::int32_t>::max()}})
    EXPECT_VALUE_EQ(rt("i", v), Value(v));
  for (std::int64_t v : {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1},
                         std::int64_t{2147483648}, std::numeric_limits<std::int64_t>::max()})
    EXPECT_VALUE_EQ(rt("bi", v), Value(v));
}

TEST_P(SchemaTypesTest, DoublesRoundTripAndNegativeZeroIsStoredAsZeroEverywhere) {
  for (double v : {0.0, 0.1, -2.25, 1e300, -1e-300, std::numeric_limits<double>::max(),
                   std::numeric_limits<double>::denorm_min(), 0.123456789012345678}) {
    Value back = rt("d", v);
    EXPECT_EQ(back.kind(), Value::Kind::real) << v;
    EXPECT_EQ(back.as<double>(), v);
  }
  // SQLite reads a REAL -0.0 back as 0; so that both backends agree, -0.0 is stored as 0.0.
  Value z = rt("d", -0.0);
  EXPECT_EQ(z.as<double>(), 0.0);
  EXPECT_FALSE(std::signbit(z.as<double>()));
  // An integral double reads back as a double, not an integer.
  EXPECT_EQ(rt("d", 3.0).kind(), Value::Kind::real);
}

// NaN would be NULL on SQLite and NaN on PostgreSQL; an infinity poisons every sum it enters. A
// Float or Double holds finite numbers only, and every way of binding one says so, naming the
// column, before anything is written.
TEST_P(SchemaTypesTest, NonFiniteDoublesAreRefusedOnEveryPathNamingTheColumn) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto expect_refused = [&](const std::function<void()>& f, const std::string& name) {
    try {
      f();
      ADD_FAILURE() << "expected DataError";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  };
  for (double bad : {nan, inf, -inf})
    for (const char* col : {"d", "f"})
      expect_refused([&] { rt(col, bad); }, std::string("vals.") + col);  // checked by the type
  auto c = engine_->connect();
  const std::int64_t before = count(c, "vals");
  for (double bad : {nan, inf, -inf}) {
    SCOPED_TRACE(bad);
    expect_refused([&] { c.execute(sqlcore::insert(*vals_).values({{"d", bad}})); }, "vals.d");
    expect_refused([&] { c.execute(sqlcore::update(*vals_).set({{"d", bad}})); }, "vals.d");
    expect_refused(
        [&] {
          c.execute(sqlcore::insert(*vals_).values({{"d", bindparam("x", types::Double)}}),
                    {{"x", bad}});
        },
        "vals.d");
    expect_refused(
        [&] {
          c.execute_many(sqlcore::insert(*vals_).values({{"d", bindparam("x", types::Double)}}),
                         {{{"x", 1.0}}, {{"x", bad}}});
        },
        "vals.d");
    expect_refused(
        [&] {
          c.execute(text("INSERT INTO vals (d) VALUES (:x)"), {{"x", bad}});
        },
        ":x");
    expect_refused(
        [&] {
          c.execute_many(text("INSERT INTO vals (d) VALUES (:x)"), {{{"x", 2.0}}, {{"x", bad}}});
        },
        ":x");
  }
  EXPECT_EQ(count(c, "vals"), before) << "a refused value leaves no row behind";
}

TEST_P(SchemaTypesTest, FloatsExactInSinglePrecision) {
  for (float v : {0.5f, -1.25f, 0.1f, 16777216.0f, std::numeric_limits<float>::max(),
                  std::numeric_limits<float>::min()}) {
    Value back = rt("f", v);
    EXPECT_EQ(back.kind(), Value::Kind::real);
    EXPECT_EQ(back.as<double>(), static_cast<double>(v)) << v;
  }
  // A double is rounded to single precision on the way in, the same on every backend.
  EXPECT_EQ(rt("f", 0.1).as<double>(), static_cast<double>(0.1f));
}

TEST_P(SchemaTypesTest, NumericKeepsEveryDigit) {
  for (const char* v : {"12345678901234567890.1234567891", "-12345678901234567890.1234567891",
                        "0.0000000001", "999999999999999999999999999999.9999999999"}) {
    Value back = rt("n40", Decimal{v});
    EXPECT_EQ(back.kind(), Value::Kind::decimal);
    EXPECT_VALUE_EQ(back, Value(Decimal{v}));
  }
  EXPECT_VALUE_EQ(rt("n40", Decimal{"1.5"}), Value(Decimal{"1.5000000000"}));
  EXPECT_VALUE_EQ(rt("n40", "7"), Value(Decimal{"7.0000000000"}));  // text is parsed
  struct Case {
    Value in;
    const char* out;
  };
  for (const Case& c :
       {Case{Decimal{"12.5"}, "12.50"}, Case{Decimal{"0.1"}, "0.10"},
        Case{Decimal{"-9999999999.99"}, "-9999999999.99"},
        Case{Decimal{"9999999999.99"}, "9999999999.99"}, Case{Decimal{"100"}, "100.00"},
        Case{Decimal{"0.005"}, "0.01"}, Case{Value(42), "42.00"}, Case{Value(0.25), "0.25"}}) {
    SCOPED_TRACE(c.in.debug_string());
    EXPECT_VALUE_EQ(rt("n12", c.in), Value(Decimal{c.out}));
  }
}

TEST_P(SchemaTypesTest, TextUnicodeAndEmptyIsNotNull) {
  const std::string unicode = "héllo wörld — 日本語 🎉 \t\n quotes ' \" ; -- /* */ :bind";
  EXPECT_VALUE_EQ(rt("tx", unicode), Value(unicode));
  EXPECT_VALUE_EQ(rt("s", unicode), Value(unicode));
  Value empty = rt("tx", "");
  EXPECT_FALSE(empty.is_null()) << "the empty string is not NULL";
  EXPECT_VALUE_EQ(empty, Value(""));
  EXPECT_FALSE(rt("s5", "").is_null());
  // String(5) counts characters, not bytes.
  EXPECT_VALUE_EQ(rt("s5", "héllo"), Value("héllo"));
  EXPECT_VALUE_EQ(rt("s5", "🎉🎉🎉🎉🎉"), Value("🎉🎉🎉🎉🎉"));
  std::string big(100000, 'x');
  EXPECT_VALUE_EQ(rt("s", big), Value(big));
}

TEST_P(SchemaTypesTest, DateTimesKeepMicrosecondsAndNormaliseOffsetsToUtc) {
  for (Timestamp t : {Timestamp::from_civil(1969, 12, 31, 23, 59, 59, 999999),
                      Timestamp::from_civil(1900, 1, 1, 0, 0, 0, 1),
                      Timestamp::from_civil(1970, 1, 1, 0, 0, 0, 0),
                      Timestamp::from_civil(2038, 1, 19, 3, 14, 8, 123456),
                      Timestamp::from_civil(2262, 4, 11, 23, 47, 16, 854775),
                      Timestamp::from_civil(2024, 2, 29, 12, 0, 0, 0)}) {
    Value back = rt("ts", t);
    EXPECT_EQ(back.kind(), Value::Kind::timestamp) << t.to_iso8601();
    EXPECT_VALUE_EQ(back, Value(t));
  }
  EXPECT_VALUE_EQ(rt("ts", "2024-03-10T12:00:00.5+02:00"),
                  Value(Timestamp::from_civil(2024, 3, 10, 10, 0, 0, 500000)));
  EXPECT_VALUE_EQ(rt("ts", "1960-06-01 00:30:00-05:30"),
                  Value(Timestamp::from_civil(1960, 6, 1, 6, 0, 0, 0)));
}

TEST_P(SchemaTypesTest, DatesAndTimesOfDay) {
  for (Date d : {Date::from_civil(1969, 7, 20), Date::from_civil(2000, 2, 29),
                 Date::from_civil(1900, 1, 1), Date::from_civil(9999, 12, 31)}) {
    Value back = rt("dt", d);
    EXPECT_EQ(back.kind(), Value::Kind::date);
    EXPECT_VALUE_EQ(back, Value(d));
  }
  EXPECT_VALUE_EQ(rt("dt", "2024-02-29"), Value(Date::from_civil(2024, 2, 29)));
  for (TimeOfDay t : {TimeOfDay::from_civil(0, 0, 0, 0), TimeOfDay::from_civil(23, 59, 59, 999999),
                      TimeOfDay::from_civil(12, 30, 0, 1)}) {
    Value back = rt("tm", t);
    EXPECT_VALUE_EQ(back, Value(t));
    EXPECT_EQ(back.as<TimeOfDay>(), t);
  }
  EXPECT_EQ(rt("tm", "07:05").as<TimeOfDay>(), TimeOfDay::from_civil(7, 5));
}

TEST_P(SchemaTypesTest, JsonNestedUnicodeAndJsonNullIsNotSqlNull) {
  Json doc = {{"name", "Zoë 日本 🎉"},
              {"tags", {"a", "b"}},
              {"nested", {{"n", 1.5}, {"ok", true}, {"deep", {{"list", {1, nullptr, "x"}}}}}},
              {"empty", Json::object()}};
  Value back = rt("j", doc);
  EXPECT_EQ(back.kind(), Value::Kind::json);
  EXPECT_EQ(back.as<Json>(), doc);
  Value jnull = rt("j", Json(nullptr));
  EXPECT_FALSE(jnull.is_null()) << "JSON null is a value, not SQL NULL";
  EXPECT_TRUE(jnull.as<Json>().is_null());
  EXPECT_TRUE(rt("j", Value()).is_null());
  EXPECT_EQ(rt("j", Json::array({1, 2, 3})).as<Json>(), Json::array({1, 2, 3}));
  EXPECT_EQ(rt("j", Json(12)).as<Json>(), Json(12)) << "a bare number stays a JSON document";
  EXPECT_EQ(rt("j", "hello").as<Json>(), Json("hello")) << "a C++ string is a JSON string";
  EXPECT_EQ(rt("j", "12").as<Json>(), Json("12")) << "a C++ string is a JSON string";
  EXPECT_EQ(rt("j", true).as<Json>(), Json(true));
}

TEST_P(SchemaTypesTest, BinaryUuidAndEnum) {
  Blob b{0, 0, 1, 0, 255, 0};
  for (int i = 0; i < 256; ++i) b.push_back(static_cast<std::uint8_t>(i));
  EXPECT_VALUE_EQ(rt("bl", b), Value(b));
  Value empty = rt("bl", Blob{});
  EXPECT_FALSE(empty.is_null());
  EXPECT_VALUE_EQ(empty, Value(Blob{}));

  for (Uuid u : {Uuid::random(), Uuid(), *Uuid::parse("ffffffff-ffff-ffff-ffff-ffffffffffff")}) {
    Value back = rt("u", u);
    EXPECT_VALUE_EQ(back, Value(u));
    EXPECT_EQ(back.as<Uuid>(), u);
  }
  EXPECT_VALUE_EQ(rt("u", "550E8400-E29B-41D4-A716-446655440000"),
                  Value("550e8400-e29b-41d4-a716-446655440000"));  // canonical lower case

  for (const char* e : {"draft", "published", "archived"}) EXPECT_VALUE_EQ(rt("e", e), Value(e));
}

// ---- 3. stored timestamps sort as time ------------------------------------------------------

TEST_P(SchemaTest, TimestampOrderIsTimeOrderIncludingServerDefault) {
  Table& ev = md_.add_table("events");
  ev.column("id", types::BigInteger).primary_key();
  ev.column("at", types::DateTime).server_default(now());
  ev.column("label", types::Text).nullable();
  md_.create_all(engine());
  auto c = engine().connect();
  const std::vector<Timestamp> given = {
      Timestamp::from_civil(2038, 1, 19, 3, 14, 8, 123456),
      Timestamp::from_civil(1969, 12, 31, 23, 59, 59, 999999),
      Timestamp::from_civil(1970, 1, 1, 0, 0, 0, 0),
      Timestamp::from_civil(1970, 1, 1, 0, 0, 0, 1),
      Timestamp::from_civil(1900, 1, 1, 0, 0, 0, 0),
      Timestamp::from_civil(1969, 12, 31, 23, 59, 59, 0),
      Timestamp::from_civil(2000, 1, 1, 0, 0, 0, 100000),
      Timestamp::from_civil(2000, 1, 1, 0, 0, 0, 99999),
      Timestamp::from_civil(9999, 12, 31, 23, 59, 59, 999999),
      Timestamp::from_civil(1000, 1, 1, 0, 0, 0, 0),
  };
  for (const Timestamp& t : given) insert(c, ev, {{"at", t}});
  insert(c, ev, {{"label", "server default"}});  // `at` left to now()

  std::vector<Timestamp> stored;
  for (auto& r : c.execute(text("SELECT " + q("at") + " FROM " + q("events"))).all())
    stored.push_back(ev.c("at").type().result(r["at"]).as<Timestamp>());
  ASSERT_EQ(stored.size(), given.size() + 1);
  std::sort(stored.begin(), stored.end());

  std::vector<Timestamp> ordered;
  for (auto& r :
       c.execute(text("SELECT " + q("at") + " FROM " + q("events") + " ORDER BY " + q("at")))
           .all()) {
    Value v = ev.c("at").type().result(r["at"]);
    ASSERT_EQ(v.kind(), Value::Kind::timestamp) << v.debug_string();
    ordered.push_back(v.as<Timestamp>());
  }
  EXPECT_EQ(ordered, stored) << "ORDER BY on the column is time order";
  for (const Timestamp& t : given)
    EXPECT_TRUE(std::find(stored.begin(), stored.end(), t) != stored.end()) << t.to_iso8601();

  if (stores_timestamps_as_text()) {
    for (auto& r : c.execute(text("SELECT typeof(" + q("at") + ") AS ty, length(" + q("at") +
                                  ") AS len, " + q("label") + " FROM " + q("events")))
                       .all()) {
      SCOPED_TRACE(r["label"].debug_string());
      EXPECT_EQ(r.get<std::string>("ty"), "text");
      EXPECT_EQ(r.get<std::int64_t>("len"), 26) << "fixed width, so text order is time order";
    }
  }
}

// ---- 4. server defaults ---------------------------------------------------------------------

TEST_P(SchemaTest, ServerDefaultsFillInOmittedColumns) {
  Table& docs = md_.add_table("docs");
  docs.column("id", types::BigInteger).primary_key();
  docs.column("title", types::Text);
  docs.column("published", types::Boolean).server_default(false);
  docs.column("pinned", types::Boolean).server_default(true);
  docs.column("views", types::Integer).server_default(0);
  docs.column("score", types::Double).server_default(1.5);
  docs.column("status", types::Enum({"draft", "published"})).server_default("draft");
  docs.column("note", types::Text).server_default("it's \"quoted\"");
  docs.column("price", types::Numeric(12, 2)).server_default(Decimal{"1.5"});
  docs.column("meta", types::Json).server_default(Json{{"a", 1}, {"b", "ü"}});
  docs.column("raw", types::LargeBinary).server_default(Blob{0, 1, 255});
  docs.column("epoch", types::DateTime)
      .server_default(Timestamp::from_civil(1960, 1, 2, 3, 4, 5, 6));
  docs.column("created_at", types::DateTime).server_default(now());
  docs.column("created_on", types::Date).server_default(now());
  docs.column("created_time", types::Time).server_default(now());
  md_.create_all(engine());

  auto c = engine().connect();
  const Timestamp before = Timestamp::now();
  Value id = insert(c, docs, {{"title", "hello"}});
  const Timestamp after = Timestamp::now();
  auto row = fetch(c, docs, id);
  EXPECT_VALUE_EQ(row["published"], Value(false));
  EXPECT_VALUE_EQ(row["pinned"], Value(true));
  EXPECT_VALUE_EQ(row["views"], Value(0));
  EXPECT_VALUE_EQ(row["score"], Value(1.5));
  EXPECT_VALUE_EQ(row["status"], Value("draft"));
  EXPECT_VALUE_EQ(row["note"], Value("it's \"quoted\""));
  EXPECT_VALUE_EQ(row["price"], Value(Decimal{"1.50"}));
  EXPECT_EQ(row["meta"].as<Json>(), (Json{{"a", 1}, {"b", "ü"}}));
  EXPECT_VALUE_EQ(row["raw"], Value(Blob{0, 1, 255}));
  EXPECT_VALUE_EQ(row["epoch"], Value(Timestamp::from_civil(1960, 1, 2, 3, 4, 5, 6)));

  ASSERT_EQ(row["created_at"].kind(), Value::Kind::timestamp) << row["created_at"].debug_string();
  const Timestamp created = row["created_at"].as<Timestamp>();
  using std::chrono::seconds;
  EXPECT_GE(created.time_point(), before.time_point() - seconds(5)) << created.to_iso8601();
  EXPECT_LE(created.time_point(), after.time_point() + seconds(5)) << created.to_iso8601();

  ASSERT_EQ(row["created_on"].kind(), Value::Kind::date) << row["created_on"].debug_string();
  const auto day = row["created_on"].as<Date>().days();
  EXPECT_GE(day, std::chrono::floor<std::chrono::days>(before.time_point() - seconds(5)));
  EXPECT_LE(day, std::chrono::floor<std::chrono::days>(after.time_point() + seconds(5)));

  const TimeOfDay tod = row["created_time"].as<TimeOfDay>();
  const auto since_midnight = [](Timestamp t) {
    return t.micros() -
           std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::floor<std::chrono::days>(t.time_point()).time_since_epoch())
               .count();
  };
  const std::int64_t want = since_midnight(before);
  const std::int64_t diff = std::llabs(tod.micros() - want);
  const std::int64_t day_us = 86400LL * 1000000;
  EXPECT_LT(std::min(diff, day_us - diff), 5 * 1000000) << tod.to_string();

  // An explicit value still wins over the default.
  Value id2 = insert(c, docs, {{"title", "x"}, {"views", 7}, {"status", "published"}});
  auto row2 = fetch(c, docs, id2);
  EXPECT_VALUE_EQ(row2["views"], Value(7));
  EXPECT_VALUE_EQ(row2["status"], Value("published"));
}

// ---- 5. autoincrement -----------------------------------------------------------------------

TEST_P(SchemaTest, AutoincrementNumbersRowsAndAcceptsExplicitIds) {
  Table& big = md_.add_table("seq_big");
  big.column("id", types::BigInteger).primary_key();
  big.column("name", types::Text);
  Table& small = md_.add_table("seq_int");
  small.column("id", types::Integer).primary_key();
  small.column("name", types::Text);
  Table& strict = md_.add_table("seq_strict");
  strict.column("id", types::BigInteger).primary_key().autoincrement(true);
  strict.column("name", types::Text);
  Table& manual = md_.add_table("seq_manual");
  manual.column("id", types::BigInteger).primary_key().autoincrement(false);
  manual.column("name", types::Text);
  EXPECT_EQ(big.autoincrement_column(), &big.c("id"));
  EXPECT_EQ(manual.autoincrement_column(), nullptr);
  md_.create_all(engine());

  auto c = engine().connect();
  for (const Table* t : {&big, &small, &strict}) {
    SCOPED_TRACE(t->name());
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 3; ++i)
      ids.push_back(insert(c, *t, {{"name", "r" + std::to_string(i)}}).as<std::int64_t>());
    EXPECT_LT(ids[0], ids[1]);
    EXPECT_LT(ids[1], ids[2]);
    EXPECT_EQ(insert(c, *t, {{"id", 1000}, {"name", "explicit"}}).as<std::int64_t>(), 1000);
    std::int64_t next = insert(c, *t, {{"name", "after"}}).as<std::int64_t>();
    EXPECT_TRUE(next != 1000 && std::find(ids.begin(), ids.end(), next) == ids.end()) << next;
    EXPECT_EQ(count(c, q(t->name())), 5);
  }
  // autoincrement(true): an id is never handed out twice, even after the newest row is deleted.
  std::int64_t last = insert(c, strict, {{"name", "newest"}}).as<std::int64_t>();
  c.execute(text("DELETE FROM " + q("seq_strict") + " WHERE " + q("id") + " = :id"),
            {{"id", last}});
  EXPECT_GT(insert(c, strict, {{"name", "later"}}).as<std::int64_t>(), last);

  // autoincrement(false): the id must be given.
  EXPECT_EQ(insert(c, manual, {{"id", 5}, {"name", "given"}}).as<std::int64_t>(), 5);
  try {
    insert(c, manual, {{"name", "no id"}});
    ADD_FAILURE() << "expected IntegrityError";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.kind(), IntegrityKind::not_null) << e.what();
  }
}

// ---- 6. values the types refuse --------------------------------------------------------------

TEST_P(SchemaTest, OutOfRangeAndInvalidValuesAreRefused) {
  Table& t = md_.add_table("t");
  t.column("id", types::BigInteger).primary_key();
  t.column("n", types::Integer).nullable();
  t.column("sn", types::SmallInteger).nullable();
  t.column("e", types::Enum({"red", "green"})).nullable();
  t.column("s", types::String(5)).nullable();
  t.column("j", types::Json).nullable();
  md_.create_all(engine());
  auto c = engine().connect();

  auto expect_data_error = [&](const std::string& col, const Value& v, const std::string& hidden) {
    SCOPED_TRACE(col + " <- " + v.debug_string());
    try {
      insert(c, t, {{col, v}});
      ADD_FAILURE() << "expected DataError";
    } catch (const DataError& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("t." + col), std::string::npos) << m;
      if (!hidden.empty()) {
        EXPECT_EQ(m.find(hidden), std::string::npos) << "shows the value: " << m;
      }
    }
  };
  // Integer is 32-bit on every backend, checked when bound through the type.
  expect_data_error("n", std::int64_t{2147483648}, "2147483648");
  expect_data_error("n", std::int64_t{-2147483649}, "2147483649");
  expect_data_error("sn", 32768, "32768");
  expect_data_error("e", "blue", "blue");
  expect_data_error("s", "sixsix", "sixsix");
  expect_data_error("s", "héllos", "");
  EXPECT_EQ(count(c, q("t")), 0);
  EXPECT_NO_THROW(insert(c, t, {{"n", 2147483647}, {"sn", -32768}, {"s", "fivee"}}));

  const std::string ins = "INSERT INTO " + q("t") + " (";
  if (server_checks_integer_width()) {
    EXPECT_THROW(c.execute(text(ins + q("n") + ") VALUES (:v)"), {{"v", std::int64_t{1} << 31}}),
                 DataError);
  }
  // An Enum outside its set, bound raw: the CHECK constraint refuses it on every backend.
  try {
    c.execute(text(ins + q("e") + ") VALUES (:v)"), {{"v", "blue"}});
    ADD_FAILURE() << "expected IntegrityError";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.kind(), IntegrityKind::check) << e.what();
  }
  // Invalid JSON text bound raw: refused by the dialect's CHECK where it needs one (SQLite's
  // TEXT), by the column type itself otherwise.
  auto bad_json = [&] { c.execute(text(ins + q("j") + ") VALUES (:v)"), {{"v", "{not json"}}); };
  if (!dialect().type_checks(t.c("j")).empty()) {
    try {
      bad_json();
      ADD_FAILURE() << "expected IntegrityError";
    } catch (const IntegrityError& e) {
      EXPECT_EQ(e.kind(), IntegrityKind::check) << e.what();
    }
  } else {
    EXPECT_THROW(bad_json(), DatabaseError);
  }
  EXPECT_EQ(count(c, q("t")), 1);
}

// ---- 7. foreign keys ------------------------------------------------------------------------

TEST_P(SchemaTest, ForeignKeysAreEnforcedWithTheirActions) {
  declare_blog(md_);
  md_.create_all(engine());
  const Table& users = md_.table("users");
  const Table& posts = md_.table("posts");
  auto c = engine().connect();
  auto ann = insert(c, users, {{"username", "ann"}});
  auto bob = insert(c, users, {{"username", "bob"}});
  auto cat = insert(c, users, {{"username", "cat"}});
  auto post = [&](const std::string& slug, std::vector<std::pair<std::string, Value>> more) {
    more.emplace_back("slug", slug);
    more.emplace_back("title", "title " + slug);
    return insert(c, posts, more);
  };
  auto p1 = post("one", {{"user_id", ann}, {"editor_id", bob}, {"reviewer_id", cat}});
  auto p2 = post("two", {{"user_id", ann}});
  auto p3 = post("three", {{"user_id", bob}});

  // A key that refers to nothing.
  for (const char* col : {"user_id", "editor_id", "reviewer_id"}) {
    SCOPED_TRACE(col);
    try {
      std::vector<std::pair<std::string, Value>> cols{{col, 999}};
      if (std::string(col) != "user_id") cols.emplace_back("user_id", ann);
      post(std::string("bad-") + col, cols);
      ADD_FAILURE() << "expected IntegrityError";
    } catch (const IntegrityError& e) {
      EXPECT_EQ(e.kind(), IntegrityKind::foreign_key) << e.what();
    }
  }
  // RESTRICT: cat reviews a post and cannot be deleted.
  try {
    c.execute(text("DELETE FROM " + q("users") + " WHERE " + q("id") + " = :id"), {{"id", cat}});
    ADD_FAILURE() << "expected IntegrityError";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.kind(), IntegrityKind::foreign_key) << e.what();
  }
  // SET NULL: bob edits p1; ON DELETE CASCADE: bob's own post goes with him.
  c.execute(text("DELETE FROM " + q("users") + " WHERE " + q("id") + " = :id"), {{"id", bob}});
  EXPECT_TRUE(fetch(c, posts, p1)["editor_id"].is_null());
  EXPECT_EQ(c.execute(text("SELECT COUNT(*) FROM " + q("posts") + " WHERE " + q("id") + " = :id"),
                      {{"id", p3}})
                .scalar<std::int64_t>(),
            0);
  // ON UPDATE CASCADE: ann's posts follow her new id.
  c.execute(text("UPDATE " + q("users") + " SET " + q("id") + " = 100 WHERE " + q("id") + " = :id"),
            {{"id", ann}});
  EXPECT_VALUE_EQ(fetch(c, posts, p1)["user_id"], Value(100));
  EXPECT_VALUE_EQ(fetch(c, posts, p2)["user_id"], Value(100));
  // ON DELETE CASCADE again: deleting ann (after cat stops reviewing) removes her posts.
  c.execute(text("UPDATE " + q("posts") + " SET " + q("reviewer_id") + " = NULL"));
  c.execute(text("DELETE FROM " + q("users") + " WHERE " + q("id") + " = 100"));
  EXPECT_EQ(count(c, q("posts")), 0);
  EXPECT_EQ(count(c, q("users")), 1);
}

// ---- 8. identifiers that need quoting -------------------------------------------------------

TEST_P(SchemaTest, ReservedMixedCaseAndQuotedIdentifiers) {
  Table& order = md_.add_table("order");
  order.column("id", types::BigInteger).primary_key();
  order.column("user", types::String(50)).check(raw_sql(q("user") + " <> ''"));
  order.column("group", types::Enum({"a", "b"})).server_default("a");
  order.column("Mixed Case", types::Integer).nullable().index();
  order.column("we\"ird", types::Json).nullable();
  order.unique({"user", "Mixed Case"});
  Table& sel = md_.add_table("select");
  sel.column("id", types::BigInteger).primary_key();
  sel.column("order", types::BigInteger).references(order.c("id"), FkAction::cascade);
  sel.column("Where", types::Text).server_default("x");
  md_.create_all(engine());

  {
    auto c = engine().connect();
    ASSERT_TRUE(table_exists(c, "order"));
    ASSERT_TRUE(table_exists(c, "select"));
    expect_columns_match(c, order);
    expect_columns_match(c, sel);
    auto k = read_constraints(c, "order");
    const CatalogConstraint* uq = find_constraint(k, 'u', "uq_order_user_Mixed Case");
    ASSERT_NE(uq, nullptr);
    EXPECT_EQ(uq->columns, (Strings{"user", "Mixed Case"}));
    EXPECT_EQ(constraint_names(k, 'c'), expected_checks(order));
    auto ix = read_indexes(c, "order");
    ASSERT_EQ(ix.size(), 1u);
    EXPECT_EQ(ix[0].name, "ix_order_Mixed Case");
    EXPECT_EQ(ix[0].columns, Strings{"Mixed Case"});
    const auto sel_constraints = read_constraints(c, "select");
    const CatalogConstraint* fk = find_constraint(sel_constraints, 'f', "fk_select_order_order");
    ASSERT_NE(fk, nullptr);
    EXPECT_EQ(fk->columns, Strings{"order"});
    EXPECT_EQ(fk->ref_table, "order");

    Json doc = {{"k", "v"}};
    Value id = insert(c, order, {{"user", "u1"}, {"Mixed Case", 7}, {"we\"ird", doc}});
    auto row = c.execute(text("SELECT " + q("user") + ", " + q("group") + ", " + q("Mixed Case") +
                              ", " + q("we\"ird") + " FROM " + q("order") + " WHERE " +
                              q("Mixed Case") + " = :m"),
                         {{"m", 7}})
                   .one();
    EXPECT_EQ(row.column_names(), (Strings{"user", "group", "Mixed Case", "we\"ird"}));
    EXPECT_VALUE_EQ(order.c("user").type().result(row["user"]), Value("u1"));
    EXPECT_VALUE_EQ(order.c("group").type().result(row["group"]), Value("a"));
    EXPECT_VALUE_EQ(order.c("Mixed Case").type().result(row["Mixed Case"]), Value(7));
    EXPECT_EQ(order.c("we\"ird").type().result(row["we\"ird"]).as<Json>(), doc);

    Value child = insert(c, sel, {{"order", id}});
    EXPECT_VALUE_EQ(fetch(c, sel, child)["Where"], Value("x"));

    // The constraints on quoted columns work.
    for (const auto& [col, v] :
         std::vector<std::pair<std::string, Value>>{{"user", ""}, {"group", "c"}}) {
      SCOPED_TRACE(col);
      try {
        c.execute(text("INSERT INTO " + q("order") + " (" + q("user") + ", " + q("group") +
                       ") VALUES (:u, :g)"),
                  {{"u", col == "user" ? v : Value("u2")}, {"g", col == "group" ? v : Value("a")}});
        ADD_FAILURE() << "expected IntegrityError";
      } catch (const IntegrityError& e) {
        EXPECT_EQ(e.kind(), IntegrityKind::check) << e.what();
      }
    }
    try {
      insert(c, order, {{"user", "u1"}, {"Mixed Case", 7}});
      ADD_FAILURE() << "expected IntegrityError";
    } catch (const IntegrityError& e) {
      EXPECT_EQ(e.kind(), IntegrityKind::unique) << e.what();
    }
    c.execute(text("DELETE FROM " + q("order")));
    EXPECT_EQ(count(c, q("select")), 0) << "ON DELETE CASCADE through quoted names";
  }
  md_.drop_all(engine());
  auto c = engine().connect();
  EXPECT_FALSE(table_exists(c, "order"));
  EXPECT_FALSE(table_exists(c, "select"));
  EXPECT_EQ(schema_object_count(c), 0);
}

SQLCORE_BACKEND_TEST_SUITE(SchemaTest);
SQLCORE_BACKEND_TEST_SUITE(SchemaTypesTest);

}  // namespace
}  // namespace sqlcore_test
