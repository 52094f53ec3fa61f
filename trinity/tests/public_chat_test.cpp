// PublicChatOperations on every backend: sessions per link and identifier (emails in any case,
// anonymous identifiers exact), one session from 8 concurrent get-or-create calls, messages with
// the session's counters in the same transaction, the first and the latest messages, clearing,
// the context prompt's exact text, deleting a link's sessions, bad input writing nothing and
// rollback in the facade's transaction.
#include <gtest/gtest.h>

#include <atomic>
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
#include "trinity/db/public_chat.hpp"
#include "trinity/db/public_links.hpp"

using namespace sqlcore;
using trinity::db::NotFoundError;
using trinity::db::PublicChatMessage;

namespace {

class PublicChatTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    const auto ada = add_ada_and_bob().first;
    {
      auto c = dbm().engine().connect();
      const auto& a = s().agent_ownership;
      c.execute(insert(a).values({{a.agent_name, "alpha"}, {a.owner_id, ada}}));
    }
    link_ = dbm().public_links().create_public_link("alpha", "ada").id;
    other_link_ = dbm().public_links().create_public_link("alpha", "bob").id;
  }
  trinity::db::PublicChatOperations& ops() { return dbm().public_chat(); }
  std::string session(const std::string& identifier = "ada@example.com",
                      const std::string& type = "email") {
    return ops().get_or_create_session(link_, identifier, type).id;
  }
  static std::vector<std::string> contents(const std::vector<PublicChatMessage>& v) {
    std::vector<std::string> out;
    for (const auto& m : v) out.push_back(m.content);
    return out;
  }
  std::string link_, other_link_;
};

TEST_P(PublicChatTest, SessionsAreFoundByLinkAndIdentifier) {
  const Timestamp before = Timestamp::now();
  auto s1 = ops().get_or_create_session(link_, " Ada@Example.COM ", "email");
  EXPECT_EQ(s1.id.size(), 32u);
  EXPECT_EQ(s1.link_id, link_);
  EXPECT_EQ(s1.session_identifier, "ada@example.com");
  EXPECT_EQ(s1.identifier_type, "email");
  EXPECT_GE(s1.created_at, before);
  EXPECT_EQ(s1.last_message_at, s1.created_at);
  EXPECT_EQ(s1.message_count, 0);
  EXPECT_EQ(s1.total_cost, 0.0);
  auto again = ops().get_or_create_session(link_, "ada@example.com", "email");
  EXPECT_EQ(again.id, s1.id);
  EXPECT_EQ(again.created_at, s1.created_at);
  // Another link: another session.
  EXPECT_NE(ops().get_or_create_session(other_link_, "ada@example.com", "email").id, s1.id);

  // Anonymous identifiers keep their case.
  auto anon = ops().get_or_create_session(link_, "AbC-123_xyz", "anonymous");
  EXPECT_EQ(anon.session_identifier, "AbC-123_xyz");
  EXPECT_NE(ops().get_or_create_session(link_, "abc-123_xyz", "anonymous").id, anon.id);

  auto found = ops().get_session_by_identifier(link_, "ADA@example.com");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, s1.id);
  EXPECT_EQ(ops().get_session_by_identifier(link_, "AbC-123_xyz")->id, anon.id);
  EXPECT_FALSE(ops().get_session_by_identifier(link_, "ABC-123_XYZ"));
  EXPECT_FALSE(ops().get_session_by_identifier(link_, "bob@example.com"));
  EXPECT_FALSE(ops().get_session_by_identifier("nope", "ada@example.com"));

  auto by_id = ops().get_session(s1.id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->session_identifier, "ada@example.com");
  EXPECT_FALSE(ops().get_session("nope"));
  EXPECT_EQ(rows("public_chat_sessions"), 4);
}

TEST_P(PublicChatTest, BadInputAndUnknownLinksWriteNothing) {
  EXPECT_THROW(ops().get_or_create_session(link_, "", "anonymous"), std::invalid_argument);
  EXPECT_THROW(ops().get_or_create_session(link_, "  ", "anonymous"), std::invalid_argument);
  EXPECT_THROW(ops().get_or_create_session(link_, "x", ""), std::invalid_argument);
  EXPECT_THROW(ops().get_or_create_session(link_, "not-an-email", "email"), std::invalid_argument);
  EXPECT_THROW(ops().get_or_create_session("nope", "ada@example.com", "email"), NotFoundError);
  EXPECT_EQ(rows("public_chat_sessions"), 0);

  const std::string id = session();
  EXPECT_THROW(ops().add_message(id, "", "hi"), std::invalid_argument);
  EXPECT_THROW(ops().add_message("nope", "user", "hi"), NotFoundError);
  EXPECT_EQ(rows("public_chat_messages"), 0);
  EXPECT_EQ(ops().get_session(id)->message_count, 0);
}

