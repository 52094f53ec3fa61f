// Inspector and reflect() on every backend: the catalog's answers, in one shape, equal what the
// metadata declared; a reflected table works in select()/insert(); reflect_all() recreates the
// same schema.
//
// The expectations come from the metadata and from the dialect's own spellings (literal_sql,
// type_sql, type_checks), never from naming a backend. SQL text the catalogs respell (quotes,
// parentheses, `::type` casts on PostgreSQL) is compared loosely.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include <sqlcore/testing/backend.hpp>
#include "common/rich_schema.hpp"
#include "inspect/reflector.hpp"

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

std::string loose(std::string_view s) {
  return detail::loose_sql(s);  // the library's own normaliser for respelled SQL
}

using Strings = std::vector<std::string>;

Strings names_of(const std::vector<const Column*>& cols) {
  Strings out;
  for (const Column* c : cols) out.push_back(c ? c->name() : std::string());
  return out;
}

std::string join(const Strings& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

/// Everything the Inspector says about `table`, SQL text loosened: two schemas that the catalog
/// describes the same give the same text.
std::string describe(Inspector& insp, const std::string& table) {
  std::ostringstream o;
  o << "table " << table << "\n";
  for (const auto& c : insp.columns(table))
    o << " column " << c.name << " " << (c.type ? c.type->to_string() : "?") << " "
      << (c.nullable ? "null" : "notnull")
      << " default=" << (c.default_sql ? loose(*c.default_sql) : "-")
      << (c.autoincrement ? " autoinc" : "") << "\n";
  auto pk = insp.primary_key(table);
  o << " pk " << pk.name << " (" << join(pk.columns) << ")\n";
  for (const auto& u : insp.unique_constraints(table))
    o << " unique " << u.name << " (" << join(u.columns) << ")\n";
  for (const auto& ix : insp.indexes(table)) {
    Strings exprs;
    for (const auto& e : ix.expressions) exprs.push_back(loose(e));
    o << " index " << ix.name << (ix.unique ? " unique" : "") << " (" << join(ix.columns)
      << ") exprs(" << join(exprs) << ") where " << loose(ix.where) << "\n";
  }
  for (const auto& f : insp.foreign_keys(table))
    o << " fk " << f.name << " (" << join(f.columns) << ") -> " << f.referred_table << " ("
      << join(f.referred_columns) << ") " << to_sql(f.on_delete) << " " << to_sql(f.on_update)
      << "\n";
  for (const auto& ck : insp.checks(table))
    o << " check " << ck.name << " " << loose(ck.condition) << "\n";
  return o.str();
}

class InspectTest : public BackendTest {
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

  // Every portable type, composite keys, uniques, checks, foreign keys with actions, every kind
  // of index, server defaults (now() and literals), Enum, Json, nullable and not.
  void declare(MetaData& md) { sample::declare_rich_schema(md, dialect()); }

  /// The portable type the catalog can give back for `c`. A Numeric wider than the backend's
  /// exact numbers is kept as text (SQLite, see docs/schema.md): it reads back as Text.
  Type expected_type(const Column& c) {
    if (c.type().kind() == TypeKind::numeric &&
        dialect().type_sql(c.type()) == dialect().type_sql(types::Text))
      return types::Text;
    return c.type();
  }

  /// Checks that the Inspector describes `t` as declared.
  void expect_matches(Inspector& insp, const Table& t) {
    SCOPED_TRACE("table " + t.name());
    const MetaData& md = t.metadata();
    // Columns.
    auto cols = insp.columns(t.name());
    ASSERT_EQ(cols.size(), t.columns().size());
    for (std::size_t i = 0; i < cols.size(); ++i) {
      const Column& c = *t.columns()[i];
      const ColumnInfo& info = cols[i];
      SCOPED_TRACE("column " + c.name() + " (" + info.type_sql + ")");
      EXPECT_EQ(info.name, c.name());
      EXPECT_FALSE(info.type_sql.empty());
      ASSERT_TRUE(info.type.has_value());
      EXPECT_EQ(info.type->to_string(), expected_type(c).to_string());
      EXPECT_TRUE(*info.type == expected_type(c));
      EXPECT_EQ(info.nullable, c.is_nullable());
      EXPECT_EQ(info.autoincrement, c.is_autoincrement());
      EXPECT_EQ(info.default_sql.has_value(), c.server_default().has_value());
      if (c.server_default() && info.default_sql) {
        const ServerDefault& d = *c.server_default();
        if (d.kind() == ServerDefault::Kind::literal) {
          EXPECT_EQ(loose(*info.default_sql), loose(dialect().literal_sql(d.value(), c.type())));
        }
        if (d.kind() == ServerDefault::Kind::current_timestamp) {
          EXPECT_EQ(loose(*info.default_sql), loose(dialect().current_timestamp_sql(c.type())));
        }
      }
    }
    // Primary key.
    auto pk = insp.primary_key(t.name());
    EXPECT_EQ(pk.name, t.primary_key().name());
    EXPECT_EQ(pk.columns, names_of(t.primary_key().columns()));
    // Unique constraints, sorted by name.
    std::vector<std::pair<std::string, Strings>> want_u, got_u;
    for (const auto& u : t.unique_constraints())
      want_u.emplace_back(u.name(), names_of(u.columns()));
    std::sort(want_u.begin(), want_u.end());
    for (const auto& u : insp.unique_constraints(t.name())) got_u.emplace_back(u.name, u.columns);
    EXPECT_EQ(got_u, want_u);
    // Indexes.
    std::vector<std::string> want_ix, got_ix;
    for (const auto& ix : t.indexes()) {
      Strings exprs;
      for (const auto& e : ix.expressions()) exprs.push_back(loose(e));
      want_ix.push_back(ix.name() + (ix.is_unique() ? " unique " : " ") +
                        join(names_of(ix.columns())) + " | " + join(exprs) + " | " +
                        loose(ix.where()));
    }
    std::sort(want_ix.begin(), want_ix.end());
    for (const auto& ix : insp.indexes(t.name())) {
      EXPECT_EQ(ix.columns.size(), ix.expressions.size()) << ix.name;
      Strings exprs;
      for (const auto& e : ix.expressions) exprs.push_back(loose(e));
      got_ix.push_back(ix.name + (ix.unique ? " unique " : " ") + join(ix.columns) + " | " +
                       join(exprs) + " | " + loose(ix.where));
    }
    EXPECT_EQ(got_ix, want_ix);
    // Foreign keys.
    std::vector<std::string> want_fk, got_fk;
    for (const auto& fk : t.foreign_keys())
      want_fk.push_back(fk.name() + " " + join(names_of(fk.columns())) + " -> " +
                        fk.referred_table() + " " + join(fk.referred_columns()) + " " +
                        to_sql(fk.on_delete()) + " " + to_sql(fk.on_update()));
    std::sort(want_fk.begin(), want_fk.end());
    for (const auto& fk : insp.foreign_keys(t.name()))
      got_fk.push_back(fk.name + " " + join(fk.columns) + " -> " + fk.referred_table + " " +
                       join(fk.referred_columns) + " " + to_sql(fk.on_delete) + " " +
                       to_sql(fk.on_update));
    EXPECT_EQ(got_fk, want_fk);
    // Checks: the declared ones with their conditions, and those the types add (by name; the
    // catalog may respell an IN list, the column type above shows they were understood).
    std::map<std::string, std::string> want_ck, got_ck;
    for (const auto& ck : t.checks()) want_ck[ck.name()] = loose(ck.condition());
    for (const Column* c : t.columns())
      for (const auto& [label, condition] : dialect().type_checks(*c))
        want_ck[md.apply_convention(md.naming_convention().check, t, {c}, {}, {}, label)] = "*";
    for (const auto& ck : insp.checks(t.name())) got_ck[ck.name] = loose(ck.condition);
    for (auto& [name, cond] : got_ck)
      if (want_ck.count(name) && want_ck[name] == "*") cond = "*";
    EXPECT_EQ(got_ck, want_ck);
  }

  std::optional<Engine> engine_;
};

TEST_P(InspectTest, AnswersEqualTheDeclaredSchema) {
  MetaData md;
  declare(md);
  md.create_all(engine());
  auto c = engine().connect();
  Inspector insp(c);
  for (const Table* t : md.tables()) expect_matches(insp, *t);
}

TEST_P(InspectTest, TableNamesAndHasTable) {
  MetaData md;
  declare(md);
  {
    auto c = engine().connect();
    EXPECT_TRUE(Inspector(c).table_names().empty());
  }
  md.create_all(engine());
  auto c = engine().connect();
  Inspector insp(c);
  // Sorted; SQLite's own sqlite_sequence (made for AUTOINCREMENT) is not listed.
  EXPECT_EQ(insp.table_names(), (Strings{"audit_log", "members", "orgs", "users"}));
  EXPECT_TRUE(insp.has_table("users"));
  EXPECT_FALSE(insp.has_table("nope"));
  EXPECT_FALSE(insp.has_table("ix_users_visits"));  // an index is not a table
}

TEST_P(InspectTest, UnknownTableIsAnArgumentErrorNamingIt) {
  auto c = engine().connect();
  Inspector insp(c);
  MetaData md;
  auto expect_named = [](auto&& fn) {
    try {
      fn();
      ADD_FAILURE() << "no exception";
    } catch (const ArgumentError& e) {
      EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos) << e.what();
    }
  };
  expect_named([&] { insp.columns("no_such_table"); });
  expect_named([&] { insp.primary_key("no_such_table"); });
  expect_named([&] { insp.unique_constraints("no_such_table"); });
  expect_named([&] { insp.indexes("no_such_table"); });
  expect_named([&] { insp.foreign_keys("no_such_table"); });
  expect_named([&] { insp.checks("no_such_table"); });
  expect_named([&] { insp.reflect(md, "no_such_table"); });
  EXPECT_TRUE(md.tables().empty());
}

