// TelegramChannelOperations on every backend: bindings (the token sealed at rest, never read back
// except by get_decrypted_bot_token, a wrong key refused; the token's shape; the bot id derived
// from it; replacing an agent's binding; a bot bound to another agent refused), the update id
// that never moves backwards, delete_binding taking chat links and groups with it, chat links and
// group configs made once under concurrency, message counts, group settings, and bad input
// refused with nothing written.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fixture.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/secrets.hpp"
#include "trinity/db/telegram_channels.hpp"

using namespace sqlcore;
using trinity::db::DuplicateError;
using trinity::db::NotFoundError;
using trinity::db::SecretError;
using trinity::db::TelegramBinding;
using trinity::db::TelegramChannelOperations;
using trinity::db::TelegramGroupConfigUpdate;

namespace {

/// A token of Telegram's shape for the bot `bot_id`: 35 characters after ':' made of `fill`.
std::string token(const std::string& bot_id, char fill = 'A') {
  return bot_id + ":" + std::string(30, fill) + "_-x9Z";
}

class TrinityTelegramChannelsTest : public trinity_test::TrinityTest {
 protected:
  TelegramChannelOperations& ops() { return dbm().telegram_channels(); }

  /// The binding of `agent` to the bot `bot_id`.
  TelegramBinding bind(const std::string& agent, const std::string& bot_id) {
    return ops().create_binding(agent, token(bot_id), "bot_" + bot_id);
  }

  /// The stored bot_token_encrypted of `agent`, read with a plain select.
  std::string raw_token(const std::string& agent) {
    auto c = dbm().engine().connect();
    const auto& t = s().telegram_bindings;
    return c.execute(select(t.bot_token_encrypted).where(t.agent_name == agent))
        .scalar<std::string>();
  }

  /// Runs `fn(i)` on 8 threads and returns how many threw (each failure is reported).
  int on_8_threads(const std::function<void(int)>& fn) {
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&, i] {
        try {
          fn(i);
        } catch (const std::exception& e) {
          ++failures;
          ADD_FAILURE() << e.what();
        }
      });
    for (auto& th : threads) th.join();
    return failures.load();
  }
};

// Bindings.

TEST_P(TrinityTelegramChannelsTest, CreateBindingDerivesTheBotIdAndMakesSecrets) {
  const TelegramBinding b = ops().create_binding("helper", token("123456"), "helper_bot");
  EXPECT_GT(b.id, 0);
  EXPECT_EQ(b.agent_name, "helper");
  EXPECT_EQ(b.bot_id, "123456");
  EXPECT_EQ(b.bot_username, "helper_bot");
  EXPECT_GE(b.webhook_secret.size(), 40u);
  ASSERT_TRUE(b.telegram_secret_token);
  EXPECT_NE(*b.telegram_secret_token, b.webhook_secret);
  EXPECT_EQ(b.last_update_id, 0);
  EXPECT_TRUE(b.progress_indicator_enabled);
  EXPECT_FALSE(b.webhook_url);
  EXPECT_TRUE(b.updated_at);
  // A given bot id equal to the token's is accepted.
  EXPECT_EQ(ops().create_binding("other", token("777"), std::nullopt, "777").bot_id, "777");
  EXPECT_EQ(rows("telegram_bindings"), 2);
}

TEST_P(TrinityTelegramChannelsTest, TheTokenIsSealedAtRestAndOnlyGetDecryptedBotTokenOpensIt) {
  const std::string plain = token("123456", 'q');
  ops().create_binding("helper", plain);
  const std::string raw = raw_token("helper");
  EXPECT_EQ(raw.find(plain), std::string::npos);
  EXPECT_EQ(raw.find(std::string(30, 'q')), std::string::npos);
  EXPECT_TRUE(trinity::db::Secrets::is_sealed(raw)) << raw;
  EXPECT_EQ(ops().get_decrypted_bot_token("helper"), plain);
  EXPECT_EQ(ops().get_decrypted_bot_token("nobody"), std::nullopt);
}

