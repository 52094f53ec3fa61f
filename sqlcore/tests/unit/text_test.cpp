// Unit tests for text(): finding `:name` binds in raw SQL and rendering them per dialect.
#include "sqlcore/sql/text.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sql/sql_text.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/dialect/registry.hpp"

namespace sqlcore {
namespace {

using Names = std::vector<std::string>;

class TextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(sqlite_, nullptr);
    ASSERT_NE(pg_, nullptr);
  }

  std::string sqlite_sql(std::string_view sql) const { return text(sql).compile(*sqlite_)->sql; }
  std::string pg_sql(std::string_view sql) const { return text(sql).compile(*pg_)->sql; }

  std::shared_ptr<const Dialect> sqlite_ = find_dialect("sqlite");
  std::shared_ptr<const Dialect> pg_ = find_dialect("postgresql");
};

TEST_F(TextTest, DialectsAreFoundByNameAndScheme) {
  EXPECT_EQ(sqlite_->name(), "sqlite");
  EXPECT_EQ(pg_->name(), "postgresql");
  EXPECT_EQ(find_dialect("postgres"), pg_);
  EXPECT_EQ(find_dialect("no-such-backend"), nullptr);
}

TEST_F(TextTest, SimpleBindBecomesThePositionalPlaceholder) {
  const char* sql = "SELECT * FROM t WHERE id = :id";
  EXPECT_EQ(sqlite_sql(sql), "SELECT * FROM t WHERE id = ?1");
  EXPECT_EQ(pg_sql(sql), "SELECT * FROM t WHERE id = $1");
}

TEST_F(TextTest, SeveralBindsAreNumberedInOrder) {
  const char* sql = "INSERT INTO t (a, b, c) VALUES (:a, :b, :c)";
  EXPECT_EQ(sqlite_sql(sql), "INSERT INTO t (a, b, c) VALUES (?1, ?2, ?3)");
  EXPECT_EQ(pg_sql(sql), "INSERT INTO t (a, b, c) VALUES ($1, $2, $3)");
}

TEST_F(TextTest, CompiledParamNamesMatchThePlaceholders) {
  auto c = text("UPDATE t SET b = :b WHERE a = :a").compile(*pg_);
  EXPECT_EQ(c->sql, "UPDATE t SET b = $1 WHERE a = $2");
  EXPECT_EQ(c->param_names, (Names{"b", "a"}));
}

TEST_F(TextTest, TheSameNameTwiceTakesOnePlaceholderNumber) {
  TextClause t = text("SELECT :x + :y + :x");
  EXPECT_EQ(t.compile(*sqlite_)->sql, "SELECT ?1 + ?2 + ?1");
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT $1 + $2 + $1");
  EXPECT_EQ(t.bind_names(), (Names{"x", "y"}));
  EXPECT_EQ(t.compile(*pg_)->param_names, (Names{"x", "y"}));
}

TEST_F(TextTest, BindNamesAreInOrderOfFirstAppearance) {
  TextClause t = text("SELECT :c, :a, :c, :b, :a");
  EXPECT_EQ(t.bind_names(), (Names{"c", "a", "b"}));
  EXPECT_EQ(pg_sql("SELECT :c, :a, :c, :b, :a"), "SELECT $1, $2, $1, $3, $2");
}

TEST_F(TextTest, StatementWithoutBindsIsUnchanged) {
  TextClause t = text("SELECT 1");
  EXPECT_TRUE(t.bind_names().empty());
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT 1");
  EXPECT_TRUE(t.compile(*pg_)->param_names.empty());
}

TEST_F(TextTest, EmptyStatementCompilesToEmptySql) {
  EXPECT_EQ(pg_sql(""), "");
  EXPECT_TRUE(text("").bind_names().empty());
}

TEST_F(TextTest, SqlReturnsTheStatementAsWritten) {
  EXPECT_EQ(text("SELECT :a -- :b").sql(), "SELECT :a -- :b");
}

TEST_F(TextTest, PostgresCastAfterABindIsLeftAlone) {
  EXPECT_EQ(sqlite_sql("SELECT :id::int"), "SELECT ?1::int");
  EXPECT_EQ(pg_sql("SELECT :id::int"), "SELECT $1::int");
  EXPECT_EQ(text("SELECT :id::int").bind_names(), (Names{"id"}));
}

