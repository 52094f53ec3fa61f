// SlackOperations on every backend: link connections (the bot token sealed at rest, opened only
// by the team's routing read, a SecretError under another key; one connection per link and per
// team, concurrent creators included; unknown links and users), updates and deletes taking the
// link's verifications along, user verifications (an upsert, emails normalised), pending
// verifications (one per user and team, expiring, the expired neither read nor revived, cleaned
// up by one DELETE; concurrent creators leave one), and bad input refused with nothing written.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/select.hpp>

#include "fixture.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/secrets.hpp"
#include "trinity/db/slack.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;
using trinity::db::DuplicateError;
using trinity::db::NotFoundError;
using trinity::db::SecretError;
using trinity::db::SecretKey;
using trinity::db::Secrets;
using trinity::db::SlackConnection;
using trinity::db::SlackPendingUpdate;

using trinity_test::secret_error;

namespace {

constexpr const char* kToken = "xoxb-1111-2222-abcDEF";
constexpr const char* kColumn = "slack_link_connections.slack_bot_token";

class SlackTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    std::tie(ada_, bob_) = add_ada_and_bob();
    add_agent("alpha", ada_);
    add_agent("beta", ada_);
    link_ = dbm().public_links().create_public_link("alpha", "ada").id;
    other_link_ =
        dbm().public_links().create_public_link("beta", "ada", {.require_email = true}).id;
  }
  trinity::db::SlackOperations& ops() { return dbm().slack(); }
  SlackConnection connect(const std::string& link, const std::string& team = "T1",
                          const std::string& token = kToken) {
    return ops().create_slack_connection(link, team, "Acme", token, ada_);
  }
  /// Runs one statement on a connection of its own, closed before returning.
  std::vector<Row> exec(const Executable& stmt) {
    auto c = dbm().engine().connect();
    return c.execute(stmt).all();
  }
  /// The stored bot token of the connection, read with a plain select.
  std::string raw_token(const std::string& id) {
    const auto& t = s().slack_link_connections;
    return exec(select(t.slack_bot_token).where(t.id == id)).at(0).get(t.slack_bot_token);
  }
  /// Moves the user's pending verifications' expiry `d` into the past.
  void expire_pending(const std::string& user, std::chrono::microseconds d = 1min) {
    const auto& p = s().slack_pending_verifications;
    exec(update(p)
             .set({{p.expires_at, Timestamp(Timestamp::now().time_point() - d)}})
             .where(p.slack_user_id == user));
  }
  std::int64_t ada_ = 0, bob_ = 0;
  std::string link_, other_link_;
};

TEST_P(SlackTest, CreateReturnsTheConnectionWithoutItsToken) {
  const auto made = connect(link_);
  EXPECT_EQ(made.id.size(), 32u);
  EXPECT_EQ(made.link_id, link_);
  EXPECT_EQ(made.slack_team_id, "T1");
  EXPECT_EQ(made.slack_team_name, "Acme");
  EXPECT_EQ(made.connected_by, ada_);
  EXPECT_TRUE(made.enabled);
  EXPECT_LE(made.connected_at, Timestamp::now());

  const auto by_id = ops().get_slack_connection(made.id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->link_id, link_);
  EXPECT_EQ(by_id->connected_at, made.connected_at);
  const auto by_link = ops().get_slack_connection_by_link(link_);
  ASSERT_TRUE(by_link);
  EXPECT_EQ(by_link->id, made.id);
  EXPECT_FALSE(ops().get_slack_connection("nope"));
  EXPECT_FALSE(ops().get_slack_connection_by_link(other_link_));
}

TEST_P(SlackTest, TheBotTokenIsSealedAtRest) {
  const auto made = connect(link_);
  const std::string raw = raw_token(made.id);
  EXPECT_EQ(raw.find(kToken), std::string::npos);
  EXPECT_EQ(raw.find("1111-2222"), std::string::npos);
  EXPECT_TRUE(Secrets::is_sealed(raw));
  EXPECT_EQ(test_secrets().open(raw, kColumn), kToken);
}

