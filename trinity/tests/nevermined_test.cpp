// NeverminedOperations on every backend: configurations (upsert on the agent, the API key sealed
// at rest and returned only by get_config_with_key, a manager with another key refused with an
// error naming the column, unknown agents, bad input refused with nothing written, concurrent
// upserts), enabling and deleting, and the payment log (idempotent by tx_hash, else by execution
// and action, under retries and 8 concurrent callers; newest first; settlement failures; limits),
// the facade's transaction, and revision 0004 refusing a database that already holds duplicates.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sqlcore/migrate/migrate.hpp>
#include <sqlcore/sql/select.hpp>

#include "fixture.hpp"
#include "plans.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/migrations.hpp"
#include "trinity/db/nevermined.hpp"

using namespace sqlcore;
using trinity::db::NeverminedPaymentCreate;
using trinity::db::NeverminedPaymentLogEntry;
using trinity::db::NotFoundError;
using trinity::db::SecretError;
using trinity::db::SecretKey;
using trinity::db::Secrets;

namespace {

constexpr const char* kKey = "nvm-api-key-7f3a9c1e5b";
constexpr const char* kColumn = "nevermined_agent_config.encrypted_credentials";

class NeverminedTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    ada_ = dbm().users().create_user({.username = "ada"}).id;
    for (const char* name : {"alpha", "beta"}) add_agent(name, ada_);
  }
  trinity::db::NeverminedOperations& ops() { return dbm().nevermined(); }

  trinity::db::NeverminedConfig configure(const std::string& agent = "alpha",
                                          const std::string& key = kKey) {
    return ops().create_or_update_config(agent, key, "sandbox", "did:nv:agent-1", "plan-1", 2);
  }
  /// The stored (sealed) API key, read with a plain select.
  std::string raw_key(const std::string& agent) {
    auto c = dbm().engine().connect();
    const auto& t = s().nevermined_agent_config;
    return c.execute(select(t.encrypted_credentials).where(t.agent_name == agent))
        .scalar<std::string>();
  }
  static std::vector<std::string> ids(const std::vector<NeverminedPaymentLogEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.id);
    return out;
  }

  std::int64_t ada_ = 0;
};

// ---- configurations --------------------------------------------------------------------------

TEST_P(NeverminedTest, ConfigIsCreatedReadAndUpdatedInPlace) {
  EXPECT_FALSE(ops().get_config("alpha"));
  EXPECT_FALSE(ops().get_config_with_key("alpha"));

  const Timestamp before = Timestamp::now();
  const auto made = configure();
  EXPECT_EQ(made.id.size(), 32u);
  EXPECT_EQ(made.agent_name, "alpha");
  EXPECT_EQ(made.nvm_environment, "sandbox");
  EXPECT_EQ(made.nvm_agent_id, "did:nv:agent-1");
  EXPECT_EQ(made.nvm_plan_id, "plan-1");
  EXPECT_EQ(made.credits_per_request, 2);
  EXPECT_FALSE(made.enabled);  // a new configuration starts disabled
  EXPECT_GE(made.created_at.micros(), before.micros() - 1'000'000);

  const auto read = ops().get_config("alpha");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->id, made.id);
  EXPECT_EQ(read->created_at, made.created_at);
  const auto with_key = ops().get_config_with_key("alpha");
  ASSERT_TRUE(with_key);
  EXPECT_EQ(with_key->nvm_api_key, kKey);
  EXPECT_EQ(with_key->nvm_plan_id, "plan-1");

  // Updating: the same row, its enabled flag and created_at kept, the rest replaced.
  ASSERT_TRUE(ops().set_enabled("alpha", true));
  const auto updated =
      ops().create_or_update_config(" alpha ", "new-key", "live", "did:nv:agent-2", "plan-2");
  EXPECT_EQ(updated.id, made.id);
  EXPECT_EQ(updated.created_at, made.created_at);
  EXPECT_TRUE(updated.enabled);
  EXPECT_EQ(updated.nvm_environment, "live");
  EXPECT_EQ(updated.nvm_agent_id, "did:nv:agent-2");
  EXPECT_EQ(updated.nvm_plan_id, "plan-2");
  EXPECT_EQ(updated.credits_per_request, 1);  // the default
  EXPECT_GE(updated.updated_at, made.updated_at);
  EXPECT_EQ(ops().get_config_with_key("alpha")->nvm_api_key, "new-key");
  EXPECT_EQ(rows("nevermined_agent_config"), 1);
  EXPECT_FALSE(ops().get_config("beta"));
}