TEST_F(TextTest, PostgresCastOnAColumnIsNotABind) {
  TextClause t = text("SELECT a::text, b::numeric(10, 2) FROM t");
  EXPECT_TRUE(t.bind_names().empty());
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT a::text, b::numeric(10, 2) FROM t");
}

TEST_F(TextTest, BindInsideASingleQuotedStringIsNotABind) {
  TextClause t = text("SELECT ':a', :b");
  EXPECT_EQ(t.bind_names(), (Names{"b"}));
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT ':a', $1");
}

TEST_F(TextTest, DoubledQuoteStaysInsideTheString) {
  TextClause t = text("SELECT 'it''s :a', :b");
  EXPECT_EQ(t.bind_names(), (Names{"b"}));
  EXPECT_EQ(t.compile(*sqlite_)->sql, "SELECT 'it''s :a', ?1");
}

TEST_F(TextTest, BackslashDoesNotEscapeInAStandardString) {
  // 'C:\' ends at its second quote (standard_conforming_strings), so :b is a bind.
  TextClause t = text("SELECT 'C:\\', :b");
  EXPECT_EQ(t.bind_names(), (Names{"b"}));
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT 'C:\\', $1");
}

TEST_F(TextTest, BindInsideAnEscapeStringWithBackslashQuoteIsNotABind) {
  TextClause t = text("SELECT E'it\\'s :a', e'\\\\', :b");
  EXPECT_EQ(t.bind_names(), (Names{"b"}));
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT E'it\\'s :a', e'\\\\', $1");
}

TEST_F(TextTest, IdentifierEndingInEIsNotAnEscapeStringPrefix) {
  // `type'...'` is not E'...': the backslash does not escape, the string ends at its quote.
  TextClause t = text("SELECT type'x\\', :b");
  EXPECT_EQ(t.bind_names(), (Names{"b"}));
}

TEST_F(TextTest, BindInsideAQuotedIdentifierIsNotABind) {
  TextClause t = text("SELECT \"col:a\", \"x\"\":y\" FROM t WHERE id = :id");
  EXPECT_EQ(t.bind_names(), (Names{"id"}));
  EXPECT_EQ(t.compile(*sqlite_)->sql, "SELECT \"col:a\", \"x\"\":y\" FROM t WHERE id = ?1");
}

TEST_F(TextTest, BindInsideALineCommentIsNotABind) {
  TextClause t = text("SELECT :a -- where :b\n, :c");
  EXPECT_EQ(t.bind_names(), (Names{"a", "c"}));
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT $1 -- where :b\n, $2");
}

TEST_F(TextTest, LineCommentAtTheEndWithoutNewlineHidesItsBinds) {
  TextClause t = text("SELECT 1 -- :a");
  EXPECT_TRUE(t.bind_names().empty());
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT 1 -- :a");
}

TEST_F(TextTest, BindInsideABlockCommentIsNotABind) {
  TextClause t = text("SELECT /* :a\n :b */ :c");
  EXPECT_EQ(t.bind_names(), (Names{"c"}));
  EXPECT_EQ(t.compile(*sqlite_)->sql, "SELECT /* :a\n :b */ ?1");
}

TEST_F(TextTest, SingleMinusAndSlashDoNotStartComments) {
  TextClause t = text("SELECT :a - :b / :c");
  EXPECT_EQ(t.bind_names(), (Names{"a", "b", "c"}));
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT $1 - $2 / $3");
}

TEST_F(TextTest, BindInsideDollarQuotingIsNotABind) {
  TextClause t = text("SELECT $$ :a $$, :b");
  EXPECT_EQ(t.bind_names(), (Names{"b"}));
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT $$ :a $$, $1");
}

TEST_F(TextTest, BindInsideTaggedDollarQuotingIsNotABind) {
  const char* sql = "DO $body$ BEGIN PERFORM :a; RAISE NOTICE '$$'; END $body$; SELECT :b";
  TextClause t = text(sql);
  EXPECT_EQ(t.bind_names(), (Names{"b"}));
  EXPECT_EQ(t.compile(*pg_)->sql,
            "DO $body$ BEGIN PERFORM :a; RAISE NOTICE '$$'; END $body$; SELECT $1");
}

