// sqlcore::testing: one GoogleTest body run on every configured backend (sqlite-memory,
// sqlite-file, postgresql), each test on a database of its own. Link the CMake target
// sqlcore::testing; it brings GoogleTest, the drivers and a main() (docs/testing.md).
//
//   #include <sqlcore/testing/backend.hpp>
//
//   class OrdersTest : public sqlcore::test::BackendTest {};
//
//   TEST_P(OrdersTest, RoundTrips) {
//     auto engine = make_engine();                // this test's own database on GetParam()
//     auto c = engine.connect();
//     ...
//   }
//   SQLCORE_BACKEND_TEST_SUITE(OrdersTest);        // one instance per active backend
//
// Which backends run comes from the environment, read by run_all_tests() (the main() the target
// supplies calls it):
//   SQLCORE_TEST_BACKENDS      comma-separated: sqlite (= sqlite-memory,sqlite-file),
//                              sqlite-memory, sqlite-file, postgresql. Default: sqlite,postgresql.
//   SQLCORE_TEST_ONLY          one backend of those: run only it (one CTest entry per backend);
//                              one that SQLCORE_TEST_BACKENDS leaves out exits 77 (skipped).
//   SQLCORE_TEST_POSTGRES_URL  the PostgreSQL server; each test gets a schema of its own there,
//                              dropped afterwards. Required when postgresql is requested: a
//                              missing or unreachable server fails the run (exit 1).
//   SQLCORE_TEST_POSTGRES_VIA  `pooler`: the postgresql tests reach the server through the
//                              pooler at SQLCORE_TEST_POSTGRES_POOLER_URL (PgBouncer in
//                              transaction mode; required then), with pooler=transaction in
//                              their URLs. Each test gets a database of its own instead of a
//                              schema (a pooler passes no startup options).
//   SQLCORE_TEST_POSTGRES_REPLICA_URL  a streaming hot-standby replica of that server, for the
//                              tests of read replicas (replica_url()); without it they skip,
//                              unless SQLCORE_TEST_REQUIRE_REPLICA is set: then the run fails.
//
// Backend differences are fixture capabilities (many_connections(), single_writer_file(), ...),
// never `if (backend() == ...)` in a test body. The namespace is sqlcore::test (not
// sqlcore::testing, which `using namespace sqlcore;` would make ambiguous with GoogleTest's
// ::testing).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <sqlcore/sqlcore.hpp>

namespace sqlcore::test {

/// The backends this run tests, fixed by run_all_tests() before the tests are registered.
std::vector<std::string>& active_backends();
/// The URL of the PostgreSQL test server (SQLCORE_TEST_POSTGRES_URL); empty when unset.
const std::string& postgres_url();
/// The pooler in front of it when the tests go through one (SQLCORE_TEST_POSTGRES_VIA=pooler,
/// SQLCORE_TEST_POSTGRES_POOLER_URL); empty otherwise.
const std::string& postgres_pooler_url();
/// A streaming replica of it (SQLCORE_TEST_POSTGRES_REPLICA_URL); empty when unset.
const std::string& postgres_replica_url();

/// Decides the backends from the environment (above), checks that a requested PostgreSQL server
/// answers, initialises GoogleTest with argc/argv and runs every test. Returns the process's
/// exit code: RUN_ALL_TESTS()'s, 77 when SQLCORE_TEST_ONLY names a backend not requested, 1 when
/// PostgreSQL is requested but not reachable, 2 for an unknown backend name. The main() of
/// sqlcore::testing returns it; a program with its own main() calls it instead.
int run_all_tests(int argc, char** argv);

/// The fixture: derive a test class from it, write TEST_P bodies and instantiate the suite with
/// SQLCORE_BACKEND_TEST_SUITE. SetUp() makes this test's database (a PostgreSQL schema, a SQLite
/// folder); TearDown() removes it. Override both by calling these first / last.
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// "sqlite-memory", "sqlite-file" or "postgresql".
  const std::string& backend() const { return GetParam(); }
  /// This test's database URL; `query` ("k=v&k2=v2") is appended.
  std::string url(const std::string& query = "") const;
  /// A read replica's URL for this test, "" when the backend has none here: PostgreSQL's
  /// streaming replica (with this test's schema); for sqlite-file, a second file in this test's
  /// folder, which is no replica (a test fills it itself: streaming_replica() is false).
  std::string replica_url(const std::string& query = "") const;
  /// The replica receives the primary's writes by itself (PostgreSQL streaming replication).
  bool streaming_replica() const { return backend() == "postgresql"; }
  /// Whether `c` reads from the replica of replica_url() rather than from this test's database.
  bool on_replica(sqlcore::Connection& c) const;
  sqlcore::Engine make_engine(const sqlcore::EngineOptions& options = {},
                              const std::string& query = "") const;
  /// A second, independent way in (the PostgreSQL superuser outside this test's schema).
  sqlcore::Engine admin_engine() const;