TEST_P(TrinityTelegramChannelsTest, AnotherKeyCannotOpenTheToken) {
  const std::string plain = token("123456", 'q');
  ops().create_binding("helper", plain);
  const trinity::db::Secrets other_key(trinity::db::SecretKey::generate());
  // A manager with another key; on the in-memory backend a new manager is a new database, so
  // there the operations run on this manager's database with the other key.
  std::unique_ptr<trinity::db::DatabaseManager> other;
  std::unique_ptr<TelegramChannelOperations> in_memory_ops;
  if (in_memory())
    in_memory_ops = std::make_unique<TelegramChannelOperations>(dbm().db(), other_key);
  else
    other = std::make_unique<trinity::db::DatabaseManager>(
        trinity::db::ManagerOptions{.url = url(), .secrets = other_key});
  TelegramChannelOperations& other_ops = other ? other->telegram_channels() : *in_memory_ops;
  try {
    (void)other_ops.get_decrypted_bot_token("helper");
    FAIL() << "no SecretError";
  } catch (const SecretError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("telegram_bindings.bot_token_encrypted"), std::string::npos) << message;
    EXPECT_EQ(message.find(plain), std::string::npos) << message;
    EXPECT_EQ(message.find(std::string(30, 'q')), std::string::npos) << message;
  }
  // Reads that do not open the token work under any key.
  EXPECT_TRUE(other_ops.get_binding_by_agent("helper"));
}

TEST_P(TrinityTelegramChannelsTest, BindingLookups) {
  const TelegramBinding a = bind("alpha", "111");
  const TelegramBinding b = bind("beta", "222");
  ASSERT_TRUE(ops().get_binding_by_agent("alpha"));
  EXPECT_EQ(ops().get_binding_by_agent("alpha")->id, a.id);
  EXPECT_EQ(ops().get_binding_by_agent("alpha")->webhook_secret, a.webhook_secret);
  EXPECT_EQ(ops().get_binding_by_bot_id("222")->agent_name, "beta");
  EXPECT_EQ(ops().get_binding_by_webhook_secret(b.webhook_secret)->id, b.id);
  EXPECT_FALSE(ops().get_binding_by_agent("gamma"));
  EXPECT_FALSE(ops().get_binding_by_bot_id("333"));
  EXPECT_FALSE(ops().get_binding_by_webhook_secret("no-such-secret"));
  EXPECT_FALSE(ops().get_binding_by_webhook_secret(""));
  const auto all = ops().get_all_bindings();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].agent_name, "alpha");
  EXPECT_EQ(all[1].agent_name, "beta");
  dbm().telegram_channels().delete_binding("alpha");
  dbm().telegram_channels().delete_binding("beta");
  EXPECT_TRUE(ops().get_all_bindings().empty());
}

TEST_P(TrinityTelegramChannelsTest, BindingAgainReplacesTheTokenAndRotatesTheSecrets) {
  const TelegramBinding first = bind("helper", "111");
  ops().update_webhook_url("helper", "https://example.com/hook/1");
  ops().update_last_update_id("helper", 50);
  // The same bot with a new token: one row, same id, the update id kept.
  const TelegramBinding again = ops().create_binding("helper", token("111", 'B'), "renamed_bot");
  EXPECT_EQ(rows("telegram_bindings"), 1);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.bot_username, "renamed_bot");
  EXPECT_NE(again.webhook_secret, first.webhook_secret);
  EXPECT_NE(again.telegram_secret_token, first.telegram_secret_token);
  EXPECT_EQ(again.webhook_url, "https://example.com/hook/1");
  EXPECT_EQ(again.last_update_id, 50);
  EXPECT_EQ(again.created_at, first.created_at);
  EXPECT_EQ(ops().get_decrypted_bot_token("helper"), token("111", 'B'));
  EXPECT_FALSE(ops().get_binding_by_webhook_secret(first.webhook_secret));
  // Another bot: its update ids are its own, so the last one restarts at 0.
  const TelegramBinding other_bot = bind("helper", "999");
  EXPECT_EQ(other_bot.id, first.id);
  EXPECT_EQ(other_bot.bot_id, "999");
  EXPECT_EQ(other_bot.last_update_id, 0);
  EXPECT_FALSE(ops().get_binding_by_bot_id("111"));
  EXPECT_EQ(rows("telegram_bindings"), 1);
}

