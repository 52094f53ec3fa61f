// ChatOperations on every backend: sessions (get-or-create, new, close, delete, listing), messages
// with the session's counters updated in the same transaction, latest-N in chronological order,
// ordering within one microsecond, and 32 threads adding to shared sessions at once.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/expression.hpp>
#include <sqlcore/sql/select.hpp>

#include <tuple>

#include <nlohmann/json.hpp>

#include <sqlcore/testing/small_stack.hpp>

#include "fixture.hpp"

using namespace sqlcore;
using namespace std::chrono_literals;
using trinity::db::ChatMessage;
using trinity::db::NotFoundError;

namespace {

class ChatOpsTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    std::tie(ada_, bob_) = add_ada_and_bob();
  }
  ChatMessage say(const std::string& session, const std::string& content,
                  const std::string& role = "user") {
    return dbm().chat().add_chat_message({.session_id = session,
                                          .agent_name = "a1",
                                          .user_id = ada_,
                                          .user_email = "ada@example.com",
                                          .role = role,
                                          .content = content});
  }
  static std::vector<std::string> contents(const std::vector<ChatMessage>& v) {
    std::vector<std::string> out;
    for (const auto& m : v) out.push_back(m.content);
    return out;
  }
  std::int64_t ada_ = 0, bob_ = 0;
};

// An agent's tool output comes from outside: a document nested 100,000 deep is refused with a
// DataError naming the column, on a worker thread with a 256 kB stack, and the process lives on.
TEST_P(ChatOpsTest, ToolCallsNestedTooDeepAreRefusedOnASmallStack) {
  auto session = dbm().chat().get_or_create_chat_session("a1", ada_, "ada@example.com");
  // Parsed straight into the struct the method takes (nlohmann's parser does not recurse): a
  // copy of the Json made by the caller would recurse before trinity-db sees it.
  trinity::db::ChatMessageCreate hostile{.session_id = session.id,
                                         .agent_name = "a1",
                                         .user_id = ada_,
                                         .user_email = "ada@example.com",
                                         .role = "assistant",
                                         .content = "x"};
  hostile.tool_calls = Json::parse(std::string(100000, '[') + std::string(100000, ']'));
  std::string message;
  sqlcore::test::on_small_stack(sqlcore::test::kSmallStack, [&] {
    try {
      dbm().chat().add_chat_message(hostile);
      ADD_FAILURE() << "expected DataError";
    } catch (const DataError& e) {
      message = e.what();
    }
  });
  EXPECT_NE(message.find("tool_calls"), std::string::npos) << message;
  EXPECT_EQ(rows("chat_messages"), 0) << "nothing half-written";
  EXPECT_EQ(dbm().chat().get_chat_session(session.id)->message_count, 0);
}

// Costs are Double and finite: sums keep every digit, and an infinite or NaN cost is refused
// instead of poisoning the session's total forever.
TEST_P(ChatOpsTest, CostsKeepDoublePrecisionAndNonFiniteCostsAreRefused) {
  auto session = dbm().chat().get_or_create_chat_session("a1", ada_, "ada@example.com");
  auto add = [&](double cost) {
    return dbm().chat().add_chat_message({.session_id = session.id,
                                          .agent_name = "a1",
                                          .user_id = ada_,
                                          .user_email = "ada@example.com",
                                          .role = "assistant",
                                          .content = "x",
                                          .cost = cost});
  };
  EXPECT_EQ(add(0.123456789012345).cost, 0.123456789012345);
  add(1e-9);
  EXPECT_EQ(dbm().chat().get_chat_session(session.id)->total_cost, 0.123456789012345 + 1e-9);
  for (double bad : {std::numeric_limits<double>::infinity(), std::nan("")})
    EXPECT_THROW(add(bad), DataError);
  EXPECT_EQ(dbm().chat().get_chat_session(session.id)->message_count, 2);
  EXPECT_EQ(dbm().chat().get_chat_session(session.id)->total_cost, 0.123456789012345 + 1e-9);
}

