// PublicLinkOperations on every backend: links (hashed tokens, creator and agent checks, update,
// delete with what cascades, validity: not found, disabled, expired), verification codes (hashed,
// single use, wrong, reused, expired, superseded, across a day boundary), sessions (expiry),
// request and message counts with rows inside and outside their windows, usage statistics,
// per-user memory, bad input writing nothing, concurrency (16 threads incrementing, one code
// verified by 8 threads) and rollback in the facade's transaction.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/expression.hpp>
#include <sqlcore/sql/select.hpp>

#include "fixture.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/public_links.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;
using trinity::db::NotFoundError;
using trinity::db::PublicLink;
using trinity_test::kDay;

namespace {

class PublicLinksTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    std::tie(ada_, bob_) = add_ada_and_bob();
    add_agent("alpha", ada_);
    add_agent("beta", ada_);
  }
  trinity::db::PublicLinkOperations& ops() { return dbm().public_links(); }
  PublicLink link(const std::string& agent = "alpha") {
    return ops().create_public_link(agent, "ada");
  }
  /// Runs one statement on a connection of its own, closed before returning (an in-memory
  /// database has one connection).
  std::vector<Row> exec(const Executable& stmt) {
    auto c = dbm().engine().connect();
    return c.execute(stmt).all();
  }
  /// Sets a verification's creation and expiry times.
  void set_code_times(const std::string& id, Timestamp created, Timestamp expires) {
    const auto& v = s().public_link_verifications;
    exec(update(v).set({{v.created_at, created}, {v.expires_at, expires}}).where(v.id == id));
  }
  /// Sets the usage rows' times (where `where` holds).
  void set_usage_time(const Expr& where, Timestamp at) {
    const auto& u = s().public_link_usage;
    exec(update(u).set({{u.created_at, at}, {u.last_used_at, at}}).where(where));
  }
  std::int64_t ada_ = 0, bob_ = 0;
};

TEST_P(PublicLinksTest, CreateReturnsTheTokenOnceAndStoresItsHash) {
  const Timestamp before = Timestamp::now();
  const Timestamp until = plus(before, 48h);
  auto l = ops().create_public_link(
      "alpha", " ada ", {.name = " Support ", .require_email = true, .expires_at = until});
  ASSERT_TRUE(l.token);
  EXPECT_GE(l.token->size(), 43u);  // 32 random bytes, base64url
  EXPECT_EQ(l.id.size(), 32u);
  EXPECT_EQ(l.agent_name, "alpha");
  EXPECT_EQ(l.created_by, ada_);
  EXPECT_GE(l.created_at, before);
  EXPECT_EQ(l.expires_at, until);
  EXPECT_TRUE(l.enabled);
  EXPECT_EQ(l.name, "Support");
  EXPECT_TRUE(l.require_email);
  EXPECT_EQ(l.type, "chat");

  // Stored as its SHA-256: the plain token is nowhere in the table.
  const auto& t = s().agent_public_links;
  auto stored = exec(select(t.token).where(t.id == l.id));
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].get(t.token), trinity::db::sha256_hex(*l.token));
  EXPECT_TRUE(exec(select(t.id).where(t.token == *l.token)).empty());

  auto got = ops().get_public_link(l.id);
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->token);  // never given back
  EXPECT_EQ(got->created_at, l.created_at);
  EXPECT_EQ(got->expires_at, until);
  EXPECT_EQ(got->name, "Support");
  auto by_token = ops().get_public_link_by_token(*l.token);
  ASSERT_TRUE(by_token);
  EXPECT_EQ(by_token->id, l.id);
  EXPECT_FALSE(by_token->token);
  EXPECT_FALSE(ops().get_public_link_by_token(trinity::db::sha256_hex(*l.token)));
  EXPECT_FALSE(ops().get_public_link_by_token(""));
  EXPECT_FALSE(ops().get_public_link("nope"));

  // Two links never share a token; the list is newest first.
  auto second = ops().create_public_link("alpha", "bob");
  EXPECT_NE(second.token, l.token);
  EXPECT_EQ(second.created_by, bob_);
  EXPECT_FALSE(second.expires_at);
  EXPECT_FALSE(second.name);
  EXPECT_FALSE(second.require_email);
  link("beta");
  auto list = ops().list_agent_public_links("alpha");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, second.id);
  EXPECT_EQ(list[1].id, l.id);
  EXPECT_TRUE(ops().list_agent_public_links("gamma").empty());
}

