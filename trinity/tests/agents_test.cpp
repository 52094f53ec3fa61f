// AgentOperations on every backend: ownership, the access rules (owner, shared user, admin,
// stranger, system agent, soft-deleted agent) for each check, sharing (case-insensitive emails,
// duplicates, concurrent sharers), the settings with their defaults and ranges, avatars, and
// renaming and deleting an agent across every table that names it (a row seeded in each of the
// 45 tables), all or nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/select.hpp>

#include "fixture.hpp"
#include "seed.hpp"
#include "trinity/db/agents.hpp"
#include "trinity/db/errors.hpp"

using namespace sqlcore;
using trinity::db::AgentOperations;
using trinity::db::DuplicateError;
using Names = std::vector<std::string>;

namespace {

class TrinityAgentsTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    ada_ = dbm().users().create_user({.username = "ada", .email = "ada@example.com"}).id;
    bob_ = dbm().users().create_user({.username = "bob", .email = "Bob@Example.com"}).id;
    root_ = dbm().users().create_user({.username = "root", .role = "admin"}).id;
    eve_ = dbm().users().create_user({.username = "eve", .email = "eve@example.com"}).id;
  }
  AgentOperations& ops() { return dbm().agents(); }

  // Rows naming `agent`, per "table.column", over every text column of every table.
  std::map<std::string, std::int64_t> names(const std::string& agent) {
    std::map<std::string, std::int64_t> out;
    auto c = dbm().engine().connect();
    for (const Table* t : s().metadata.tables())
      for (const Column* col : t->columns()) {
        const auto kind = col->type().kind();
        if (kind != TypeKind::text && kind != TypeKind::string) continue;
        const auto n =
            c.execute(select(sqlcore::count()).select_from(*t).where(Expr(*col) == agent))
                .scalar<std::int64_t>();
        if (n > 0) out[t->name() + "." + col->name()] = n;
      }
    return out;
  }

  // One row in every table (users excepted), its agent columns set to `agent`, the other NOT NULL
  // columns without a default filled, foreign keys pointing at the rows seeded before. In
  // agent_ownership the row is another agent, spawned by `agent`.
  void seed(const std::string& agent) {
    static const std::set<std::string> kAgentColumns = {
        "agent_name",        "source_agent",         "target_agent",      "subscriber_agent",
        "source_agent_name", "source_channel_agent", "assigned_by_agent", "spawned_by_agent"};
    trinity_test::Seeder seeder([&](const Table& t, const Column& col, int,
                                    const std::optional<Value>& referred) -> std::optional<Value> {
      if (t.name() == "agent_ownership" && col.name() == "agent_name")
        return Value("child-of-" + agent);
      if (kAgentColumns.count(col.name())) return Value(agent);
      if (col.is_autoincrement() || col.is_nullable() || col.server_default()) return std::nullopt;
      if (referred) return referred;
      return filler(col.type().kind());
    });
    seeder.known("users.id", {Value(ada_)});
    seeder.known("agent_ownership.agent_name", {Value(agent)});
    auto c = dbm().engine().connect();
    seeder.seed(c, s().metadata, 1, {"users"});
  }
  Value filler(TypeKind kind) {
    const std::string unique = "v" + std::to_string(++filled_);
    switch (kind) {
      case TypeKind::boolean:
        return Value(false);
      case TypeKind::date_time:
        return Value(Timestamp::now());
      case TypeKind::json:
        return Value(nlohmann::json::object());
      case TypeKind::double_:
      case TypeKind::float_:
        return Value(0.5);
      case TypeKind::small_integer:
      case TypeKind::integer:
      case TypeKind::big_integer:
        return Value(std::int64_t{filled_});
      default:
        return Value(unique);
    }
  }

  std::int64_t ada_ = 0, bob_ = 0, root_ = 0, eve_ = 0;
  std::int64_t filled_ = 0;
};

// --- Ownership -----------------------------------------------------------------------------