TEST_P(TrinityTelegramChannelsTest, ABotBoundToAnotherAgentIsADuplicateAndNothingIsWritten) {
  bind("alpha", "111");
  const TelegramBinding beta = bind("beta", "222");
  EXPECT_THROW(bind("gamma", "111"), DuplicateError);
  EXPECT_FALSE(ops().get_binding_by_agent("gamma"));
  // beta moving to alpha's bot changes nothing of beta's binding.
  try {
    ops().create_binding("beta", token("111", 'Z'));
    FAIL() << "no DuplicateError";
  } catch (const DuplicateError& e) {
    EXPECT_EQ(std::string(e.what()).find(std::string(30, 'Z')), std::string::npos);
  }
  const auto kept = ops().get_binding_by_agent("beta");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->bot_id, "222");
  EXPECT_EQ(kept->webhook_secret, beta.webhook_secret);
  EXPECT_EQ(ops().get_decrypted_bot_token("beta"), token("222"));
  EXPECT_EQ(ops().get_binding_by_bot_id("111")->agent_name, "alpha");
  EXPECT_EQ(rows("telegram_bindings"), 2);
}

TEST_P(TrinityTelegramChannelsTest, ADuplicateBotInsideAFacadeTransactionLeavesTheRestIntact) {
  bind("alpha", "111");
  dbm().transaction([&] {
    bind("beta", "222");
    EXPECT_THROW(bind("gamma", "111"), DuplicateError);
    bind("delta", "444");
  });
  EXPECT_EQ(rows("telegram_bindings"), 3);
  EXPECT_FALSE(ops().get_binding_by_agent("gamma"));
}

TEST_P(TrinityTelegramChannelsTest, MalformedTokensAndBadInputAreRefusedBeforeAnyWrite) {
  const std::vector<std::string> bad = {
      "",
      "123456",
      ":" + std::string(35, 'A'),
      "12a456:" + std::string(35, 'A'),
      "123456:" + std::string(34, 'A'),
      "123456:" + std::string(34, 'A') + "!",
      "123456:" + std::string(34, 'A') + " ",
      " 123456:" + std::string(35, 'A'),
      "123456:" + std::string(20, 'A') + ":" + std::string(20, 'A'),
  };
  for (const std::string& t : bad) {
    try {
      ops().create_binding("helper", t);
      ADD_FAILURE() << "accepted " << t;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("bot token"), std::string::npos) << e.what();
      if (t.size() > 10) {
        EXPECT_EQ(std::string(e.what()).find(t), std::string::npos);
      }
    }
  }
  EXPECT_THROW(ops().create_binding("", token("1")), std::invalid_argument);
  EXPECT_THROW(ops().create_binding("  ", token("1")), std::invalid_argument);
  // A bot id that is not the token's.
  EXPECT_THROW(ops().create_binding("helper", token("123"), std::nullopt, "124"),
               std::invalid_argument);
  EXPECT_EQ(rows("telegram_bindings"), 0);
  // Without an encryption key nothing can be stored.
  const trinity::db::Secrets no_key;
  TelegramChannelOperations keyless(dbm().db(), no_key);
  EXPECT_THROW(keyless.create_binding("helper", token("1")), SecretError);
  EXPECT_EQ(rows("telegram_bindings"), 0);
}

TEST_P(TrinityTelegramChannelsTest, ConcurrentCreateBindingForOneAgentMakesOneRow) {
  if (!many_connections()) GTEST_SKIP() << "one connection: threads would share it";
  // Half the threads bind the same bot, half each a bot of their own.
  EXPECT_EQ(on_8_threads([&](int i) {
              const std::string bot = i % 2 == 0 ? "5000" : std::to_string(5000 + i);
              ops().create_binding("helper", token(bot, static_cast<char>('a' + i)));
            }),
            0);
  EXPECT_EQ(rows("telegram_bindings"), 1);
  const auto b = ops().get_binding_by_agent("helper");
  ASSERT_TRUE(b);
  const auto t = ops().get_decrypted_bot_token("helper");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->substr(0, t->find(':')), *b->bot_id);  // the token and its bot id agree
}

TEST_P(TrinityTelegramChannelsTest, ConcurrentBindersOfOneBotLeaveItWithOneAgent) {
  if (!many_connections()) GTEST_SKIP() << "one connection: threads would share it";
  std::atomic<int> bound{0};
  std::atomic<int> duplicates{0};
  EXPECT_EQ(on_8_threads([&](int i) {
              try {
                bind("agent" + std::to_string(i), "777");
                ++bound;
              } catch (const DuplicateError&) {
                ++duplicates;
              }
            }),
            0);
  EXPECT_EQ(bound.load(), 1);
  EXPECT_EQ(duplicates.load(), 7);
  EXPECT_EQ(rows("telegram_bindings"), 1);
}