TEST_P(PublicLinksTest, CreateRefusesBadInputAndUnknownsWritingNothing) {
  EXPECT_THROW(ops().create_public_link("", "ada"), std::invalid_argument);
  EXPECT_THROW(ops().create_public_link("  ", "ada"), std::invalid_argument);
  EXPECT_THROW(ops().create_public_link("alpha", ""), std::invalid_argument);
  EXPECT_THROW(ops().create_public_link("alpha", "ada", {.name = " "}), std::invalid_argument);
  EXPECT_THROW(ops().create_public_link("alpha", "nobody"), NotFoundError);
  EXPECT_THROW(ops().create_public_link("ghost", "ada"), NotFoundError);
  {
    const auto& a = s().agent_ownership;
    exec(update(a).set({{a.deleted_at, Timestamp::now()}}).where(a.agent_name == "beta"));
  }
  EXPECT_THROW(ops().create_public_link("beta", "ada"), NotFoundError);  // soft-deleted
  EXPECT_EQ(rows("agent_public_links"), 0);
}

TEST_P(PublicLinksTest, UpdateChangesTheGivenFields) {
  auto l = link();
  const Timestamp until = plus(Timestamp::now(), 2h);
  auto renamed = ops().update_public_link(l.id, {.name = "Sales"});
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->name, "Sales");
  EXPECT_TRUE(renamed->enabled);
  EXPECT_FALSE(renamed->token);
  auto changed = ops().update_public_link(
      l.id, {.enabled = false, .require_email = true, .expires_at = until});
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->name, "Sales");
  EXPECT_FALSE(changed->enabled);
  EXPECT_TRUE(changed->require_email);
  EXPECT_EQ(changed->expires_at, until);
  auto same = ops().update_public_link(l.id, {});
  ASSERT_TRUE(same);
  EXPECT_FALSE(same->enabled);
  EXPECT_FALSE(ops().update_public_link("nope", {.enabled = true}));
  EXPECT_FALSE(ops().update_public_link("nope", {}));
  EXPECT_THROW(ops().update_public_link(l.id, {.name = ""}), std::invalid_argument);
  EXPECT_EQ(ops().get_public_link(l.id)->name, "Sales");
  // The token still opens it.
  EXPECT_EQ(ops().get_public_link_by_token(*l.token)->id, l.id);
}

TEST_P(PublicLinksTest, DeleteTakesVerificationsUsageAndSessionsAlong) {
  auto a1 = link(), a2 = link(), b1 = link("beta");
  for (const auto& l : {a1, a2, b1}) {
    ops().create_verification(l.id, "ada@example.com");
    ops().record_usage(l.id, "ada@example.com", "10.0.0.1");
    dbm().public_chat().get_or_create_session(l.id, "ada@example.com", "email");
  }
  EXPECT_TRUE(ops().delete_public_link(a1.id));
  EXPECT_FALSE(ops().delete_public_link(a1.id));
  EXPECT_FALSE(ops().get_public_link(a1.id));
  EXPECT_EQ(rows("public_link_verifications"), 2);
  EXPECT_EQ(rows("public_link_usage"), 2);
  EXPECT_EQ(rows("public_chat_sessions"), 2);

  EXPECT_EQ(ops().delete_agent_public_links("alpha"), 1);
  EXPECT_EQ(ops().delete_agent_public_links("alpha"), 0);
  EXPECT_EQ(ops().delete_agent_public_links("ghost"), 0);
  EXPECT_EQ(rows("agent_public_links"), 1);
  EXPECT_EQ(rows("public_link_verifications"), 1);
  EXPECT_EQ(rows("public_link_usage"), 1);
  EXPECT_TRUE(ops().get_public_link(b1.id));
}