TEST_P(SlackTest, AnotherKeyCannotOpenTheToken) {
  const auto made = connect(link_);
  const Secrets other_key(SecretKey::generate());
  const std::string direct =
      secret_error([&] { (void)other_key.open(raw_token(made.id), kColumn); });
  EXPECT_NE(direct.find(kColumn), std::string::npos) << direct;
  EXPECT_EQ(direct.find(kToken), std::string::npos) << direct;
  // A second manager on the same database (an in-memory one lives in its own manager's engine).
  if (!many_connections()) return;
  trinity::db::DatabaseManager other(
      trinity::db::ManagerOptions{.url = url(), .migrate = true, .secrets = other_key});
  const std::string what =
      secret_error([&] { (void)other.slack().get_slack_connection_by_team("T1"); });
  EXPECT_NE(what.find(kColumn), std::string::npos) << what;
  EXPECT_EQ(what.find(kToken), std::string::npos) << what;
  // Reads that do not return the token work under any key.
  EXPECT_TRUE(other.slack().get_slack_connection_by_link(link_));
}

TEST_P(SlackTest, ByTeamGivesTheAgentTheEmailRuleAndTheToken) {
  const auto made = connect(other_link_, "T2");
  const auto route = ops().get_slack_connection_by_team("T2");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->id, made.id);
  EXPECT_EQ(route->agent_name, "beta");
  EXPECT_TRUE(route->require_email);
  EXPECT_EQ(route->slack_bot_token, kToken);
  EXPECT_FALSE(ops().get_slack_connection_by_team("T9"));

  connect(link_, "T1");
  EXPECT_FALSE(ops().get_slack_connection_by_team("T1")->require_email);
  ASSERT_TRUE(ops().update_slack_connection(made.id, {.enabled = false}));
  EXPECT_FALSE(ops().get_slack_connection_by_team("T2"));
  ASSERT_TRUE(ops().update_slack_connection(made.id, {.enabled = true}));
  ASSERT_TRUE(dbm().public_links().update_public_link(other_link_, {.enabled = false}));
  EXPECT_FALSE(ops().get_slack_connection_by_team("T2"));
  EXPECT_TRUE(ops().get_slack_connection_by_team("T1"));
}

TEST_P(SlackTest, OneConnectionPerLinkAndPerTeam) {
  const auto first = connect(link_, "T1");
  EXPECT_THROW(connect(link_, "T2"), DuplicateError);
  EXPECT_THROW(connect(other_link_, "T1"), DuplicateError);
  try {
    connect(link_, "T3", "xoxb-secret-value");
  } catch (const DuplicateError& e) {
    EXPECT_NE(std::string(e.what()).find(link_), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("secret-value"), std::string::npos);
  }
  EXPECT_EQ(rows("slack_link_connections"), 1);
  EXPECT_EQ(ops().get_slack_connection_by_link(link_)->id, first.id);
  // A duplicate inside an enclosing transaction leaves it usable.
  dbm().transaction([&] {
    EXPECT_THROW(connect(link_, "T1"), DuplicateError);
    connect(other_link_, "T2");
  });
  EXPECT_EQ(rows("slack_link_connections"), 2);
}

TEST_P(SlackTest, UnknownLinkOrUserIsNotFoundWritingNothing) {
  EXPECT_THROW(connect("no-such-link"), NotFoundError);
  EXPECT_THROW(ops().create_slack_connection(link_, "T1", std::nullopt, kToken, 9999),
               NotFoundError);
  EXPECT_EQ(rows("slack_link_connections"), 0);
}

