// EmailAuthOperations on every backend: the whitelist (case-insensitive, duplicates, unknown
// adders), login codes (hashed, single-use, expiry, wrong address, reuse), the request counter's
// and the clean-up's windows at their edges, and get_or_create_email_user.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/expression.hpp>
#include <sqlcore/sql/select.hpp>

#include "fixture.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;
using trinity::db::NotFoundError;

namespace {

class EmailAuthOpsTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    admin_ = dbm().users().create_user({.username = "admin", .role = "admin"}).id;
  }
  /// A code row written directly, with explicit times.
  void insert_code(const std::string& email, Timestamp created, Timestamp expires) {
    auto c = dbm().engine().connect();
    const auto& t = s().email_login_codes;
    c.execute(insert(t).values({{t.id, trinity::db::new_id()},
                                {t.email, email},
                                {t.code, "x"},
                                {t.created_at, created},
                                {t.expires_at, expires}}));
  }
  /// Runs one statement on a connection of its own, closed before returning (an in-memory
  /// database has one connection).
  std::vector<Row> exec(const Executable& stmt) {
    auto c = dbm().engine().connect();
    return c.execute(stmt).all();
  }
  std::int64_t admin_ = 0;
};

TEST_P(EmailAuthOpsTest, WhitelistIgnoresCaseAndRefusesDuplicates) {
  auto& ops = dbm().email_auth();
  EXPECT_FALSE(ops.is_email_whitelisted("ada@example.com"));
  EXPECT_TRUE(ops.add_to_whitelist(" Ada@Example.com ", "admin"));
  EXPECT_FALSE(ops.add_to_whitelist("ada@example.com", "admin"));  // already there
  EXPECT_TRUE(ops.is_email_whitelisted("ADA@example.COM"));
  EXPECT_TRUE(ops.add_to_whitelist("bob@example.com", "admin", "invite"));
  EXPECT_EQ(rows("email_whitelist"), 2);

  auto list = ops.list_whitelist();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].email, "bob@example.com");  // most recent first
  EXPECT_EQ(list[0].source, "invite");
  EXPECT_EQ(list[1].email, "ada@example.com");
  EXPECT_EQ(list[1].source, "manual");
  EXPECT_EQ(list[1].added_by, admin_);
  EXPECT_EQ(list[1].added_by_username, "admin");
  EXPECT_EQ(list[1].default_role, "user");
  EXPECT_EQ(ops.list_whitelist(1).size(), 1u);
  EXPECT_TRUE(ops.list_whitelist(0).empty());

  EXPECT_TRUE(ops.remove_from_whitelist("ADA@EXAMPLE.COM"));
  EXPECT_FALSE(ops.remove_from_whitelist("ada@example.com"));
  EXPECT_FALSE(ops.is_email_whitelisted("ada@example.com"));
  EXPECT_EQ(ops.list_whitelist().size(), 1u);
}

TEST_P(EmailAuthOpsTest, WhitelistNeedsAKnownAdderAndAnAddress) {
  EXPECT_THROW(dbm().email_auth().add_to_whitelist("ada@example.com", "nobody"), NotFoundError);
  EXPECT_THROW(dbm().email_auth().add_to_whitelist("  ", "admin"), std::invalid_argument);
  EXPECT_EQ(rows("email_whitelist"), 0);
}

TEST_P(EmailAuthOpsTest, LoginCodeIsHashedAndVerifiesOnce) {
  auto& ops = dbm().email_auth();
  auto code = ops.create_login_code("Ada@Example.com");
  EXPECT_EQ(code.email, "ada@example.com");
  ASSERT_EQ(code.code.size(), 6u);
  EXPECT_TRUE(std::all_of(code.code.begin(), code.code.end(),
                          [](char ch) { return ch >= '0' && ch <= '9'; }));
  EXPECT_EQ(code.expires_at.micros() - code.created_at.micros(), 10LL * 60 * 1000000);

  const auto& t = s().email_login_codes;
  auto stored = exec(select(t.code).where(t.id == code.id)).at(0).get(t.code);
  EXPECT_NE(stored, code.code);
  EXPECT_EQ(stored.find(code.code), std::string::npos);
  EXPECT_EQ(stored.size(), 64u);

  const std::string wrong = code.code == "000000" ? "000001" : "000000";
  EXPECT_FALSE(ops.verify_login_code("ada@example.com", wrong));
  EXPECT_FALSE(ops.verify_login_code("bob@example.com", code.code));  // another address
  EXPECT_FALSE(ops.verify_login_code("ada@example.com", ""));
  auto ok = ops.verify_login_code("ADA@example.com", code.code);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->id, code.id);
  EXPECT_EQ(ok->email, "ada@example.com");
  EXPECT_GE(ok->used_at, code.created_at);
  EXPECT_FALSE(ops.verify_login_code("ada@example.com", code.code));  // used
  EXPECT_EQ(exec(select(t.verified).where(t.id == code.id)).at(0).get(t.verified), true);
}

TEST_P(EmailAuthOpsTest, ExpiredCodesAreRejected) {
  auto& ops = dbm().email_auth();
  EXPECT_THROW(ops.create_login_code("ada@example.com", 0), std::invalid_argument);
  EXPECT_THROW(ops.create_login_code("", 10), std::invalid_argument);
  auto code = ops.create_login_code("ada@example.com", 5);
  EXPECT_EQ(code.expires_at.micros() - code.created_at.micros(), 5LL * 60 * 1000000);
  // Expired one second ago.
  const auto& t = s().email_login_codes;
  exec(update(t).set({{t.expires_at, ago(1s)}}).where(t.id == code.id));
  EXPECT_FALSE(ops.verify_login_code("ada@example.com", code.code));
  // Still valid for a second more: accepted.
  auto fresh = ops.create_login_code("ada@example.com", 5);
  exec(update(t)
           .set({{t.expires_at, Timestamp(Timestamp::now().time_point() + 2s)}})
           .where(t.id == fresh.id));
  EXPECT_TRUE(ops.verify_login_code("ada@example.com", fresh.code));
}

