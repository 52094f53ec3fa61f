// The schema layer without a database: declarations, bad input, naming, dependency order, value
// rules of the portable types, and golden DDL for every dialect.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include <sqlcore/sqlcore.hpp>

#include "inspect/reflector.hpp"

using namespace sqlcore;

namespace {

const Dialect& sqlite() {
  return *find_dialect("sqlite");
}
const Dialect& pg() {
  return *find_dialect("postgresql");
}

template <class F>
std::string error_of(F&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "<no error>";
}

// A users table as the schema documentation declares one: a struct with typed handles.
struct Users : Table {
  explicit Users(MetaData& m) : Table(m, "users") {}
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key();
  Col<std::string> username = column("username", types::String(255)).unique();
  Col<std::optional<std::string>> email = column("email", types::String(255));
  Col<bool> is_admin = column("is_admin", types::Boolean).server_default(false);
  Col<Timestamp> created_at = column("created_at", types::DateTime).server_default(now());
  Col<Json> profile = column("profile", types::Json).default_(Json::object());
};

struct Posts : Table {
  explicit Posts(MetaData& m, const Users& users) : Table(m, "posts") {
    index("", {author_id, created_at});
    index("ix_posts_title_lower", {raw_sql("lower(\"title\")")});
    index("ix_posts_live", {id}).unique().where(raw_sql("\"state\" <> 'deleted'"));
    check(raw_sql("length(\"title\") > 0"), "title_not_empty");
    (void)users;
  }
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key();
  Col<std::int64_t> author_id =
      column("author_id", types::BigInteger).references("users.id", FkAction::cascade);
  Col<std::string> title = column("title", types::Text);
  Col<std::string> state =
      column("state", types::Enum({"draft", "live", "deleted"})).server_default("draft");
  Col<Decimal> price = column("price", types::Numeric(12, 2)).server_default(Decimal{"0"});
  Col<Timestamp> created_at = column("created_at", types::DateTime).server_default(now());
};

}  // namespace

// ---- types ----

TEST(Types, NamesAndArguments) {
  EXPECT_EQ(types::Integer.to_string(), "Integer");
  EXPECT_EQ(types::String(20).to_string(), "String(20)");
  EXPECT_EQ(types::Numeric(12, 2).to_string(), "Numeric(12, 2)");
  EXPECT_EQ(types::Enum({"a", "b"}).to_string(), "Enum(a, b)");
  EXPECT_EQ(types::Enum({"a", "b"}), types::Enum({"a", "b"}));
  EXPECT_FALSE(types::Enum({"a", "b"}) == types::Enum({"b", "a"}));
  EXPECT_THROW(types::String(0), ArgumentError);
  EXPECT_THROW(types::String(-3), ArgumentError);
  EXPECT_THROW(types::Numeric(2, 5), ArgumentError);
  EXPECT_THROW(types::Numeric(0), ArgumentError);
  EXPECT_THROW(types::Enum({}), ArgumentError);
  EXPECT_THROW(types::Enum({"a", "a"}), ArgumentError);
  EXPECT_THROW(types::Enum({"a", ""}), ArgumentError);
  EXPECT_NE(error_of([] { types::Numeric(2, 5); }).find("scale"), std::string::npos);
}

TEST(Types, IntegerRangesAreTheSameOnEveryBackend) {
  EXPECT_EQ(types::Integer.bind(2147483647, "t.n"), Value(2147483647));
  try {
    types::Integer.bind(std::int64_t{1} << 31, "t.n");
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("t.n"), std::string::npos) << e.what();
    EXPECT_EQ(e.sqlstate(), "22003");
    EXPECT_EQ(std::string(e.what()).find("2147483648"), std::string::npos) << "value leaked";
  }
  EXPECT_THROW(types::SmallInteger.bind(40000, "t.s"), DataError);
  EXPECT_EQ(types::BigInteger.bind(std::numeric_limits<std::int64_t>::min(), "t.b"),
            Value(std::numeric_limits<std::int64_t>::min()));
  EXPECT_THROW(types::Integer.bind("12", "t.n"), ArgumentError);
  EXPECT_THROW(types::Integer.bind(1.5, "t.n"), ArgumentError);
  EXPECT_EQ(types::Integer.bind(Value(), "t.n"), Value());
}