TEST_P(ChatOpsTest, GetOrCreateReusesTheActiveSession) {
  auto& ops = dbm().chat();
  auto s1 = ops.get_or_create_chat_session("a1", ada_, "ada@example.com", "sub-1");
  EXPECT_EQ(s1.id.size(), 32u);
  EXPECT_EQ(s1.agent_name, "a1");
  EXPECT_EQ(s1.user_id, ada_);
  EXPECT_EQ(s1.status, "active");
  EXPECT_EQ(s1.message_count, 0);
  EXPECT_EQ(s1.total_context_max, 200000);
  EXPECT_EQ(s1.subscription_id, "sub-1");
  EXPECT_EQ(ops.get_or_create_chat_session("a1", ada_, "ada@example.com").id, s1.id);
  EXPECT_NE(ops.get_or_create_chat_session("a2", ada_, "ada@example.com").id, s1.id);
  EXPECT_NE(ops.get_or_create_chat_session("a1", bob_, "bob@example.com").id, s1.id);
  EXPECT_THROW(ops.get_or_create_chat_session("a1", 987654, "x@example.com"), NotFoundError);
  EXPECT_EQ(rows("chat_sessions"), 3);

  auto got = ops.get_chat_session(s1.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->started_at, s1.started_at);
  EXPECT_EQ(got->user_email, "ada@example.com");
  EXPECT_FALSE(ops.get_chat_session("missing"));

  // A closed session is not reused.
  EXPECT_TRUE(ops.close_chat_session(s1.id));
  EXPECT_FALSE(ops.close_chat_session(s1.id));
  EXPECT_FALSE(ops.close_chat_session("missing"));
  EXPECT_EQ(ops.get_chat_session(s1.id)->status, "closed");
  EXPECT_NE(ops.get_or_create_chat_session("a1", ada_, "ada@example.com").id, s1.id);
}

TEST_P(ChatOpsTest, AddingAMessageUpdatesTheSession) {
  auto& ops = dbm().chat();
  auto session = ops.get_or_create_chat_session("a1", ada_, "ada@example.com");
  auto m1 = say(session.id, "hello");
  EXPECT_EQ(m1.source, "text");
  EXPECT_FALSE(m1.cost);
  auto m2 = ops.add_chat_message({.session_id = session.id,
                                  .agent_name = "a1",
                                  .user_id = ada_,
                                  .user_email = "ada@example.com",
                                  .role = "assistant",
                                  .content = "hi!",
                                  .cost = 0.25,
                                  .context_used = 1200,
                                  .context_max = 200000,
                                  .tool_calls = Json::array({{{"name", "bash"}}}),
                                  .execution_time_ms = 850,
                                  .source = "voice",
                                  .subscription_id = "sub-1",
                                  .output_tokens = 42});
  auto m3 = ops.add_chat_message({.session_id = session.id,
                                  .agent_name = "a1",
                                  .user_id = ada_,
                                  .user_email = "ada@example.com",
                                  .role = "assistant",
                                  .content = "more",
                                  .cost = 0.5,
                                  .context_used = 3000,
                                  .context_max = 100000});
  EXPECT_LT(m1.timestamp, m2.timestamp);
  EXPECT_LT(m2.timestamp, m3.timestamp);

  auto s = ops.get_chat_session(session.id);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->message_count, 3);
  EXPECT_DOUBLE_EQ(s->total_cost, 0.75);
  EXPECT_EQ(s->total_context_used, 3000);  // the latest report
  EXPECT_EQ(s->total_context_max, 100000);
  EXPECT_EQ(s->last_message_at, m3.timestamp);

  auto msgs = ops.get_chat_messages(session.id);
  ASSERT_EQ(msgs.size(), 3u);
  const ChatMessage& r = msgs[1];
  EXPECT_EQ(r.id, m2.id);
  EXPECT_EQ(r.role, "assistant");
  EXPECT_EQ(r.content, "hi!");
  EXPECT_EQ(r.cost, 0.25);
  EXPECT_EQ(r.context_used, 1200);
  EXPECT_EQ(r.context_max, 200000);
  ASSERT_TRUE(r.tool_calls);
  EXPECT_EQ((*r.tool_calls)[0]["name"], "bash");
  EXPECT_EQ(r.execution_time_ms, 850);
  EXPECT_EQ(r.source, "voice");
  EXPECT_EQ(r.subscription_id, "sub-1");
  EXPECT_EQ(r.output_tokens, 42);
  EXPECT_EQ(r.timestamp, m2.timestamp);
  EXPECT_EQ(msgs[0].source, "text");
  EXPECT_FALSE(msgs[0].tool_calls);
}

TEST_P(ChatOpsTest, AMessageToAnUnknownSessionIsAnErrorAndChangesNothing) {
  EXPECT_THROW(say("missing", "hello"), NotFoundError);
  EXPECT_EQ(rows("chat_messages"), 0);
}

TEST_P(ChatOpsTest, MessageAndCountersCommitTogether) {
  auto session = dbm().chat().get_or_create_chat_session("a1", ada_, "ada@example.com");
  EXPECT_THROW(dbm().transaction([&] {
    say(session.id, "lost");
    throw std::runtime_error("abort");
  }),
               std::runtime_error);
  EXPECT_EQ(rows("chat_messages"), 0);
  EXPECT_EQ(dbm().chat().get_chat_session(session.id)->message_count, 0);
  // A user that does not exist: the message's key fails, the counters stay.
  EXPECT_TRUE(integrity_error([&] {
    dbm().chat().add_chat_message({.session_id = session.id,
                                   .agent_name = "a1",
                                   .user_id = 987654,
                                   .user_email = "x@example.com",
                                   .role = "user",
                                   .content = "x"});
  }));
  EXPECT_EQ(dbm().chat().get_chat_session(session.id)->message_count, 0);
}