TEST_F(TextTest, PositionalDollarParameterIsNotDollarQuoting) {
  TextClause t = text("SELECT $1, :a, $2");
  EXPECT_EQ(t.bind_names(), (Names{"a"}));
  EXPECT_EQ(t.compile(*sqlite_)->sql, "SELECT $1, ?1, $2");
}

TEST_F(TextTest, EscapedColonIsALiteralColon) {
  TextClause t = text("SELECT '12' || \\:notabind, :real");
  EXPECT_EQ(t.bind_names(), (Names{"real"}));
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT '12' || :notabind, $1");
}

TEST_F(TextTest, ColonFollowedByADigitIsNotABind) {
  TextClause t = text("SELECT a[1:2], :1");
  EXPECT_TRUE(t.bind_names().empty());
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT a[1:2], :1");
}

TEST_F(TextTest, ColonAfterAnIdentifierIsAnArraySliceNotABind) {
  TextClause t = text("SELECT arr[lo:hi], arr[1:n], arr[:k] FROM t");
  EXPECT_EQ(t.bind_names(), (Names{"k"}));
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT arr[lo:hi], arr[1:n], arr[$1] FROM t");
}

TEST_F(TextTest, ColonFollowedByASpaceIsNotABind) {
  TextClause t = text("SELECT : name");
  EXPECT_TRUE(t.bind_names().empty());
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT : name");
}

TEST_F(TextTest, ColonAtTheEndIsLeftAlone) {
  TextClause t = text("SELECT :a:");
  EXPECT_EQ(t.bind_names(), (Names{"a"}));
  EXPECT_EQ(t.compile(*sqlite_)->sql, "SELECT ?1:");
  EXPECT_EQ(pg_sql(":"), ":");
}

TEST_F(TextTest, BindAtTheStartOfTheStatementIsFound) {
  EXPECT_EQ(pg_sql(":a"), "$1");
}

TEST_F(TextTest, BindNamesMayHoldUnderscoresAndDigits) {
  TextClause t = text("SELECT :_x, :user_id2, :A1_b_3");
  EXPECT_EQ(t.bind_names(), (Names{"_x", "user_id2", "A1_b_3"}));
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT $1, $2, $3");
}

TEST_F(TextTest, BindNamesAreCaseSensitive) {
  TextClause t = text("SELECT :id, :ID, :Id");
  EXPECT_EQ(t.bind_names(), (Names{"id", "ID", "Id"}));
}

TEST_F(TextTest, BindEndsAtTheFirstNonIdentifierCharacter) {
  TextClause t = text("SELECT (:a),:b;");
  EXPECT_EQ(t.bind_names(), (Names{"a", "b"}));
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT ($1),$2;");
}

TEST_F(TextTest, UnicodeTextAroundBindsIsKeptByteForByte) {
  TextClause t = text("SELECT 'héllo wörld :x', \"naïve\" FROM t WHERE c = :b -- ünï :z\n");
  EXPECT_EQ(t.bind_names(), (Names{"b"}));
  EXPECT_EQ(t.compile(*pg_)->sql,
            "SELECT 'héllo wörld :x', \"naïve\" FROM t WHERE c = $1 -- ünï :z\n");
}

TEST_F(TextTest, UnterminatedStringHidesTheRestOfTheStatement) {
  TextClause t = text("SELECT 'abc :a");
  EXPECT_TRUE(t.bind_names().empty());
  EXPECT_EQ(t.compile(*pg_)->sql, "SELECT 'abc :a");
}

TEST_F(TextTest, CompileIsCachedPerDialect) {
  TextClause t = text("SELECT :a");
  auto first = t.compile(*sqlite_);
  auto second = t.compile(*sqlite_);
  EXPECT_EQ(first, second);  // the same shared_ptr
  auto pg_first = t.compile(*pg_);
  EXPECT_NE(first, pg_first);
  EXPECT_EQ(pg_first, t.compile(*pg_));
  EXPECT_EQ(first->sql, "SELECT ?1");
  EXPECT_EQ(pg_first->sql, "SELECT $1");
}

