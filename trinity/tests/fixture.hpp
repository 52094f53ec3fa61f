// The trinity-db test fixture: a DatabaseManager on this test's own database, for every backend
// (sqlcore::testing's BackendTest gives the URL and cleans up).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <sqlcore/testing/backend.hpp>

#include "trinity/db/manager.hpp"

namespace trinity_test {

class TrinityTest : public sqlcore::test::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    manager_ = std::make_unique<trinity::db::DatabaseManager>(
        trinity::db::ManagerOptions{.url = url(), .migrate = true});
  }
  void TearDown() override {
    manager_.reset();
    BackendTest::TearDown();
  }

  trinity::db::DatabaseManager& dbm() { return *manager_; }
  const trinity::db::Schema& s() { return manager_->schema(); }

  /// Two users, ada and bob (with emails), for tests that need owners; returns their ids.
  std::pair<std::int64_t, std::int64_t> add_ada_and_bob() {
    return {manager_->users().create_user({.username = "ada", .email = "ada@example.com"}).id,
            manager_->users().create_user({.username = "bob", .email = "bob@example.com"}).id};
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