TEST_P(EmailAuthOpsTest, UsingOneCodeUsesUpTheOthers) {
  auto& ops = dbm().email_auth();
  auto first = ops.create_login_code("ada@example.com");
  auto second = ops.create_login_code("ada@example.com");
  auto bobs = ops.create_login_code("bob@example.com");
  ASSERT_TRUE(ops.verify_login_code("ada@example.com", second.code));
  EXPECT_FALSE(ops.verify_login_code("ada@example.com", first.code));
  EXPECT_TRUE(ops.verify_login_code("bob@example.com", bobs.code));
}

TEST_P(EmailAuthOpsTest, ConcurrentVerificationsOfOneCodeSucceedOnce) {
  if (!many_connections()) GTEST_SKIP() << "one connection";
  auto code = dbm().email_auth().create_login_code("ada@example.com");
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      if (dbm().email_auth().verify_login_code("ada@example.com", code.code)) ++ok;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 1);
}

TEST_P(EmailAuthOpsTest, RecentCodeRequestsCountTheWindowOnly) {
  auto& ops = dbm().email_auth();
  EXPECT_EQ(ops.count_recent_code_requests("ada@example.com"), 0);
  ops.create_login_code("ada@example.com");
  ops.create_login_code("ADA@example.com");
  ops.create_login_code("bob@example.com");
  insert_code("ada@example.com", ago(9min), ago(0min));
  insert_code("ada@example.com", ago(11min), ago(1min));
  insert_code("ada@example.com", ago(25h), ago(24h));  // yesterday, whatever the date now
  EXPECT_EQ(ops.count_recent_code_requests("Ada@Example.com"), 3);
  EXPECT_EQ(ops.count_recent_code_requests("ada@example.com", 10), 3);
  EXPECT_EQ(ops.count_recent_code_requests("ada@example.com", 12), 4);
  EXPECT_EQ(ops.count_recent_code_requests("ada@example.com", 26 * 60), 5);
  EXPECT_EQ(ops.count_recent_code_requests("bob@example.com"), 1);
}

TEST_P(EmailAuthOpsTest, CleanupDeletesCodesExpiredBeforeTheWindow) {
  auto& ops = dbm().email_auth();
  auto live = ops.create_login_code("ada@example.com");
  // The window's edge, a day ago: one minute beyond it and one minute within.
  insert_code("old@example.com", ago(24h + 11min), ago(24h + 1min));
  insert_code("edge@example.com", ago(24h + 9min), ago(24h - 1min));
  insert_code("recent@example.com", ago(2h), ago(1h));
  EXPECT_EQ(ops.cleanup_old_codes(), 1);
  EXPECT_EQ(rows("email_login_codes"), 3);
  EXPECT_EQ(ops.count_recent_code_requests("old@example.com", 3 * 24 * 60), 0);
  EXPECT_EQ(ops.count_recent_code_requests("edge@example.com", 3 * 24 * 60), 1);
  EXPECT_EQ(ops.cleanup_old_codes(0), 2);  // expired ones only: the live code stays
  EXPECT_EQ(rows("email_login_codes"), 1);
  EXPECT_TRUE(ops.verify_login_code("ada@example.com", live.code));
}

TEST_P(EmailAuthOpsTest, EmailUserIsCreatedOnceWithTheWhitelistRole) {
  auto& ops = dbm().email_auth();
  ASSERT_TRUE(ops.add_to_whitelist("ada@example.com", "admin"));
  {
    auto c = dbm().engine().connect();
    const auto& w = s().email_whitelist;
    c.execute(update(w).set({{w.default_role, "operator"}}).where(w.email == "ada@example.com"));
  }
  auto ada = ops.get_or_create_email_user("Ada@Example.com");
  EXPECT_EQ(ada.username, "ada@example.com");
  EXPECT_EQ(ada.email, "ada@example.com");
  EXPECT_EQ(ada.role, "operator");
  auto again = ops.get_or_create_email_user("ada@EXAMPLE.com");
  EXPECT_EQ(again.id, ada.id);

  // An existing account with that address (any case) is the one returned.
  auto bob = dbm().users().create_user({.username = "bob", .email = "Bob@Example.com"});
  EXPECT_EQ(ops.get_or_create_email_user("bob@example.com").id, bob.id);
  auto carol = ops.get_or_create_email_user("carol@example.com");
  EXPECT_EQ(carol.role, "user");
  EXPECT_EQ(rows("users"), 4);
}

TEST_P(EmailAuthOpsTest, ConcurrentEmailUserCreationsMakeOneUser) {
  if (!many_connections()) GTEST_SKIP() << "one connection";
  std::vector<std::thread> threads;
  std::vector<std::int64_t> ids(8);
  std::atomic<int> failures{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      try {
        ids[static_cast<std::size_t>(i)] =
            dbm().email_auth().get_or_create_email_user("dora@example.com").id;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), 1u);
  EXPECT_EQ(rows("users"), 2);
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(EmailAuthOpsTest);