TEST(Types, BooleanIsARealType) {
  EXPECT_EQ(types::Boolean.bind(true, "t.b"), Value(true));
  EXPECT_EQ(types::Boolean.bind(0, "t.b"), Value(false));
  EXPECT_THROW(types::Boolean.bind(2, "t.b"), ArgumentError);
  EXPECT_EQ(types::Boolean.result(Value(1)), Value(true));
  EXPECT_EQ(types::Boolean.result(Value(false)), Value(false));
}

// Result::apply_result_types skips result() where reads_unchanged() says it would change
// nothing: that must hold for every type and every kind of value a driver can give.
TEST(Types, ReadsUnchangedOnlyWhereResultChangesNothing) {
  const std::vector<Type> all_types = {
      types::SmallInteger,   types::Integer,     types::BigInteger, types::Boolean,
      types::Float,          types::Double,      types::Text,       types::String(10),
      types::Numeric(10, 2), types::Date,        types::DateTime,   types::Time,
      types::Json,           types::LargeBinary, types::Uuid,       types::Enum({"a", "b"})};
  const std::vector<Value> values = {Value(),
                                     Value(true),
                                     Value(1),
                                     Value(7),
                                     Value(2.5),
                                     Value("a"),
                                     Value("2024-01-02"),
                                     Value("2024-01-02 03:04:05.123456"),
                                     Value("12:30:00"),
                                     Value(R"({"a":1})"),
                                     Value("0F8FAD5B-D9CB-469F-A165-70867728950E"),
                                     Value(Blob(16, 0xab)),
                                     Value(*Timestamp::parse("2024-01-02 03:04:05")),
                                     Value(*sqlcore::Date::parse("2024-01-02")),
                                     Value(Decimal{"1.50"})};
  for (const Type& t : all_types) {
    for (const Value& v : values) {
      if (!t.reads_unchanged(v)) continue;
      EXPECT_EQ(t.result(v, "t.c"), v) << t.to_string() << " changed a value it reads unchanged";
    }
  }
  // And where result() converts, reads_unchanged() says so.
  EXPECT_FALSE(types::Boolean.reads_unchanged(Value(1)));
  EXPECT_FALSE(types::DateTime.reads_unchanged(Value("2024-01-02 03:04:05")));
  EXPECT_FALSE(types::Json.reads_unchanged(Value("[1]")));
  EXPECT_FALSE(types::Numeric(10, 2).reads_unchanged(Value(3)));
  EXPECT_FALSE(types::Float.reads_unchanged(Value(0.1)));
  EXPECT_FALSE(types::Uuid.reads_unchanged(Value(Blob(16, 0xab))));
  EXPECT_TRUE(types::Text.reads_unchanged(Value("x")));
  EXPECT_TRUE(types::BigInteger.reads_unchanged(Value(7)));
}

TEST(Types, StringsAreCheckedInCharacters) {
  const Type s5 = types::String(5);
  EXPECT_EQ(s5.bind("héllo", "t.s"), Value("héllo"));  // 5 characters, 6 bytes
  EXPECT_THROW(s5.bind("hello!", "t.s"), DataError);
  EXPECT_THROW(types::Text.bind(std::string("a\0b", 3), "t.s"), DataError);
  EXPECT_THROW(types::Text.bind("\xff", "t.s"), DataError);
  EXPECT_EQ(types::Text.bind("", "t.s"), Value(""));
  const Type e = types::Enum({"draft", "live"});
  EXPECT_EQ(e.bind("live", "t.state"), Value("live"));
  EXPECT_THROW(e.bind("gone", "t.state"), DataError);
  EXPECT_EQ(e.length(), 5);
}

TEST(Types, NumericKeepsDigitsAndRoundsLikePostgres) {
  const Type n = types::Numeric(40, 10);
  EXPECT_EQ(n.bind(Decimal{"12345678901234567890.1234567891"}, "t.n"),
            Value(Decimal{"12345678901234567890.1234567891"}));
  const Type money = types::Numeric(12, 2);
  EXPECT_EQ(money.bind(Decimal{"1.005"}, "t.m"), Value(Decimal{"1.01"}));
  EXPECT_EQ(money.bind(Decimal{"-1.005"}, "t.m"), Value(Decimal{"-1.01"}));
  EXPECT_EQ(money.bind(Decimal{"9.999"}, "t.m"), Value(Decimal{"10.00"}));
  EXPECT_EQ(money.bind(7, "t.m"), Value(Decimal{"7.00"}));
  EXPECT_EQ(money.bind(0.1, "t.m"), Value(Decimal{"0.10"}));
  EXPECT_EQ(money.bind("1e3", "t.m"), Value(Decimal{"1000.00"}));
  EXPECT_EQ(money.bind(Decimal{"-0.001"}, "t.m"), Value(Decimal{"0.00"}));
  EXPECT_THROW(money.bind(Decimal{"12345678901"}, "t.m"), DataError);
  EXPECT_THROW(money.bind("abc", "t.m"), ArgumentError);
  EXPECT_THROW(money.bind(std::numeric_limits<double>::infinity(), "t.m"), DataError);
  // Reads: SQLite gives REAL/INTEGER for narrow numerics and text for wide ones.
  EXPECT_EQ(money.result(Value(0.1)), Value(Decimal{"0.10"}));
  EXPECT_EQ(money.result(Value(3)), Value(Decimal{"3.00"}));
  EXPECT_EQ(n.result(Value("12345678901234567890.1234567891")),
            Value(Decimal{"12345678901234567890.1234567891"}));
}

