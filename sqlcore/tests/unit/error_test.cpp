// Unit tests for the error hierarchy: SQLSTATE -> exception class, flags and message contents.
#include "sqlcore/core/error.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

namespace sqlcore {
namespace {

ErrorInfo info_with(std::string sqlstate) {
  ErrorInfo info;
  info.backend = "postgresql";
  info.sqlstate = std::move(sqlstate);
  info.server_message = "the server says no";
  info.sql = "INSERT INTO t (id) VALUES ($1)";
  return info;
}

// Calls raise_database_error(info) and returns what it threw, which must be exactly of class E
// (not a subclass); fails the test otherwise.
template <class E>
E raised_as(ErrorInfo info) {
  try {
    raise_database_error(std::move(info));
  } catch (const E& e) {
    EXPECT_EQ(typeid(e), typeid(E)) << "raised a subclass: " << typeid(e).name();
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "raised the wrong class: " << typeid(e).name() << ": " << e.what();
  }
  throw std::logic_error("raise_database_error did not throw the expected class");
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---- Integrity errors -----------------------------------------------------------------------

struct IntegrityCase {
  const char* sqlstate;
  IntegrityKind kind;
};

class IntegrityMappingTest : public ::testing::TestWithParam<IntegrityCase> {};

TEST_P(IntegrityMappingTest, SqlstateClass23RaisesIntegrityErrorOfItsKind) {
  IntegrityError e = raised_as<IntegrityError>(info_with(GetParam().sqlstate));
  EXPECT_EQ(e.kind(), GetParam().kind) << to_string(e.kind());
  EXPECT_EQ(e.sqlstate(), GetParam().sqlstate);
  EXPECT_FALSE(e.is_transient());
  EXPECT_FALSE(e.is_disconnect());
}

INSTANTIATE_TEST_SUITE_P(AllKinds, IntegrityMappingTest,
                         ::testing::Values(IntegrityCase{"23505", IntegrityKind::unique},
                                           IntegrityCase{"23503", IntegrityKind::foreign_key},
                                           IntegrityCase{"23502", IntegrityKind::not_null},
                                           IntegrityCase{"23514", IntegrityKind::check},
                                           IntegrityCase{"23000", IntegrityKind::other},
                                           IntegrityCase{"23P01", IntegrityKind::other}));

TEST(IntegrityErrorTest, IsADatabaseErrorKeepingTheConstraintName) {
  ErrorInfo info = info_with("23505");
  info.constraint = "users_email_key";
  try {
    raise_database_error(std::move(info));
  } catch (const DatabaseError& e) {
    EXPECT_NE(dynamic_cast<const IntegrityError*>(&e), nullptr);
    EXPECT_EQ(e.constraint_name(), "users_email_key");
    return;
  }
  FAIL() << "not a DatabaseError";
}

TEST(IntegrityErrorTest, KindNamesAreSnakeCase) {
  EXPECT_STREQ(to_string(IntegrityKind::unique), "unique");
  EXPECT_STREQ(to_string(IntegrityKind::foreign_key), "foreign_key");
  EXPECT_STREQ(to_string(IntegrityKind::not_null), "not_null");
  EXPECT_STREQ(to_string(IntegrityKind::check), "check");
  EXPECT_STREQ(to_string(IntegrityKind::other), "other");
}

// ---- Other classes --------------------------------------------------------------------------

TEST(ErrorMappingTest, NumericValueOutOfRangeIsADataError) {
  DataError e = raised_as<DataError>(info_with("22003"));
  EXPECT_EQ(e.sqlstate(), "22003");
  EXPECT_FALSE(e.is_transient());
}

TEST(ErrorMappingTest, OtherClass22StatesAreDataErrors) {
  raised_as<DataError>(info_with("22P02"));  // invalid_text_representation
  raised_as<DataError>(info_with("22001"));  // string_data_right_truncation
}

TEST(ErrorMappingTest, UndefinedTableIsAProgrammingError) {
  raised_as<ProgrammingError>(info_with("42P01"));
}

TEST(ErrorMappingTest, SyntaxErrorIsAProgrammingError) {
  ProgrammingError e = raised_as<ProgrammingError>(info_with("42601"));
  EXPECT_FALSE(e.is_transient());
  EXPECT_FALSE(e.is_disconnect());
}

TEST(ErrorMappingTest, SerializationFailureIsATransientOperationalError) {
  OperationalError e = raised_as<OperationalError>(info_with("40001"));
  EXPECT_TRUE(e.is_transient());
  EXPECT_FALSE(e.is_disconnect());
}

TEST(ErrorMappingTest, DeadlockIsATransientOperationalError) {
  EXPECT_TRUE(raised_as<OperationalError>(info_with("40P01")).is_transient());
}

TEST(ErrorMappingTest, LockNotAvailableIsATransientOperationalError) {
  OperationalError e = raised_as<OperationalError>(info_with("55P03"));
  EXPECT_TRUE(e.is_transient());
  EXPECT_FALSE(e.is_disconnect());
}

TEST(ErrorMappingTest, ConnectionFailureIsADisconnect) {
  OperationalError e = raised_as<OperationalError>(info_with("08006"));
  EXPECT_TRUE(e.is_disconnect());
  EXPECT_FALSE(e.is_transient());
}

TEST(ErrorMappingTest, AdminShutdownIsADisconnect) {
  EXPECT_TRUE(raised_as<OperationalError>(info_with("57P01")).is_disconnect());
  EXPECT_TRUE(raised_as<OperationalError>(info_with("57P02")).is_disconnect());
  EXPECT_TRUE(raised_as<OperationalError>(info_with("57P03")).is_disconnect());
}

TEST(ErrorMappingTest, QueryCanceledIsOperationalButNotADisconnect) {
  OperationalError e = raised_as<OperationalError>(info_with("57014"));
  EXPECT_FALSE(e.is_disconnect());
  EXPECT_FALSE(e.is_transient());
}

TEST(ErrorMappingTest, InvalidPasswordIsAnOperationalError) {
  OperationalError e = raised_as<OperationalError>(info_with("28P01"));
  EXPECT_FALSE(e.is_transient());
  EXPECT_FALSE(e.is_disconnect());
}

TEST(ErrorMappingTest, FlagsSetByTheDriverAreKept) {
  ErrorInfo info = info_with("HY000");
  info.disconnect = true;
  EXPECT_TRUE(raised_as<OperationalError>(std::move(info)).is_disconnect());
  ErrorInfo busy = info_with("");
  busy.transient = true;
  EXPECT_TRUE(raised_as<OperationalError>(std::move(busy)).is_transient());
}

TEST(ErrorMappingTest, UnknownSqlstateIsAPlainDatabaseError) {
  for (const char* state : {"P0001", "HY000", "", "X"}) {
    SCOPED_TRACE(state);
    DatabaseError e = raised_as<DatabaseError>(info_with(state));
    EXPECT_EQ(e.sqlstate(), state);
    EXPECT_FALSE(e.is_transient());
    EXPECT_FALSE(e.is_disconnect());
  }
}

TEST(ErrorMappingTest, UnknownSqlstateIsNotASubclass) {
  try {
    raise_database_error(info_with("P0001"));
  } catch (const OperationalError&) {
    FAIL() << "P0001 raised OperationalError";
  } catch (const ProgrammingError&) {
    FAIL() << "P0001 raised ProgrammingError";
  } catch (const DataError&) {
    FAIL() << "P0001 raised DataError";
  } catch (const IntegrityError&) {
    FAIL() << "P0001 raised IntegrityError";
  } catch (const DatabaseError& e) {
    EXPECT_EQ(e.sqlstate(), "P0001");
  }
}

TEST(ErrorMappingTest, EveryDatabaseErrorIsAnError) {
  try {
    raise_database_error(info_with("42P01"));
  } catch (const Error& e) {
    EXPECT_NE(dynamic_cast<const DatabaseError*>(&e), nullptr);
    return;
  }
  FAIL() << "not an sqlcore::Error";
}

// ---- Message and properties -----------------------------------------------------------------

TEST(DatabaseErrorTest, MessageNamesBackendSqlstateServerMessageAndSql) {
  ErrorInfo info;
  info.backend = "postgresql";
  info.sqlstate = "23505";
  info.server_message = "duplicate key value violates unique constraint \"users_pkey\"";
  info.sql = "INSERT INTO users (id) VALUES ($1)";
  IntegrityError e = raised_as<IntegrityError>(info);
  std::string msg = e.what();
  EXPECT_TRUE(contains(msg, "postgresql")) << msg;
  EXPECT_TRUE(contains(msg, "23505")) << msg;
  EXPECT_TRUE(contains(msg, "duplicate key value violates unique constraint")) << msg;
  EXPECT_TRUE(contains(msg, "INSERT INTO users (id) VALUES ($1)")) << msg;
  EXPECT_EQ(msg,
            "(postgresql) duplicate key value violates unique constraint \"users_pkey\" "
            "[SQLSTATE 23505]\n[SQL: INSERT INTO users (id) VALUES ($1)]");
}

TEST(DatabaseErrorTest, PropertiesReflectTheErrorInfo) {
  ErrorInfo info;
  info.backend = "sqlite";
  info.sqlstate = "23505";
  info.native_code = 2067;  // SQLITE_CONSTRAINT_UNIQUE
  info.server_message = "UNIQUE constraint failed: t.id";
  info.sql = "INSERT INTO t VALUES (?1)";
  info.constraint = "t.id";
  IntegrityError e = raised_as<IntegrityError>(info);
  EXPECT_EQ(e.backend(), "sqlite");
  EXPECT_EQ(e.sqlstate(), "23505");
  EXPECT_EQ(e.native_code(), 2067);
  EXPECT_EQ(e.server_message(), "UNIQUE constraint failed: t.id");
  EXPECT_EQ(e.sql(), "INSERT INTO t VALUES (?1)");
  EXPECT_EQ(e.constraint_name(), "t.id");
  EXPECT_EQ(e.info().native_code, 2067);
}

TEST(DatabaseErrorTest, MessageOmitsEmptySqlAndSqlstate) {
  ErrorInfo info;
  info.backend = "postgresql";
  info.server_message = "could not connect to server";
  info.disconnect = true;
  OperationalError e = raised_as<OperationalError>(info);
  std::string msg = e.what();
  EXPECT_EQ(msg, "(postgresql) could not connect to server");
  EXPECT_FALSE(contains(msg, "SQL")) << msg;
}

TEST(DatabaseErrorTest, LongSqlIsAbbreviatedInTheMessageButKeptInFull) {
  std::string sql = "SELECT " + std::string(5000, 'x');
  ErrorInfo info = info_with("42601");
  info.sql = sql;
  ProgrammingError e = raised_as<ProgrammingError>(info);
  EXPECT_EQ(e.sql(), sql);
  std::string msg = e.what();
  EXPECT_LT(msg.size(), 2200u);
  EXPECT_TRUE(contains(msg, "more characters]")) << msg.substr(msg.size() - 60);
}

// ---- abbreviate_sql -------------------------------------------------------------------------

TEST(AbbreviateSqlTest, ShortSqlIsUnchanged) {
  EXPECT_EQ(abbreviate_sql("SELECT 1"), "SELECT 1");
  EXPECT_EQ(abbreviate_sql(""), "");
}

TEST(AbbreviateSqlTest, SqlAtTheLimitIsUnchanged) {
  std::string sql(2000, 'a');
  EXPECT_EQ(abbreviate_sql(sql), sql);
}

TEST(AbbreviateSqlTest, LongSqlIsCutAndSaysHowMuchWasLeftOut) {
  std::string sql = std::string(2000, 'a') + std::string(500, 'b');
  std::string cut = abbreviate_sql(sql);
  EXPECT_EQ(cut, std::string(2000, 'a') + " ... [500 more characters]");
  EXPECT_FALSE(contains(cut, "b"));
}

TEST(AbbreviateSqlTest, OneCharacterOverTheLimitIsCut) {
  std::string cut = abbreviate_sql(std::string(2001, 'a'));
  EXPECT_EQ(cut, std::string(2000, 'a') + " ... [1 more characters]");
}

}  // namespace
}  // namespace sqlcore
