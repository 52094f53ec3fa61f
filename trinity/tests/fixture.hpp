// The trinity-db test fixture: a DatabaseManager on this test's own database, for every backend
// (sqlcore::testing's BackendTest gives the URL and cleans up).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/testing/backend.hpp>

#include "trinity/db/manager.hpp"

namespace trinity_test {

/// One day in microseconds (sqlcore::Timestamp's unit).
inline constexpr std::int64_t kDay = 24LL * 60 * 60 * 1'000'000;

/// The message of the trinity::db::SecretError `fn` throws ("" when it throws none).
template <class F>
std::string secret_error(F&& fn) {
  try {
    fn();
  } catch (const trinity::db::SecretError& e) {
    return e.what();
  }
  return "";
}

class TrinityTest : public sqlcore::test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    manager_ = std::make_unique<trinity::db::DatabaseManager>(
        trinity::db::ManagerOptions{.url = url(), .migrate = true, .secrets = test_secrets()});
  }
  void TearDown() override {
    manager_.reset();
    BackendTest::TearDown();
  }

  /// The keys every test's manager seals secrets with: one random key per test process.
  static const trinity::db::Secrets& test_secrets() {
    static const trinity::db::Secrets secrets(trinity::db::SecretKey::generate());
    return secrets;
  }

  trinity::db::DatabaseManager& dbm() { return *manager_; }

  /// Replaces the manager with one on the same database whose URL adds `query` (pool_size,
  /// busy_timeout, ...). On an in-memory database that is a new, empty database.
  void reopen(const std::string& query) {
    manager_.reset();
    manager_ = std::make_unique<trinity::db::DatabaseManager>(
        trinity::db::ManagerOptions{.url = url(query), .migrate = true, .secrets = test_secrets()});
  }
  /// A manager whose pool gives every one of `threads` threads a connection (SQLite file
  /// writers wait for the lock); an in-memory database keeps its one shared connection.
  void reopen_for(int threads) {
    if (!many_connections()) return;
    std::string query = "pool_size=" + std::to_string(threads + 2);
    if (single_writer_file()) query += "&busy_timeout=120000";
    reopen(query);
  }

  /// `d` before now.
  static sqlcore::Timestamp ago(std::chrono::microseconds d) {
    return sqlcore::Timestamp(sqlcore::Timestamp::now().time_point() - d);
  }
  /// `t` moved by `d`.
  static sqlcore::Timestamp plus(sqlcore::Timestamp t, std::chrono::microseconds d) {
    return sqlcore::Timestamp(t.time_point() + d);
  }
  /// The latest midnight (UTC) at least three hours ago, so 3 to 27 hours ago: times within half
  /// an hour of it lie in the past, on two dates, and outside the windows of two hours or less
  /// that tests ask for, whatever the time of day the tests run (with ten minutes, as it was,
  /// tests failed between 00:00 and 02:01).
  static sqlcore::Timestamp past_midnight() {
    using namespace std::chrono_literals;
    return sqlcore::Timestamp::from_micros(ago(3h).micros() / kDay * kDay);
  }
  const trinity::db::Schema& s() { return manager_->schema(); }

  /// Two users, ada and bob (with emails), for tests that need owners; returns their ids.
  std::pair<std::int64_t, std::int64_t> add_ada_and_bob() {
    return {manager_->users().create_user({.username = "ada", .email = "ada@example.com"}).id,
            manager_->users().create_user({.username = "bob", .email = "bob@example.com"}).id};
  }

  /// Registers the agent `name` owned by `owner`: its agent_ownership row, written directly.
  void add_agent(const std::string& name, std::int64_t owner) {
    auto c = manager_->engine().connect();
    const auto& a = s().agent_ownership;
    c.execute(sqlcore::insert(a).values({{a.agent_name, name}, {a.owner_id, owner}}));
  }
  /// Soft-deletes the agent `name` (deleted_at set): every operation treats it as gone.
  void soft_delete_agent(const std::string& name) {
    auto c = manager_->engine().connect();
    const auto& a = s().agent_ownership;
    c.execute(sqlcore::update(a)
                  .set({{a.deleted_at, sqlcore::Timestamp::now()}})
                  .where(a.agent_name == name));
  }

  /// Rows in `table`, read on a connection of its own.
  std::int64_t rows(const std::string& table) {
    auto c = manager_->engine().connect();
    return count(c, table);
  }

  /// The kind of IntegrityError `fn` throws; nullopt when it throws none.
  static std::optional<sqlcore::IntegrityKind> integrity_error(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const sqlcore::IntegrityError& e) {
      return e.kind();
    }
    return std::nullopt;
  }

  std::unique_ptr<trinity::db::DatabaseManager> manager_;
};

}  // namespace trinity_test