TEST(Types, FloatIsSinglePrecisionEverywhere) {
  EXPECT_EQ(types::Float.bind(0.1, "t.f").real_unchecked(),
            static_cast<double>(static_cast<float>(0.1)));
  EXPECT_THROW(types::Float.bind(1e300, "t.f"), DataError);
  EXPECT_THROW(types::Float.bind(HUGE_VAL, "t.f"), DataError);  // finite numbers only
  EXPECT_EQ(types::Double.bind(0.1, "t.d"), Value(0.1));
}

TEST(Types, TimesAreCanonical) {
  EXPECT_EQ(types::DateTime.bind("2024-03-10T12:00:00.5+02:00", "t.ts"),
            Value(Timestamp::from_civil(2024, 3, 10, 10, 0, 0, 500000)));
  EXPECT_THROW(types::DateTime.bind("yesterday", "t.ts"), ArgumentError);
  EXPECT_EQ(types::DateTime.result(Value("2024-03-10 10:00:00")),
            Value(Timestamp::from_civil(2024, 3, 10, 10)));
  EXPECT_EQ(types::DateTime.result(Value("2024-03-10T10:00:00Z")),
            Value(Timestamp::from_civil(2024, 3, 10, 10)));
  EXPECT_EQ(types::Date.bind("2024-02-29", "t.d"), Value(Date::from_civil(2024, 2, 29)));
  EXPECT_EQ(types::Time.bind("07:05", "t.t"), Value("07:05:00.000000"));
  EXPECT_EQ(types::Time.result(Value("23:59:59.5")), Value("23:59:59.500000"));
  EXPECT_THROW(types::Time.bind("25:00", "t.t"), ArgumentError);
  EXPECT_EQ(Value(TimeOfDay::from_civil(1, 2, 3, 4)).as<TimeOfDay>(),
            TimeOfDay::from_civil(1, 2, 3, 4));
}