TEST_P(NeverminedTest, OnlyRegisteredAgentsAreConfigured) {
  EXPECT_THROW(configure("ghost"), NotFoundError);
  soft_delete_agent("beta");
  EXPECT_THROW(configure("beta"), NotFoundError);
  EXPECT_EQ(rows("nevermined_agent_config"), 0);
  EXPECT_FALSE(ops().get_config("ghost"));
  EXPECT_FALSE(ops().set_enabled("ghost", true));
  EXPECT_FALSE(ops().delete_config("ghost"));
}

TEST_P(NeverminedTest, BadConfigInputIsRefusedWithNothingWritten) {
  auto refused = [&](auto&& fn) {
    try {
      fn();
      ADD_FAILURE() << "not refused";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()).find(kKey), std::string::npos) << e.what();
    }
  };
  auto& o = ops();
  refused([&] { o.create_or_update_config("", kKey, "sandbox", "a", "p"); });
  refused([&] { o.create_or_update_config("alpha", "", "sandbox", "a", "p"); });
  refused([&] { o.create_or_update_config("alpha", "   ", "sandbox", "a", "p"); });
  refused([&] { o.create_or_update_config("alpha", kKey, "", "a", "p"); });
  refused([&] { o.create_or_update_config("alpha", kKey, "sandbox", " ", "p"); });
  refused([&] { o.create_or_update_config("alpha", kKey, "sandbox", "a", ""); });
  refused([&] { o.create_or_update_config("alpha", kKey, "sandbox", "a", "p", 0); });
  refused([&] { o.create_or_update_config("alpha", kKey, "sandbox", "a", "p", -5); });
  EXPECT_EQ(rows("nevermined_agent_config"), 0);
}

TEST_P(NeverminedTest, TheApiKeyIsSealedAtRest) {
  configure();
  const std::string raw = raw_key("alpha");
  EXPECT_EQ(raw.find(kKey), std::string::npos) << raw;
  EXPECT_TRUE(Secrets::is_sealed(raw));
  EXPECT_EQ(Secrets::key_id_of(raw), test_secrets().current_key_id());
  EXPECT_EQ(test_secrets().open(raw, kColumn), kKey);
}

TEST_P(NeverminedTest, AnotherKeyCannotReadTheApiKey) {
  if (in_memory()) GTEST_SKIP() << "the in-memory database goes with the first manager";
  configure();
  manager_.reset();
  manager_ = std::make_unique<trinity::db::DatabaseManager>(
      trinity::db::ManagerOptions{.url = url(), .secrets = Secrets(SecretKey::generate())});
  ASSERT_TRUE(ops().get_config("alpha"));  // the key is not needed for the rest
  EXPECT_FALSE(ops().is_nevermined_enabled("alpha"));
  try {
    (void)ops().get_config_with_key("alpha");
    ADD_FAILURE() << "no SecretError";
  } catch (const SecretError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(kColumn), std::string::npos) << message;
    EXPECT_EQ(message.find(kKey), std::string::npos) << message;
  }
  // Without a key at all, storing a key is refused before anything is written.
  manager_.reset();
  manager_ = std::make_unique<trinity::db::DatabaseManager>(
      trinity::db::ManagerOptions{.url = url(), .secrets = Secrets()});
  EXPECT_THROW(configure("beta"), SecretError);
  EXPECT_EQ(rows("nevermined_agent_config"), 1);
}

TEST_P(NeverminedTest, EnablingAndDeleting) {
  EXPECT_FALSE(ops().is_nevermined_enabled("alpha"));
  configure();
  EXPECT_FALSE(ops().is_nevermined_enabled("alpha"));
  EXPECT_TRUE(ops().set_enabled("alpha", true));
  EXPECT_TRUE(ops().is_nevermined_enabled("alpha"));
  EXPECT_TRUE(ops().get_config("alpha")->enabled);
  EXPECT_TRUE(ops().set_enabled("alpha", true));  // already on: the row is still there
  EXPECT_TRUE(ops().set_enabled("alpha", false));
  EXPECT_FALSE(ops().is_nevermined_enabled("alpha"));
  EXPECT_FALSE(ops().is_nevermined_enabled("beta"));

  ops().log_payment({.agent_name = "alpha", .action = "settle", .success = true, .tx_hash = "0x1"});
  EXPECT_TRUE(ops().delete_config("alpha"));
  EXPECT_FALSE(ops().delete_config("alpha"));
  EXPECT_FALSE(ops().get_config("alpha"));
  EXPECT_FALSE(ops().is_nevermined_enabled("alpha"));
  EXPECT_EQ(ops().get_payment_log("alpha").size(), 1u);  // the log stays
}

