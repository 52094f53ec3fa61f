// McpKeyOperations on every backend: keys shown once and stored only hashed, validation by hash
// (wrong, revoked, deleted and suspended owners' keys rejected), ownership checks, agent keys.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/expression.hpp>
#include <sqlcore/sql/select.hpp>

#include <tuple>

#include "fixture.hpp"

using namespace sqlcore;
using trinity::db::McpApiKeyCreate;
using trinity::db::sha256_hex;

namespace {

class McpKeyOpsTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    std::tie(ada_, bob_) = add_ada_and_bob();
  }
  /// Runs one statement on a connection of its own, closed before returning (an in-memory
  /// database has one connection).
  std::vector<Row> exec(const Executable& stmt) {
    auto c = dbm().engine().connect();
    return c.execute(stmt).all();
  }
  std::int64_t ada_ = 0, bob_ = 0;
};

TEST_P(McpKeyOpsTest, CreatedKeyIsShownOnceAndStoredOnlyAsItsHash) {
  auto key = dbm().mcp_keys().create_mcp_api_key("ada", {.name = "laptop", .description = "mine"});
  ASSERT_TRUE(key);
  EXPECT_EQ(key->api_key.rfind("trinity_mcp_", 0), 0u);
  EXPECT_GE(key->api_key.size(), 12u + 43u);
  EXPECT_EQ(key->api_key.rfind(key->key_prefix, 0), 0u);
  EXPECT_LT(key->key_prefix.size(), key->api_key.size() - 32);
  EXPECT_EQ(key->name, "laptop");
  EXPECT_EQ(key->description, "mine");
  EXPECT_EQ(key->user_id, ada_);
  EXPECT_EQ(key->username, "ada");
  EXPECT_EQ(key->scope, "user");
  EXPECT_TRUE(key->is_active);
  EXPECT_EQ(key->id.size(), 32u);

  // The table holds the hash, never the key.
  const auto& k = s().mcp_api_keys;
  auto found = exec(select_all(k).where(k.id == key->id));
  ASSERT_EQ(found.size(), 1u);
  const Row& row = found[0];
  EXPECT_EQ(row.get(k.key_hash), sha256_hex(key->api_key));
  for (const char* col : {"id", "name", "description", "key_prefix", "key_hash"}) {
    auto v = row.get<std::optional<std::string>>(col);
    if (v) {
      EXPECT_EQ(v->find(key->api_key), std::string::npos) << col;
    }
  }

  // Two keys never collide.
  auto other = dbm().mcp_keys().create_mcp_api_key("ada", {.name = "laptop"});
  ASSERT_TRUE(other);
  EXPECT_NE(other->api_key, key->api_key);
  EXPECT_NE(other->id, key->id);
}

TEST_P(McpKeyOpsTest, UnknownUsersGetNoKeys) {
  EXPECT_FALSE(dbm().mcp_keys().create_mcp_api_key("nobody", {.name = "x"}));
  EXPECT_FALSE(dbm().mcp_keys().create_agent_mcp_api_key("agent-1", "nobody"));
  EXPECT_TRUE(dbm().mcp_keys().list_mcp_api_keys("nobody").empty());
  EXPECT_THROW(dbm().mcp_keys().create_mcp_api_key("ada", {.name = ""}), std::invalid_argument);
  EXPECT_EQ(rows("mcp_api_keys"), 0);
}

TEST_P(McpKeyOpsTest, ValidationFindsTheOwnerAndCountsUses) {
  auto key = dbm().mcp_keys().create_mcp_api_key("ada", {.name = "laptop"});
  ASSERT_TRUE(key);
  auto v = dbm().mcp_keys().validate_mcp_api_key(key->api_key);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->key_id, key->id);
  EXPECT_EQ(v->key_name, "laptop");
  EXPECT_EQ(v->user_id, ada_);
  EXPECT_EQ(v->username, "ada");
  EXPECT_EQ(v->user_email, "ada@example.com");
  EXPECT_EQ(v->user_role, "user");
  EXPECT_EQ(v->scope, "user");
  EXPECT_FALSE(v->agent_name);
  ASSERT_TRUE(dbm().mcp_keys().validate_mcp_api_key(key->api_key));

  auto got = dbm().mcp_keys().get_mcp_api_key(key->id, "ada");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->usage_count, 2);
  ASSERT_TRUE(got->last_used_at);
  EXPECT_GE(*got->last_used_at, key->created_at);
}

TEST_P(McpKeyOpsTest, WrongRevokedAndDeletedKeysDoNotValidate) {
  auto key = dbm().mcp_keys().create_mcp_api_key("ada", {.name = "laptop"});
  ASSERT_TRUE(key);
  auto& ops = dbm().mcp_keys();
  EXPECT_FALSE(ops.validate_mcp_api_key(""));
  EXPECT_FALSE(ops.validate_mcp_api_key("trinity_mcp_wrong"));
  std::string altered = key->api_key;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(ops.validate_mcp_api_key(altered));
  EXPECT_FALSE(ops.validate_mcp_api_key(key->key_prefix));
  EXPECT_FALSE(ops.validate_mcp_api_key(sha256_hex(key->api_key)));  // the stored hash is no key

  // Only the owner revokes; revoking twice changes nothing the second time.
  EXPECT_FALSE(ops.revoke_mcp_api_key(key->id, "bob"));
  EXPECT_TRUE(ops.validate_mcp_api_key(key->api_key));
  EXPECT_TRUE(ops.revoke_mcp_api_key(key->id, "ada"));
  EXPECT_FALSE(ops.revoke_mcp_api_key(key->id, "ada"));
  EXPECT_FALSE(ops.revoke_mcp_api_key("no-such-key", "ada"));
  EXPECT_FALSE(ops.validate_mcp_api_key(key->api_key));
  auto revoked = ops.get_mcp_api_key(key->id, "ada");
  ASSERT_TRUE(revoked);
  EXPECT_FALSE(revoked->is_active);

  // Only the owner deletes.
  auto second = ops.create_mcp_api_key("ada", {.name = "desktop"});
  ASSERT_TRUE(second);
  EXPECT_FALSE(ops.delete_mcp_api_key(second->id, "bob"));
  EXPECT_TRUE(ops.validate_mcp_api_key(second->api_key));
  EXPECT_TRUE(ops.delete_mcp_api_key(second->id, "ada"));
  EXPECT_FALSE(ops.delete_mcp_api_key(second->id, "ada"));
  EXPECT_FALSE(ops.validate_mcp_api_key(second->api_key));
  EXPECT_FALSE(ops.get_mcp_api_key(second->id, "ada"));
}