TEST_P(ChatOpsTest, LatestMessagesInChronologicalOrder) {
  auto& ops = dbm().chat();
  auto session = ops.get_or_create_chat_session("a1", ada_, "ada@example.com");
  for (int i = 1; i <= 5; ++i) say(session.id, "m" + std::to_string(i));
  EXPECT_EQ(contents(ops.get_chat_messages(session.id)),
            (std::vector<std::string>{"m1", "m2", "m3", "m4", "m5"}));
  EXPECT_EQ(contents(ops.get_chat_messages(session.id, 3)),
            (std::vector<std::string>{"m3", "m4", "m5"}));
  EXPECT_TRUE(ops.get_chat_messages(session.id, 0).empty());
  EXPECT_TRUE(ops.get_chat_messages("missing").empty());
}

TEST_P(ChatOpsTest, MessagesInOneMicrosecondKeepTheirOrder) {
  auto& ops = dbm().chat();
  auto session = ops.get_or_create_chat_session("a1", ada_, "ada@example.com");
  // The session's last message is an hour ahead (a clock step): later messages still follow it,
  // one microsecond apart, in the order they were added.
  const Timestamp ahead(Timestamp::now().time_point() + 1h);
  {
    auto c = dbm().engine().connect();
    const auto& t = s().chat_sessions;
    c.execute(update(t).set({{t.last_message_at, ahead}}).where(t.id == session.id));
  }
  std::vector<std::string> want;
  for (int i = 0; i < 20; ++i) {
    want.push_back("m" + std::to_string(i));
    auto m = say(session.id, want.back());
    EXPECT_EQ(m.timestamp.micros(), ahead.micros() + i + 1);
  }
  EXPECT_EQ(contents(ops.get_chat_messages(session.id)), want);
  EXPECT_EQ(contents(ops.get_agent_chat_history("a1")), want);
}

TEST_P(ChatOpsTest, AgentHistoryAcrossSessions) {
  auto& ops = dbm().chat();
  auto sa = ops.get_or_create_chat_session("a1", ada_, "ada@example.com");
  auto sb = ops.get_or_create_chat_session("a1", bob_, "bob@example.com");
  auto other = ops.get_or_create_chat_session("a2", ada_, "ada@example.com");
  say(sa.id, "ada 1");
  ops.add_chat_message({.session_id = sb.id,
                        .agent_name = "a1",
                        .user_id = bob_,
                        .user_email = "bob@example.com",
                        .role = "user",
                        .content = "bob 1"});
  say(sa.id, "ada 2");
  ops.add_chat_message({.session_id = other.id,
                        .agent_name = "a2",
                        .user_id = ada_,
                        .user_email = "ada@example.com",
                        .role = "user",
                        .content = "elsewhere"});
  EXPECT_EQ(contents(ops.get_agent_chat_history("a1")),
            (std::vector<std::string>{"ada 1", "bob 1", "ada 2"}));
  EXPECT_EQ(contents(ops.get_agent_chat_history("a1", ada_)),
            (std::vector<std::string>{"ada 1", "ada 2"}));
  EXPECT_EQ(contents(ops.get_agent_chat_history("a1", std::nullopt, 2)),
            (std::vector<std::string>{"bob 1", "ada 2"}));
  EXPECT_TRUE(ops.get_agent_chat_history("a1", ada_, 0).empty());
  EXPECT_TRUE(ops.get_agent_chat_history("nobody").empty());
}

TEST_P(ChatOpsTest, SessionsListedAndRenewed) {
  auto& ops = dbm().chat();
  auto first = ops.get_or_create_chat_session("a1", ada_, "ada@example.com");
  auto bobs = ops.get_or_create_chat_session("a1", bob_, "bob@example.com");
  auto second = ops.create_new_chat_session("a1", ada_, "ada@example.com", "sub-2");
  EXPECT_NE(second.id, first.id);
  EXPECT_EQ(second.subscription_id, "sub-2");
  EXPECT_EQ(ops.get_chat_session(first.id)->status, "closed");
  EXPECT_EQ(ops.get_chat_session(bobs.id)->status, "active");  // another user's: untouched
  EXPECT_EQ(ops.get_or_create_chat_session("a1", ada_, "ada@example.com").id, second.id);
  EXPECT_THROW(ops.create_new_chat_session("a1", 987654, "x@example.com"), NotFoundError);

  say(first.id, "late");  // first is now the most recently active
  auto all = ops.get_agent_chat_sessions("a1");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, first.id);
  EXPECT_EQ(ops.get_agent_chat_sessions("a1", ada_).size(), 2u);
  auto active = ops.get_agent_chat_sessions("a1", ada_, "active");
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active[0].id, second.id);
  EXPECT_EQ(ops.get_agent_chat_sessions("a1", std::nullopt, "closed").size(), 1u);
  EXPECT_TRUE(ops.get_agent_chat_sessions("nobody").empty());
}

