// SubscriptionOperations on every backend: creating (names unique and trimmed, owners that
// exist, bad names, tokens and owner ids refused with nothing written), reading without the
// token and opening it, the token sealed at rest and refused under another key or none,
// assigning agents (unknown or soft-deleted agents and unknown subscriptions refused), deleting
// with the assignments and events, rate-limit events counted over their window (the count and
// the lookups through their indexes on PostgreSQL), choosing the least used subscription, the
// usage report and the list with agents compared with counts done in C++ over the same rows
// (either side of the 5-hour and 7-day cut-offs and of a midnight), and concurrent recorders and
// creators.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/expression.hpp>
#include <sqlcore/sql/select.hpp>

#include "fixture.hpp"
#include "plans.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/secrets.hpp"
#include "trinity/db/subscriptions.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;
using trinity::db::DuplicateError;
using trinity::db::NotFoundError;
using trinity::db::SecretError;
using trinity::db::SecretKey;
using trinity::db::Secrets;
using trinity::db::SubscriptionCredential;
using trinity::db::SubscriptionOperations;
using trinity::db::SubscriptionUsage;
using trinity::db::SubscriptionUsageWindow;
using trinity::db::SubscriptionWithAgents;
using Names = std::vector<std::string>;

using trinity_test::secret_error;

namespace {

constexpr std::int64_t kDay = 24LL * 60 * 60 * 1'000'000;
constexpr const char* kColumn = "subscription_credentials.encrypted_credentials";

std::string token(int i) {
  return "sk-ant-oat01-" + std::to_string(i) + "-Zq8Xw4Lr9Tn2Vb6Hk1Jm5Pc3Sd7Fg0";
}

/// A chat message or an execution billed to a subscription, as the usage test writes it.
struct Use {
  bool message = true;  // else an execution
  std::string subscription;
  std::string kind;  // a message's role, an execution's status
  Timestamp at;
  std::optional<std::int64_t> input;
  std::optional<std::int64_t> output;  // messages only
  std::optional<double> cost;
};

/// The usage window of `subscription` since `since` (inclusive), counted in C++.
SubscriptionUsageWindow counted(const std::vector<Use>& uses, const std::string& subscription,
                                Timestamp since) {
  SubscriptionUsageWindow w;
  for (const Use& u : uses) {
    if (u.subscription != subscription || u.at < since) continue;
    if (u.message ? u.kind != "assistant" : (u.kind == "running" || u.kind == "pending")) continue;
    w.input_tokens += u.input.value_or(0);
    w.output_tokens += u.output.value_or(0);
    w.cost_usd += u.cost.value_or(0.0);
    ++w.message_count;
  }
  return w;
}

auto fields(const SubscriptionUsageWindow& w) {
  return std::make_tuple(w.input_tokens, w.output_tokens, w.cost_usd, w.message_count);
}

class SubscriptionsTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    std::tie(ada_, bob_) = add_ada_and_bob();
    for (const char* a : {"alpha", "beta", "gamma"}) add_agent(a, ada_);
    add_agent("delta", bob_);
  }
  SubscriptionOperations& ops() { return dbm().subscriptions(); }

  SubscriptionCredential make(const std::string& name, int i, std::int64_t owner = 0) {
    return ops().create_subscription(name, token(i), owner ? owner : ada_, "max", "tier-4");
  }
  /// The stored (sealed) token of `id`, read with a plain select.
  std::string raw_token(const std::string& id) {
    const auto& t = s().subscription_credentials;
    auto c = dbm().engine().connect();
    return c.execute(select(t.encrypted_credentials).where(t.id == id)).scalar<std::string>();
  }
  /// Writes a rate-limit event directly, `age` old.
  void old_event(const std::string& agent, const std::string& sub, std::chrono::microseconds age) {
    const auto& e = s().subscription_rate_limit_events;
    auto c = dbm().engine().connect();
    c.execute(insert(e).values({{e.id, trinity::db::new_id()},
                                {e.agent_name, agent},
                                {e.subscription_id, sub},
                                {e.occurred_at, ago(age)}}));
  }
  std::int64_t events(const std::string& agent, const std::string& sub) {
    const auto& e = s().subscription_rate_limit_events;
    auto c = dbm().engine().connect();
    return c
        .execute(select(sqlcore::count())
                     .select_from(e)
                     .where(e.agent_name == agent && e.subscription_id == sub))
        .scalar<std::int64_t>();
  }
  static Names names(const std::vector<SubscriptionCredential>& v) {
    Names out;
    for (const auto& x : v) out.push_back(x.name);
    return out;
  }

  std::int64_t ada_ = 0, bob_ = 0;
};