TEST_P(TrinityTelegramChannelsTest, WebhookUrl) {
  bind("helper", "111");
  ops().update_webhook_url("helper", "https://example.com/telegram/abc");
  EXPECT_EQ(ops().get_binding_by_agent("helper")->webhook_url, "https://example.com/telegram/abc");
  ops().update_webhook_url("nobody", "https://example.com/x");  // nothing to change
  EXPECT_THROW(ops().update_webhook_url("helper", ""), std::invalid_argument);
  EXPECT_EQ(ops().get_binding_by_agent("helper")->webhook_url, "https://example.com/telegram/abc");
  EXPECT_EQ(rows("telegram_bindings"), 1);
}

TEST_P(TrinityTelegramChannelsTest, TheLastUpdateIdNeverMovesBackwards) {
  bind("helper", "111");
  ops().update_last_update_id("helper", 100);
  EXPECT_EQ(ops().get_binding_by_agent("helper")->last_update_id, 100);
  ops().update_last_update_id("helper", 90);  // a late delivery: ignored
  EXPECT_EQ(ops().get_binding_by_agent("helper")->last_update_id, 100);
  ops().update_last_update_id("helper", 100);  // a repeat: ignored
  EXPECT_EQ(ops().get_binding_by_agent("helper")->last_update_id, 100);
  ops().update_last_update_id("helper", 101);
  EXPECT_EQ(ops().get_binding_by_agent("helper")->last_update_id, 101);
  EXPECT_THROW(ops().update_last_update_id("helper", -1), std::invalid_argument);
  EXPECT_EQ(ops().get_binding_by_agent("helper")->last_update_id, 101);
  ops().update_last_update_id("nobody", 5);
  EXPECT_FALSE(ops().get_binding_by_agent("nobody"));
}

TEST_P(TrinityTelegramChannelsTest, ConcurrentUpdateIdsKeepTheHighest) {
  if (!many_connections()) GTEST_SKIP() << "one connection: threads would share it";
  bind("helper", "111");
  EXPECT_EQ(on_8_threads([&](int i) {
              for (int k = 0; k < 10; ++k) ops().update_last_update_id("helper", 10 * k + i);
            }),
            0);
  EXPECT_EQ(ops().get_binding_by_agent("helper")->last_update_id, 97);
}

TEST_P(TrinityTelegramChannelsTest, DeleteBindingTakesItsChatLinksAndGroupsWithIt) {
  const TelegramBinding a = bind("alpha", "111");
  const TelegramBinding b = bind("beta", "222");
  ops().get_or_create_chat_link(a.id, "1");
  ops().get_or_create_chat_link(a.id, "2");
  ops().get_or_create_group_config(a.id, "-100");
  const auto kept_link = ops().get_or_create_chat_link(b.id, "1");
  ops().get_or_create_group_config(b.id, "-100");
  EXPECT_TRUE(ops().delete_binding("alpha"));
  EXPECT_FALSE(ops().get_binding_by_agent("alpha"));
  EXPECT_EQ(rows("telegram_bindings"), 1);
  EXPECT_EQ(rows("telegram_chat_links"), 1);
  EXPECT_EQ(rows("telegram_group_configs"), 1);
  EXPECT_FALSE(ops().get_group_config(a.id, "-100"));
  EXPECT_TRUE(ops().get_group_config(b.id, "-100"));
  EXPECT_EQ(ops().get_or_create_chat_link(b.id, "1").id, kept_link.id);
  EXPECT_FALSE(ops().delete_binding("alpha"));
  EXPECT_FALSE(ops().delete_binding("nobody"));
  // The bot is free again.
  EXPECT_EQ(bind("gamma", "111").bot_id, "111");
}

TEST_P(TrinityTelegramChannelsTest, DeleteBindingRollsBackWithTheFacadeTransaction) {
  const TelegramBinding a = bind("alpha", "111");
  ops().get_or_create_chat_link(a.id, "1");
  ops().get_or_create_group_config(a.id, "-100");
  EXPECT_THROW(dbm().transaction([&] {
    EXPECT_TRUE(ops().delete_binding("alpha"));
    throw std::runtime_error("abandon");
  }),
               std::runtime_error);
  EXPECT_EQ(rows("telegram_bindings"), 1);
  EXPECT_EQ(rows("telegram_chat_links"), 1);
  EXPECT_EQ(rows("telegram_group_configs"), 1);
}