TEST_P(NeverminedTest, ConcurrentUpsertsOfOneAgentMakeOneRow) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      try {
        const std::string n = std::to_string(i);
        dbm().nevermined().create_or_update_config("alpha", "key-" + n, "sandbox", "agent",
                                                   "plan-" + n);
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(rows("nevermined_agent_config"), 1);
  const auto c = ops().get_config_with_key("alpha");
  ASSERT_TRUE(c);
  // One writer's values, the key with its own plan.
  EXPECT_EQ(c->nvm_plan_id.substr(5), c->nvm_api_key.substr(4));
}

// ---- the payment log -------------------------------------------------------------------------

TEST_P(NeverminedTest, PaymentsAreLoggedAndReadNewestFirst) {
  EXPECT_TRUE(ops().get_payment_log("alpha").empty());
  EXPECT_FALSE(ops().get_payment_log_entry("nope"));

  const auto first = ops().log_payment({.agent_name = "alpha",
                                        .action = "settle",
                                        .success = true,
                                        .execution_id = "exec-1",
                                        .subscriber_address = "0xsub",
                                        .credits_amount = 3,
                                        .tx_hash = "0xaaa",
                                        .remaining_balance = 97});
  EXPECT_EQ(first.id.size(), 32u);
  EXPECT_EQ(first.agent_name, "alpha");
  EXPECT_EQ(first.execution_id, "exec-1");
  EXPECT_EQ(first.action, "settle");
  EXPECT_EQ(first.subscriber_address, "0xsub");
  EXPECT_EQ(first.credits_amount, 3);
  EXPECT_EQ(first.tx_hash, "0xaaa");
  EXPECT_EQ(first.remaining_balance, 97);
  EXPECT_TRUE(first.success);
  EXPECT_FALSE(first.error);
  const auto second = ops().log_payment({.agent_name = "alpha", .action = "verify"});
  EXPECT_FALSE(second.success);
  EXPECT_FALSE(second.execution_id);
  EXPECT_FALSE(second.credits_amount);
  const auto third = ops().log_payment(
      {.agent_name = "alpha", .action = "settle", .success = false, .error = "insufficient"});
  ops().log_payment({.agent_name = "beta", .action = "verify", .success = true});

  const auto got = ops().get_payment_log_entry(first.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->tx_hash, "0xaaa");
  EXPECT_EQ(got->created_at, first.created_at);
  EXPECT_EQ(ids(ops().get_payment_log("alpha")),
            (std::vector<std::string>{third.id, second.id, first.id}));
  EXPECT_EQ(ids(ops().get_payment_log("alpha", 2)),
            (std::vector<std::string>{third.id, second.id}));
  EXPECT_TRUE(ops().get_payment_log("alpha", 0).empty());
  EXPECT_TRUE(ops().get_payment_log("ghost").empty());  // any name: a log outlives its agent
  EXPECT_EQ(ops().get_payment_log("beta").size(), 1u);
  EXPECT_THROW((void)ops().get_payment_log("alpha", -1), std::invalid_argument);
}

TEST_P(NeverminedTest, ARetriedPaymentWithATxHashIsLoggedOnce) {
  const NeverminedPaymentCreate p{.agent_name = "alpha",
                                  .action = "settle",
                                  .success = true,
                                  .execution_id = "exec-1",
                                  .credits_amount = 1,
                                  .tx_hash = "0xabc"};
  const auto first = ops().log_payment(p);
  const auto again = ops().log_payment(p);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.created_at, first.created_at);
  // A repeat with other details returns the first entry as it was stored.
  auto changed = p;
  changed.credits_amount = 99;
  changed.execution_id = "exec-2";
  const auto third = ops().log_payment(changed);
  EXPECT_EQ(third.id, first.id);
  EXPECT_EQ(third.credits_amount, 1);
  EXPECT_EQ(rows("nevermined_payment_log"), 1);
  // Another hash is another payment.
  changed.tx_hash = "0xdef";
  EXPECT_NE(ops().log_payment(changed).id, first.id);
  EXPECT_EQ(rows("nevermined_payment_log"), 2);
}

