// The conformance fixture: one test body, run on every requested backend (sqlite-memory,
// sqlite-file, postgresql). Backend differences are fixture capabilities and type names, never
// `if (backend == ...)` in a test body.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <sqlcore/sqlcore.hpp>

namespace sqlcore_test {

/// The backends this run tests, fixed by main() before the tests are registered.
std::vector<std::string>& active_backends();
/// The URL of the PostgreSQL test server (SQLCORE_TEST_POSTGRES_URL).
const std::string& postgres_url();

class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  const std::string& backend() const { return GetParam(); }
  /// This test's database URL; `query` ("k=v&k2=v2") is appended.
  std::string url(const std::string& query = "") const;
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
  /// Reports the rowid of the last insert without RETURNING.
  bool has_last_insert_id() const { return backend() != "postgresql"; }

  // DDL spellings until the schema layer renders them.
  std::string t_pk() const;  // autoincrementing 64-bit primary key column type
  std::string t_bigint() const { return "BIGINT"; }
  std::string t_double() const;
  std::string t_bool() const { return "BOOLEAN"; }
  std::string t_text() const { return "TEXT"; }
  std::string t_blob() const;
  std::string t_timestamp() const;
  std::string t_date() const { return "DATE"; }
  std::string t_json() const;

  /// Executes DDL or other statements without parameters.
  static void exec(sqlcore::Connection& c, const std::string& sql) {
    c.execute(sqlcore::text(sql));
  }
  static std::int64_t count(sqlcore::Connection& c, const std::string& table) {
    return c.execute(sqlcore::text("SELECT COUNT(*) FROM " + table)).scalar<std::int64_t>();
  }

  std::string schema_;    // PostgreSQL: this test's own schema
  std::string file_dir_;  // sqlite-file: this test's own folder
};

std::string backend_test_name(const ::testing::TestParamInfo<std::string>& info);

}  // namespace sqlcore_test

#define SQLCORE_BACKEND_TEST_SUITE(Suite)                                          \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                        \
                           ::testing::ValuesIn(::sqlcore_test::active_backends()), \
                           ::sqlcore_test::backend_test_name)
