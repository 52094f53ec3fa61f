// One error hierarchy on every backend: integrity kinds, programming errors, connection errors,
// bind misuse; messages show the SQL and never a bound value or a password.
#include <sqlcore/testing/backend.hpp>

using namespace sqlcore;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

class ErrorTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    engine_ = make_engine();
    auto c = engine_->connect();
    exec(c, "CREATE TABLE parents (id " + t_pk() + ", code TEXT NOT NULL UNIQUE)");
    exec(c, "CREATE TABLE children (id " + t_pk() +
                ", parent_id BIGINT NOT NULL REFERENCES parents(id), qty BIGINT CHECK (qty >= 0))");
    exec(c, "INSERT INTO parents (code) VALUES ('p1')");  // id 1
  }
  void TearDown() override {
    engine_.reset();
    BackendTest::TearDown();
  }

  // Runs `sql` with `params` and returns the IntegrityError it must raise.
  IntegrityError integrity(const std::string& sql, const Params& params) {
    auto c = engine_->connect();
    try {
      c.execute(text(sql), params);
    } catch (const IntegrityError& e) {
      return e;
    }
    ADD_FAILURE() << "no IntegrityError from " << sql;
    throw std::logic_error("unreachable");
  }

  std::optional<Engine> engine_;
};

TEST_P(ErrorTest, UniqueViolationIsIntegrityErrorUnique) {
  auto e = integrity("INSERT INTO parents (code) VALUES (:code)", {{"code", "p1"}});
  EXPECT_EQ(e.kind(), IntegrityKind::unique);
  EXPECT_EQ(e.sqlstate(), "23505");
  EXPECT_EQ(e.backend(), engine_->dialect().name());
  EXPECT_FALSE(e.is_transient());
  EXPECT_FALSE(e.is_disconnect());
}

TEST_P(ErrorTest, ForeignKeyViolationIsIntegrityErrorForeignKey) {
  auto e = integrity("INSERT INTO children (parent_id, qty) VALUES (:p, 1)", {{"p", 999}});
  EXPECT_EQ(e.kind(), IntegrityKind::foreign_key);
  EXPECT_EQ(e.sqlstate(), "23503");
}

TEST_P(ErrorTest, NotNullViolationIsIntegrityErrorNotNull) {
  auto e = integrity("INSERT INTO parents (code) VALUES (:code)", {{"code", Value()}});
  EXPECT_EQ(e.kind(), IntegrityKind::not_null);
  EXPECT_EQ(e.sqlstate(), "23502");
}

TEST_P(ErrorTest, CheckViolationIsIntegrityErrorCheck) {
  auto e = integrity("INSERT INTO children (parent_id, qty) VALUES (1, :q)", {{"q", -5}});
  EXPECT_EQ(e.kind(), IntegrityKind::check);
  EXPECT_EQ(e.sqlstate(), "23514");
}

TEST_P(ErrorTest, MessagesShowTheSqlButNeverBoundValues) {
  const std::string secret = "s3cr3t-value-do-not-log";
  auto c = engine_->connect();
  c.execute(text("UPDATE parents SET code = :v WHERE id = 1"), {{"v", secret}});
  try {
    c.execute(text("INSERT INTO parents (code) VALUES (:code)"), {{"code", secret}});
    FAIL() << "expected IntegrityError";
  } catch (const DatabaseError& e) {
    std::string m = e.what();
    EXPECT_EQ(m.find(secret), std::string::npos) << m;
    EXPECT_NE(m.find("INSERT INTO parents"), std::string::npos) << m;
    EXPECT_NE(m.find(std::string(engine_->dialect().name())), std::string::npos) << m;
    EXPECT_NE(m.find("23505"), std::string::npos) << m;
    EXPECT_EQ(e.sql().find(secret), std::string::npos);
  }
}

TEST_P(ErrorTest, SyntaxErrorIsProgrammingError) {
  auto c = engine_->connect();
  try {
    c.execute(text("SELEC 1"));
    FAIL();
  } catch (const ProgrammingError& e) {
    EXPECT_EQ(e.sqlstate(), "42601");
    EXPECT_EQ(e.sql(), "SELEC 1");
  }
}

TEST_P(ErrorTest, UnknownTableAndColumnAreProgrammingErrors) {
  auto c = engine_->connect();
  try {
    c.execute(text("SELECT * FROM no_such_table"));
    FAIL();
  } catch (const ProgrammingError& e) {
    EXPECT_EQ(e.sqlstate(), "42P01");
  }
  try {
    c.execute(text("SELECT no_such_column FROM parents"));
    FAIL();
  } catch (const ProgrammingError& e) {
    EXPECT_EQ(e.sqlstate(), "42703");
  }
}