TEST(Types, JsonAndUuid) {
  // A string is JSON text (docs/schema.md): checked, kept as it is; a JSON string is a Json.
  EXPECT_EQ(types::Json.bind("\"abc\"", "t.j"), Value("\"abc\""));
  EXPECT_THROW(types::Json.bind("abc", "t.j"), DataError);
  EXPECT_EQ(types::Json.bind(Json("abc"), "t.j").json_unchecked(), Json("abc"));
  EXPECT_EQ(types::Json.bind(Json(nullptr), "t.j").kind(), Value::Kind::json);
  EXPECT_EQ(types::Json.result(Value("{\"a\":[1,2]}")).json_unchecked(),
            Json::parse("{\"a\":[1,2]}"));
  EXPECT_EQ(types::Json.result(Value("null")).json_unchecked(), Json(nullptr));
  const std::string u = "123E4567-E89B-12D3-A456-426614174000";
  EXPECT_EQ(types::Uuid.bind(u, "t.u"), Value("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_THROW(types::Uuid.bind("not-a-uuid", "t.u"), ArgumentError);
  Uuid r = Uuid::random();
  EXPECT_EQ(r.version(), 4);
  EXPECT_EQ(Uuid::parse(r.to_string()), r);
  EXPECT_EQ(Value(r).as<Uuid>(), r);
  EXPECT_EQ(Uuid::parse("123e4567e89b12d3a456426614174000"), Uuid::parse(u));
  EXPECT_FALSE(Uuid::parse("123e4567-e89b-12d3-a456-42661417400"));
}

// ---- declarations ----

TEST(Metadata, StructTablesDeclareColumnsAndConstraints) {
  MetaData md;
  Users users(md);
  Posts posts(md, users);
  EXPECT_EQ(&md.table("users"), &users);
  EXPECT_EQ(users.columns().size(), 6u);
  EXPECT_EQ(users.id.name(), "id");
  EXPECT_TRUE(users.id.column().is_autoincrement());
  EXPECT_FALSE(users.username.column().is_nullable());
  EXPECT_TRUE(users.email.column().is_nullable());  // from Col<optional<...>>
  EXPECT_EQ(users.primary_key().name(), "pk_users");
  ASSERT_EQ(users.unique_constraints().size(), 1u);
  EXPECT_EQ(users.unique_constraints()[0].name(), "uq_users_username");
  EXPECT_EQ(users.profile.column().client_default().json_unchecked(), Json::object());
  ASSERT_EQ(posts.foreign_keys().size(), 1u);
  EXPECT_EQ(posts.foreign_keys()[0].name(), "fk_posts_author_id_users");
  EXPECT_EQ(posts.indexes()[0].name(), "ix_posts_author_id_created_at");
  EXPECT_EQ(&posts.c("title"), &posts.title.column());
  md.validate();
  auto order = md.sorted_tables();
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(order[0], &users);
}

TEST(Metadata, DynamicTablesAreTheSameModel) {
  MetaData md;
  Table& t = md.add_table("events");
  t.column("id", types::BigInteger).primary_key();
  t.column("kind", types::String(32));
  t.column("at", types::DateTime).nullable();
  t.index("", {"kind", "at"});
  EXPECT_EQ(md.find_table("events"), &t);
  EXPECT_EQ(t.indexes()[0].name(), "ix_events_kind_at");
  EXPECT_TRUE(t.c("at").is_nullable());
  EXPECT_NE(error_of([&] { t.c("nope"); }).find("columns: id, kind, at"), std::string::npos);
}

TEST(Metadata, ClientDefaultsCanBeFunctions) {
  MetaData md;
  Table& t = md.add_table("t");
  int calls = 0;
  t.column("n", types::Integer).default_(std::function<Value()>([&] { return Value(++calls); }));
  EXPECT_EQ(t.c("n").client_default(), Value(1));
  EXPECT_EQ(t.c("n").client_default(), Value(2));
}

TEST(Metadata, BadDeclarationsFailBeforeAnySql) {
  MetaData md;
  Table& t = md.add_table("t");
  t.column("id", types::Integer).primary_key();
  EXPECT_THROW(t.column("id", types::Text), ArgumentError);  // duplicate column
  EXPECT_THROW(t.index("ix", {"missing"}), ArgumentError);   // unknown column
  EXPECT_THROW(t.unique({"id", "id"}), ArgumentError);
  EXPECT_THROW(md.add_table("t"), ArgumentError);                            // duplicate table
  EXPECT_THROW(t.column(std::string(64, 'x'), types::Text), ArgumentError);  // too long
  EXPECT_THROW(t.column("", types::Text), ArgumentError);
  EXPECT_THROW(t.column("s", types::Integer).server_default("abc"), ArgumentError);
  EXPECT_THROW(t.column("s2", types::Integer).server_default(now()), ArgumentError);
  EXPECT_THROW(t.column("b", types::Text).autoincrement(true), ArgumentError);
  EXPECT_THROW(t.column("e", types::Enum({"a"})).server_default("b"), DataError);
  EXPECT_THROW(t.index("", {raw_sql("lower(x)")}), ArgumentError);  // needs a name

  // A foreign key to a table that is never declared, or to a missing column.
  Table& c = md.add_table("child");
  c.column("id", types::Integer).primary_key();
  c.column("p", types::Integer).references("parent.id");
  std::string err = error_of([&] { md.validate(); });
  EXPECT_NE(err.find("'parent'"), std::string::npos) << err;
  EXPECT_THROW(c.column("q", types::Integer).references("t.nope"), ArgumentError);
  // Type mismatch between a key and its reference.
  EXPECT_THROW(c.column("r", types::Text).references(t.c("id")), ArgumentError);
  EXPECT_THROW(c.column("s", types::Integer).references("tid"), ArgumentError);  // no dot
}

TEST(Metadata, ForeignKeysMustPointAtAKey) {
  MetaData md;
  Table& p = md.add_table("p");
  p.column("id", types::Integer).primary_key();
  p.column("code", types::String(8));
  Table& c = md.add_table("c");
  c.column("id", types::Integer).primary_key();
  c.column("code", types::String(8)).references("p.code");
  EXPECT_NE(error_of([&] { md.validate(); }).find("neither its primary key nor a unique key"),
            std::string::npos);
  p.unique({"code"});
  md.validate();
}

TEST(Metadata, SetNullNeedsANullableColumn) {
  MetaData md;
  Table& p = md.add_table("p");
  p.column("id", types::Integer).primary_key();
  Table& c = md.add_table("c");
  c.column("id", types::Integer).primary_key();
  c.column("p", types::Integer).references(p.c("id"), FkAction::set_null);
  EXPECT_THROW(md.validate(), ArgumentError);
}

TEST(Metadata, ColHandlesCheckTheirType) {
  struct Bad : Table {
    explicit Bad(MetaData& m) : Table(m, "bad") {}
    Col<bool> flag = column("flag", types::Integer);
  };
  struct BadNull : Table {
    explicit BadNull(MetaData& m) : Table(m, "bad_null") {}
    Col<std::string> s = column("s", types::Text).nullable();
  };
  MetaData md;
  EXPECT_NE(error_of([&] { Bad b(md); }).find("cannot be read as bool"), std::string::npos);
  EXPECT_EQ(md.find_table("bad"), nullptr);  // a failed declaration leaves nothing behind
  EXPECT_NE(error_of([&] { BadNull b(md); }).find("std::optional"), std::string::npos);
}

TEST(Metadata, SortedTablesFollowForeignKeysAndReportCycles) {
  MetaData md;
  Table& c = md.add_table("c");
  c.column("id", types::Integer).primary_key();
  c.column("b_id", types::Integer).references("b.id");
  Table& b = md.add_table("b");
  b.column("id", types::Integer).primary_key();
  b.column("a_id", types::Integer).references("a.id");
  b.column("parent", types::Integer).nullable().references("b.id");  // self-reference is fine
  Table& a = md.add_table("a");
  a.column("id", types::Integer).primary_key();
  auto order = md.sorted_tables();
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(order[0]->name(), "a");
  EXPECT_EQ(order[1]->name(), "b");
  EXPECT_EQ(order[2]->name(), "c");

  a.column("c_id", types::Integer).nullable().references("c.id");
  std::string err = error_of([&] { md.sorted_tables(); });
  EXPECT_NE(err.find("cycle"), std::string::npos) << err;
  EXPECT_NE(err.find("use_alter"), std::string::npos) << err;
  const_cast<ForeignKey&>(a.foreign_keys()[0]).use_alter();
  EXPECT_EQ(md.sorted_tables().size(), 3u);
}

TEST(Metadata, NamingConventionTokensAndLongNames) {
  NamingConvention nc;
  nc.unique = "%(table_name)s_%(column_0N_name)s_key";
  nc.index = "idx_%(column_0_name)s";
  MetaData md(nc);
  Table& t = md.add_table("t");
  t.column("a", types::Integer);
  t.column("b", types::Integer);
  EXPECT_EQ(t.unique({"a", "b"}).name(), "t_ab_key");
  EXPECT_EQ(t.index("", {"b", "a"}).name(), "idx_b");
  Table& l = md.add_table(std::string(40, 'l'));
  l.column(std::string(40, 'c'), types::Integer).unique();
  std::string long_name = l.unique_constraints()[0].name();
  EXPECT_EQ(long_name.size(), kMaxIdentifierLength);
  EXPECT_EQ(long_name, l.unique_constraints()[0].name());  // stable
  NamingConvention bad;
  bad.index = "ix_%(colum_0_name)s";
  EXPECT_THROW(MetaData{bad}, ArgumentError);
}

// ---- golden DDL ----

TEST(Ddl, SqliteGolden) {
  MetaData md;
  Users users(md);
  Posts posts(md, users);
  EXPECT_EQ(create_table(users).sql(sqlite()),
            "CREATE TABLE \"users\" (\n"
            "  \"id\" INTEGER NOT NULL,\n"
            "  \"username\" VARCHAR(255) NOT NULL,\n"
            "  \"email\" VARCHAR(255),\n"
            "  \"is_admin\" BOOLEAN NOT NULL DEFAULT 0,\n"
            "  \"created_at\" DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || "
            "'000'),\n"
            "  \"profile\" TEXT NOT NULL,\n"
            "  CONSTRAINT \"pk_users\" PRIMARY KEY (\"id\"),\n"
            "  CONSTRAINT \"uq_users_username\" UNIQUE (\"username\"),\n"
            "  CONSTRAINT \"ck_users_profile_json\" CHECK (\"profile\" IS NULL OR "
            "json_valid(\"profile\"))\n"
            ")");
  EXPECT_EQ(create_table(posts, true).sql(sqlite()),
            "CREATE TABLE IF NOT EXISTS \"posts\" (\n"
            "  \"id\" INTEGER NOT NULL,\n"
            "  \"author_id\" BIGINT NOT NULL,\n"
            "  \"title\" TEXT NOT NULL,\n"
            "  \"state\" VARCHAR(7) NOT NULL DEFAULT 'draft',\n"
            "  \"price\" NUMERIC(12, 2) NOT NULL DEFAULT 0.00,\n"
            "  \"created_at\" DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now') || "
            "'000'),\n"
            "  CONSTRAINT \"pk_posts\" PRIMARY KEY (\"id\"),\n"
            "  CONSTRAINT \"title_not_empty\" CHECK (length(\"title\") > 0),\n"
            "  CONSTRAINT \"ck_posts_state_enum\" CHECK (\"state\" IN ('draft', 'live', "
            "'deleted')),\n"
            "  CONSTRAINT \"fk_posts_author_id_users\" FOREIGN KEY (\"author_id\") REFERENCES "
            "\"users\" (\"id\") ON DELETE CASCADE\n"
            ")");
  EXPECT_EQ(create_index(posts.indexes()[0]).sql(sqlite()),
            "CREATE INDEX \"ix_posts_author_id_created_at\" ON \"posts\" (\"author_id\", "
            "\"created_at\")");
  EXPECT_EQ(
      create_index(posts.indexes()[1], true).sql(sqlite()),
      "CREATE INDEX IF NOT EXISTS \"ix_posts_title_lower\" ON \"posts\" ((lower(\"title\")))");
  EXPECT_EQ(create_index(posts.indexes()[2]).sql(sqlite()),
            "CREATE UNIQUE INDEX \"ix_posts_live\" ON \"posts\" (\"id\") WHERE \"state\" <> "
            "'deleted'");
  EXPECT_EQ(drop_table(posts, true).sql(sqlite()), "DROP TABLE IF EXISTS \"posts\"");
  EXPECT_EQ(drop_index(posts.indexes()[0]).sql(sqlite()),
            "DROP INDEX \"ix_posts_author_id_created_at\"");
}

TEST(Ddl, PostgresqlGolden) {
  MetaData md;
  Users users(md);
  Posts posts(md, users);
  EXPECT_EQ(create_table(users).sql(pg()),
            "CREATE TABLE \"users\" (\n"
            "  \"id\" BIGINT GENERATED BY DEFAULT AS IDENTITY NOT NULL,\n"
            "  \"username\" VARCHAR(255) NOT NULL,\n"
            "  \"email\" VARCHAR(255),\n"
            "  \"is_admin\" BOOLEAN NOT NULL DEFAULT FALSE,\n"
            "  \"created_at\" TIMESTAMPTZ NOT NULL DEFAULT (CURRENT_TIMESTAMP),\n"
            "  \"profile\" JSONB NOT NULL,\n"
            "  CONSTRAINT \"pk_users\" PRIMARY KEY (\"id\"),\n"
            "  CONSTRAINT \"uq_users_username\" UNIQUE (\"username\")\n"
            ")");
  std::string p = create_table(posts).sql(pg());
  EXPECT_NE(p.find("\"price\" NUMERIC(12, 2) NOT NULL DEFAULT 0.00"), std::string::npos) << p;
  EXPECT_NE(p.find("CONSTRAINT \"ck_posts_state_enum\" CHECK (\"state\" IN ('draft', 'live', "
                   "'deleted'))"),
            std::string::npos)
      << p;
  EXPECT_EQ(p.find("json_valid"), std::string::npos);
}

TEST(Ddl, EveryTypeOnEveryDialect) {
  struct Case {
    Type type;
    const char* sqlite;
    const char* pg;
  };
  const Case cases[] = {
      {types::SmallInteger, "SMALLINT", "SMALLINT"},
      {types::Integer, "INTEGER", "INTEGER"},
      {types::BigInteger, "BIGINT", "BIGINT"},
      {types::Boolean, "BOOLEAN", "BOOLEAN"},
      {types::Float, "FLOAT", "REAL"},
      {types::Double, "DOUBLE", "DOUBLE PRECISION"},
      {types::Numeric(12, 2), "NUMERIC(12, 2)", "NUMERIC(12, 2)"},
      {types::Numeric(40, 10), "TEXT", "NUMERIC(40, 10)"},
      {types::String(20), "VARCHAR(20)", "VARCHAR(20)"},
      {types::String(), "VARCHAR", "VARCHAR"},
      {types::Text, "TEXT", "TEXT"},
      {types::Date, "DATE", "DATE"},
      {types::DateTime, "DATETIME", "TIMESTAMPTZ"},
      {types::Time, "TIME", "TIME"},
      {types::Json, "TEXT", "JSONB"},
      {types::LargeBinary, "BLOB", "BYTEA"},
      {types::Uuid, "UUID", "UUID"},
      {types::Enum({"a", "bcd"}), "VARCHAR(3)", "VARCHAR(3)"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(sqlite().type_sql(c.type), c.sqlite) << c.type.to_string();
    EXPECT_EQ(pg().type_sql(c.type), c.pg) << c.type.to_string();
  }
}

TEST(Ddl, KeyStyles) {
  MetaData md;
  Table& a = md.add_table("a");
  a.column("id", types::Integer).primary_key().autoincrement(true);
  Table& n = md.add_table("n");
  n.column("id", types::BigInteger).primary_key().autoincrement(false);
  Table& c = md.add_table("c");
  c.column("x", types::Integer);
  c.column("y", types::Text);
  c.primary_key({"x", "y"}, "c_pkey");
  EXPECT_NE(create_table(a).sql(sqlite()).find(
                "\"id\" INTEGER CONSTRAINT \"pk_a\" PRIMARY KEY AUTOINCREMENT NOT NULL"),
            std::string::npos)
      << create_table(a).sql(sqlite());
  EXPECT_NE(create_table(a).sql(pg()).find("\"id\" INTEGER GENERATED BY DEFAULT AS IDENTITY"),
            std::string::npos);
  EXPECT_NE(create_table(n).sql(sqlite()).find("\"id\" BIGINT NOT NULL"), std::string::npos);
  EXPECT_EQ(create_table(n).sql(pg()).find("IDENTITY"), std::string::npos);
  EXPECT_NE(create_table(c).sql(pg()).find("CONSTRAINT \"c_pkey\" PRIMARY KEY (\"x\", \"y\")"),
            std::string::npos);
  EXPECT_EQ(create_table(c).sql(pg()).find("IDENTITY"), std::string::npos);
}

TEST(Ddl, QuotingIsAlwaysCorrect) {
  MetaData md;
  Table& t = md.add_table("order");
  t.column("user", types::Integer).primary_key();
  t.column("group", types::Text).unique();
  t.column("Mixed Case", types::Text).nullable();
  t.column("we\"ird", types::Text).nullable().server_default("it's");
  for (const Dialect* d : {&sqlite(), &pg()}) {
    std::string sql = create_table(t).sql(*d);
    EXPECT_NE(sql.find("CREATE TABLE \"order\""), std::string::npos) << sql;
    EXPECT_NE(sql.find("\"user\""), std::string::npos) << sql;
    EXPECT_NE(sql.find("\"Mixed Case\" TEXT"), std::string::npos) << sql;
    EXPECT_NE(sql.find("\"we\"\"ird\" TEXT DEFAULT 'it''s'"), std::string::npos) << sql;
    EXPECT_NE(sql.find("CONSTRAINT \"uq_order_group\" UNIQUE (\"group\")"), std::string::npos)
        << sql;
  }
}

TEST(Ddl, Defaults) {
  MetaData md;
  Table& t = md.add_table("d");
  t.column("id", types::Integer).primary_key();
  t.column("ts", types::DateTime).server_default(Timestamp::from_civil(2000, 1, 2, 3, 4, 5, 6));
  t.column("day", types::Date).server_default(now());
  t.column("tod", types::Time).server_default(now());
  t.column("blob", types::LargeBinary).server_default(Blob{0, 255});
  t.column("j", types::Json).server_default(Json::parse("{\"a\":1}"));
  t.column("r", types::Double).server_default(2.0);
  t.column("x", types::Integer).server_default(ServerDefault::sql("1 + 1"));
  std::string s = create_table(t).sql(sqlite());
  EXPECT_NE(s.find("DEFAULT '2000-01-02 03:04:05.000006'"), std::string::npos) << s;
  EXPECT_NE(s.find("\"day\" DATE NOT NULL DEFAULT (date('now'))"), std::string::npos) << s;
  EXPECT_NE(s.find("DEFAULT (strftime('%H:%M:%f', 'now') || '000')"), std::string::npos) << s;
  EXPECT_NE(s.find("DEFAULT X'00FF'"), std::string::npos) << s;
  EXPECT_NE(s.find("DEFAULT '{\"a\":1}'"), std::string::npos) << s;
  EXPECT_NE(s.find("DEFAULT 2.0"), std::string::npos) << s;
  EXPECT_NE(s.find("DEFAULT (1 + 1)"), std::string::npos) << s;
  std::string p = create_table(t).sql(pg());
  EXPECT_NE(p.find("DEFAULT '2000-01-02 03:04:05.000006+00'"), std::string::npos) << p;
  EXPECT_NE(p.find("DEFAULT ((CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date)"), std::string::npos)
      << p;
  EXPECT_NE(p.find("DEFAULT '\\x00ff'::bytea"), std::string::npos) << p;
}

TEST(Ddl, UseAlterForeignKeysAndCreateAllSql) {
  MetaData md;
  Table& a = md.add_table("a");
  a.column("id", types::Integer).primary_key();
  a.column("b_id", types::Integer).nullable();
  Table& b = md.add_table("b");
  b.column("id", types::Integer).primary_key();
  b.column("a_id", types::Integer).references("a.id");
  a.foreign_key({"b_id"}, "b", {"id"}).use_alter();
  auto pg_sql = md.create_all_sql(pg());
  ASSERT_EQ(pg_sql.size(), 3u);
  EXPECT_EQ(pg_sql[2],
            "ALTER TABLE \"a\" ADD CONSTRAINT \"fk_a_b_id_b\" FOREIGN KEY (\"b_id\") REFERENCES "
            "\"b\" (\"id\")");
  auto lite_sql = md.create_all_sql(sqlite());
  ASSERT_EQ(lite_sql.size(), 2u);  // SQLite writes the key inside CREATE TABLE
  EXPECT_NE(lite_sql[0].find("fk_a_b_id_b"), std::string::npos);
  EXPECT_THROW(add_foreign_key(a.foreign_keys()[0]).sql(sqlite()), CompileError);
}

TEST(Ddl, AddAndDropPrimaryKeyAndUnique) {
  MetaData md;
  Table& t = md.add_table("t");
  t.column("id", types::Integer).primary_key();
  t.column("a", types::Text);
  t.column("b", types::Text);
  const UniqueConstraint& u = t.unique({t.c("a"), t.c("b")});
  EXPECT_EQ(add_primary_key(t).sql(pg()),
            "ALTER TABLE \"t\" ADD CONSTRAINT \"pk_t\" PRIMARY KEY (\"id\")");
  EXPECT_EQ(drop_primary_key(t).sql(pg()), "ALTER TABLE \"t\" DROP CONSTRAINT \"pk_t\"");
  EXPECT_EQ(add_unique(u).sql(pg()),
            "ALTER TABLE \"t\" ADD CONSTRAINT \"" + u.name() + "\" UNIQUE (\"a\", \"b\")");
  EXPECT_EQ(drop_unique(u).sql(pg()), "ALTER TABLE \"t\" DROP CONSTRAINT \"" + u.name() + "\"");
  EXPECT_THROW(add_primary_key(t).sql(sqlite()), CompileError);
  EXPECT_THROW(drop_unique(u).sql(sqlite()), CompileError);
}

// loose_sql() drops a `::type` cast and nothing after it: PostgreSQL respells partial-index
// predicates with casts in the middle.
TEST(LooseSql, DropsCastsButKeepsWhatFollows) {
  using sqlcore::detail::loose_sql;
  EXPECT_EQ(loose_sql("(status = 'running'::text) AND (conversation_key IS NOT NULL)"),
            "status='running'andconversation_keyisnotnull");
  EXPECT_EQ(loose_sql("x::character varying(20) = 'a'::character varying"), "x='a'");
  EXPECT_EQ(loose_sql("t::timestamp without time zone > now()"), "t>now");
  EXPECT_EQ(loose_sql("a::text[] IS NULL"), "aisnull");
  EXPECT_EQ(loose_sql("\"Status\" = 'running' AND \"x\" = 1"), "status='running'andx=1");
}