TEST_P(InspectTest, ReflectedTableWorksInInsertAndSelect) {
  {
    MetaData md;
    declare(md);
    md.create_all(engine());
  }
  auto c = engine().connect();
  Inspector insp(c);
  MetaData md;
  Table& users = insp.reflect(md, "users");
  EXPECT_EQ(users.c("id").type(), types::BigInteger);
  EXPECT_TRUE(users.c("id").is_autoincrement());
  EXPECT_EQ(users.c("status").type(), types::Enum({"active", "banned"}));
  EXPECT_EQ(users.c("prefs").type(), types::Json);
  EXPECT_TRUE(users.c("email").is_nullable());
  EXPECT_FALSE(users.c("username").is_nullable());
  ASSERT_TRUE(users.c("created_at").server_default().has_value());
  EXPECT_EQ(users.c("created_at").server_default()->kind(), ServerDefault::Kind::current_timestamp);
  ASSERT_TRUE(users.c("status").server_default().has_value());
  EXPECT_EQ(users.c("status").server_default()->kind(), ServerDefault::Kind::sql);
  // The type-made checks are not repeated as table checks; the declared one is kept.
  ASSERT_EQ(users.checks().size(), 1u);
  EXPECT_EQ(users.checks()[0].name(), "ck_users_age");
  EXPECT_EQ(users.indexes().size(), 4u);
  EXPECT_EQ(users.unique_constraints().size(), 1u);

  auto id = c.execute(insert(users)
                          .values({{users.c("username"), "ada"},
                                   {users.c("prefs"), Json::parse(R"({"a": [1, 2]})")}})
                          .returning({users.c("id")}))
                .scalar<std::int64_t>();
  EXPECT_GE(id, 1);
  Row r = c.execute(select(users.c("username"), users.c("status"), users.c("active"),
                           users.c("visits"), users.c("created_at"), users.c("prefs"))
                        .where(Expr(users.c("id")) == Expr(Value(id))))
              .one();
  EXPECT_EQ(r.get<std::string>("username"), "ada");
  EXPECT_EQ(r.get<std::string>("status"), "active");  // the server default
  EXPECT_FALSE(r.get<bool>("active"));
  EXPECT_EQ(r.get<std::int32_t>("visits"), 0);
  EXPECT_FALSE(r["created_at"].is_null());
  EXPECT_EQ(r.get<Json>("prefs"), Json::parse(R"({"a": [1, 2]})"));
  // The reflected Enum checks values like a declared one.
  EXPECT_THROW(
      c.execute(insert(users).values({{users.c("username"), "bob"}, {users.c("status"), "x"}})),
      DataError);

  // Reflecting a table the MetaData has already is refused.
  EXPECT_THROW(insp.reflect(md, "users"), ArgumentError);
}