TEST_P(NeverminedTest, WithoutATxHashAPaymentIsKeyedByExecutionAndAction) {
  const NeverminedPaymentCreate failed{.agent_name = "alpha",
                                       .action = "settle",
                                       .success = false,
                                       .execution_id = "exec-1",
                                       .error = "timeout"};
  const auto first = ops().log_payment(failed);
  EXPECT_EQ(ops().log_payment(failed).id, first.id);
  auto other = failed;
  other.error = "another error";
  EXPECT_EQ(ops().log_payment(other).id, first.id);  // the first outcome is kept
  EXPECT_EQ(ops().get_payment_log_entry(first.id)->error, "timeout");
  EXPECT_EQ(rows("nevermined_payment_log"), 1);

  other.action = "verify";  // another action of the execution
  const auto verify = ops().log_payment(other);
  EXPECT_NE(verify.id, first.id);
  other.action = "settle";
  other.execution_id = "exec-2";  // another execution
  EXPECT_NE(ops().log_payment(other).id, first.id);
  // The settlement that then succeeds has a tx_hash: its own entry.
  auto settled = failed;
  settled.success = true;
  settled.error = std::nullopt;
  settled.tx_hash = "0xfeed";
  const auto ok = ops().log_payment(settled);
  EXPECT_NE(ok.id, first.id);
  EXPECT_EQ(ops().log_payment(settled).id, ok.id);
  EXPECT_EQ(rows("nevermined_payment_log"), 4);

  // Neither a tx_hash nor an execution: no external id, every call is an entry.
  const NeverminedPaymentCreate bare{.agent_name = "alpha", .action = "verify"};
  EXPECT_NE(ops().log_payment(bare).id, ops().log_payment(bare).id);
  EXPECT_EQ(rows("nevermined_payment_log"), 6);
}

TEST_P(NeverminedTest, EightConcurrentLoggersOfOnePaymentMakeOneEntry) {
  for (const bool with_hash : {true, false}) {
    NeverminedPaymentCreate p{.agent_name = "alpha",
                              .action = with_hash ? "settle" : "burn",
                              .success = with_hash,
                              .execution_id = "exec-9"};
    if (with_hash) p.tx_hash = "0x999";
    std::vector<std::string> got(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < got.size(); ++i)
      threads.emplace_back([&, i] {
        try {
          got[i] = dbm().nevermined().log_payment(p).id;
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
        }
      });
    for (auto& th : threads) th.join();
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), 1u) << with_hash;
    EXPECT_EQ(got[0].size(), 32u);
  }
  EXPECT_EQ(rows("nevermined_payment_log"), 2);
}

TEST_P(NeverminedTest, SettlementFailuresNewestFirst) {
  EXPECT_TRUE(ops().get_settlement_failures().empty());
  const auto a = ops().log_payment(
      {.agent_name = "alpha", .action = "settle", .success = false, .error = "rpc down"});
  ops().log_payment({.agent_name = "alpha", .action = "settle", .success = true, .tx_hash = "0x1"});
  ops().log_payment({.agent_name = "alpha", .action = "verify", .success = false});
  const auto b = ops().log_payment({.agent_name = "beta",
                                    .action = "settle",
                                    .success = false,
                                    .execution_id = "exec-3",
                                    .error = "balance"});
  EXPECT_EQ(ids(ops().get_settlement_failures()), (std::vector<std::string>{b.id, a.id}));
  EXPECT_EQ(ids(ops().get_settlement_failures(1)), (std::vector<std::string>{b.id}));
  EXPECT_TRUE(ops().get_settlement_failures(0).empty());
  EXPECT_THROW((void)ops().get_settlement_failures(-1), std::invalid_argument);
}

TEST_P(NeverminedTest, BadPaymentsAreRefusedWithNothingWritten) {
  auto& o = ops();
  EXPECT_THROW(o.log_payment({.agent_name = "", .action = "settle"}), std::invalid_argument);
  EXPECT_THROW(o.log_payment({.agent_name = "alpha", .action = " "}), std::invalid_argument);
  EXPECT_THROW(o.log_payment({.agent_name = "alpha", .action = "settle", .tx_hash = ""}),
               std::invalid_argument);
  EXPECT_THROW(o.log_payment({.agent_name = "alpha", .action = "settle", .execution_id = ""}),
               std::invalid_argument);
  EXPECT_THROW(o.log_payment({.agent_name = "alpha", .action = "settle", .credits_amount = -1}),
               std::invalid_argument);
  EXPECT_EQ(rows("nevermined_payment_log"), 0);
}