TEST_P(SubscriptionsTest, CreateGetAndOpenTheToken) {
  const auto made = ops().create_subscription("  team-max ", token(1), ada_, "max", "tier-4");
  EXPECT_EQ(made.id.size(), 32u);
  EXPECT_EQ(made.name, "team-max");
  EXPECT_EQ(made.subscription_type, "max");
  EXPECT_EQ(made.rate_limit_tier, "tier-4");
  EXPECT_EQ(made.owner_id, ada_);
  EXPECT_EQ(made.owner_email, "ada@example.com");
  EXPECT_EQ(made.agent_count, 0);
  EXPECT_EQ(made.created_at, made.updated_at);
  EXPECT_LT(ago(1min), made.created_at);

  auto got = ops().get_subscription(made.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "team-max");
  EXPECT_EQ(got->created_at, made.created_at);
  EXPECT_EQ(got->owner_email, "ada@example.com");
  auto by_name = ops().get_subscription_by_name(" team-max");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->id, made.id);
  EXPECT_EQ(ops().get_subscription_token(made.id), token(1));

  const auto plain = ops().create_subscription("pro", token(2), bob_);
  EXPECT_FALSE(plain.subscription_type);
  EXPECT_FALSE(plain.rate_limit_tier);
  EXPECT_EQ(plain.owner_email, "bob@example.com");
  EXPECT_EQ(ops().get_subscription_token(plain.id), token(2));

  EXPECT_FALSE(ops().get_subscription("nope"));
  EXPECT_FALSE(ops().get_subscription(""));
  EXPECT_FALSE(ops().get_subscription_by_name("TEAM-MAX"));  // names are exact
  EXPECT_FALSE(ops().get_subscription_by_name(""));
  EXPECT_FALSE(ops().get_subscription_token("nope"));
}

TEST_P(SubscriptionsTest, ADuplicateNameIsRefusedAndTheFirstKept) {
  const auto first = make("shared", 1);
  EXPECT_THROW(ops().create_subscription("shared", token(2), bob_), DuplicateError);
  EXPECT_THROW(ops().create_subscription(" shared\t", token(3), ada_), DuplicateError);
  EXPECT_EQ(rows("subscription_credentials"), 1);
  EXPECT_EQ(ops().get_subscription_token(first.id), token(1));
  EXPECT_EQ(ops().get_subscription_by_name("shared")->owner_id, ada_);
  try {
    ops().create_subscription("shared", token(2), bob_);
  } catch (const DuplicateError& e) {
    EXPECT_NE(std::string(e.what()).find("shared"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find(token(2)), std::string::npos);
  }
}

TEST_P(SubscriptionsTest, BadInputIsRefusedWithNothingWritten) {
  for (const char* name : {"", "   ", "a\nb", "tab\x01"})
    EXPECT_THROW(ops().create_subscription(name, token(1), ada_), std::invalid_argument) << name;
  EXPECT_THROW(ops().create_subscription(std::string(256, 'n'), token(1), ada_),
               std::invalid_argument);
  for (const std::string& bad : {std::string(), std::string(" "), token(1) + "\n",
                                 std::string("sk-ant oat01"), std::string("sk\x7f")})
    EXPECT_THROW(ops().create_subscription("n", bad, ada_), std::invalid_argument);
  EXPECT_THROW(ops().create_subscription("n", token(1), -1), std::invalid_argument);
  EXPECT_THROW(ops().create_subscription("n", token(1), 424242), NotFoundError);
  EXPECT_THROW(ops().create_subscription("n", token(1), 0), NotFoundError);
  EXPECT_THROW(ops().list_subscriptions(-3), std::invalid_argument);
  EXPECT_THROW(ops().list_subscriptions_with_agents(-3), std::invalid_argument);
  EXPECT_EQ(rows("subscription_credentials"), 0);

  // A bad token's message never shows it.
  try {
    ops().create_subscription("n", "secret-part with-space", ada_);
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find("secret-part"), std::string::npos) << e.what();
  }

  const auto sub = make("ok", 1);
  EXPECT_THROW(ops().record_rate_limit_event("", sub.id), std::invalid_argument);
  EXPECT_THROW(ops().record_rate_limit_event("alpha", ""), std::invalid_argument);
  EXPECT_THROW(ops().record_rate_limit_event("alpha", "nope"), NotFoundError);
  EXPECT_EQ(rows("subscription_rate_limit_events"), 0);
  EXPECT_THROW(ops().get_subscription_usage("nope"), NotFoundError);
  EXPECT_THROW(ops().get_subscription_usage(""), NotFoundError);
}