// Chat links.

TEST_P(TrinityTelegramChannelsTest, GetOrCreateChatLink) {
  const TelegramBinding b = bind("helper", "111");
  const auto link = ops().get_or_create_chat_link(b.id, "42", "ada_tg");
  EXPECT_GT(link.id, 0);
  EXPECT_EQ(link.binding_id, b.id);
  EXPECT_EQ(link.telegram_user_id, "42");
  EXPECT_EQ(link.telegram_username, "ada_tg");
  EXPECT_EQ(link.message_count, 0);
  EXPECT_TRUE(link.last_active);
  EXPECT_FALSE(link.session_id);
  EXPECT_FALSE(link.verified_email);
  // Again: the same row, as stored (the username is not rewritten).
  const auto again = ops().get_or_create_chat_link(b.id, "42", "renamed");
  EXPECT_EQ(again.id, link.id);
  EXPECT_EQ(again.telegram_username, "ada_tg");
  EXPECT_EQ(again.created_at, link.created_at);
  // Another user, and the same user of another bot, are other links.
  EXPECT_NE(ops().get_or_create_chat_link(b.id, "43").id, link.id);
  const TelegramBinding other = bind("other", "222");
  EXPECT_NE(ops().get_or_create_chat_link(other.id, "42").id, link.id);
  EXPECT_EQ(rows("telegram_chat_links"), 3);
}

TEST_P(TrinityTelegramChannelsTest, ChatLinksRefuseAnUnknownBindingAndAnEmptyUser) {
  const TelegramBinding b = bind("helper", "111");
  EXPECT_THROW(ops().get_or_create_chat_link(b.id + 100, "42"), NotFoundError);
  EXPECT_THROW(ops().get_or_create_chat_link(b.id, ""), std::invalid_argument);
  EXPECT_THROW(ops().get_or_create_chat_link(b.id, "   "), std::invalid_argument);
  EXPECT_EQ(rows("telegram_chat_links"), 0);
}

TEST_P(TrinityTelegramChannelsTest, ConcurrentGetOrCreateChatLinkMakesOneRow) {
  if (!many_connections()) GTEST_SKIP() << "one connection: threads would share it";
  const TelegramBinding b = bind("helper", "111");
  std::vector<std::int64_t> ids(8);
  EXPECT_EQ(on_8_threads([&](int i) { ids[i] = ops().get_or_create_chat_link(b.id, "42").id; }), 0);
  EXPECT_EQ(rows("telegram_chat_links"), 1);
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), 1u);
}

TEST_P(TrinityTelegramChannelsTest, IncrementMessageCount) {
  const TelegramBinding b = bind("helper", "111");
  const auto link = ops().get_or_create_chat_link(b.id, "42");
  const auto other = ops().get_or_create_chat_link(b.id, "43");
  ops().increment_message_count(link.id);
  ops().increment_message_count(link.id);
  const auto after = ops().get_or_create_chat_link(b.id, "42");
  EXPECT_EQ(after.message_count, 2);
  ASSERT_TRUE(after.last_active);
  EXPECT_GE(*after.last_active, *link.last_active);
  EXPECT_EQ(ops().get_or_create_chat_link(b.id, "43").message_count, 0);
  ops().increment_message_count(other.id + 100);  // unknown: nothing changes
  EXPECT_EQ(rows("telegram_chat_links"), 2);
}

TEST_P(TrinityTelegramChannelsTest, ConcurrentIncrementsAllCount) {
  if (!many_connections()) GTEST_SKIP() << "one connection: threads would share it";
  const TelegramBinding b = bind("helper", "111");
  const auto link = ops().get_or_create_chat_link(b.id, "42");
  EXPECT_EQ(on_8_threads([&](int) {
              for (int k = 0; k < 10; ++k) ops().increment_message_count(link.id);
            }),
            0);
  EXPECT_EQ(ops().get_or_create_chat_link(b.id, "42").message_count, 80);
}

// Groups.

