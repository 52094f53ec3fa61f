// UserOperations on every backend: lookups by each key (email ignoring case), creation with its
// defaults and duplicates (username, email in any case, Auth0 subject) as DuplicateError without
// breaking an enclosing transaction, updates, the Auth0 login flow, and the facade's transaction
// rolling back every operation when one throws.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/users.hpp"

using namespace sqlcore;
using trinity::db::DuplicateError;
using trinity::db::User;
using trinity::db::UserCreate;
using trinity::db::UserUpdate;

namespace {

class TrinityUsersTest : public trinity_test::TrinityTest {
 protected:
  trinity::db::UserOperations& ops() { return dbm().users(); }
};

TEST_P(TrinityUsersTest, CreateUserAndFindItByEveryKey) {
  const Timestamp before = Timestamp::now();
  const User ada = ops().create_user({.username = "ada",
                                      .password_hash = "hash-1",
                                      .email = "Ada@Example.com",
                                      .name = "Ada",
                                      .picture = "https://pics/ada.png",
                                      .auth0_sub = "auth0|ada"});
  EXPECT_GT(ada.id, 0);
  EXPECT_EQ(ada.username, "ada");
  EXPECT_EQ(ada.role, "user");  // the column's default
  EXPECT_EQ(ada.password_hash, std::optional<std::string>("hash-1"));
  EXPECT_EQ(ada.email, std::optional<std::string>("Ada@Example.com"));
  EXPECT_EQ(ada.name, std::optional<std::string>("Ada"));
  EXPECT_EQ(ada.picture, std::optional<std::string>("https://pics/ada.png"));
  EXPECT_EQ(ada.auth0_sub, std::optional<std::string>("auth0|ada"));
  EXPECT_FALSE(ada.last_login.has_value());
  EXPECT_FALSE(ada.suspended_at.has_value());
  // Written by the server default now(), whole seconds on SQLite.
  EXPECT_GE(ada.created_at.micros(), before.micros() - 1'000'000);
  EXPECT_EQ(ada.created_at, ada.updated_at);

  const auto by_name = ops().get_user_by_username("ada");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->id, ada.id);
  EXPECT_EQ(by_name->created_at, ada.created_at);
  ASSERT_TRUE(ops().get_user_by_id(ada.id));
  EXPECT_EQ(ops().get_user_by_id(ada.id)->username, "ada");
  ASSERT_TRUE(ops().get_user_by_auth0_sub("auth0|ada"));
  EXPECT_EQ(ops().get_user_by_auth0_sub("auth0|ada")->id, ada.id);
  // Email ignores case.
  for (const char* email : {"Ada@Example.com", "ada@example.com", "ADA@EXAMPLE.COM"}) {
    const auto by_email = ops().get_user_by_email(email);
    ASSERT_TRUE(by_email) << email;
    EXPECT_EQ(by_email->id, ada.id);
  }
  // Usernames are exact.
  EXPECT_FALSE(ops().get_user_by_username("ADA"));

  const User admin = ops().create_user({.username = "root", .role = "admin"});
  EXPECT_EQ(admin.role, "admin");
  EXPECT_FALSE(admin.email.has_value());
  EXPECT_FALSE(admin.password_hash.has_value());
  EXPECT_EQ(rows("users"), 2);
}

TEST_P(TrinityUsersTest, MissingUsersAreNotFound) {
  EXPECT_FALSE(ops().get_user_by_username("nobody"));
  EXPECT_FALSE(ops().get_user_by_id(424242));
  EXPECT_FALSE(ops().get_user_by_email("nobody@example.com"));
  EXPECT_FALSE(ops().get_user_by_auth0_sub("auth0|nobody"));
  EXPECT_FALSE(ops().update_user("nobody", {.name = "x"}));
  EXPECT_FALSE(ops().update_user("nobody", {}));
  EXPECT_FALSE(ops().update_user_password("nobody", "hash"));
  EXPECT_NO_THROW(ops().update_last_login("nobody"));
  EXPECT_FALSE(ops().update_user_role("nobody", "admin"));
  EXPECT_TRUE(ops().list_users().empty());
  EXPECT_EQ(rows("users"), 0);
}