TEST_P(TrinityAgentsTest, RegisterAndReadOwners) {
  const Timestamp before = Timestamp::now();
  EXPECT_TRUE(ops().register_agent_owner("alpha", "ada"));
  EXPECT_TRUE(ops().register_agent_owner("sys", "root", true));
  EXPECT_TRUE(ops().register_agent_owner("beta", "ada"));
  EXPECT_FALSE(ops().register_agent_owner("alpha", "bob"));    // taken
  EXPECT_FALSE(ops().register_agent_owner("gamma", "ghost"));  // no such owner
  EXPECT_EQ(rows("agent_ownership"), 3);

  const auto owner = ops().get_agent_owner("alpha");
  ASSERT_TRUE(owner);
  EXPECT_GT(owner->id, 0);
  EXPECT_EQ(owner->agent_name, "alpha");
  EXPECT_EQ(owner->owner_id, ada_);
  EXPECT_EQ(owner->owner_username, "ada");
  EXPECT_EQ(owner->owner_email, "ada@example.com");
  EXPECT_GE(owner->created_at.micros(), before.micros() - 1'000'000);
  EXPECT_FALSE(owner->is_system);
  EXPECT_FALSE(ops().get_agent_owner("ghost"));

  EXPECT_EQ(ops().get_agents_by_owner("ada"), (Names{"alpha", "beta"}));
  EXPECT_TRUE(ops().get_agents_by_owner("ghost").empty());
  EXPECT_TRUE(ops().is_system_agent("sys"));
  EXPECT_FALSE(ops().is_system_agent("alpha"));
  EXPECT_FALSE(ops().is_system_agent("ghost"));
}

TEST_P(TrinityAgentsTest, BadNamesAreRefusedBeforeAnyWrite) {
  for (const char* bad : {"", "   ", "has space", "-dash", ".dot", "a/b", "x\x01y"})
    EXPECT_THROW(ops().register_agent_owner(bad, "ada"), std::invalid_argument) << bad;
  EXPECT_THROW(ops().register_agent_owner(std::string(129, 'a'), "ada"), std::invalid_argument);
  EXPECT_EQ(rows("agent_ownership"), 0);
  ASSERT_TRUE(ops().register_agent_owner("alpha", "ada"));
  EXPECT_THROW(ops().share_agent("alpha", "ada", "not-an-email"), std::invalid_argument);
  EXPECT_THROW(ops().share_agent("alpha", "ada", "a@b"), std::invalid_argument);
  EXPECT_THROW(ops().share_agent("alpha", "ada", ""), std::invalid_argument);
  EXPECT_THROW(ops().rename_agent("alpha", ""), std::invalid_argument);
  EXPECT_THROW(ops().rename_agent("alpha", "a b"), std::invalid_argument);
  EXPECT_EQ(rows("agent_sharing"), 0);
  EXPECT_TRUE(ops().get_agent_owner("alpha"));
}

TEST_P(TrinityAgentsTest, SoftDeletedAgentsDoNotExist) {
  ASSERT_TRUE(ops().register_agent_owner("alpha", "ada"));
  soft_delete_agent("alpha");
  EXPECT_FALSE(ops().get_agent_owner("alpha"));
  EXPECT_FALSE(ops().can_user_access_agent("ada", "alpha"));
  EXPECT_FALSE(ops().can_user_access_agent("root", "alpha"));
  EXPECT_TRUE(ops().get_accessible_agent_names("ada@example.com", true).empty());
  EXPECT_TRUE(ops().get_all_agent_metadata().empty());
  EXPECT_FALSE(ops().set_autonomy_enabled("alpha", true));
  EXPECT_FALSE(ops().register_agent_owner("alpha", "ada"));  // the name stays taken
  EXPECT_FALSE(ops().rename_agent("alpha", "beta"));
}

// --- Access --------------------------------------------------------------------------------