TEST_P(InspectTest, ReflectAllPutsReferencedTablesFirst) {
  {
    MetaData md;
    declare(md);
    md.create_all(engine());
  }
  auto c = engine().connect();
  Inspector insp(c);
  MetaData md;
  insp.reflect_all(md);
  Strings order;
  for (const Table* t : md.tables()) order.push_back(t->name());
  ASSERT_EQ(order.size(), 4u);
  auto pos = [&](const std::string& n) {
    return std::find(order.begin(), order.end(), n) - order.begin();
  };
  EXPECT_LT(pos("users"), pos("members"));
  EXPECT_LT(pos("orgs"), pos("members"));
  EXPECT_NO_THROW(md.validate());
  // Reflecting again leaves the tables it has alone.
  EXPECT_NO_THROW(insp.reflect_all(md));
  EXPECT_EQ(md.tables().size(), 4u);
}

TEST_P(InspectTest, RoundTripThroughReflectAllGivesTheSameAnswers) {
  MetaData md1;
  declare(md1);
  md1.create_all(engine());
  std::map<std::string, std::string> before, after;
  MetaData md2;
  {
    auto c = engine().connect();
    Inspector insp(c);
    for (const auto& n : insp.table_names()) before[n] = describe(insp, n);
    insp.reflect_all(md2);
  }
  md1.drop_all(engine());
  {
    auto c = engine().connect();
    EXPECT_TRUE(Inspector(c).table_names().empty());
  }
  md2.create_all(engine());
  {
    auto c = engine().connect();
    Inspector insp(c);
    for (const auto& n : insp.table_names()) after[n] = describe(insp, n);
  }
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [name, text] : before) EXPECT_EQ(after[name], text);
}