TEST_P(TrinityTelegramChannelsTest, GetOrCreateGroupConfig) {
  const TelegramBinding b = bind("helper", "111");
  const auto g = ops().get_or_create_group_config(b.id, "-1001", "Team", "supergroup");
  EXPECT_GT(g.id, 0);
  EXPECT_EQ(g.binding_id, b.id);
  EXPECT_EQ(g.chat_id, "-1001");
  EXPECT_EQ(g.chat_title, "Team");
  EXPECT_EQ(g.chat_type, "supergroup");
  EXPECT_EQ(g.trigger_mode, "mention");
  EXPECT_FALSE(g.welcome_enabled);
  EXPECT_TRUE(g.is_active);
  EXPECT_TRUE(g.allow_proactive);
  EXPECT_TRUE(g.context_enabled);
  // Defaults: chat type "group", no title.
  const auto plain = ops().get_or_create_group_config(b.id, "-1002");
  EXPECT_EQ(plain.chat_type, "group");
  EXPECT_FALSE(plain.chat_title);
  // Again without a title: the row as stored.
  const auto same = ops().get_or_create_group_config(b.id, "-1001");
  EXPECT_EQ(same.id, g.id);
  EXPECT_EQ(same.chat_title, "Team");
  EXPECT_EQ(same.updated_at, g.updated_at);
  // A new title is taken; the chat type is kept.
  const auto renamed = ops().get_or_create_group_config(b.id, "-1001", "Team 2", "group");
  EXPECT_EQ(renamed.id, g.id);
  EXPECT_EQ(renamed.chat_title, "Team 2");
  EXPECT_EQ(renamed.chat_type, "supergroup");
  EXPECT_EQ(rows("telegram_group_configs"), 2);
}

TEST_P(TrinityTelegramChannelsTest, GetOrCreateGroupConfigReactivatesAGroupTheBotRejoined) {
  const TelegramBinding b = bind("helper", "111");
  const auto g = ops().get_or_create_group_config(b.id, "-1001", "Team");
  ops().update_group_config(g.id, {.trigger_mode = "all"});
  EXPECT_TRUE(ops().deactivate_group_config(b.id, "-1001"));
  EXPECT_FALSE(ops().get_group_config(b.id, "-1001")->is_active);
  const auto back = ops().get_or_create_group_config(b.id, "-1001");
  EXPECT_EQ(back.id, g.id);
  EXPECT_TRUE(back.is_active);
  EXPECT_EQ(back.chat_title, "Team");
  EXPECT_EQ(back.trigger_mode, "all");  // its settings survive
}

TEST_P(TrinityTelegramChannelsTest, GroupConfigsRefuseAnUnknownBindingAndBadInput) {
  const TelegramBinding b = bind("helper", "111");
  EXPECT_THROW(ops().get_or_create_group_config(b.id + 100, "-1001"), NotFoundError);
  EXPECT_THROW(ops().get_or_create_group_config(b.id, ""), std::invalid_argument);
  EXPECT_THROW(ops().get_or_create_group_config(b.id, "-1001", "T", ""), std::invalid_argument);
  EXPECT_EQ(rows("telegram_group_configs"), 0);
}

TEST_P(TrinityTelegramChannelsTest, ConcurrentGetOrCreateGroupConfigMakesOneRow) {
  if (!many_connections()) GTEST_SKIP() << "one connection: threads would share it";
  const TelegramBinding b = bind("helper", "111");
  std::vector<std::int64_t> ids(8);
  EXPECT_EQ(on_8_threads([&](int i) {
              ids[i] = ops().get_or_create_group_config(b.id, "-1001", "Team").id;
            }),
            0);
  EXPECT_EQ(rows("telegram_group_configs"), 1);
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), 1u);
}

TEST_P(TrinityTelegramChannelsTest, GetGroupConfig) {
  const TelegramBinding a = bind("alpha", "111");
  const TelegramBinding b = bind("beta", "222");
  const auto g = ops().get_or_create_group_config(a.id, "-1001", "Team");
  EXPECT_EQ(ops().get_group_config(a.id, "-1001")->id, g.id);
  EXPECT_FALSE(ops().get_group_config(b.id, "-1001"));
  EXPECT_FALSE(ops().get_group_config(a.id, "-1002"));
  EXPECT_FALSE(ops().get_group_config(a.id, ""));
}