TEST_P(PublicLinksTest, ValiditySaysWhyALinkDoesNotOpen) {
  auto open = link();
  auto v = ops().is_link_valid(*open.token);
  EXPECT_TRUE(v.valid);
  EXPECT_FALSE(v.reason);
  ASSERT_TRUE(v.link);
  EXPECT_EQ(v.link->id, open.id);

  auto none = ops().is_link_valid("no-such-token");
  EXPECT_FALSE(none.valid);
  EXPECT_EQ(none.reason, "not_found");
  EXPECT_FALSE(none.link);
  EXPECT_EQ(ops().is_link_valid("").reason, "not_found");

  ops().update_public_link(open.id, {.enabled = false});
  auto off = ops().is_link_valid(*open.token);
  EXPECT_FALSE(off.valid);
  EXPECT_EQ(off.reason, "disabled");
  EXPECT_FALSE(off.link);

  // Expiry: a minute ago, and just after a midnight that has passed (yesterday's date before
  // it); a link expiring after tomorrow's midnight is open.
  auto late = ops().create_public_link("alpha", "ada", {.expires_at = ago(1min)});
  EXPECT_EQ(ops().is_link_valid(*late.token).reason, "expired");
  auto midnight =
      ops().create_public_link("alpha", "ada", {.expires_at = plus(past_midnight(), 5min)});
  EXPECT_EQ(ops().is_link_valid(*midnight.token).reason, "expired");
  auto tomorrow = ops().create_public_link(
      "alpha", "ada",
      {.expires_at = Timestamp::from_micros((Timestamp::now().micros() / kDay + 1) * kDay +
                                            5 * 60'000'000LL)});
  EXPECT_TRUE(ops().is_link_valid(*tomorrow.token).valid);
}

TEST_P(PublicLinksTest, ACodeVerifiesOnceAndStartsASession) {
  auto l = link();
  const Timestamp before = Timestamp::now();
  auto code = ops().create_verification(l.id, " Ada@Example.COM ");
  EXPECT_EQ(code.code.size(), 6u);
  EXPECT_EQ(code.code.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(code.email, "ada@example.com");
  EXPECT_EQ(code.link_id, l.id);
  EXPECT_EQ(code.expires_in_seconds, 600);
  EXPECT_GE(code.created_at, before);
  EXPECT_EQ(code.expires_at, plus(code.created_at, 10min));
  // Stored hashed, with the normalised email.
  const auto& v = s().public_link_verifications;
  auto row = exec(select(v.email, v.code, v.verified).where(v.id == code.id));
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0].get(v.email), "ada@example.com");
  EXPECT_NE(row[0].get(v.code), code.code);
  EXPECT_EQ(row[0].get(v.code).size(), 64u);

  // A wrong code, another link's or another address's: not ok, nothing changed.
  const std::string wrong = code.code == "000000" ? "000001" : "000000";
  auto bad = ops().verify_code(l.id, "ada@example.com", wrong);
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.error, "invalid_code");
  EXPECT_FALSE(bad.session);
  auto other = link("beta");
  EXPECT_EQ(ops().verify_code(other.id, "ada@example.com", code.code).error, "invalid_code");
  EXPECT_EQ(ops().verify_code(l.id, "bob@example.com", code.code).error, "invalid_code");
  EXPECT_EQ(ops().verify_code(l.id, "ada@example.com", "").error, "invalid_code");
  EXPECT_EQ(exec(select(v.verified).where(v.id == code.id))[0].get(v.verified), false);

  const Timestamp at = Timestamp::now();
  auto ok = ops().verify_code(l.id, "ADA@example.com", " " + code.code + " ", 2);
  ASSERT_TRUE(ok.ok);
  EXPECT_FALSE(ok.error);
  ASSERT_TRUE(ok.session);
  EXPECT_GE(ok.session->token.size(), 43u);
  EXPECT_EQ(ok.session->email, "ada@example.com");
  EXPECT_GE(ok.session->expires_at, plus(at, 2h));
  EXPECT_LE(ok.session->expires_at, plus(Timestamp::now(), 2h));
  // The session token is stored hashed too.
  auto stored = exec(select(v.session_token).where(v.id == code.id));
  EXPECT_EQ(stored[0].get(v.session_token), trinity::db::sha256_hex(ok.session->token));

  // Used up.
  auto again = ops().verify_code(l.id, "ada@example.com", code.code);
  EXPECT_FALSE(again.ok);
  EXPECT_EQ(again.error, "invalid_code");

  auto session = ops().validate_session(l.id, ok.session->token);
  EXPECT_TRUE(session.valid);
  EXPECT_EQ(session.email, "ada@example.com");
  EXPECT_FALSE(ops().validate_session(other.id, ok.session->token).valid);
  EXPECT_FALSE(ops().validate_session(l.id, "session-that-does-not-exist").valid);
  EXPECT_FALSE(ops().validate_session(l.id, "").valid);
  auto hashed = ops().validate_session(l.id, trinity::db::sha256_hex(ok.session->token));
  EXPECT_FALSE(hashed.valid);
  EXPECT_FALSE(hashed.email);

  // The session expires: a minute ago, then just after a past midnight.
  exec(update(v).set({{v.session_expires_at, ago(1min)}}).where(v.id == code.id));
  EXPECT_FALSE(ops().validate_session(l.id, ok.session->token).valid);
  exec(update(v).set({{v.session_expires_at, plus(past_midnight(), 5min)}}).where(v.id == code.id));
  EXPECT_FALSE(ops().validate_session(l.id, ok.session->token).valid);
}