TEST_P(PublicChatTest, ConcurrentGetOrCreateMakesOneSession) {
  constexpr int kThreads = 8;
  if (many_connections()) {
    std::string query = "pool_size=" + std::to_string(kThreads + 2);
    if (single_writer_file()) query += "&busy_timeout=120000";
    reopen(query);
  }
  std::vector<std::string> ids(kThreads);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < ids.size(); ++i)
    threads.emplace_back([&, i] {
      try {
        ids[i] = dbm().public_chat().get_or_create_session(link_, "Dora@example.com", "email").id;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u);
  EXPECT_FALSE(ids[0].empty());
  EXPECT_EQ(rows("public_chat_sessions"), 1);
}

TEST_P(PublicChatTest, AMessageUpdatesItsSessionInTheSameTransaction) {
  const std::string id = session();
  const Timestamp before = Timestamp::now();
  auto m1 = ops().add_message(id, "user", "Hello?");
  EXPECT_EQ(m1.id.size(), 32u);
  EXPECT_EQ(m1.session_id, id);
  EXPECT_EQ(m1.role, "user");
  EXPECT_EQ(m1.content, "Hello?");
  EXPECT_GE(m1.timestamp, before);
  EXPECT_FALSE(m1.cost);
  auto m2 = ops().add_message(id, "assistant", "Hi!", 0.25);
  EXPECT_EQ(m2.cost, 0.25);
  EXPECT_GT(m2.timestamp, m1.timestamp);
  ops().add_message(id, "assistant", "More.", 0.125);

  auto s1 = ops().get_session(id);
  ASSERT_TRUE(s1);
  EXPECT_EQ(s1->message_count, 3);
  EXPECT_DOUBLE_EQ(s1->total_cost, 0.375);
  auto all = ops().get_session_messages(id);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(s1->last_message_at, all.back().timestamp);
  EXPECT_EQ(all[1].id, m2.id);
  EXPECT_EQ(all[1].cost, 0.25);
  EXPECT_EQ(all[0].timestamp, m1.timestamp);
  EXPECT_FALSE(all[0].sender_label);

  // A message and its counters commit together: rolled back together.
  EXPECT_THROW(dbm().transaction([&] {
    ops().add_message(id, "user", "lost", 1.0);
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(ops().get_session(id)->message_count, 3);
  EXPECT_EQ(rows("public_chat_messages"), 3);
}

TEST_P(PublicChatTest, FirstMessagesAndLatestMessagesInReadingOrder) {
  const std::string id = session(), other = session("bob@example.com");
  for (int i = 1; i <= 5; ++i)
    ops().add_message(id, i % 2 ? "user" : "assistant", "m" + std::to_string(i));
  ops().add_message(other, "user", "elsewhere");
  using V = std::vector<std::string>;
  EXPECT_EQ(contents(ops().get_session_messages(id)), (V{"m1", "m2", "m3", "m4", "m5"}));
  EXPECT_EQ(contents(ops().get_session_messages(id, 2)), (V{"m1", "m2"}));
  EXPECT_EQ(contents(ops().get_recent_messages(id, 2)), (V{"m4", "m5"}));
  EXPECT_EQ(contents(ops().get_recent_messages(id)), (V{"m1", "m2", "m3", "m4", "m5"}));
  EXPECT_TRUE(ops().get_session_messages(id, 0).empty());
  EXPECT_TRUE(ops().get_recent_messages(id, -1).empty());
  EXPECT_TRUE(ops().get_recent_messages("nope").empty());
  EXPECT_TRUE(ops().get_session_messages("nope").empty());

  // Messages added within one microsecond keep their order.
  const std::string fast = session("fast", "anonymous");
  for (int i = 0; i < 20; ++i) ops().add_message(fast, "user", std::to_string(i));
  auto msgs = ops().get_recent_messages(fast, 100);
  ASSERT_EQ(msgs.size(), 20u);
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    EXPECT_EQ(msgs[i].content, std::to_string(i));
    if (i > 0) {
      EXPECT_LT(msgs[i - 1].timestamp, msgs[i].timestamp);
    }
  }
}

TEST_P(PublicChatTest, ClearingEmptiesTheSessionAndKeepsIt) {
  const std::string id = session(), other = session("bob@example.com");
  ops().add_message(id, "user", "a", 0.5);
  ops().add_message(id, "assistant", "b", 0.5);
  ops().add_message(other, "user", "kept", 0.5);
  EXPECT_TRUE(ops().clear_session(id));
  auto cleared = ops().get_session(id);
  ASSERT_TRUE(cleared);
  EXPECT_EQ(cleared->message_count, 0);
  EXPECT_EQ(cleared->total_cost, 0.0);
  EXPECT_TRUE(ops().get_session_messages(id).empty());
  EXPECT_EQ(ops().get_session_by_identifier(link_, "ada@example.com")->id, id);
  EXPECT_EQ(rows("public_chat_messages"), 1);
  EXPECT_EQ(ops().get_session(other)->message_count, 1);
  EXPECT_TRUE(ops().clear_session(id));  // exists, already empty
  EXPECT_FALSE(ops().clear_session("nope"));
  // It takes messages again.
  ops().add_message(id, "user", "again", 0.25);
  EXPECT_EQ(ops().get_session(id)->message_count, 1);
  EXPECT_DOUBLE_EQ(ops().get_session(id)->total_cost, 0.25);
}

TEST_P(PublicChatTest, TheContextPromptHasItsDocumentedForm) {
  const std::string id = session();
  EXPECT_EQ(ops().build_context_prompt(id, "Hi"), "Current message:\nUser: Hi");
  EXPECT_EQ(ops().build_context_prompt("nope", "Hi"), "Current message:\nUser: Hi");
  ops().add_message(id, "user", "one");
  ops().add_message(id, "assistant", "two");
  ops().add_message(id, "user", "three");
  auto said = ops().add_message(id, "assistant", "four\nlines");
  EXPECT_EQ(ops().build_context_prompt(id, "five"),
            "Previous conversation:\nUser: one\nAssistant: two\nUser: three\nAssistant: "
            "four\nlines\n\nCurrent message:\nUser: five");
  EXPECT_EQ(ops().build_context_prompt(id, "five", 1),
            "Previous conversation:\nUser: three\nAssistant: four\nlines\n\nCurrent "
            "message:\nUser: five");
  EXPECT_EQ(ops().build_context_prompt(id, "five", 0), "Current message:\nUser: five");
  EXPECT_EQ(ops().build_context_prompt(id, "five", -3), "Current message:\nUser: five");

  // A recorded sender label names the speaker.
  {
    auto c = dbm().engine().connect();
    const auto& m = s().public_chat_messages;
    c.execute(update(m).set({{m.sender_label, "Alpha"}}).where(m.id == said.id));
  }
  EXPECT_EQ(ops().build_context_prompt(id, "five", 1),
            "Previous conversation:\nUser: three\nAlpha: four\nlines\n\nCurrent "
            "message:\nUser: five");
}

TEST_P(PublicChatTest, DeletingALinksSessionsTakesTheirMessages) {
  const std::string a = session(), b = session("anon", "anonymous");
  const std::string elsewhere =
      ops().get_or_create_session(other_link_, "ada@example.com", "email").id;
  ops().add_message(a, "user", "1");
  ops().add_message(b, "user", "2");
  ops().add_message(elsewhere, "user", "3");
  EXPECT_EQ(ops().delete_link_sessions(link_), 2);
  EXPECT_EQ(ops().delete_link_sessions(link_), 0);
  EXPECT_EQ(ops().delete_link_sessions("nope"), 0);
  EXPECT_FALSE(ops().get_session(a));
  EXPECT_EQ(rows("public_chat_sessions"), 1);
  EXPECT_EQ(rows("public_chat_messages"), 1);
  EXPECT_EQ(contents(ops().get_session_messages(elsewhere)), std::vector<std::string>{"3"});
}

TEST_P(PublicChatTest, CallsRollBackWithTheFacadeTransaction) {
  const std::string kept = session();
  ops().add_message(kept, "user", "kept", 1.0);
  EXPECT_THROW(dbm().transaction([&] {
    const std::string made = session("carol@example.com");
    ops().add_message(made, "user", "gone");
    ops().clear_session(kept);
    ops().delete_link_sessions(other_link_);
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(rows("public_chat_sessions"), 1);
  EXPECT_EQ(contents(ops().get_session_messages(kept)), std::vector<std::string>{"kept"});
  EXPECT_EQ(ops().get_session(kept)->message_count, 1);

  // An expected error inside a transaction leaves the others' work intact.
  dbm().transaction([&] {
    ops().add_message(kept, "assistant", "reply");
    EXPECT_THROW(ops().add_message("nope", "user", "x"), NotFoundError);
    EXPECT_THROW(ops().get_or_create_session("nope", "x", "anonymous"), NotFoundError);
  });
  EXPECT_EQ(ops().get_session(kept)->message_count, 2);
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(PublicChatTest);