TEST_P(TrinityTelegramChannelsTest, GroupsForBindingAndAgentAreTheActiveOnesByTitle) {
  const TelegramBinding a = bind("alpha", "111");
  const TelegramBinding b = bind("beta", "222");
  ops().get_or_create_group_config(a.id, "-3", "Zeta");
  ops().get_or_create_group_config(a.id, "-4");
  ops().get_or_create_group_config(a.id, "-1", "Alpha team");
  ops().get_or_create_group_config(a.id, "-2", "Mid");
  ops().get_or_create_group_config(b.id, "-9", "Beta's");
  ops().deactivate_group_config(a.id, "-2");
  std::vector<std::string> chats;
  for (const auto& g : ops().get_groups_for_binding(a.id)) chats.push_back(g.chat_id);
  EXPECT_EQ(chats, (std::vector<std::string>{"-1", "-3", "-4"}));
  chats.clear();
  for (const auto& g : ops().get_groups_for_agent("alpha")) chats.push_back(g.chat_id);
  EXPECT_EQ(chats, (std::vector<std::string>{"-1", "-3", "-4"}));
  EXPECT_EQ(ops().get_groups_for_agent("beta").size(), 1u);
  EXPECT_TRUE(ops().get_groups_for_agent("nobody").empty());
  EXPECT_TRUE(ops().get_groups_for_binding(b.id + 100).empty());
}

TEST_P(TrinityTelegramChannelsTest, UpdateGroupConfig) {
  const TelegramBinding b = bind("helper", "111");
  const auto g = ops().get_or_create_group_config(b.id, "-1001", "Team");
  const auto changed = ops().update_group_config(
      g.id, {.trigger_mode = "all", .welcome_enabled = true, .welcome_text = "Hello!"});
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->trigger_mode, "all");
  EXPECT_TRUE(changed->welcome_enabled);
  EXPECT_EQ(changed->welcome_text, "Hello!");
  EXPECT_EQ(changed->chat_title, "Team");
  // Only what is given changes.
  const auto one = ops().update_group_config(g.id, {.welcome_enabled = false});
  ASSERT_TRUE(one);
  EXPECT_FALSE(one->welcome_enabled);
  EXPECT_EQ(one->trigger_mode, "all");
  EXPECT_EQ(one->welcome_text, "Hello!");
  // Nothing given: the row as stored, untouched.
  const auto none = ops().update_group_config(g.id, {});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->updated_at, one->updated_at);
  EXPECT_EQ(none->trigger_mode, "all");
  EXPECT_FALSE(ops().update_group_config(g.id + 100, {.trigger_mode = "all"}));
  EXPECT_FALSE(ops().update_group_config(g.id + 100, {}));
  EXPECT_THROW(ops().update_group_config(g.id, {.trigger_mode = "", .welcome_text = "x"}),
               std::invalid_argument);
  EXPECT_EQ(ops().get_group_config(b.id, "-1001")->welcome_text, "Hello!");
}

TEST_P(TrinityTelegramChannelsTest, DeactivateGroupConfig) {
  const TelegramBinding b = bind("helper", "111");
  ops().get_or_create_group_config(b.id, "-1001");
  EXPECT_TRUE(ops().deactivate_group_config(b.id, "-1001"));
  EXPECT_FALSE(ops().deactivate_group_config(b.id, "-1001"));  // already inactive
  EXPECT_FALSE(ops().deactivate_group_config(b.id, "-1002"));
  EXPECT_FALSE(ops().deactivate_group_config(b.id + 100, "-1001"));
  EXPECT_TRUE(ops().get_group_config(b.id, "-1001"));  // kept, inactive
  EXPECT_TRUE(ops().get_groups_for_binding(b.id).empty());
}

TEST_P(TrinityTelegramChannelsTest, DeleteGroupsForBindingCountsThem) {
  const TelegramBinding a = bind("alpha", "111");
  const TelegramBinding b = bind("beta", "222");
  ops().get_or_create_group_config(a.id, "-1");
  ops().get_or_create_group_config(a.id, "-2");
  ops().deactivate_group_config(a.id, "-2");
  ops().get_or_create_group_config(b.id, "-1");
  EXPECT_EQ(ops().delete_groups_for_binding(a.id), 2);
  EXPECT_EQ(ops().delete_groups_for_binding(a.id), 0);
  EXPECT_EQ(ops().delete_groups_for_binding(b.id + 100), 0);
  EXPECT_EQ(rows("telegram_group_configs"), 1);
  EXPECT_TRUE(ops().get_binding_by_agent("alpha"));  // the binding stays
}

SQLCORE_BACKEND_TEST_SUITE(TrinityTelegramChannelsTest);

}  // namespace