TEST_P(ErrorTest, ConnectionStaysUsableAfterAnError) {
  auto c = engine_->connect();
  EXPECT_THROW(c.execute(text("SELECT * FROM no_such_table")), ProgrammingError);
  EXPECT_EQ(c.execute(text("SELECT 1")).scalar<std::int64_t>(), 1);
}

TEST_P(ErrorTest, MissingAndUnknownBindsAreArgumentErrorsBeforeAnythingIsSent) {
  auto c = engine_->connect();
  auto stmt = text("INSERT INTO parents (code) VALUES (:code)");
  try {
    c.execute(stmt);
    FAIL();
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find(":code"), std::string::npos) << e.what();
  }
  try {
    c.execute(stmt, {{"code", "x"}, {"extra", 1}});
    FAIL();
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find(":extra"), std::string::npos) << e.what();
  }
  EXPECT_THROW(c.execute(stmt, {{"code", "x"}, {"code", "y"}}), ArgumentError);
  EXPECT_EQ(count(c, "parents"), 1);
}

TEST_P(ErrorTest, OneAndScalarReportMissingOrExtraRows) {
  auto c = engine_->connect();
  exec(c, "INSERT INTO parents (code) VALUES ('p2')");
  EXPECT_THROW(c.execute(text("SELECT id FROM parents WHERE id < 0")).one(), ResultError);
  EXPECT_THROW(c.execute(text("SELECT id FROM parents")).one(), ResultError);
  EXPECT_THROW(c.execute(text("SELECT id FROM parents")).one_or_none(), ResultError);
  EXPECT_FALSE(c.execute(text("SELECT id FROM parents WHERE id < 0")).one_or_none());
  EXPECT_THROW((void)c.execute(text("SELECT id FROM parents WHERE id < 0")).scalar<std::int64_t>(),
               ResultError);
  EXPECT_EQ(
      c.execute(text("SELECT id FROM parents WHERE id < 0")).scalar<std::optional<std::int64_t>>(),
      std::nullopt);
}

TEST_P(ErrorTest, MoreThanOneStatementInOneExecuteIsRefused) {
  auto c = engine_->connect();
  EXPECT_THROW(c.execute(text("SELECT 1; SELECT 2")), ProgrammingError);
}

TEST_P(ErrorTest, UnknownSchemeAndBadSettingsAreArgumentErrors) {
  EXPECT_THROW(create_engine("mysqlx://u@h/db"), ArgumentError);
  try {
    (void)create_engine("mysqlx://u@h/db");
  } catch (const ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("mysqlx"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("sqlite"), std::string::npos) << "lists the known ones";
  }
  EXPECT_THROW(make_engine({}, "pool_size=many"), ArgumentError);
  EXPECT_THROW(make_engine({}, "pool_pre_ping=maybe"), ArgumentError);
  EXPECT_THROW(make_engine({}, "pool_size=0"), ArgumentError);
}

TEST_P(ErrorTest, UnreachableDatabaseIsOperationalError) {
  std::string bad = backend() == "postgresql" ? std::string("postgresql://nobody@127.0.0.1:1/x")
                                              : std::string("sqlite:////proc/sqlcore/no/x.db");
  auto e = create_engine(bad, {.pool_timeout = std::chrono::milliseconds(100)});
  EXPECT_THROW(e.connect(), OperationalError);
  EXPECT_EQ(e.pool_status().open, 0) << "a failed connect leaves no slot taken";
}

TEST_P(ErrorTest, WrongPasswordIsOperationalErrorWithoutThePassword) {
  if (!server_sessions()) GTEST_SKIP() << "this backend has no credentials";
  Url u = Url::parse(postgres_url());
  std::string wrong = "wrong-pass-" + std::to_string(::getpid());
  std::string text_url = "postgresql://" + u.username().value_or("postgres") + ":" + wrong + "@" +
                         u.hosts().at(0).name + ":" + std::to_string(*u.hosts().at(0).port) + "/" +
                         u.database();
  auto e = create_engine(text_url);
  try {
    (void)e.connect();
    FAIL();
  } catch (const OperationalError& err) {
    std::string m = err.what();
    EXPECT_EQ(m.find(wrong), std::string::npos) << m;
    EXPECT_EQ(err.sqlstate(), "28P01") << m;
    EXPECT_NE(m.find("password authentication failed"), std::string::npos) << m;
  }
}

SQLCORE_BACKEND_TEST_SUITE(ErrorTest);

}  // namespace
}  // namespace sqlcore_test