TEST_P(SubscriptionsTest, AnUnknownOwnerLeavesAnEnclosingTransactionUsable) {
  dbm().transaction([&] {
    EXPECT_THROW(ops().create_subscription("orphan", token(1), 999), NotFoundError);
    EXPECT_THROW(ops().create_subscription("orphan", token(1), -1), std::invalid_argument);
    make("kept", 2);
    EXPECT_THROW(make("kept", 3), DuplicateError);
  });
  EXPECT_EQ(names(ops().list_subscriptions()), (Names{"kept"}));
}

TEST_P(SubscriptionsTest, TheTokenIsSealedAtRest) {
  const auto sub = make("at-rest", 7);
  const std::string raw = raw_token(sub.id);
  EXPECT_EQ(raw.find(token(7)), std::string::npos);
  EXPECT_EQ(raw.find("Zq8Xw4"), std::string::npos);
  EXPECT_TRUE(Secrets::is_sealed(raw));
  EXPECT_EQ(Secrets::key_id_of(raw), test_secrets().current_key_id());
  // Two subscriptions with one token store different values (a fresh nonce each).
  const auto twin = make("twin", 7);
  EXPECT_NE(raw_token(twin.id), raw);
  // A value sealed for another column does not open here.
  const auto& t = s().subscription_credentials;
  {
    auto c = dbm().engine().connect();
    c.execute(
        update(t)
            .set({{t.encrypted_credentials,
                   test_secrets().seal(token(7), "nevermined_agent_config.encrypted_credentials")}})
            .where(t.id == twin.id));
  }
  EXPECT_NE(secret_error([&] { (void)ops().get_subscription_token(twin.id); }), "");
}

TEST_P(SubscriptionsTest, AnotherKeyOrNoKeyCannotOpenIt) {
  const auto sub = make("keyed", 5);
  // Operations with other keys: another manager on this database (in-memory SQLite: one on this
  // manager's Db, since another manager would open another in-memory database).
  const auto other_keys = [&](const Secrets& secrets,
                              const std::function<void(SubscriptionOperations&)>& fn) {
    if (!many_connections()) {
      SubscriptionOperations direct(dbm().db(), secrets);
      fn(direct);
      return;
    }
    trinity::db::DatabaseManager other(
        trinity::db::ManagerOptions{.url = url(), .secrets = secrets});
    fn(other.subscriptions());
  };
  other_keys(Secrets(SecretKey::generate()), [&](SubscriptionOperations& other) {
    const std::string message = secret_error([&] { (void)other.get_subscription_token(sub.id); });
    EXPECT_NE(message.find(kColumn), std::string::npos) << message;
    EXPECT_EQ(message.find(token(5)), std::string::npos) << message;
    // Reads that do not need the token work under any key.
    const auto got = other.get_subscription(sub.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->name, "keyed");
  });
  other_keys(Secrets(), [&](SubscriptionOperations& keyless) {
    EXPECT_NE(secret_error([&] { (void)keyless.get_subscription_token(sub.id); }), "");
    EXPECT_NE(secret_error([&] { keyless.create_subscription("new", token(6), ada_); }), "");
  });
  EXPECT_EQ(rows("subscription_credentials"), 1);
  EXPECT_EQ(ops().get_subscription_token(sub.id), token(5));
}

TEST_P(SubscriptionsTest, ListsInNameOrderByOwner) {
  make("zeta", 1);
  make("alpha-sub", 2);
  make("mid", 3, bob_);
  EXPECT_EQ(names(ops().list_subscriptions()), (Names{"alpha-sub", "mid", "zeta"}));
  EXPECT_EQ(names(ops().list_subscriptions(ada_)), (Names{"alpha-sub", "zeta"}));
  EXPECT_EQ(names(ops().list_subscriptions(bob_)), (Names{"mid"}));
  EXPECT_TRUE(ops().list_subscriptions(424242).empty());
  for (const auto& x : ops().list_subscriptions()) EXPECT_EQ(x.agent_count, 0);
}