TEST_P(TrinityAgentsTest, AccessRulesForEveryKindOfUser) {
  ASSERT_TRUE(ops().register_agent_owner("alpha", "ada"));
  ASSERT_TRUE(ops().register_agent_owner("sys", "root", true));
  ASSERT_TRUE(ops().share_agent("alpha", "ada", "BOB@example.COM"));

  struct Case {
    const char* user;
    const char* agent;
    bool access, manage;
  };
  for (const Case& k : std::vector<Case>{{"ada", "alpha", true, true},      // owner
                                         {"bob", "alpha", true, false},     // shared (any case)
                                         {"root", "alpha", true, true},     // admin
                                         {"eve", "alpha", false, false},    // stranger
                                         {"ghost", "alpha", false, false},  // no such user
                                         {"ada", "ghost", false, false},    // no such agent
                                         {"root", "sys", true, false},      // system: never managed
                                         {"ada", "sys", false, false}}) {
    SCOPED_TRACE(std::string(k.user) + " on " + k.agent);
    EXPECT_EQ(ops().can_user_access_agent(k.user, k.agent), k.access);
    EXPECT_EQ(ops().can_user_delete_agent(k.user, k.agent), k.manage);
    EXPECT_EQ(ops().can_user_share_agent(k.user, k.agent), k.manage);
    EXPECT_EQ(ops().can_user_rename_agent(k.user, k.agent), k.manage);
  }
  EXPECT_TRUE(ops().is_agent_shared_with_user("alpha", "bob"));
  EXPECT_FALSE(ops().is_agent_shared_with_user("alpha", "eve"));
  EXPECT_FALSE(ops().share_agent("sys", "root", "eve@example.com"));  // system: not shared
}

TEST_P(TrinityAgentsTest, AccessibleNamesAndMetadataAreOneListEach) {
  for (const char* n : {"alpha", "beta", "gamma"})
    ASSERT_TRUE(ops().register_agent_owner(n, "ada"));
  ASSERT_TRUE(ops().register_agent_owner("delta", "bob"));
  ASSERT_TRUE(ops().register_agent_owner("sys", "root", true));
  ASSERT_TRUE(ops().share_agent("beta", "ada", "bob@example.com"));
  ASSERT_TRUE(ops().share_agent("gamma", "ada", "bob@example.com"));
  ASSERT_TRUE(ops().share_agent("gamma", "ada", "eve@example.com"));

  EXPECT_EQ(ops().get_accessible_agent_names("ADA@example.com"), (Names{"alpha", "beta", "gamma"}));
  EXPECT_EQ(ops().get_accessible_agent_names("bob@example.com"), (Names{"beta", "delta", "gamma"}));
  EXPECT_EQ(ops().get_accessible_agent_names("nobody@example.com"), Names{});
  EXPECT_EQ(ops().get_accessible_agent_names("x@example.com", true),
            (Names{"alpha", "beta", "delta", "gamma", "sys"}));
  EXPECT_EQ(ops().get_shared_agents("bob"), (Names{"beta", "gamma"}));
  EXPECT_TRUE(ops().get_shared_agents("ada").empty());

  const auto all = ops().get_all_agent_metadata();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all.at("gamma").share_count, 2);
  EXPECT_EQ(all.at("alpha").share_count, 0);
  EXPECT_EQ(all.at("delta").owner_username, "bob");
  EXPECT_EQ(all.at("delta").owner_id, bob_);
  EXPECT_TRUE(all.at("sys").is_system);
  EXPECT_FALSE(all.at("alpha").is_owner);  // no email given
  EXPECT_EQ(all.at("alpha").max_parallel_tasks, 3);
  EXPECT_EQ(all.at("alpha").execution_timeout_seconds, 3600);
  EXPECT_TRUE(all.at("alpha").use_platform_api_key);

  const auto bobs = ops().get_all_agent_metadata("Bob@Example.com");
  EXPECT_TRUE(bobs.at("delta").is_owner);
  EXPECT_FALSE(bobs.at("delta").is_shared);
  EXPECT_TRUE(bobs.at("beta").is_shared);
  EXPECT_FALSE(bobs.at("beta").is_owner);
  EXPECT_FALSE(bobs.at("alpha").is_shared);
  EXPECT_FALSE(bobs.at("sys").is_owner);  // root has no email
}

