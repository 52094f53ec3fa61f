// A user's GoogleTest suite on an installed sqlcore::testing: one body, run on every backend of
// SQLCORE_TEST_BACKENDS (the install test runs it on SQLite), each test on its own database.
#include <sqlcore/testing/backend.hpp>

#include <string>

class ConsumerTest : public sqlcore::test::BackendTest {};

TEST_P(ConsumerTest, RoundTripsARow) {
  sqlcore::Engine engine = make_engine();
  sqlcore::Connection c = engine.connect();
  exec(c, "CREATE TABLE notes (id " + t_pk() + ", body " + t_text() + " NOT NULL)");
  c.execute(sqlcore::text("INSERT INTO notes (body) VALUES (:body)"), {{"body", "installed"}});
  EXPECT_EQ(count(c, "notes"), 1);
  EXPECT_EQ(c.execute(sqlcore::text("SELECT body FROM notes")).scalar<std::string>(), "installed");
}

TEST_P(ConsumerTest, EachTestStartsEmpty) {
  sqlcore::Engine engine = make_engine();
  sqlcore::Connection c = engine.connect();
  exec(c, "CREATE TABLE notes (id " + t_pk() + ")");
  EXPECT_EQ(count(c, "notes"), 0);
}

SQLCORE_BACKEND_TEST_SUITE(ConsumerTest);