TEST_P(SlackTest, BadInputIsRefusedWritingNothing) {
  for (const std::string bad : {"", "xoxb-", "xoxp-123", "xoxb-12 34", "xoxb-12_34", "XOXB-1",
                                "xoxb-\xc3\xa9", "token xoxb-1"}) {
    try {
      connect(link_, "T1", bad);
      ADD_FAILURE() << "accepted a malformed token";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("Slack bot token"), std::string::npos);
      if (bad.size() > 5) {
        EXPECT_EQ(std::string(e.what()).find(bad), std::string::npos);
      }
    }
  }
  EXPECT_THROW(connect("", "T1"), std::invalid_argument);
  EXPECT_THROW(connect(link_, "  "), std::invalid_argument);
  EXPECT_THROW(ops().get_slack_connection(""), std::invalid_argument);
  EXPECT_THROW(ops().get_slack_connection_by_team(""), std::invalid_argument);
  EXPECT_THROW(ops().delete_slack_connection_by_link(" "), std::invalid_argument);
  EXPECT_EQ(rows("slack_link_connections"), 0);
  EXPECT_NO_THROW(connect(link_, "T1", "xoxb-1"));
}

TEST_P(SlackTest, ConcurrentCreatorsMakeOneConnection) {
  reopen_for(8);
  std::atomic<int> made{0}, duplicates{0}, failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      try {
        connect(i % 2 == 0 ? link_ : other_link_, "T1");
        ++made;
      } catch (const DuplicateError&) {
        ++duplicates;
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(made.load(), 1);
  EXPECT_EQ(duplicates.load(), 7);
  EXPECT_EQ(rows("slack_link_connections"), 1);
}

TEST_P(SlackTest, UpdateChangesTheGivenFields) {
  const auto made = connect(link_);
  const auto renamed = ops().update_slack_connection(made.id, {.slack_team_name = "Acme Inc"});
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->slack_team_name, "Acme Inc");
  EXPECT_TRUE(renamed->enabled);
  const auto off = ops().update_slack_connection(made.id, {.enabled = false});
  ASSERT_TRUE(off);
  EXPECT_FALSE(off->enabled);
  EXPECT_EQ(off->slack_team_name, "Acme Inc");
  const auto same = ops().update_slack_connection(made.id, {});
  ASSERT_TRUE(same);
  EXPECT_FALSE(same->enabled);
  EXPECT_FALSE(ops().update_slack_connection("nope", {.enabled = true}));
  EXPECT_FALSE(ops().update_slack_connection("nope", {}));
  // The token is untouched.
  EXPECT_EQ(test_secrets().open(raw_token(made.id), kColumn), kToken);
}

TEST_P(SlackTest, DeletingAConnectionTakesItsLinksVerificationsAlong) {
  const auto made = connect(link_);
  connect(other_link_, "T2");
  ops().create_user_verification(link_, "U1", "T1", "u1@example.com", "email");
  ops().create_pending_verification(link_, "U2", "T1");
  ops().create_user_verification(other_link_, "U1", "T2", "u1@example.com", "email");
  ops().create_pending_verification(other_link_, "U3", "T2");

  EXPECT_TRUE(ops().delete_slack_connection(made.id));
  EXPECT_FALSE(ops().delete_slack_connection(made.id));
  EXPECT_FALSE(ops().get_slack_connection(made.id));
  EXPECT_FALSE(ops().get_user_verification(link_, "U1", "T1"));
  EXPECT_FALSE(ops().get_pending_verification("U2", "T1"));
  EXPECT_EQ(rows("slack_user_verifications"), 1);
  EXPECT_EQ(rows("slack_pending_verifications"), 1);

  EXPECT_TRUE(ops().delete_slack_connection_by_link(other_link_));
  EXPECT_FALSE(ops().delete_slack_connection_by_link(other_link_));
  EXPECT_EQ(rows("slack_link_connections"), 0);
  EXPECT_EQ(rows("slack_user_verifications"), 0);
  EXPECT_EQ(rows("slack_pending_verifications"), 0);
}