// --- Sharing -------------------------------------------------------------------------------

TEST_P(TrinityAgentsTest, ShareListAndUnshare) {
  ASSERT_TRUE(ops().register_agent_owner("alpha", "ada"));
  const auto share = ops().share_agent("alpha", "ada", "  Eve@Example.com ");
  ASSERT_TRUE(share);
  EXPECT_EQ(share->agent_name, "alpha");
  EXPECT_EQ(share->shared_with_email, "eve@example.com");
  EXPECT_EQ(share->shared_by_id, ada_);
  EXPECT_EQ(share->shared_by_username, "ada");
  EXPECT_FALSE(share->allow_proactive);

  EXPECT_FALSE(ops().share_agent("alpha", "ada", "EVE@example.com"));  // already shared
  EXPECT_FALSE(ops().share_agent("alpha", "ada", "ada@example.com"));  // the owner's own
  EXPECT_FALSE(ops().share_agent("alpha", "eve", "bob@example.com"));  // eve may not share
  EXPECT_FALSE(ops().share_agent("ghost", "ada", "bob@example.com"));
  const auto by_admin = ops().share_agent("alpha", "root", "bob@example.com");
  ASSERT_TRUE(by_admin);
  EXPECT_EQ(by_admin->shared_by_id, root_);

  const auto shares = ops().get_agent_shares("alpha");
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_EQ(shares[0].shared_with_email, "bob@example.com");
  EXPECT_EQ(shares[0].shared_by_username, "root");
  EXPECT_EQ(shares[1].id, share->id);
  EXPECT_EQ(shares[1].created_at, share->created_at);
  EXPECT_TRUE(ops().get_agent_shares("ghost").empty());

  EXPECT_FALSE(ops().unshare_agent("alpha", "eve", "bob@example.com"));  // not hers to change
  EXPECT_TRUE(ops().unshare_agent("alpha", "ada", "BOB@example.com"));
  EXPECT_FALSE(ops().unshare_agent("alpha", "ada", "bob@example.com"));
  EXPECT_FALSE(ops().can_user_access_agent("bob", "alpha"));
  EXPECT_EQ(ops().delete_agent_shares("alpha"), 1);
  EXPECT_EQ(ops().delete_agent_shares("alpha"), 0);
  EXPECT_EQ(rows("agent_sharing"), 0);
}