TEST_P(ChatOpsTest, DeleteRemovesTheSessionAndItsMessages) {
  auto& ops = dbm().chat();
  auto doomed = ops.get_or_create_chat_session("a1", ada_, "ada@example.com");
  auto kept = ops.get_or_create_chat_session("a2", ada_, "ada@example.com");
  auto m = say(doomed.id, "bye");
  say(doomed.id, "bye again");
  ops.add_chat_message({.session_id = kept.id,
                        .agent_name = "a2",
                        .user_id = ada_,
                        .user_email = "ada@example.com",
                        .role = "user",
                        .content = "stay"});
  const std::string activity = dbm().activities().create_activity(
      {.agent_name = "a1", .activity_type = "chat_start", .related_chat_message_id = m.id});

  EXPECT_TRUE(ops.delete_chat_session(doomed.id));
  EXPECT_FALSE(ops.delete_chat_session(doomed.id));
  EXPECT_FALSE(ops.get_chat_session(doomed.id));
  EXPECT_TRUE(ops.get_chat_messages(doomed.id).empty());
  EXPECT_EQ(rows("chat_messages"), 1);
  EXPECT_EQ(contents(ops.get_chat_messages(kept.id)), (std::vector<std::string>{"stay"}));
  auto a = dbm().activities().get_activity(activity);
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->related_chat_message_id);
}

TEST_P(ChatOpsTest, ConcurrentGetOrCreateMakesOneSession) {
  if (!many_connections()) GTEST_SKIP() << "one connection";
  std::vector<std::string> ids(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < ids.size(); ++i)
    threads.emplace_back([&, i] {
      try {
        ids[i] = dbm().chat().get_or_create_chat_session("a1", ada_, "ada@example.com").id;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u);
  EXPECT_EQ(rows("chat_sessions"), 1);
}

TEST_P(ChatOpsTest, ConcurrentMessagesAreAllKeptInOrder) {
  if (!many_connections()) GTEST_SKIP() << "one connection";
  constexpr int kThreads = 32, kPerThread = 10, kSessions = 4;
  // Enough connections for every thread; SQLite file writers queue on the lock.
  std::string query = "pool_size=" + std::to_string(kThreads + 2);
  if (single_writer_file()) query += "&busy_timeout=120000";
  reopen(query);
  auto& ops = dbm().chat();
  std::vector<std::string> sessions;
  for (int i = 0; i < kSessions; ++i)
    sessions.push_back(
        ops.get_or_create_chat_session("agent-" + std::to_string(i), ada_, "ada@example.com").id);

  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      const std::string& session = sessions[static_cast<std::size_t>(t % kSessions)];
      for (int j = 0; j < kPerThread; ++j) {
        try {
          dbm().chat().add_chat_message({.session_id = session,
                                         .agent_name = "agent-" + std::to_string(t % kSessions),
                                         .user_id = ada_,
                                         .user_email = "ada@example.com",
                                         .role = "user",
                                         .content = std::to_string(t) + ":" + std::to_string(j),
                                         .cost = 0.5});
        } catch (const std::exception& e) {
          ++failures;
          ADD_FAILURE() << e.what();
        }
      }
    });
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  EXPECT_EQ(rows("chat_messages"), kThreads * kPerThread);

  constexpr int kPerSession = kThreads / kSessions * kPerThread;
  for (const std::string& id : sessions) {
    auto session = ops.get_chat_session(id);
    ASSERT_TRUE(session);
    EXPECT_EQ(session->message_count, kPerSession);
    EXPECT_DOUBLE_EQ(session->total_cost, 0.5 * kPerSession);
    auto msgs = ops.get_chat_messages(id, 1000);
    ASSERT_EQ(msgs.size(), static_cast<std::size_t>(kPerSession));
    EXPECT_EQ(session->last_message_at, msgs.back().timestamp);
    // Each thread's messages appear in the order it added them; timestamps strictly increase.
    std::map<std::string, int> next;
    for (std::size_t i = 0; i < msgs.size(); ++i) {
      if (i > 0) {
        EXPECT_LT(msgs[i - 1].timestamp, msgs[i].timestamp);
      }
      const std::string& c = msgs[i].content;
      const std::string thread = c.substr(0, c.find(':'));
      EXPECT_EQ(std::stoi(c.substr(c.find(':') + 1)), next[thread]++) << c;
    }
    EXPECT_EQ(next.size(), static_cast<std::size_t>(kThreads / kSessions));
  }
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(ChatOpsTest);