TEST_P(PublicLinksTest, ExpiredCodesDoNotVerifyEvenAcrossMidnight) {
  auto l = link();
  auto late = ops().create_verification(l.id, "ada@example.com");
  set_code_times(late.id, ago(11min), ago(1min));
  auto r = ops().verify_code(l.id, "ada@example.com", late.code);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "code_expired");
  EXPECT_FALSE(r.session);

  // Created at 23:55 on one day, expired at 00:05 on the next, both past.
  auto night = ops().create_verification(l.id, "bob@example.com");
  const Timestamp midnight = past_midnight();
  set_code_times(night.id, plus(midnight, -5min), plus(midnight, 5min));
  EXPECT_EQ(ops().verify_code(l.id, "bob@example.com", night.code).error, "code_expired");
  const auto& v = s().public_link_verifications;
  EXPECT_TRUE(exec(select(v.id).where(v.verified == true)).empty());

  // Created yesterday, expiring at 00:05 tomorrow: still valid.
  auto live = ops().create_verification(l.id, "carol@example.com");
  set_code_times(
      live.id, ago(24h),
      Timestamp::from_micros((Timestamp::now().micros() / kDay + 1) * kDay + 5 * 60'000'000LL));
  EXPECT_TRUE(ops().verify_code(l.id, "carol@example.com", live.code).ok);
}

TEST_P(PublicLinksTest, ANewCodeRetiresTheEarlierOne) {
  auto l = link(), other = link("beta");
  auto first = ops().create_verification(l.id, "ada@example.com");
  auto elsewhere = ops().create_verification(other.id, "ada@example.com");
  auto second = ops().create_verification(l.id, "ada@example.com", 5);
  EXPECT_EQ(second.expires_in_seconds, 300);
  if (first.code != second.code) {
    EXPECT_EQ(ops().verify_code(l.id, "ada@example.com", first.code).error, "code_expired");
  }
  EXPECT_TRUE(ops().verify_code(l.id, "ada@example.com", second.code).ok);
  EXPECT_TRUE(ops().verify_code(other.id, "ada@example.com", elsewhere.code).ok);  // other link
}