TEST_P(SubscriptionsTest, AssignClearAndLookUp) {
  const auto one = make("one", 1);
  const auto two = make("two", 2);
  EXPECT_TRUE(ops().assign_subscription_to_agent("beta", one.id));
  EXPECT_TRUE(ops().assign_subscription_to_agent("alpha", one.id));
  EXPECT_TRUE(ops().assign_subscription_to_agent("gamma", two.id));
  EXPECT_EQ(ops().get_agents_by_subscription(one.id), (Names{"alpha", "beta"}));
  EXPECT_EQ(ops().get_agent_subscription_id("alpha"), one.id);
  auto of_alpha = ops().get_agent_subscription("alpha");
  ASSERT_TRUE(of_alpha);
  EXPECT_EQ(of_alpha->id, one.id);
  EXPECT_EQ(of_alpha->agent_count, 2);
  EXPECT_EQ(ops().get_subscription(two.id)->agent_count, 1);

  // Unknown agents or subscriptions: false, nothing written.
  EXPECT_FALSE(ops().assign_subscription_to_agent("nobody", one.id));
  EXPECT_FALSE(ops().assign_subscription_to_agent("alpha", "nope"));
  EXPECT_FALSE(ops().assign_subscription_to_agent("alpha", ""));
  EXPECT_EQ(ops().get_agent_subscription_id("alpha"), one.id);

  // Reassigning moves the agent.
  EXPECT_TRUE(ops().assign_subscription_to_agent("alpha", two.id));
  EXPECT_TRUE(ops().assign_subscription_to_agent("alpha", two.id));  // the same again
  EXPECT_EQ(ops().get_agents_by_subscription(two.id), (Names{"alpha", "gamma"}));
  EXPECT_EQ(ops().get_subscription(one.id)->agent_count, 1);

  // A soft-deleted agent is gone: not counted, not listed, not assignable.
  soft_delete_agent("gamma");
  EXPECT_EQ(ops().get_agents_by_subscription(two.id), (Names{"alpha"}));
  EXPECT_EQ(ops().get_subscription(two.id)->agent_count, 1);
  EXPECT_FALSE(ops().get_agent_subscription("gamma"));
  EXPECT_FALSE(ops().get_agent_subscription_id("gamma"));
  EXPECT_FALSE(ops().assign_subscription_to_agent("gamma", one.id));
  EXPECT_FALSE(ops().clear_agent_subscription("gamma"));

  EXPECT_TRUE(ops().clear_agent_subscription("alpha"));
  EXPECT_TRUE(ops().clear_agent_subscription("alpha"));  // none already: still registered
  EXPECT_FALSE(ops().clear_agent_subscription("nobody"));
  EXPECT_FALSE(ops().get_agent_subscription("alpha"));
  EXPECT_FALSE(ops().get_agent_subscription_id("alpha"));
  EXPECT_FALSE(ops().get_agent_subscription("nobody"));
  EXPECT_TRUE(ops().get_agents_by_subscription(two.id).empty());
  EXPECT_TRUE(ops().get_agents_by_subscription("nope").empty());
}

TEST_P(SubscriptionsTest, ListWithAgentsMatchesTheAssignments) {
  const auto one = make("one", 1);
  const auto two = make("two", 2, bob_);
  make("three", 3);
  const std::map<std::string, std::string> assigned = {
      {"alpha", one.id}, {"beta", one.id}, {"gamma", one.id}, {"delta", two.id}};
  for (const auto& [agent, sub] : assigned)
    ASSERT_TRUE(ops().assign_subscription_to_agent(agent, sub));
  soft_delete_agent("gamma");
  std::set<std::string> gone = {"gamma"};

  const auto check = [&](const std::vector<SubscriptionWithAgents>& got,
                         std::optional<std::int64_t> owner) {
    const auto plain = ops().list_subscriptions(owner);
    ASSERT_EQ(got.size(), plain.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      Names want;
      for (const auto& [agent, sub] : assigned)
        if (sub == got[i].id && !gone.count(agent)) want.push_back(agent);
      EXPECT_EQ(got[i].agents, want) << got[i].name;
      EXPECT_EQ(got[i].agent_count, static_cast<std::int64_t>(want.size()));
      EXPECT_EQ(got[i].id, plain[i].id);
      EXPECT_EQ(got[i].agent_count, plain[i].agent_count);
      EXPECT_EQ(got[i].owner_email, plain[i].owner_email);
      EXPECT_EQ(got[i].created_at, plain[i].created_at);
    }
  };
  check(ops().list_subscriptions_with_agents(), std::nullopt);
  check(ops().list_subscriptions_with_agents(ada_), ada_);
  check(ops().list_subscriptions_with_agents(bob_), bob_);
  EXPECT_EQ(ops().list_subscriptions_with_agents()[0].name, "one");
  EXPECT_EQ(ops().list_subscriptions_with_agents()[0].agents, (Names{"alpha", "beta"}));
  EXPECT_TRUE(ops().list_subscriptions_with_agents(424242).empty());
}