TEST_P(NeverminedTest, EverythingRollsBackWithTheFacadeTransaction) {
  EXPECT_THROW(dbm().transaction([&] {
    configure();
    ops().log_payment({.agent_name = "alpha", .action = "settle", .tx_hash = "0x5"});
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(rows("nevermined_agent_config"), 0);
  EXPECT_EQ(rows("nevermined_payment_log"), 0);
  // Inside a transaction a repeat finds the uncommitted entry.
  dbm().transaction([&] {
    const auto a = ops().log_payment({.agent_name = "alpha", .action = "settle", .tx_hash = "0x6"});
    EXPECT_EQ(ops().log_payment({.agent_name = "alpha", .action = "settle", .tx_hash = "0x6"}).id,
              a.id);
  });
  EXPECT_EQ(rows("nevermined_payment_log"), 1);
}

// The statements get_payment_log and get_settlement_failures build (nevermined.cpp), EXPLAINed on
// PostgreSQL: each reaches its rows through an index.
TEST_P(NeverminedTest, TheLogReadsUseIndexesOnPostgresql) {
  auto c = dbm().engine().connect();
  if (c.dialect().name() != "postgresql") GTEST_SKIP() << "EXPLAIN's output is PostgreSQL's";
  const auto& l = s().nevermined_payment_log;
  const auto failures = select(l.id)
                            .select_from(l)
                            .where(l.action == std::string("settle") && l.success == false)
                            .order_by({l.created_at.desc(), l.id.desc()})
                            .limit(50);
  std::string plan = trinity_test::postgres_plan(c, failures, {Value("settle"), Value(false)});
  EXPECT_NE(plan.find("idx_nvm_payment_log_outcome"), std::string::npos) << plan;
  const auto log = select(l.id)
                       .select_from(l)
                       .where(l.agent_name == std::string("alpha"))
                       .order_by({l.created_at.desc(), l.id.desc()})
                       .limit(50);
  plan = trinity_test::postgres_plan(c, log, {Value("alpha")});
  EXPECT_NE(plan.find("idx_nvm_payment_log_agent"), std::string::npos) << plan;
}

// ---- revision 0004 ---------------------------------------------------------------------------

// A database at 0003 that already holds one payment twice: the upgrade names the duplicates and
// changes nothing; once the operator removed them it goes through.
TEST_P(NeverminedTest, Revision0004RefusesDuplicatesItCannotIndex) {
  migrate::Migrator migrator(dbm().engine(), trinity::db::history());
  migrator.downgrade("0003_dashboard_retention_index");
  const auto& l = s().nevermined_payment_log;
  auto add = [&](const char* id, std::optional<std::string> tx, std::optional<std::string> exec,
                 const char* action) {
    auto c = dbm().engine().connect();
    c.execute(insert(l).values({{l.id, std::string(id)},
                                {l.agent_name, std::string("alpha")},
                                {l.execution_id, exec},
                                {l.action, std::string(action)},
                                {l.tx_hash, tx}}));
  };
  add("row-1", "0xdup", std::nullopt, "settle");
  add("row-2", "0xdup", std::nullopt, "settle");
  add("row-3", std::nullopt, "exec-7", "settle");
  add("row-4", std::nullopt, "exec-7", "settle");
  add("row-5", std::nullopt, "exec-7", "verify");  // another action: no duplicate
  add("row-6", "0xone", "exec-7", "settle");       // has a tx_hash: not keyed by execution
  add("row-7", std::nullopt, std::nullopt, "verify");
  add("row-8", std::nullopt, std::nullopt, "verify");  // no external id: no duplicate
  try {
    migrator.upgrade();
    ADD_FAILURE() << "upgraded over duplicates";
  } catch (const std::exception& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("0004_payment_log_idempotence"), std::string::npos) << message;
    EXPECT_NE(message.find("2 payment(s)"), std::string::npos) << message;
    EXPECT_NE(message.find("tx_hash '0xdup': rows row-1 row-2"), std::string::npos) << message;
    EXPECT_NE(message.find("execution 'exec-7' action 'settle' (no tx_hash): rows row-3 row-4"),
              std::string::npos)
        << message;
    EXPECT_EQ(message.find("row-5"), std::string::npos) << message;
    EXPECT_EQ(message.find("row-7"), std::string::npos) << message;
  }
  EXPECT_EQ(migrator.current(), std::optional<std::string>("0003_dashboard_retention_index"));
  EXPECT_EQ(rows("nevermined_payment_log"), 8);
  {
    auto c = dbm().engine().connect();
    c.execute(delete_from(l).where(l.id.in_({Value("row-2"), Value("row-4")})));
  }
  migrator.upgrade();
  EXPECT_EQ(migrator.current(), trinity::db::history().head());
  EXPECT_EQ(rows("nevermined_payment_log"), 6);
  // The kept rows are what a retry now finds.
  EXPECT_EQ(ops().log_payment({.agent_name = "alpha", .action = "settle", .tx_hash = "0xdup"}).id,
            "row-1");
  EXPECT_EQ(
      ops().log_payment({.agent_name = "alpha", .action = "settle", .execution_id = "exec-7"}).id,
      "row-3");
}

SQLCORE_BACKEND_TEST_SUITE(NeverminedTest);

}  // namespace
