// Shared by the schema tests: the catalog readers (schema_catalog.cpp) and the SchemaTest fixture.
//
// The catalog is read with raw SQL (PRAGMAs and sqlite_master on SQLite, pg_catalog on
// PostgreSQL) by the small readers declared below, the only code here that depends on the dialect;
// the test bodies compare what they read with what the metadata and the dialect's own spellings
// say. Not in an anonymous namespace: every schema_*_test.cpp file adds tests to the one
// SchemaTest.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sqlcore/testing/backend.hpp>

namespace sqlcore_test {

using namespace sqlcore;
using namespace sqlcore::test;

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

/// Lower case without quotes, parentheses and blanks: comparable across the catalogs' spellings.
std::string squash(std::string_view s);
std::vector<CatalogColumn> read_columns(Connection& c, const std::string& table);
std::vector<CatalogConstraint> read_constraints(Connection& c, const std::string& table);
/// Indexes created with CREATE INDEX (not the ones backing a primary key or unique constraint).
std::vector<CatalogIndex> read_indexes(Connection& c, const std::string& table);
bool table_exists(Connection& c, const std::string& table);
/// Tables, indexes, sequences ... in this test's database (SQLite) or schema (PostgreSQL).
std::int64_t schema_object_count(Connection& c);
/// How this catalog spells each of `type_sqls` (as written in DDL): read back from a probe table.
/// SQLite keeps the text as written; PostgreSQL has its own names ("character varying(64)").
std::vector<std::string> catalog_spellings(Connection& c,
                                           const std::vector<std::string>& type_sqls);
const CatalogConstraint* find_constraint(const std::vector<CatalogConstraint>& all, char kind,
                                         const std::string& name);
std::set<std::string> constraint_names(const std::vector<CatalogConstraint>& all, char kind);

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

  /// `vals`: a BigInteger key `id` and one nullable column of every portable type (b, si, i, bi,
  /// f, d, n40, n12, s5, s, tx, ts, dt, tm, j, bl, u, e), added to `md_` (not created).
  Table& add_all_types_table() {
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
    return t;
  }
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

#define EXPECT_VALUE_EQ(got, want)                                                       \
  do {                                                                                   \
    const Value got_ = (got);                                                            \
    const Value want_ = (want);                                                          \
    EXPECT_TRUE(got_ == want_) << got_.debug_string() << " != " << want_.debug_string(); \
  } while (0)

}  // namespace sqlcore_test