TEST_P(TrinityUsersTest, DuplicatesAreDuplicateErrors) {
  ops().create_user({.username = "ada", .email = "ada@example.com", .auth0_sub = "auth0|ada"});
  EXPECT_THROW(ops().create_user({.username = "ada"}), DuplicateError);
  // Email: any case.
  EXPECT_THROW(ops().create_user({.username = "ada2", .email = "ADA@Example.COM"}), DuplicateError);
  EXPECT_THROW(ops().create_user({.username = "ada3", .auth0_sub = "auth0|ada"}), DuplicateError);
  try {
    ops().create_user({.username = "ada4", .email = "Ada@example.com"});
    FAIL() << "no DuplicateError";
  } catch (const DuplicateError& e) {
    EXPECT_NE(std::string(e.what()).find("email"), std::string::npos) << e.what();
  }
  try {
    ops().create_user({.username = "ada"});
    FAIL() << "no DuplicateError";
  } catch (const DuplicateError& e) {
    EXPECT_NE(std::string(e.what()).find("username"), std::string::npos) << e.what();
  }
  EXPECT_EQ(rows("users"), 1);
  // Several users without an email are fine (the unique index is partial).
  ops().create_user({.username = "b"});
  ops().create_user({.username = "c"});
  EXPECT_EQ(rows("users"), 3);
  EXPECT_THROW(ops().create_user({.username = ""}), std::invalid_argument);
  EXPECT_THROW(ops().create_user({.username = "d", .role = ""}), std::invalid_argument);
}

TEST_P(TrinityUsersTest, DuplicateInsideTransactionLeavesItUsable) {
  dbm().transaction([&] {
    ops().create_user({.username = "ada", .email = "ada@example.com"});
    EXPECT_THROW(ops().create_user({.username = "other", .email = "ADA@example.com"}),
                 DuplicateError);
    // PostgreSQL would have aborted the transaction without the savepoint.
    ops().create_user({.username = "bob", .email = "bob@example.com"});
  });
  EXPECT_EQ(rows("users"), 2);
  EXPECT_TRUE(ops().get_user_by_username("bob"));
}

TEST_P(TrinityUsersTest, UpdateUserChangesTheGivenFieldsOnly) {
  const User ada = ops().create_user({.username = "ada", .email = "ada@example.com", .name = "A"});
  ops().create_user({.username = "bob", .email = "bob@example.com"});

  const auto same = ops().update_user("ada", {});
  ASSERT_TRUE(same);
  EXPECT_EQ(same->updated_at, ada.updated_at);

  const auto updated =
      ops().update_user("ada", {.name = "Ada Lovelace", .picture = "p.png", .role = "creator"});
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->id, ada.id);
  EXPECT_EQ(updated->name, std::optional<std::string>("Ada Lovelace"));
  EXPECT_EQ(updated->picture, std::optional<std::string>("p.png"));
  EXPECT_EQ(updated->role, "creator");
  EXPECT_EQ(updated->email, std::optional<std::string>("ada@example.com"));  // kept
  EXPECT_GE(updated->updated_at, ada.updated_at);
  EXPECT_EQ(updated->created_at, ada.created_at);

  // Another user's email, in any case: refused, nothing changes.
  EXPECT_THROW(ops().update_user("ada", {.name = "X", .email = "BOB@example.com"}), DuplicateError);
  EXPECT_EQ(ops().get_user_by_username("ada")->name, std::optional<std::string>("Ada Lovelace"));
  // Its own email in another case is fine.
  const auto recased = ops().update_user("ada", {.email = "Ada@Example.com"});
  ASSERT_TRUE(recased);
  EXPECT_EQ(recased->email, std::optional<std::string>("Ada@Example.com"));
  EXPECT_THROW(ops().update_user("ada", {.role = ""}), std::invalid_argument);
}

TEST_P(TrinityUsersTest, PasswordLastLoginAndRole) {
  ops().create_user({.username = "ada"});
  EXPECT_TRUE(ops().update_user_password("ada", "new-hash"));
  EXPECT_EQ(ops().get_user_by_username("ada")->password_hash,
            std::optional<std::string>("new-hash"));

  EXPECT_FALSE(ops().get_user_by_username("ada")->last_login);
  const Timestamp before = Timestamp::now();
  ops().update_last_login("ada");
  const auto logged = ops().get_user_by_username("ada");
  ASSERT_TRUE(logged->last_login);
  EXPECT_GE(logged->last_login->micros(), before.micros() - 1'000'000);

  const auto admin = ops().update_user_role("ada", "admin");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->role, "admin");
  EXPECT_EQ(ops().get_user_by_username("ada")->role, "admin");
}

TEST_P(TrinityUsersTest, ListUsersOldestFirst) {
  ops().create_user({.username = "carol"});
  ops().create_user({.username = "alice"});
  ops().create_user({.username = "bob"});
  std::vector<std::string> names;
  for (const User& u : ops().list_users()) names.push_back(u.username);
  EXPECT_EQ(names, (std::vector<std::string>{"carol", "alice", "bob"}));
}