TEST_P(SubscriptionsTest, DeleteTakesAssignmentsAndEventsInOneTransaction) {
  const auto one = make("one", 1);
  const auto two = make("two", 2);
  for (const char* a : {"alpha", "gamma"})
    ASSERT_TRUE(ops().assign_subscription_to_agent(a, one.id));
  ASSERT_TRUE(ops().assign_subscription_to_agent("beta", two.id));
  soft_delete_agent("gamma");  // still holds the subscription in its row
  ops().record_rate_limit_event("alpha", one.id, "429");
  ops().record_rate_limit_event("beta", two.id, "429");

  // Rolled back with an enclosing transaction.
  EXPECT_THROW(dbm().transaction([&] {
    EXPECT_TRUE(ops().delete_subscription(one.id));
    throw std::runtime_error("undo");
  }),
               std::runtime_error);
  EXPECT_TRUE(ops().get_subscription(one.id));
  EXPECT_EQ(ops().get_agent_subscription_id("alpha"), one.id);

  EXPECT_TRUE(ops().delete_subscription(one.id));
  EXPECT_FALSE(ops().get_subscription(one.id));
  EXPECT_FALSE(ops().get_agent_subscription_id("alpha"));
  const auto& a = s().agent_ownership;
  {
    auto c = dbm().engine().connect();
    EXPECT_EQ(c.execute(select(sqlcore::count()).select_from(a).where(a.subscription_id == one.id))
                  .scalar<std::int64_t>(),
              0);  // gamma's (soft-deleted) row too
  }
  EXPECT_EQ(events("alpha", one.id), 0);
  EXPECT_EQ(events("beta", two.id), 1);
  EXPECT_EQ(ops().get_agent_subscription_id("beta"), two.id);
  EXPECT_FALSE(ops().delete_subscription(one.id));
  EXPECT_FALSE(ops().delete_subscription("nope"));
  EXPECT_EQ(rows("subscription_credentials"), 1);
}

TEST_P(SubscriptionsTest, RateLimitEventsCountOverTheirWindow) {
  const auto one = make("one", 1);
  const auto two = make("two", 2);
  EXPECT_FALSE(ops().is_subscription_rate_limited(one.id));
  old_event("alpha", one.id, 3h);         // outside the window
  old_event("alpha", one.id, 2h + 2min);  // outside
  EXPECT_FALSE(ops().is_subscription_rate_limited(one.id));
  old_event("alpha", one.id, 2h - 2min);  // inside
  EXPECT_TRUE(ops().is_subscription_rate_limited(one.id));
  EXPECT_EQ(ops().record_rate_limit_event("alpha", one.id, "429 Too Many Requests"), 2);
  EXPECT_EQ(ops().record_rate_limit_event("alpha", one.id), 3);
  EXPECT_EQ(ops().record_rate_limit_event("beta", one.id), 1);   // per agent
  EXPECT_EQ(ops().record_rate_limit_event("alpha", two.id), 1);  // per subscription
  EXPECT_EQ(ops().record_rate_limit_event("unregistered", two.id), 1);
  EXPECT_TRUE(ops().is_subscription_rate_limited(two.id));
  EXPECT_FALSE(ops().is_subscription_rate_limited("nope"));

  const auto& e = s().subscription_rate_limit_events;
  {
    auto c = dbm().engine().connect();
    auto r = c.execute(select(e.error_message, e.failure_kind)
                           .where(e.error_message == "429 Too Many Requests"))
                 .one();
    EXPECT_FALSE(r.get(e.failure_kind));
  }

  ops().clear_rate_limit_events("alpha", one.id);
  EXPECT_EQ(events("alpha", one.id), 0);
  EXPECT_EQ(events("beta", one.id), 1);
  EXPECT_TRUE(ops().is_subscription_rate_limited(one.id));  // beta's
  ops().clear_rate_limit_events("beta", one.id);
  ops().clear_rate_limit_events("nobody", "nope");
  EXPECT_FALSE(ops().is_subscription_rate_limited(one.id));

  // Retention: events older than 24 hours go; the 23-hour one stays.
  old_event("alpha", two.id, 23h);
  old_event("alpha", two.id, 25h);
  old_event("beta", two.id, 30 * 24h);
  EXPECT_EQ(rows("subscription_rate_limit_events"), 5);
  EXPECT_EQ(ops().cleanup_old_rate_limit_events(), 2);
  EXPECT_EQ(ops().cleanup_old_rate_limit_events(), 0);
  EXPECT_EQ(events("alpha", two.id), 2);
  EXPECT_EQ(ops().record_rate_limit_event("alpha", two.id), 2);  // the 23-hour one not counted
}