TEST_F(TextTest, CopiesShareOneCompilationCache) {
  TextClause t = text("SELECT :a");
  TextClause copy = t;
  EXPECT_EQ(t.compile(*pg_), copy.compile(*pg_));
}

std::string many_binds(std::size_t n) {
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) sql += ", ";
    sql += ":p" + std::to_string(i);
  }
  return sql;
}

TEST_F(TextTest, StatementAtTheParameterLimitCompiles) {
  TextClause t = text(many_binds(sqlite_->max_parameters()));
  auto c = t.compile(*sqlite_);
  EXPECT_EQ(c->param_names.size(), sqlite_->max_parameters());
  EXPECT_EQ(c->param_names.back(), "p" + std::to_string(sqlite_->max_parameters() - 1));
}

TEST_F(TextTest, MoreParametersThanTheDialectAllowsThrowsCompileError) {
  ASSERT_EQ(sqlite_->max_parameters(), 32766u);
  TextClause t = text(many_binds(32767));
  EXPECT_EQ(t.bind_names().size(), 32767u);
  try {
    (void)t.compile(*sqlite_);
    FAIL() << "expected CompileError";
  } catch (const CompileError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("32767"), std::string::npos) << msg;
    EXPECT_NE(msg.find("sqlite"), std::string::npos) << msg;
    EXPECT_NE(msg.find("32766"), std::string::npos) << msg;
  }
  // PostgreSQL allows more, so the same statement compiles there.
  EXPECT_EQ(t.compile(*pg_)->param_names.size(), 32767u);
}

TEST_F(TextTest, RepeatedBindsCountOnceTowardTheParameterLimit) {
  std::string sql = "SELECT :a";
  for (int i = 0; i < 40000; ++i) sql += ", :a";
  EXPECT_EQ(text(sql).compile(*sqlite_)->param_names, (Names{"a"}));
}

// ---- compile_batch: one-row INSERT ... VALUES as a multi-row statement ----

class TextBatchTest : public TextTest {
 protected:
  // The batch form for `rows` rows on SQLite, or "" when the statement has none.
  std::string batch(std::string_view sql, std::size_t rows = 2) const {
    auto c = text(sql).compile_batch(*sqlite_, rows);
    return c ? c->sql : std::string();
  }
};