TEST_P(SlackTest, UserVerificationIsAnUpsertWithNormalisedEmails) {
  const auto v = ops().create_user_verification(link_, "U1", "T1", "  Ada@Example.COM ", "email");
  EXPECT_EQ(v.link_id, link_);
  EXPECT_EQ(v.slack_user_id, "U1");
  EXPECT_EQ(v.slack_team_id, "T1");
  EXPECT_EQ(v.verified_email, "ada@example.com");
  EXPECT_EQ(v.verification_method, "email");
  const auto got = ops().get_user_verification(link_, "U1", "T1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, v.id);
  EXPECT_EQ(got->verified_at, v.verified_at);

  const auto again = ops().create_user_verification(link_, "U1", "T1", "bob@example.com", "sso");
  EXPECT_EQ(again.id, v.id);
  EXPECT_EQ(again.verified_email, "bob@example.com");
  EXPECT_EQ(again.verification_method, "sso");
  EXPECT_GE(again.verified_at, v.verified_at);
  EXPECT_EQ(rows("slack_user_verifications"), 1);

  EXPECT_FALSE(ops().get_user_verification(link_, "U1", "T2"));
  EXPECT_FALSE(ops().get_user_verification(other_link_, "U1", "T1"));
  EXPECT_FALSE(ops().get_user_verification(link_, "U2", "T1"));
}

TEST_P(SlackTest, UserVerificationRefusesBadInputAndUnknownLinks) {
  EXPECT_THROW(ops().create_user_verification("nope", "U1", "T1", "a@example.com", "email"),
               NotFoundError);
  EXPECT_THROW(ops().create_user_verification(link_, "U1", "T1", "not-an-email", "email"),
               std::invalid_argument);
  EXPECT_THROW(ops().create_user_verification(link_, "", "T1", "a@example.com", "email"),
               std::invalid_argument);
  EXPECT_THROW(ops().create_user_verification(link_, "U1", "", "a@example.com", "email"),
               std::invalid_argument);
  EXPECT_THROW(ops().create_user_verification(link_, "U1", "T1", "a@example.com", " "),
               std::invalid_argument);
  EXPECT_THROW(ops().get_user_verification(link_, "", "T1"), std::invalid_argument);
  EXPECT_EQ(rows("slack_user_verifications"), 0);
}

TEST_P(SlackTest, PendingVerificationLivesTenMinutes) {
  const auto p = ops().create_pending_verification(link_, "U1", "T1");
  EXPECT_EQ(p.state, "awaiting_email");
  EXPECT_FALSE(p.email);
  EXPECT_FALSE(p.code);
  EXPECT_EQ(p.link_id, link_);
  EXPECT_EQ(p.expires_at.micros() - p.created_at.micros(),
            std::chrono::microseconds(trinity::db::kSlackPendingVerificationTtl).count());
  const auto got = ops().get_pending_verification("U1", "T1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, p.id);
  EXPECT_EQ(got->expires_at, p.expires_at);
  EXPECT_FALSE(ops().get_pending_verification("U1", "T2"));
  EXPECT_FALSE(ops().get_pending_verification("U2", "T1"));
}

TEST_P(SlackTest, CreatingAPendingVerificationReplacesTheUsersEarlierOne) {
  const auto first = ops().create_pending_verification(link_, "U1", "T1");
  ops().create_pending_verification(link_, "U2", "T1");
  const auto second = ops().create_pending_verification(link_, "U1", "T1", " Ada@Example.com",
                                                        "123456", "awaiting_code");
  EXPECT_NE(second.id, first.id);
  EXPECT_EQ(second.email, "ada@example.com");
  EXPECT_EQ(second.code, "123456");
  EXPECT_EQ(second.state, "awaiting_code");
  EXPECT_EQ(rows("slack_pending_verifications"), 2);
  EXPECT_EQ(ops().get_pending_verification("U1", "T1")->id, second.id);
}

TEST_P(SlackTest, UpdateChangesTheGivenFieldsAndExtendsTheExpiry) {
  const auto p = ops().create_pending_verification(link_, "U1", "T1");
  expire_pending("U1", -1min);  // expires in one minute
  const auto u = ops().update_pending_verification(
      "U1", "T1", {.email = "Ada@Example.com", .state = "awaiting_code"});
  ASSERT_TRUE(u);
  EXPECT_EQ(u->id, p.id);
  EXPECT_EQ(u->email, "ada@example.com");
  EXPECT_FALSE(u->code);
  EXPECT_EQ(u->state, "awaiting_code");
  EXPECT_GT(u->expires_at, Timestamp(Timestamp::now().time_point() + 9min));
  const auto coded = ops().update_pending_verification("U1", "T1", {.code = "654321"});
  ASSERT_TRUE(coded);
  EXPECT_EQ(coded->code, "654321");
  EXPECT_EQ(coded->email, "ada@example.com");
  EXPECT_EQ(ops().get_pending_verification("U1", "T1")->code, "654321");
  EXPECT_FALSE(ops().update_pending_verification("U2", "T1", {.code = "1"}));
  EXPECT_EQ(rows("slack_pending_verifications"), 1);
}

TEST_P(SlackTest, ExpiredPendingVerificationsAreNotReadNorRevived) {
  ops().create_pending_verification(link_, "U1", "T1");
  ops().create_pending_verification(link_, "U2", "T1");
  expire_pending("U1");
  EXPECT_FALSE(ops().get_pending_verification("U1", "T1"));
  EXPECT_FALSE(ops().update_pending_verification("U1", "T1", {.state = "awaiting_code"}));
  EXPECT_FALSE(ops().get_pending_verification("U1", "T1"));
  EXPECT_TRUE(ops().get_pending_verification("U2", "T1"));

  EXPECT_EQ(ops().cleanup_expired_pending_verifications(), 1);
  EXPECT_EQ(ops().cleanup_expired_pending_verifications(), 0);
  EXPECT_EQ(rows("slack_pending_verifications"), 1);
  EXPECT_TRUE(ops().get_pending_verification("U2", "T1"));
}

TEST_P(SlackTest, DeletePendingVerification) {
  ops().create_pending_verification(link_, "U1", "T1");
  ops().create_pending_verification(link_, "U2", "T1");
  expire_pending("U2");
  EXPECT_TRUE(ops().delete_pending_verification("U1", "T1"));
  EXPECT_FALSE(ops().delete_pending_verification("U1", "T1"));
  EXPECT_TRUE(ops().delete_pending_verification("U2", "T1"));  // expired ones too
  EXPECT_EQ(rows("slack_pending_verifications"), 0);
}

TEST_P(SlackTest, PendingVerificationRefusesBadInputAndUnknownLinks) {
  EXPECT_THROW(ops().create_pending_verification("nope", "U1", "T1"), NotFoundError);
  EXPECT_THROW(ops().create_pending_verification(link_, "U1", "T1", "not-an-email"),
               std::invalid_argument);
  EXPECT_THROW(ops().create_pending_verification(link_, "", "T1"), std::invalid_argument);
  EXPECT_THROW(ops().create_pending_verification(link_, "U1", "T1", std::nullopt, "1", ""),
               std::invalid_argument);
  EXPECT_EQ(rows("slack_pending_verifications"), 0);
  ops().create_pending_verification(link_, "U1", "T1");
  EXPECT_THROW(ops().update_pending_verification("U1", "T1", {.email = "nope"}),
               std::invalid_argument);
  EXPECT_THROW(ops().update_pending_verification("U1", "T1", {.state = " "}),
               std::invalid_argument);
  EXPECT_THROW(ops().get_pending_verification("", "T1"), std::invalid_argument);
  EXPECT_THROW(ops().delete_pending_verification("U1", ""), std::invalid_argument);
  EXPECT_EQ(ops().get_pending_verification("U1", "T1")->state, "awaiting_email");
  EXPECT_FALSE(ops().get_pending_verification("U1", "T1")->email);
}

TEST_P(SlackTest, ConcurrentPendingCreatorsLeaveOne) {
  reopen_for(8);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      try {
        ops().create_pending_verification(link_, "U1", "T1", std::nullopt, std::to_string(i));
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(rows("slack_pending_verifications"), 1);
  EXPECT_TRUE(ops().get_pending_verification("U1", "T1"));
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(SlackTest);