TEST_P(SubscriptionsTest, TheLeastUsedSubscriptionSkipsRateLimitedOnes) {
  EXPECT_FALSE(ops().get_least_used_subscription());
  EXPECT_FALSE(ops().select_best_alternative_subscription("nope"));
  const auto b = make("b", 1);
  const auto a = make("a", 2);
  const auto c = make("c", 3);
  // Ties on 0 agents: by name.
  EXPECT_EQ(ops().get_least_used_subscription()->id, a.id);
  EXPECT_EQ(ops().select_best_alternative_subscription(a.id)->id, b.id);
  EXPECT_EQ(ops().select_best_alternative_subscription("nope")->id, a.id);

  ASSERT_TRUE(ops().assign_subscription_to_agent("alpha", a.id));
  ASSERT_TRUE(ops().assign_subscription_to_agent("beta", a.id));
  ASSERT_TRUE(ops().assign_subscription_to_agent("gamma", b.id));
  // a: 2 agents, b: 1, c: 0.
  EXPECT_EQ(ops().get_least_used_subscription()->id, c.id);
  EXPECT_EQ(ops().get_least_used_subscription()->agent_count, 0);
  EXPECT_EQ(ops().select_best_alternative_subscription(c.id)->id, b.id);

  ops().record_rate_limit_event("delta", c.id);
  EXPECT_EQ(ops().get_least_used_subscription()->id, b.id);
  EXPECT_EQ(ops().select_best_alternative_subscription(b.id)->id, a.id);
  old_event("delta", b.id, 2h + 5min);  // outside the window: not limited
  EXPECT_EQ(ops().get_least_used_subscription()->id, b.id);
  ops().record_rate_limit_event("delta", b.id);
  EXPECT_EQ(ops().get_least_used_subscription()->id, a.id);
  EXPECT_EQ(ops().get_least_used_subscription()->agent_count, 2);
  EXPECT_FALSE(ops().select_best_alternative_subscription(a.id));
  ops().record_rate_limit_event("delta", a.id);
  EXPECT_FALSE(ops().get_least_used_subscription());

  // Soft-deleted agents do not count.
  ops().clear_rate_limit_events("delta", a.id);
  ops().clear_rate_limit_events("delta", b.id);
  soft_delete_agent("alpha");
  soft_delete_agent("beta");
  EXPECT_EQ(ops().get_least_used_subscription()->id, a.id);  // a: 0, b: 1
  EXPECT_EQ(ops().select_best_alternative_subscription(a.id)->id, b.id);
}

class SubscriptionUsageTest : public SubscriptionsTest {
 protected:
  void SetUp() override {
    SubscriptionsTest::SetUp();
    session_ = dbm().chat().get_or_create_chat_session("alpha", ada_, "ada@example.com").id;
    const auto& sch = s().agent_schedules;
    auto c = dbm().engine().connect();
    c.execute(insert(sch).values({{sch.id, "s1"},
                                  {sch.agent_name, "alpha"},
                                  {sch.name, "job"},
                                  {sch.cron_expression, "0 * * * *"},
                                  {sch.message, "tick"},
                                  {sch.owner_id, ada_}}));
  }

  /// Writes `uses` in one transaction.
  void put(const std::vector<Use>& uses) {
    const auto& [m, x] = std::tie(s().chat_messages, s().schedule_executions);
    auto c = dbm().engine().connect();
    auto tx = c.begin();
    int n = 0;
    for (const Use& u : uses) {
      const std::string id = "u" + std::to_string(n++);
      if (u.message)
        c.execute(insert(m).values({{m.id, id},
                                    {m.session_id, session_},
                                    {m.agent_name, "alpha"},
                                    {m.user_id, ada_},
                                    {m.user_email, "ada@example.com"},
                                    {m.role, u.kind},
                                    {m.content, "c"},
                                    {m.timestamp, u.at},
                                    {m.cost, u.cost},
                                    {m.context_used, u.input},
                                    {m.output_tokens, u.output},
                                    {m.subscription_id, u.subscription}}));
      else
        c.execute(insert(x).values({{x.id, id},
                                    {x.schedule_id, "s1"},
                                    {x.agent_name, "alpha"},
                                    {x.status, u.kind},
                                    {x.started_at, u.at},
                                    {x.message, "m"},
                                    {x.triggered_by, "schedule"},
                                    {x.cost, u.cost},
                                    {x.context_used, u.input},
                                    {x.subscription_id, u.subscription}}));
    }
    tx.commit();
  }