TEST_F(TextBatchTest, ARowOfBindsIsRepeatedWithItsOwnPlaceholders) {
  const char* sql = "INSERT INTO t (a, b) VALUES (:a, :b)";
  EXPECT_EQ(batch(sql, 3), "INSERT INTO t (a, b) VALUES (?1, ?2), (?3, ?4), (?5, ?6)");
  auto pg = text(sql).compile_batch(*pg_, 2);
  ASSERT_NE(pg, nullptr);
  EXPECT_EQ(pg->sql, "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
  EXPECT_EQ(pg->param_names, (Names{"a", "b", "a", "b"}));
  // A name used twice keeps one placeholder per row; names in any order.
  EXPECT_EQ(batch("insert into t values (:b, :a, :b)"),
            "insert into t values (?1, ?2, ?1), (?3, ?4, ?3)");
  EXPECT_EQ(text("INSERT INTO t VALUES (:b, :a, :b)").compile_batch(*sqlite_, 2)->param_names,
            (Names{"b", "a", "b", "a"}));
}

TEST_F(TextBatchTest, QuotesCommentsCastsAndRowFunctionsAreKept) {
  EXPECT_EQ(batch("/* VALUES ( */ INSERT INTO \"s\".\"t\" AS x (a, \"b c\") -- (\n"
                  "VALUES (lower(:a), ') VALUES (:z'  || E'\\')' || $q$)$q$) -- ) :y\n;"),
            "/* VALUES ( */ INSERT INTO \"s\".\"t\" AS x (a, \"b c\") -- (\n"
            "VALUES (lower(?1), ') VALUES (:z'  || E'\\')' || $q$)$q$), (lower(?2), "
            "') VALUES (:z'  || E'\\')' || $q$)$q$) -- ) :y\n;");
  EXPECT_NE(batch("INSERT INTO t VALUES (:a::timestamp with time zone, CAST(:b AS "
                  "varchar(10)), :c::numeric(10, 2), now(), CURRENT_TIMESTAMP, -:d * 2, NULL, "
                  "DEFAULT, TRUE, CASE WHEN :e IS NULL THEN (1) ELSE 2 END, :f IN (1, 2))"),
            "");
  EXPECT_NE(batch("INSERT INTO t (a) VALUES (:a) ON CONFLICT (a) DO NOTHING"), "");
  EXPECT_EQ(batch("INSERT INTO t (a) VALUES (:a) ON CONFLICT DO NOTHING;"),
            "INSERT INTO t (a) VALUES (?1), (?2) ON CONFLICT DO NOTHING;");
}

TEST_F(TextBatchTest, WhatCannotBeProvedTheSameGoesRowByRow) {
  for (const char* sql : {
           "INSERT INTO t (a) VALUES (:a) ON CONFLICT (a) DO UPDATE SET a = excluded.a",
           "INSERT INTO t (a) VALUES (:a) RETURNING id",
           "INSERT INTO t (a) VALUES (:a), (:b)",
           "INSERT INTO t (a) SELECT :a",
           "INSERT INTO t (a) VALUES ((SELECT max(a) FROM t) + :a)",
           "INSERT INTO t (a) VALUES (next_id(:a))",
           "INSERT INTO t (a) VALUES (\"f\"(:a))",
           "INSERT INTO t (a) VALUES (:a) ON CONFLICT (a) WHERE a > :b DO NOTHING",
           "INSERT INTO t (a) VALUES (:a); DELETE FROM t",
           "INSERT INTO t (a) VALUES (:a, \\:b)",
           "INSERT INTO t (a) VALUES (:a, $1)",
           "INSERT INTO t (a) VALUES (:a, ?)",
           "INSERT INTO t (a) VALUES (:a, t.b)",
           "INSERT INTO t (a) VALUES (:a /* /* nested */ */)",
           "INSERT OR REPLACE INTO t (a) VALUES (:a)",
           "REPLACE INTO t (a) VALUES (:a)",
           "WITH x AS (SELECT 1) INSERT INTO t (a) VALUES (:a)",
           "UPDATE t SET a = :a",
           "INSERT INTO t DEFAULT VALUES",
           "INSERT INTO t (a) VALUES (1)",
           "INSERT INTO t (a) VALUES (:a",
       })
    EXPECT_EQ(batch(sql), "") << sql;
  // Not for one row, nor beyond the dialect's parameter limit.
  EXPECT_EQ(text("INSERT INTO t (a) VALUES (:a)").compile_batch(*sqlite_, 1), nullptr);
  EXPECT_EQ(
      text("INSERT INTO t (a) VALUES (:a)").compile_batch(*sqlite_, sqlite_->max_parameters() + 1),
      nullptr);
}

TEST(SessionChangeTest, StatementsThatLeaveSessionStateAreRecognised) {
  for (const char* sql : {"SET search_path TO other",
                          "set application_name = 'x'",
                          "SET SESSION timezone = 'UTC'",
                          "RESET ALL",
                          "CREATE TEMP TABLE t (a INT)",
                          "create temporary table t (a int)",
                          "CREATE OR REPLACE TEMP VIEW v AS SELECT 1",
                          "CREATE GLOBAL TEMPORARY TABLE t (a INT)",
                          "  -- note\n  LISTEN channel",
                          "PREPARE p AS SELECT 1",
                          "DECLARE c CURSOR WITH HOLD FOR SELECT 1",
                          "SELECT pg_advisory_lock(42)",
                          "SELECT pg_try_advisory_lock_shared(1, 2)",
                          "SELECT set_config('app.user', 'x', false)",
                          "PRAGMA foreign_keys = OFF",
                          "PRAGMA main.cache_size = 100",
                          "PRAGMA cache_size(100)",
                          "ATTACH 'x.db' AS x",
                          "DO $$ BEGIN PERFORM 1; END $$",
                          "/* c */ (SET work_mem = '1MB')"})
    EXPECT_TRUE(may_change_session(sql)) << sql;
  for (const char* sql :
       {"SELECT 1", "INSERT INTO t (a) VALUES (1)", "UPDATE t SET a = 1", "DELETE FROM t",
        "WITH x AS (SELECT 1) SELECT * FROM x", "SET LOCAL work_mem = '1MB'",
        "SET TRANSACTION READ ONLY", "SET CONSTRAINTS ALL DEFERRED", "CREATE TABLE t (a INT)",
        "CREATE INDEX ix ON t (a)", "SELECT pg_advisory_xact_lock(1)", "PRAGMA table_info(t)",
        "PRAGMA foreign_key_list('t')", "PRAGMA user_version", "BEGIN", "COMMIT", ""})
    EXPECT_FALSE(may_change_session(sql)) << sql;
  // Compiled statements carry the answer.
  auto sqlite = find_dialect("sqlite");
  EXPECT_TRUE(text("SET search_path TO x").compile(*sqlite)->changes_session);
  EXPECT_FALSE(text("SELECT :a").compile(*sqlite)->changes_session);
}

}  // namespace
// The PostgreSQL driver reads a statement that ends with a small LIMIT in one result instead of
// row by row: the LIMIT must be the statement's own, never one inside a subquery or a comment.
TEST(TrailingLimitTest, FindsTheLimitThatEndsAStatement) {
  using detail::trailing_limit;
  auto count = [](std::string_view sql) -> std::int64_t {
    auto l = trailing_limit(sql);
    return l ? l->count : -2;
  };
  EXPECT_EQ(count("SELECT * FROM t ORDER BY id LIMIT 100"), 100);
  EXPECT_EQ(count("select * from t limit 5 ;  "), 5);
  EXPECT_EQ(count("SELECT * FROM t LIMIT 5 OFFSET 10"), 5);
  EXPECT_EQ(count("SELECT * FROM t WHERE id = $1 LIMIT 1 FOR UPDATE"), 1);
  EXPECT_EQ(count("SELECT * FROM t LIMIT 3 OFFSET 6 FOR SHARE SKIP LOCKED"), 3);
  EXPECT_EQ(count("SELECT * FROM t LIMIT 2 FOR UPDATE NOWAIT"), 2);
  EXPECT_EQ(count("SELECT a FROM t UNION ALL SELECT a FROM u LIMIT 7"), 7);
  EXPECT_EQ(count("WITH c AS (SELECT * FROM big) SELECT * FROM c LIMIT 4"), 4);
  auto param = trailing_limit("SELECT * FROM t WHERE s = $1 LIMIT $2");
  ASSERT_TRUE(param.has_value());
  EXPECT_EQ(param->param, 2);
  EXPECT_EQ(param->count, -1);

  // No LIMIT of the statement's own: nothing bounds its rows.
  EXPECT_EQ(count("SELECT * FROM t"), -2);
  EXPECT_EQ(count("SELECT * FROM t WHERE id IN (SELECT id FROM u LIMIT 5)"), -2);
  EXPECT_EQ(count("SELECT * FROM (SELECT * FROM t LIMIT 5) s"), -2);
  EXPECT_EQ(count("SELECT * FROM t -- LIMIT 5"), -2);
  EXPECT_EQ(count("SELECT * FROM t /* LIMIT 5 */"), -2);
  EXPECT_EQ(count("SELECT * FROM t LIMIT 5 -- the first five"), -2);  // a comment: not trusted
  EXPECT_EQ(count("SELECT * FROM t LIMIT ALL"), -2);
  EXPECT_EQ(count("SELECT * FROM t OFFSET 5"), -2);
  EXPECT_EQ(count("SELECT * FROM t OFFSET 5 LIMIT 3"), 3);
  EXPECT_EQ(count("SELECT * FROM t LIMIT 5 OFFSET $1"), -2);
  EXPECT_EQ(count("SELECT 'LIMIT 5'"), -2);
  EXPECT_EQ(count("SELECT * FROM t FOR UPDATE"), -2);
  EXPECT_EQ(count("SELECT * FROM t LIMIT 99999999999999999999"), -2);  // too many digits
  EXPECT_EQ(count("LIMIT 5"), 5);
  EXPECT_EQ(count(""), -2);
  EXPECT_EQ(count("5"), -2);
}

}  // namespace sqlcore