TEST_P(PublicLinksTest, VerificationRefusesBadInputWritingNothing) {
  auto l = link();
  for (const char* email : {"", "  ", "ada", "ada@", "@example.com", "ada@example", "a b@c.de"})
    EXPECT_THROW(ops().create_verification(l.id, email), std::invalid_argument) << email;
  EXPECT_THROW(ops().create_verification(l.id, "ada@example.com", 0), std::invalid_argument);
  EXPECT_THROW(ops().create_verification(l.id, "ada@example.com", -5), std::invalid_argument);
  EXPECT_THROW(ops().create_verification(l.id, "ada@example.com", 100'000), std::invalid_argument);
  EXPECT_THROW(ops().create_verification("nope", "ada@example.com"), NotFoundError);
  EXPECT_EQ(rows("public_link_verifications"), 0);

  auto code = ops().create_verification(l.id, "ada@example.com");
  EXPECT_THROW(ops().verify_code(l.id, "not-an-email", code.code), std::invalid_argument);
  EXPECT_THROW(ops().verify_code(l.id, "ada@example.com", code.code, 0), std::invalid_argument);
  EXPECT_THROW(ops().verify_code(l.id, "ada@example.com", code.code, 9000), std::invalid_argument);
  EXPECT_TRUE(ops().verify_code(l.id, "ada@example.com", code.code).ok);  // still unused
}

TEST_P(PublicLinksTest, RecentVerificationRequestsCountTheWindowOnly) {
  auto l = link(), other = link("beta");
  EXPECT_EQ(ops().count_recent_verification_requests("ada@example.com"), 0);
  ops().create_verification(l.id, "ada@example.com");
  ops().create_verification(other.id, "ADA@example.com");
  ops().create_verification(l.id, "bob@example.com");
  auto older = ops().create_verification(l.id, "ada@example.com");
  set_code_times(older.id, ago(11min), ago(1min));
  auto night = ops().create_verification(l.id, "ada@example.com");
  const Timestamp midnight = past_midnight();
  set_code_times(night.id, plus(midnight, -1min), plus(midnight, 9min));

  EXPECT_EQ(ops().count_recent_verification_requests(" Ada@Example.com "), 2);
  EXPECT_EQ(ops().count_recent_verification_requests("ada@example.com", 10), 2);
  EXPECT_EQ(ops().count_recent_verification_requests("ada@example.com", 12), 3);
  // A window that reaches back over midnight to 23:59, and one that stops at midnight.
  const std::int64_t since_midnight = (Timestamp::now().micros() - midnight.micros()) / 60'000'000;
  EXPECT_EQ(ops().count_recent_verification_requests("ada@example.com", since_midnight + 3), 4);
  EXPECT_EQ(ops().count_recent_verification_requests("ada@example.com", since_midnight), 3);
  EXPECT_EQ(ops().count_recent_verification_requests("bob@example.com"), 1);
  EXPECT_EQ(ops().count_recent_verification_requests("ada@example.com", 0), 0);
  EXPECT_EQ(ops().count_recent_verification_requests("nobody@example.com"), 0);
}

TEST_P(PublicLinksTest, UsageIsRecordedPerMessageAndSummed) {
  auto l = link(), other = link("beta");
  auto stats = ops().get_link_usage_stats(l.id);
  EXPECT_EQ(stats.total_messages, 0);
  EXPECT_EQ(stats.unique_users, 0);
  EXPECT_EQ(stats.unique_ips, 0);
  EXPECT_FALSE(stats.last_used_at);

  const Timestamp before = Timestamp::now();
  auto u = ops().record_usage(l.id, " Ada@Example.com", "10.0.0.1");
  EXPECT_EQ(u.link_id, l.id);
  EXPECT_EQ(u.email, "ada@example.com");
  EXPECT_EQ(u.ip_address, "10.0.0.1");
  EXPECT_EQ(u.message_count, 1);
  EXPECT_GE(u.created_at, before);
  EXPECT_EQ(u.last_used_at, u.created_at);
  ops().record_usage(l.id, "ada@example.com", "10.0.0.2");
  ops().record_usage(l.id, "bob@example.com", "10.0.0.1");
  ops().record_usage(l.id, std::nullopt, "10.0.0.3");
  auto last = ops().record_usage(l.id);
  EXPECT_FALSE(last.email);
  EXPECT_FALSE(last.ip_address);
  ops().record_usage(other.id, "carol@example.com", "10.0.0.9");

  stats = ops().get_link_usage_stats(l.id);
  EXPECT_EQ(stats.total_messages, 5);
  EXPECT_EQ(stats.unique_users, 2);
  EXPECT_EQ(stats.unique_ips, 3);
  EXPECT_EQ(stats.last_used_at, last.last_used_at);
  EXPECT_EQ(ops().get_link_usage_stats("nope").total_messages, 0);

  EXPECT_THROW(ops().record_usage("nope", "ada@example.com"), NotFoundError);
  EXPECT_THROW(ops().record_usage(l.id, "", "10.0.0.1"), std::invalid_argument);
  EXPECT_THROW(ops().record_usage(l.id, "ada.example.com"), std::invalid_argument);
  EXPECT_EQ(rows("public_link_usage"), 6);
}

TEST_P(PublicLinksTest, MessageCountsCoverTheirWindowOnly) {
  auto l = link(), other = link("beta");
  const auto& u = s().public_link_usage;
  for (int i = 0; i < 3; ++i) ops().record_usage(l.id, std::nullopt, "10.0.0.1");
  auto older = ops().record_usage(l.id, std::nullopt, "10.0.0.1");
  set_usage_time(u.id == older.id, ago(3min));
  auto oldest = ops().record_usage(l.id, std::nullopt, "10.0.0.1");
  set_usage_time(u.id == oldest.id, ago(2h));
  auto night = ops().record_usage(other.id, std::nullopt, "10.0.0.1");
  const Timestamp midnight = past_midnight();
  set_usage_time(u.id == night.id, plus(midnight, -1min));
  ops().record_usage(other.id, std::nullopt, "10.0.0.2");

  EXPECT_EQ(ops().count_recent_messages_by_ip("10.0.0.1"), 3);
  EXPECT_EQ(ops().count_recent_messages_by_ip("10.0.0.1", 5), 4);
  EXPECT_EQ(ops().count_recent_messages_by_ip("10.0.0.1", 121), 5);
  EXPECT_EQ(ops().count_recent_messages_by_ip("10.0.0.2"), 1);
  EXPECT_EQ(ops().count_recent_messages_by_ip("10.0.0.3"), 0);
  EXPECT_EQ(ops().count_recent_messages_by_ip("10.0.0.1", 0), 0);
  EXPECT_EQ(ops().count_recent_messages_by_token(l.id), 3);
  EXPECT_EQ(ops().count_recent_messages_by_token(l.id, 5), 4);
  EXPECT_EQ(ops().count_recent_messages_by_token(other.id), 1);
  EXPECT_EQ(ops().count_recent_messages_by_token("nope"), 0);
  // Over midnight: the 23:59 message is in a window reaching back past it, not in one that
  // stops at midnight.
  const std::int64_t since_midnight = (Timestamp::now().micros() - midnight.micros()) / 60'000'000;
  EXPECT_EQ(ops().count_recent_messages_by_token(other.id, since_midnight + 3), 2);
  EXPECT_EQ(ops().count_recent_messages_by_token(other.id, since_midnight), 1);

  // A row from an older writer that summed several messages counts them all.
  exec(update(u).set({{u.message_count, std::int64_t{4}}}).where(u.id == night.id));
  EXPECT_EQ(ops().count_recent_messages_by_token(other.id, since_midnight + 3), 5);
  EXPECT_EQ(ops().get_link_usage_stats(other.id).total_messages, 5);
}

TEST_P(PublicLinksTest, UserMemoryIsCreatedOnceAndCounts) {
  auto m = ops().get_or_create_user_memory("alpha", " Ada@Example.com ");
  EXPECT_EQ(m.id.size(), 32u);
  EXPECT_EQ(m.agent_name, "alpha");
  EXPECT_EQ(m.user_email, "ada@example.com");
  EXPECT_EQ(m.memory_text, "");
  EXPECT_EQ(m.message_count, 0);
  auto again = ops().get_or_create_user_memory("alpha", "ada@example.com");
  EXPECT_EQ(again.id, m.id);
  EXPECT_EQ(again.created_at, m.created_at);

  EXPECT_EQ(ops().increment_message_count("alpha", "ADA@example.com"), 1);
  EXPECT_EQ(ops().increment_message_count("alpha", "ada@example.com"), 2);
  // A pair without memory yet gets it, counted.
  EXPECT_EQ(ops().increment_message_count("beta", "ada@example.com"), 1);
  EXPECT_EQ(ops().get_or_create_user_memory("beta", "ada@example.com").message_count, 1);

  EXPECT_TRUE(ops().update_user_memory("alpha", "Ada@example.com", "Prefers short answers."));
  auto updated = ops().get_or_create_user_memory("alpha", "ada@example.com");
  EXPECT_EQ(updated.memory_text, "Prefers short answers.");
  EXPECT_EQ(updated.message_count, 2);
  EXPECT_GE(updated.updated_at, m.updated_at);
  EXPECT_FALSE(ops().update_user_memory("alpha", "bob@example.com", "x"));
  EXPECT_EQ(rows("public_user_memory"), 2);

  EXPECT_THROW(ops().get_or_create_user_memory("", "ada@example.com"), std::invalid_argument);
  EXPECT_THROW(ops().get_or_create_user_memory("alpha", "ada"), std::invalid_argument);
  EXPECT_THROW(ops().increment_message_count("alpha", ""), std::invalid_argument);
  EXPECT_THROW(ops().increment_message_count(" ", "bob@example.com"), std::invalid_argument);
  EXPECT_THROW(ops().update_user_memory("alpha", "bob@", "x"), std::invalid_argument);
  EXPECT_EQ(rows("public_user_memory"), 2);
}

TEST_P(PublicLinksTest, ConcurrentIncrementsLoseNothing) {
  constexpr int kThreads = 16, kEach = 25;
  reopen_for(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        try {
          dbm().public_links().increment_message_count("alpha", "ada@example.com");
        } catch (const std::exception& e) {
          ++failures;
          ADD_FAILURE() << e.what();
        }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(ops().get_or_create_user_memory("alpha", "ada@example.com").message_count,
            kThreads * kEach);
  EXPECT_EQ(rows("public_user_memory"), 1);
}

TEST_P(PublicLinksTest, ConcurrentGetOrCreateMakesOneMemory) {
  constexpr int kThreads = 8;
  reopen_for(kThreads);
  std::vector<std::string> ids(kThreads);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < ids.size(); ++i)
    threads.emplace_back([&, i] {
      try {
        ids[i] = dbm().public_links().get_or_create_user_memory("alpha", "ada@example.com").id;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u);
  EXPECT_EQ(rows("public_user_memory"), 1);
}

TEST_P(PublicLinksTest, ConcurrentVerificationsOfOneCodeSucceedOnce) {
  constexpr int kThreads = 8;
  reopen_for(kThreads);
  auto l = link();
  auto code = ops().create_verification(l.id, "ada@example.com");
  std::atomic<int> ok{0}, failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&] {
      try {
        if (dbm().public_links().verify_code(l.id, "ada@example.com", code.code).ok) ++ok;
      } catch (const std::exception& e) {
        ++failures;
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(ok.load(), 1);
}

TEST_P(PublicLinksTest, CallsRollBackWithTheFacadeTransaction) {
  auto kept = link();
  EXPECT_THROW(dbm().transaction([&] {
    auto l = link();
    ops().update_public_link(kept.id, {.enabled = false});
    ops().create_verification(l.id, "ada@example.com");
    ops().record_usage(l.id, "ada@example.com", "10.0.0.1");
    ops().increment_message_count("alpha", "ada@example.com");
    ops().get_or_create_user_memory("beta", "bob@example.com");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(rows("agent_public_links"), 1);
  EXPECT_TRUE(ops().get_public_link(kept.id)->enabled);
  EXPECT_EQ(rows("public_link_verifications"), 0);
  EXPECT_EQ(rows("public_link_usage"), 0);
  EXPECT_EQ(rows("public_user_memory"), 0);

  // An expected error inside a transaction leaves the others' work intact.
  dbm().transaction([&] {
    ops().record_usage(kept.id);
    EXPECT_THROW(ops().record_usage("nope"), NotFoundError);
    EXPECT_THROW(ops().create_public_link("ghost", "ada"), NotFoundError);
    ops().increment_message_count("alpha", "ada@example.com");
  });
  EXPECT_EQ(rows("public_link_usage"), 1);
  EXPECT_EQ(rows("public_user_memory"), 1);
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(PublicLinksTest);