  // Capabilities.
  bool in_memory() const { return backend() == "sqlite-memory"; }
  /// Several connections see one database (false for in-memory SQLite: one shared connection).
  bool many_connections() const { return !in_memory(); }
  /// One writer at a time per database, waiting up to busy_timeout (SQLite files).
  bool single_writer_file() const { return backend() == "sqlite-file"; }
  /// A server whose sessions can be killed from another session.
  bool server_sessions() const { return backend() == "postgresql"; }
  /// A Connection keeps one server session from checkout to checkin (false behind a pooler in
  /// transaction mode, which hands each transaction the session it has free): session settings,
  /// temporary tables and pg_backend_pid() last beyond a transaction.
  bool session_per_connection() const { return database_.empty(); }
  /// Reports the rowid of the last insert without RETURNING.
  bool has_last_insert_id() const { return backend() != "postgresql"; }

  // Column types for hand-written DDL (tables declared as sqlcore metadata need none of these).
  std::string t_pk() const;  // autoincrementing 64-bit primary key column type
  std::string t_bigint() const { return "BIGINT"; }
  std::string t_double() const;
  std::string t_bool() const { return "BOOLEAN"; }
  std::string t_text() const { return "TEXT"; }
  std::string t_blob() const;
  std::string t_timestamp() const;
  std::string t_date() const { return "DATE"; }
  std::string t_json() const;

  /// PostgreSQL: ends the server session `pid` through `admin` (pg_terminate_backend) and waits
  /// until the server has let it go, so that a test does not race it.
  static void end_server_session(sqlcore::Engine& admin, std::int64_t pid);

  /// Executes DDL or other statements without parameters.
  static void exec(sqlcore::Connection& c, const std::string& sql) {
    c.execute(sqlcore::text(sql));
  }
  static std::int64_t count(sqlcore::Connection& c, const std::string& table) {
    return c.execute(sqlcore::text("SELECT COUNT(*) FROM " + table)).scalar<std::int64_t>();
  }

  /// The query of this test's PostgreSQL URLs (its schema, SQLCORE_TEST_POSTGRES_QUERY), then
  /// `query`.
  std::string postgres_query(const std::string& query) const;

  std::string schema_;    // PostgreSQL: this test's own schema
  std::string database_;  // PostgreSQL through a pooler: this test's own database
  std::string file_dir_;  // sqlite-file: this test's own folder
};

/// The test name suffix for a backend ("sqlite_memory"): GoogleTest names allow no '-'.
std::string backend_test_name(const ::testing::TestParamInfo<std::string>& info);

}  // namespace sqlcore::test

/// Instantiates the TEST_P tests of `Suite` once per active backend.
#define SQLCORE_BACKEND_TEST_SUITE(Suite)                                           \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                         \
                           ::testing::ValuesIn(::sqlcore::test::active_backends()), \
                           ::sqlcore::test::backend_test_name)