TEST_P(TrinityAgentsTest, ConcurrentSharersMakeOneShare) {
  if (!many_connections()) GTEST_SKIP() << "one connection";
  ASSERT_TRUE(ops().register_agent_owner("alpha", "ada"));
  std::atomic<int> made{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      try {
        if (ops().share_agent("alpha", "ada", i % 2 ? "eve@example.com" : "EVE@example.com"))
          ++made;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(made.load(), 1);
  EXPECT_EQ(rows("agent_sharing"), 1);
}

// --- Settings ------------------------------------------------------------------------------

TEST_P(TrinityAgentsTest, ResourcesAndLimits) {
  ASSERT_TRUE(ops().register_agent_owner("alpha", "ada"));
  ASSERT_TRUE(ops().register_agent_owner("beta", "ada"));
  const auto none = ops().get_resource_limits("alpha");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->memory);
  EXPECT_FALSE(ops().get_resource_limits("ghost"));
  EXPECT_TRUE(ops().set_resource_limits("alpha", "4G", "1.5"));
  EXPECT_EQ(ops().get_resource_limits("alpha")->memory, "4g");
  EXPECT_EQ(ops().get_resource_limits("alpha")->cpu, "1.5");
  EXPECT_TRUE(ops().set_resource_limits("alpha", std::nullopt, "2"));  // memory cleared
  EXPECT_FALSE(ops().get_resource_limits("alpha")->memory);
  EXPECT_FALSE(ops().set_resource_limits("ghost", "1g"));
  for (const char* bad : {"", "g", "4gb", "1.5", "-1", "4 g"})
    EXPECT_THROW(ops().set_resource_limits("alpha", bad), std::invalid_argument) << bad;
  for (const char* bad : {"", "1.", ".5", "2g", "x"})
    EXPECT_THROW(ops().set_resource_limits("alpha", std::nullopt, bad), std::invalid_argument)
        << bad;
  EXPECT_EQ(ops().get_resource_limits("alpha")->cpu, "2");  // unchanged by the refusals

  EXPECT_EQ(ops().get_max_parallel_tasks("alpha"), 3);
  EXPECT_EQ(ops().get_max_parallel_tasks("ghost"), 3);
  EXPECT_TRUE(ops().set_max_parallel_tasks("alpha", 8));
  EXPECT_FALSE(ops().set_max_parallel_tasks("ghost", 8));
  EXPECT_THROW(ops().set_max_parallel_tasks("alpha", 0), std::invalid_argument);
  EXPECT_THROW(ops().set_max_parallel_tasks("alpha", 101), std::invalid_argument);
  EXPECT_EQ(ops().get_all_agents_parallel_capacity(),
            (std::map<std::string, std::int64_t>{{"alpha", 8}, {"beta", 3}}));

  EXPECT_EQ(ops().get_execution_timeout("alpha"), 3600);
  EXPECT_TRUE(ops().set_execution_timeout("alpha", 60));
  EXPECT_EQ(ops().get_execution_timeout("alpha"), 60);
  EXPECT_EQ(ops().get_execution_timeout("ghost"), 3600);
  EXPECT_THROW(ops().set_execution_timeout("alpha", 0), std::invalid_argument);
  EXPECT_THROW(ops().set_execution_timeout("alpha", 7 * 86400 + 1), std::invalid_argument);
  EXPECT_FALSE(ops().set_execution_timeout("ghost", 60));
}

TEST_P(TrinityAgentsTest, SecurityAndAutonomyFlags) {
  ASSERT_TRUE(ops().register_agent_owner("alpha", "ada"));
  ASSERT_TRUE(ops().register_agent_owner("beta", "ada"));
  EXPECT_FALSE(ops().get_full_capabilities("alpha"));
  EXPECT_TRUE(ops().set_full_capabilities("alpha", true));
  EXPECT_TRUE(ops().get_full_capabilities("alpha"));
  EXPECT_FALSE(ops().set_full_capabilities("ghost", true));

  EXPECT_TRUE(ops().get_use_platform_api_key("alpha"));
  EXPECT_TRUE(ops().set_use_platform_api_key("alpha", false));
  EXPECT_FALSE(ops().get_use_platform_api_key("alpha"));
  EXPECT_TRUE(ops().get_use_platform_api_key("ghost"));

  EXPECT_FALSE(ops().get_autonomy_enabled("alpha"));
  EXPECT_TRUE(ops().set_autonomy_enabled("beta", true));
  EXPECT_TRUE(ops().get_autonomy_enabled("beta"));
  EXPECT_FALSE(ops().set_autonomy_enabled("ghost", true));
  EXPECT_EQ(ops().get_all_agents_autonomy_status(),
            (std::map<std::string, bool>{{"alpha", false}, {"beta", true}}));

  EXPECT_FALSE(ops().get_read_only_mode("alpha").enabled);
  EXPECT_TRUE(ops().get_read_only_mode("alpha").config.is_null());
  const Json config = {{"protected", {"CLAUDE.md", ".env"}}, {"depth", 2}};
  EXPECT_TRUE(ops().set_read_only_mode("alpha", true, config));
  const auto mode = ops().get_read_only_mode("alpha");
  EXPECT_TRUE(mode.enabled);
  EXPECT_EQ(mode.config, config);
  EXPECT_THROW(ops().set_read_only_mode("alpha", true, Json::array({1})), std::invalid_argument);
  EXPECT_EQ(ops().get_read_only_mode("alpha").config, config);  // unchanged
  EXPECT_TRUE(ops().set_read_only_mode("alpha", false));
  EXPECT_TRUE(ops().get_read_only_mode("alpha").config.is_null());
  EXPECT_FALSE(ops().set_read_only_mode("ghost", true));
  EXPECT_FALSE(ops().get_read_only_mode("ghost").enabled);
}

TEST_P(TrinityAgentsTest, Avatars) {
  for (const char* n : {"alpha", "beta", "gamma"})
    ASSERT_TRUE(ops().register_agent_owner(n, "ada"));
  const Timestamp t1 = Timestamp::from_micros(1'700'000'000'000'000);
  EXPECT_FALSE(ops().get_avatar_identity("alpha"));
  EXPECT_TRUE(ops().set_avatar_identity("alpha", "a fox in a hat", t1));
  const auto id = ops().get_avatar_identity("alpha");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->prompt, "a fox in a hat");
  EXPECT_EQ(id->updated_at, t1);
  EXPECT_FALSE(id->is_default);
  EXPECT_THROW(ops().set_avatar_identity("alpha", "  ", t1), std::invalid_argument);
  EXPECT_FALSE(ops().set_avatar_identity("ghost", "x", t1));

  EXPECT_TRUE(ops().set_default_avatar("beta", "a robot", t1));
  EXPECT_TRUE(ops().get_avatar_identity("beta")->is_default);
  EXPECT_FALSE(ops().set_default_avatar("alpha", "a robot", t1));  // custom one kept
  EXPECT_EQ(ops().get_avatar_identity("alpha")->prompt, "a fox in a hat");
  EXPECT_EQ(ops().get_agents_without_custom_avatar(), (Names{"beta", "gamma"}));

  EXPECT_TRUE(ops().clear_avatar_identity("alpha"));
  EXPECT_FALSE(ops().get_avatar_identity("alpha"));
  EXPECT_FALSE(ops().clear_avatar_identity("ghost"));
  EXPECT_EQ(ops().get_agents_without_custom_avatar(), (Names{"alpha", "beta", "gamma"}));
}

// --- Renaming and deleting -------------------------------------------------------------------

TEST_P(TrinityAgentsTest, RenameLeavesNoRowNamingTheOldAgent) {
  ASSERT_TRUE(ops().register_agent_owner("alpha", "ada"));
  ASSERT_TRUE(ops().register_agent_owner("beta", "ada"));
  seed("alpha");
  seed("beta");
  const auto before = names("alpha");
  const auto beta = names("beta");
  EXPECT_GE(before.size(), 30u);  // every column of the list, in every table that has one

  EXPECT_TRUE(ops().rename_agent("alpha", "omega"));
  EXPECT_EQ(names("alpha"), (std::map<std::string, std::int64_t>{}));
  auto expected = before;
  EXPECT_EQ(names("omega"), expected);
  EXPECT_EQ(names("beta"), beta);  // the other agent untouched
  EXPECT_EQ(ops().get_agent_owner("omega")->owner_username, "ada");
  EXPECT_TRUE(ops().can_user_access_agent("ada", "omega"));
  EXPECT_FALSE(ops().rename_agent("alpha", "zeta"));  // gone
  EXPECT_TRUE(ops().rename_agent("omega", "omega"));  // to itself: nothing to do
}

TEST_P(TrinityAgentsTest, RenameOntoATakenNameOrFailingMidwayChangesNothing) {
  ASSERT_TRUE(ops().register_agent_owner("alpha", "ada"));
  ASSERT_TRUE(ops().register_agent_owner("beta", "ada"));
  seed("alpha");
  const auto before = names("alpha");
  EXPECT_THROW(ops().rename_agent("alpha", "beta"), DuplicateError);
  EXPECT_EQ(names("alpha"), before);

  // A stale row of a former agent "omega" collides with alpha's user memory on the unique
  // (agent_name, user_email): the rename fails halfway through its statements.
  {
    auto c = dbm().engine().connect();
    const auto& m = s().public_user_memory;
    const auto email =
        c.execute(select(m.user_email).where(m.agent_name == "alpha")).scalar<std::string>();
    c.execute(insert(m).values({{m.id, "stale"}, {m.agent_name, "omega"}, {m.user_email, email}}));
  }
  EXPECT_THROW(ops().rename_agent("alpha", "omega"), IntegrityError);
  EXPECT_EQ(names("alpha"), before);
  EXPECT_EQ(names("omega"),
            (std::map<std::string, std::int64_t>{{"public_user_memory.agent_name", 1}}));
  EXPECT_TRUE(ops().get_agent_owner("alpha"));
}

TEST_P(TrinityAgentsTest, DeleteRemovesWhatTheAgentOwnsAndKeepsMentions) {
  ASSERT_TRUE(ops().register_agent_owner("alpha", "ada"));
  ASSERT_TRUE(ops().register_agent_owner("beta", "ada"));
  seed("alpha");
  seed("beta");
  // beta's activity refers to alpha's chat message (a NO ACTION key): it loses the reference.
  {
    auto c = dbm().engine().connect();
    const auto& [act, msg] = std::tie(s().agent_activities, s().chat_messages);
    const auto message =
        c.execute(select(msg.id).where(msg.agent_name == "alpha")).scalar<std::string>();
    c.execute(
        update(act).set({{act.related_chat_message_id, message}}).where(act.agent_name == "beta"));
  }
  const auto beta = names("beta");
  const auto users = rows("users");

  EXPECT_TRUE(ops().delete_agent_ownership("alpha"));
  EXPECT_EQ(names("alpha"), (std::map<std::string, std::int64_t>{
                                {"agent_ownership.spawned_by_agent", 1},      // another agent's row
                                {"nevermined_payment_log.agent_name", 1}}));  // the audit log
  EXPECT_EQ(names("beta"), beta);
  EXPECT_EQ(rows("users"), users);
  EXPECT_EQ(rows("public_link_verifications"), 1);  // alpha's went with its link (cascade)
  {
    auto c = dbm().engine().connect();
    const auto& act = s().agent_activities;
    EXPECT_FALSE(c.execute(select(act.related_chat_message_id).where(act.agent_name == "beta"))
                     .scalar<std::optional<std::string>>());
  }
  EXPECT_FALSE(ops().delete_agent_ownership("alpha"));
  EXPECT_FALSE(ops().get_agent_owner("alpha"));
  EXPECT_TRUE(ops().register_agent_owner("alpha", "bob"));  // the name is free again
  EXPECT_FALSE(ops().can_user_access_agent("ada", "alpha"));
}

TEST_P(TrinityAgentsTest, ManagerTransactionRollsBackAGroupOfCalls) {
  ASSERT_TRUE(ops().register_agent_owner("alpha", "ada"));
  EXPECT_THROW(dbm().transaction([&] {
    ASSERT_TRUE(ops().share_agent("alpha", "ada", "eve@example.com"));
    ASSERT_TRUE(ops().set_autonomy_enabled("alpha", true));
    ASSERT_TRUE(ops().register_agent_owner("beta", "ada"));
    ops().rename_agent("alpha", "beta");  // DuplicateError
  }),
               DuplicateError);
  EXPECT_EQ(rows("agent_sharing"), 0);
  EXPECT_FALSE(ops().get_autonomy_enabled("alpha"));
  EXPECT_FALSE(ops().get_agent_owner("beta"));
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(TrinityAgentsTest);
