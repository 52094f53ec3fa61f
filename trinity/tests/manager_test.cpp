// DatabaseManager start-up on every backend: the URL from DATABASE_URL (else the SQLite default),
// pool settings from the environment, the schema brought to head, a refusal naming the command to
// run when told not to migrate with revisions pending, and clear errors for a database that
// cannot be reached or a bad setting -- never showing a password.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include <sqlcore/testing/backend.hpp>
#include <sqlcore/testing/scoped_env.hpp>

#include "trinity/db/manager.hpp"
#include "trinity/db/migrations.hpp"

using namespace sqlcore;

namespace {

using sqlcore::test::ScopedEnv;

std::string startup_error(const trinity::db::ManagerOptions& options) {
  try {
    trinity::db::DatabaseManager dbm(options);
  } catch (const trinity::db::StartupError& e) {
    return e.what();
  }
  return "<started>";
}

TEST(TrinityManagerStartup, UrlComesFromDatabaseUrlElseTheSqliteDefault) {
  {
    ScopedEnv unset("DATABASE_URL", nullptr);
    EXPECT_EQ(trinity::db::database_url(), "sqlite:///data/trinity.db");
  }
  {
    ScopedEnv empty("DATABASE_URL", "");
    EXPECT_EQ(trinity::db::database_url(), "sqlite:///data/trinity.db");
  }
  ScopedEnv set("DATABASE_URL", "postgresql://trinity@db/trinity");
  EXPECT_EQ(trinity::db::database_url(), "postgresql://trinity@db/trinity");
}

TEST(TrinityManagerStartup, PoolSizesComeFromTheEnvironmentWithPostgresDefaults) {
  ScopedEnv size("DB_POOL_SIZE", nullptr);
  ScopedEnv overflow("DB_MAX_OVERFLOW", nullptr);
  auto pg = trinity::db::engine_options_from_env(Url::parse("postgresql://u@h/d"));
  EXPECT_EQ(pg.pool_size, 10);
  EXPECT_EQ(pg.max_overflow, 20);
  auto lite = trinity::db::engine_options_from_env(Url::parse("sqlite:///x.db"));
  EXPECT_EQ(lite.pool_size, std::nullopt);  // sqlcore's SQLite defaults
  {
    ScopedEnv s("DB_POOL_SIZE", "3");
    ScopedEnv o("DB_MAX_OVERFLOW", "0");
    auto set = trinity::db::engine_options_from_env(Url::parse("postgresql://u@h/d"));
    EXPECT_EQ(set.pool_size, 3);
    EXPECT_EQ(set.max_overflow, 0);
  }
  ScopedEnv bad("DB_POOL_SIZE", "ten");
  try {
    trinity::db::engine_options_from_env(Url::parse("postgresql://u@h/d"));
    ADD_FAILURE() << "accepted DB_POOL_SIZE=ten";
  } catch (const trinity::db::StartupError& e) {
    EXPECT_NE(std::string(e.what()).find("DB_POOL_SIZE"), std::string::npos) << e.what();
  }
}

TEST(TrinityManagerStartup, AnUnreachableOrMalformedUrlIsAClearErrorWithoutThePassword) {
  const std::string unreachable =
      startup_error({.url = "postgresql://trinity:sekret@127.0.0.1:1/trinity"});
  EXPECT_NE(unreachable.find("cannot open the database"), std::string::npos) << unreachable;
  EXPECT_NE(unreachable.find("127.0.0.1"), std::string::npos) << unreachable;
  EXPECT_EQ(unreachable.find("sekret"), std::string::npos) << unreachable;
  const std::string malformed = startup_error({.url = "postgresql://trinity:sekret@host:port/x"});
  EXPECT_NE(malformed.find("not a valid database URL"), std::string::npos) << malformed;
  EXPECT_EQ(malformed.find("sekret"), std::string::npos) << malformed;
}

class TrinityManagerTest : public sqlcore::test::BackendTest {};

TEST_P(TrinityManagerTest, MigratesToHeadOrRefusesWithTheCommandToRun) {
  if (in_memory()) GTEST_SKIP() << "each engine on the in-memory backend has its own database";
  const std::string refused = startup_error({.url = url(), .migrate = false});
  EXPECT_NE(refused.find("pending"), std::string::npos) << refused;
  EXPECT_NE(refused.find("trinity-db migrate"), std::string::npos) << refused;
  {
    trinity::db::DatabaseManager dbm({.url = url()});
    EXPECT_EQ(migrate::Migrator(dbm.engine(), trinity::db::history()).current(),
              trinity::db::history().head());
  }
  // At head, starting without migrating is fine.
  trinity::db::DatabaseManager again({.url = url(), .migrate = false});
  EXPECT_TRUE(again.users().list_users().empty());
}

// Reads made with one statement run without a transaction of their own (Db::read), yet inside
// transaction() they see its uncommitted work, and what they saw is gone after a rollback.
TEST_P(TrinityManagerTest, ReadsInsideATransactionSeeItsWork) {
  trinity::db::DatabaseManager dbm({.url = url()});
  try {
    dbm.transaction([&] {
      dbm.settings().set_setting("theme", "dark");
      EXPECT_EQ(dbm.settings().get_setting_value("theme"), "dark");
      auto ada = dbm.users().create_user({.username = "ada"});
      EXPECT_EQ(dbm.users().get_user_by_id(ada.id)->username, "ada");
      throw std::runtime_error("undo");
    });
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(dbm.settings().get_setting_value("theme"), std::nullopt);
  EXPECT_FALSE(dbm.users().get_user_by_username("ada"));
}

// An operation used inside another's unit of work joins it (a savepoint on the same connection)
// instead of taking a second connection that would wait for the first's lock.
TEST_P(TrinityManagerTest, AnOperationInsideAnotherJoinsItsUnitOfWork) {
  trinity::db::DatabaseManager dbm({.url = url()});
  const auto n = dbm.db().run([&](Connection& c) {
    dbm.settings().set_setting("a", "1");
    dbm.settings().set_setting("b", "2");
    return c.execute(text("SELECT COUNT(*) FROM system_settings")).scalar<std::int64_t>();
  });
  EXPECT_EQ(n, 2);
  EXPECT_THROW(dbm.db().run([&](Connection&) -> int {
    dbm.settings().set_setting("c", "3");
    throw std::runtime_error("undo");
  }),
               std::runtime_error);
  EXPECT_EQ(dbm.settings().get_settings_dict().size(), 2u);
}

SQLCORE_BACKEND_TEST_SUITE(TrinityManagerTest);

}  // namespace