  /// Messages and executions of `subs` at times either side of the 5-hour and 7-day cut-offs
  /// (two minutes off) and five minutes either side of the latest midnight (unless within a
  /// minute of a cut-off), every role and status, some values missing; costs are multiples of
  /// 1/4 so that sums are exact on every backend in any order.
  static std::vector<Use> uses(Timestamp now, const std::vector<std::string>& subs) {
    const auto at = [&](std::chrono::microseconds age) {
      return Timestamp(now.time_point() - age);
    };
    std::vector<Timestamp> times = {
        at(1min),    at(2h),      at(5h - 2min),      at(5h + 2min),
        at(26h),     at(3 * 24h), at(7 * 24h - 2min), at(7 * 24h + 2min),
        at(30 * 24h)};
    const Timestamp midnight =
        Timestamp::from_micros((now.micros() - 10 * 60'000'000LL) / kDay * kDay);
    for (auto d : {-5min, 5min}) {
      const Timestamp t(midnight.time_point() + d);
      const auto near = [&](std::chrono::hours cut) {
        return std::chrono::abs(t.time_point() - at(cut).time_point()) < 1min;
      };
      if (!near(5h) && !near(7 * 24h)) times.push_back(t);
    }
    const std::vector<std::string> roles = {"assistant", "user", "assistant", "system"};
    const std::vector<std::string> statuses = {"success",   "failed", "running", "pending",
                                               "cancelled", "queued", "skipped"};
    std::vector<Use> out;
    for (std::size_t k = 0; k < subs.size(); ++k)
      for (std::size_t i = 0; i < times.size() * 5; ++i) {
        const std::int64_t n = static_cast<std::int64_t>(i + 7 * k);
        const auto maybe = [&](std::int64_t v) {
          return n % 5 == 3 ? std::nullopt : std::optional<std::int64_t>(v);
        };
        const std::optional<double> cost =
            n % 7 == 2 ? std::nullopt : std::optional<double>(0.25 * static_cast<double>(n));
        const Timestamp t = times[(i + k) % times.size()];
        out.push_back(
            {true, subs[k], roles[i % roles.size()], t, maybe(100 + n), maybe(10 + n), cost});
        out.push_back({false, subs[k], statuses[i % statuses.size()], t, maybe(1000 + n),
                       std::nullopt, cost});
      }
    return out;
  }

  std::string session_;
};

TEST_P(SubscriptionUsageTest, UsageMatchesACountInCpp) {
  const auto one = make("one", 1);
  const auto two = make("two", 2);
  const auto idle = make("idle", 3);
  const Timestamp now = Timestamp::now();
  const auto specs = uses(now, {one.id, two.id, "deleted-sub"});
  put(specs);
  for (const char* a : {"gamma", "alpha"})
    ASSERT_TRUE(ops().assign_subscription_to_agent(a, one.id));
  ASSERT_TRUE(ops().assign_subscription_to_agent("beta", idle.id));
  ASSERT_TRUE(ops().assign_subscription_to_agent("delta", one.id));
  soft_delete_agent("delta");

  for (const auto& sub : {one, two, idle}) {
    const SubscriptionUsage got = ops().get_subscription_usage(sub.id);
    EXPECT_EQ(got.subscription_id, sub.id);
    EXPECT_EQ(fields(got.window_5h),
              fields(counted(specs, sub.id, Timestamp(now.time_point() - 5h))))
        << sub.name;
    EXPECT_EQ(fields(got.window_7d),
              fields(counted(specs, sub.id, Timestamp(now.time_point() - 7 * 24h))))
        << sub.name;
  }
  const auto usage = ops().get_subscription_usage(one.id);
  EXPECT_EQ(usage.agents, (Names{"alpha", "gamma"}));
  EXPECT_GT(usage.window_5h.message_count, 0);
  EXPECT_GT(usage.window_7d.message_count, usage.window_5h.message_count);
  EXPECT_GT(usage.window_7d.output_tokens, 0);
  EXPECT_EQ(ops().get_subscription_usage(idle.id).agents, (Names{"beta"}));
  EXPECT_EQ(fields(ops().get_subscription_usage(idle.id).window_7d),
            fields(SubscriptionUsageWindow{}));
  EXPECT_TRUE(ops().get_subscription_usage(two.id).agents.empty());
  EXPECT_THROW(ops().get_subscription_usage("deleted-sub"), NotFoundError);
}