TEST_P(TrinityUsersTest, Auth0LoginCreatesFindsAndLinks) {
  // First login: a new user named after the email, logged in.
  const User first = ops().get_or_create_auth0_user("auth0|1", "new@example.com", "New", "n.png");
  EXPECT_EQ(first.username, "new@example.com");
  EXPECT_EQ(first.email, std::optional<std::string>("new@example.com"));
  EXPECT_EQ(first.auth0_sub, std::optional<std::string>("auth0|1"));
  EXPECT_EQ(first.name, std::optional<std::string>("New"));
  EXPECT_EQ(first.role, "user");
  EXPECT_TRUE(first.last_login);

  // Next login: the same user, profile refreshed when given, kept when not.
  const User again = ops().get_or_create_auth0_user("auth0|1", "new@example.com", "Renamed");
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.name, std::optional<std::string>("Renamed"));
  EXPECT_EQ(again.picture, std::optional<std::string>("n.png"));
  EXPECT_EQ(rows("users"), 1);

  // An existing account with that email (any case) gets the subject linked.
  const User local = ops().create_user({.username = "ada", .email = "Ada@Example.com"});
  const User linked = ops().get_or_create_auth0_user("google|ada", "ada@example.com");
  EXPECT_EQ(linked.id, local.id);
  EXPECT_EQ(linked.username, "ada");
  EXPECT_EQ(linked.auth0_sub, std::optional<std::string>("google|ada"));
  EXPECT_TRUE(linked.last_login);
  EXPECT_EQ(ops().get_user_by_auth0_sub("google|ada")->id, local.id);

  // The address of an account linked to another identity is not taken over.
  EXPECT_THROW(ops().get_or_create_auth0_user("github|ada", "ADA@example.com"), DuplicateError);
  EXPECT_EQ(ops().get_user_by_username("ada")->auth0_sub, std::optional<std::string>("google|ada"));

  // A username already taken by someone else: a suffix.
  ops().create_user({.username = "x@example.com"});
  const User suffixed = ops().get_or_create_auth0_user("auth0|x", "x@example.com");
  EXPECT_EQ(suffixed.username, "x@example.com-2");
  EXPECT_EQ(rows("users"), 4);
  EXPECT_THROW(ops().get_or_create_auth0_user("", "y@example.com"), std::invalid_argument);
  EXPECT_THROW(ops().get_or_create_auth0_user("auth0|y", ""), std::invalid_argument);
}

TEST_P(TrinityUsersTest, FacadeTransactionRollsBackEveryOperation) {
  // Agents to tag and permit, committed before.
  const User owner = ops().create_user({.username = "owner"});
  {
    auto c = dbm().engine().connect();
    const auto& a = s().agent_ownership;
    c.execute(insert(a).values({{a.agent_name, "alpha"}, {a.owner_id, owner.id}}));
    c.execute(insert(a).values({{a.agent_name, "beta"}, {a.owner_id, owner.id}}));
  }
  EXPECT_THROW(dbm().transaction([&] {
    ops().create_user({.username = "ada", .email = "ada@example.com"});
    ops().update_user_role("owner", "admin");
    dbm().settings().set_setting("theme", "dark");
    dbm().tags().add_tag("alpha", "prod");
    ASSERT_TRUE(dbm().permissions().add_permission("alpha", "beta", "owner"));
    EXPECT_TRUE(ops().get_user_by_username("ada"));  // visible inside
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_FALSE(ops().get_user_by_username("ada"));
  EXPECT_EQ(ops().get_user_by_username("owner")->role, "user");
  EXPECT_FALSE(dbm().settings().get_setting("theme"));
  EXPECT_TRUE(dbm().tags().get_agent_tags("alpha").empty());
  EXPECT_FALSE(dbm().permissions().is_permitted("alpha", "beta"));
  EXPECT_EQ(rows("users"), 1);

  // And the same work commits when nothing throws.
  dbm().transaction([&] {
    ops().create_user({.username = "ada", .email = "ada@example.com"});
    dbm().settings().set_setting("theme", "dark");
    dbm().tags().add_tag("alpha", "prod");
    dbm().permissions().add_permission("alpha", "beta", "owner");
  });
  EXPECT_TRUE(ops().get_user_by_username("ada"));
  EXPECT_EQ(dbm().settings().get_setting_value("theme"), std::optional<std::string>("dark"));
  EXPECT_EQ(dbm().tags().get_agent_tags("alpha"), std::vector<std::string>{"prod"});
  EXPECT_TRUE(dbm().permissions().is_permitted("alpha", "beta"));
}

SQLCORE_BACKEND_TEST_SUITE(TrinityUsersTest);

}  // namespace