TEST_P(McpKeyOpsTest, SuspendedUsersKeysDoNotValidate) {
  auto key = dbm().mcp_keys().create_mcp_api_key("ada", {.name = "laptop"});
  ASSERT_TRUE(key);
  const auto& u = s().users;
  exec(update(u).set({{u.suspended_at, Timestamp::now()}}).where(u.id == ada_));
  EXPECT_FALSE(dbm().mcp_keys().validate_mcp_api_key(key->api_key));
}

TEST_P(McpKeyOpsTest, KeysAreListedAndReadOnlyByTheirOwner) {
  auto& ops = dbm().mcp_keys();
  auto a1 = ops.create_mcp_api_key("ada", {.name = "one"});
  auto a2 = ops.create_mcp_api_key("ada", {.name = "two"});
  auto b1 = ops.create_mcp_api_key("bob", {.name = "bob's"});
  ASSERT_TRUE(a1 && a2 && b1);

  auto ada_keys = ops.list_mcp_api_keys("ada");
  ASSERT_EQ(ada_keys.size(), 2u);
  EXPECT_EQ(ada_keys[0].id, a2->id);  // newest first
  EXPECT_EQ(ada_keys[1].id, a1->id);
  for (const auto& k : ada_keys) EXPECT_EQ(k.username, "ada");
  EXPECT_EQ(ops.list_mcp_api_keys("bob").size(), 1u);
  EXPECT_EQ(ops.list_all_mcp_api_keys().size(), 3u);

  EXPECT_TRUE(ops.get_mcp_api_key(b1->id, "bob"));
  EXPECT_FALSE(ops.get_mcp_api_key(b1->id, "ada"));
  EXPECT_FALSE(ops.get_mcp_api_key("missing", "bob"));
  auto got = ops.get_mcp_api_key(a1->id, "ada");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "one");
  EXPECT_EQ(got->key_prefix, a1->key_prefix);
  EXPECT_EQ(got->created_at, a1->created_at);
  EXPECT_EQ(got->usage_count, 0);
  EXPECT_FALSE(got->last_used_at);
}

TEST_P(McpKeyOpsTest, AnAgentHasOneAgentKey) {
  auto& ops = dbm().mcp_keys();
  EXPECT_FALSE(ops.get_agent_mcp_api_key("agent-1"));
  EXPECT_FALSE(ops.delete_agent_mcp_api_key("agent-1"));

  auto first = ops.create_agent_mcp_api_key("agent-1", "ada");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->scope, "agent");
  EXPECT_EQ(first->agent_name, "agent-1");
  EXPECT_EQ(first->user_id, ada_);
  auto v = ops.validate_mcp_api_key(first->api_key);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->scope, "agent");
  EXPECT_EQ(v->agent_name, "agent-1");

  // A user key naming no agent is not the agent's key; a second agent key replaces the first.
  ASSERT_TRUE(ops.create_mcp_api_key("ada", {.name = "mine"}));
  auto second = ops.create_agent_mcp_api_key("agent-1", "ada", "rotated");
  ASSERT_TRUE(second);
  EXPECT_FALSE(ops.validate_mcp_api_key(first->api_key));
  auto got = ops.get_agent_mcp_api_key("agent-1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, second->id);
  EXPECT_EQ(got->description, "rotated");
  EXPECT_EQ(ops.list_mcp_api_keys("ada").size(), 2u);

  ASSERT_TRUE(ops.create_agent_mcp_api_key("agent-2", "bob"));
  EXPECT_TRUE(ops.delete_agent_mcp_api_key("agent-1"));
  EXPECT_FALSE(ops.delete_agent_mcp_api_key("agent-1"));
  EXPECT_FALSE(ops.get_agent_mcp_api_key("agent-1"));
  EXPECT_FALSE(ops.validate_mcp_api_key(second->api_key));
  EXPECT_TRUE(ops.get_agent_mcp_api_key("agent-2"));
  EXPECT_EQ(ops.list_mcp_api_keys("ada").size(), 1u);  // the user key stays

  // A revoked agent key is not the agent's key any more.
  auto k2 = ops.get_agent_mcp_api_key("agent-2");
  ASSERT_TRUE(k2);
  EXPECT_TRUE(ops.revoke_mcp_api_key(k2->id, "bob"));
  EXPECT_FALSE(ops.get_agent_mcp_api_key("agent-2"));
}

TEST_P(McpKeyOpsTest, KeyCreationJoinsTheCallersTransaction) {
  EXPECT_THROW(dbm().transaction([&] {
    ASSERT_TRUE(dbm().mcp_keys().create_mcp_api_key("ada", {.name = "rolled back"}));
    throw std::runtime_error("abort");
  }),
               std::runtime_error);
  EXPECT_EQ(rows("mcp_api_keys"), 0);
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(McpKeyOpsTest);