TEST_P(SubscriptionsTest, ConcurrentRecordersGetDistinctExactCounts) {
  if (!many_connections()) GTEST_SKIP() << "one connection: no concurrent writers";
  constexpr int kThreads = 8, kEach = 10;
  reopen_for(kThreads);
  const auto sub = make("busy", 1);
  std::vector<std::vector<std::int64_t>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int j = 0; j < kEach; ++j) {
        try {
          got[static_cast<std::size_t>(t)].push_back(
              dbm().subscriptions().record_rate_limit_event("alpha", sub.id, "429"));
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
        }
      }
    });
  for (auto& th : threads) th.join();
  std::vector<std::int64_t> all;
  for (const auto& g : got) {
    EXPECT_TRUE(std::is_sorted(g.begin(), g.end()));  // each thread sees its own grow
    all.insert(all.end(), g.begin(), g.end());
  }
  std::sort(all.begin(), all.end());
  std::vector<std::int64_t> want(kThreads * kEach);
  std::iota(want.begin(), want.end(), 1);
  EXPECT_EQ(all, want);
  EXPECT_EQ(events("alpha", sub.id), kThreads * kEach);
  EXPECT_EQ(ops().record_rate_limit_event("alpha", sub.id), kThreads * kEach + 1);
}

TEST_P(SubscriptionsTest, ConcurrentCreatorsOfOneNameMakeOneSubscription) {
  if (!many_connections()) GTEST_SKIP() << "one connection: no concurrent writers";
  constexpr int kThreads = 8;
  reopen_for(kThreads);
  std::atomic<int> made{0}, duplicates{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      try {
        dbm().subscriptions().create_subscription("race", token(t), ada_);
        ++made;
      } catch (const DuplicateError&) {
        ++duplicates;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(made.load(), 1);
  EXPECT_EQ(duplicates.load(), kThreads - 1);
  EXPECT_EQ(rows("subscription_credentials"), 1);
  const auto sub = ops().get_subscription_by_name("race");
  ASSERT_TRUE(sub);
  const std::string opened = *ops().get_subscription_token(sub->id);
  bool one_of_them = false;
  for (int t = 0; t < kThreads; ++t) one_of_them = one_of_them || opened == token(t);
  EXPECT_TRUE(one_of_them);
}

// The rate-limit lookups as subscriptions.cpp builds them, EXPLAINed on PostgreSQL: each reads
// one of the two indexes on (..., subscription_id, occurred_at) with the cut-off in its condition
// (on this near-empty table the planner may serve the pair's count from idx_rate_limit_sub,
// filtering the agent).
TEST_P(SubscriptionsTest, RateLimitLookupsUseTheirIndexesOnPostgresql) {
  auto c = dbm().engine().connect();
  if (c.dialect().name() != "postgresql") GTEST_SKIP() << "EXPLAIN's output is PostgreSQL's";
  const auto& e = s().subscription_rate_limit_events;
  const Timestamp cutoff = ago(2h);
  const std::string pair = trinity_test::postgres_plan(
      c,
      select(sqlcore::count())
          .select_from(e)
          .where(e.agent_name == "alpha" && e.subscription_id == "s" && e.occurred_at > cutoff),
      {Value("alpha"), Value("s"), Value(cutoff)});
  EXPECT_TRUE(pair.find("idx_rate_limit_agent_sub") != std::string::npos ||
              pair.find("idx_rate_limit_sub") != std::string::npos)
      << pair;
  EXPECT_NE(pair.find("occurred_at >"), std::string::npos) << pair;
  const std::string one = trinity_test::postgres_plan(
      c, select(e.id).where(e.subscription_id == "s" && e.occurred_at > cutoff).limit(1),
      {Value("s"), Value(cutoff)});
  EXPECT_NE(one.find("idx_rate_limit_sub"), std::string::npos) << one;
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(SubscriptionsTest);
SQLCORE_BACKEND_TEST_SUITE(SubscriptionUsageTest);