TEST_P(InspectTest, ReflectsATableWrittenByHandWithUnnamedConstraints) {
  {
    auto c = engine().connect();
    exec(c,
         "CREATE TABLE raw_t (id INTEGER NOT NULL PRIMARY KEY, x VARCHAR(10) NOT NULL UNIQUE "
         "CHECK (x <> ''), y INTEGER REFERENCES raw_t (id) ON DELETE CASCADE, z TEXT)");
    exec(c, "CREATE INDEX raw_t_z ON raw_t (z)");
  }
  auto c = engine().connect();
  Inspector insp(c);
  auto fks = insp.foreign_keys("raw_t");
  ASSERT_EQ(fks.size(), 1u);
  EXPECT_EQ(fks[0].columns, Strings{"y"});
  EXPECT_EQ(fks[0].referred_columns, Strings{"id"});
  EXPECT_EQ(fks[0].on_delete, FkAction::cascade);
  ASSERT_EQ(insp.unique_constraints("raw_t").size(), 1u);
  ASSERT_EQ(insp.checks("raw_t").size(), 1u);
  EXPECT_EQ(loose(insp.checks("raw_t")[0].condition), "x<>''");
  EXPECT_EQ(insp.primary_key("raw_t").columns, Strings{"id"});
  MetaData md;
  Table& t = insp.reflect(md, "raw_t");
  EXPECT_EQ(t.columns().size(), 4u);
  EXPECT_EQ(t.c("x").type(), types::String(10));
  EXPECT_TRUE(t.c("z").is_nullable());
  EXPECT_NO_THROW(md.validate());
  EXPECT_FALSE(md.create_all_sql(dialect()).empty());
  c.execute(insert(t).values({{t.c("id"), 1}, {t.c("x"), "a"}}));
  EXPECT_EQ(
      c.execute(select(t.c("x")).where(Expr(t.c("id")) == Expr(Value(1)))).scalar<std::string>(),
      "a");
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(InspectTest);

}  // namespace sqlcore_test
