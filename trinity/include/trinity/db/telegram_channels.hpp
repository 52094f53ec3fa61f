// TelegramChannelOperations: Telegram bots bound to agents (telegram_bindings, one bot per agent
// and one agent per bot), the private chats of Telegram users with them (telegram_chat_links) and
// the groups they were added to (telegram_group_configs).
//
//   auto binding = dbm.telegram_channels().create_binding("helper", token);  // token sealed
//   auto link = dbm.telegram_channels().get_or_create_chat_link(binding.id, "42");
//
// Rules (where the original left them open):
// - The bot token is stored sealed (Secrets, column telegram_bindings.bot_token_encrypted). No
//   read returns it, sealed or not: TelegramBinding has no token field; only
//   get_decrypted_bot_token() opens it.
// - A bot token has Telegram's shape `<bot id>:<secret>`: the bot id is digits, the secret at
//   least 35 characters of [A-Za-z0-9_-]. Anything else is std::invalid_argument naming the
//   field (never showing the token), before any statement.
// - The bot id is the token's digits before ':'. create_binding() derives it when not given; a
//   given bot id must equal it (a different one would let one bot be bound twice under two ids).
// - Binding an agent that has a binding replaces it (the original's upsert on agent_name): new
//   token, bot id and username, new webhook_secret and telegram_secret_token; the webhook URL is
//   kept; last_update_id is kept for the same bot and reset to 0 for another bot (update ids
//   are counted per bot). A bot bound to another agent is a DuplicateError, nothing written.
// - Chat links and group configs of a binding have no cascading key: delete_binding() deletes
//   them in its transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

namespace trinity::db {

class Db;
class Secrets;

/// A binding as read: never its bot token (see get_decrypted_bot_token()).
struct TelegramBinding {
  std::int64_t id = 0;
  std::string agent_name;
  std::optional<std::string> bot_username;
  /// Telegram's id of the bot: the token's digits before ':'.
  std::optional<std::string> bot_id;
  /// Random (URL-safe): the last part of the webhook path Telegram is given, which routes an
  /// incoming update to this binding.
  std::string webhook_secret;
  std::optional<std::string> webhook_url;
  /// Random (URL-safe): what Telegram sends back in X-Telegram-Bot-Api-Secret-Token.
  std::optional<std::string> telegram_secret_token;
  /// The highest update id processed (0 before the first).
  std::int64_t last_update_id = 0;
  bool progress_indicator_enabled = true;
  std::optional<bool> can_read_all_group_messages;
  sqlcore::Timestamp created_at;
  std::optional<sqlcore::Timestamp> updated_at;
};

/// A Telegram user's private chat with a bound bot.
struct TelegramChatLink {
  std::int64_t id = 0;
  std::int64_t binding_id = 0;
  std::string telegram_user_id;
  std::optional<std::string> telegram_username;
  std::optional<std::string> session_id;
  std::int64_t message_count = 0;
  sqlcore::Timestamp created_at;
  std::optional<sqlcore::Timestamp> last_active;
  std::optional<std::string> verified_email;
  std::optional<sqlcore::Timestamp> verified_at;
};

/// A group (or supergroup, channel) a bound bot is in, and how the agent behaves there.
struct TelegramGroupConfig {
  std::int64_t id = 0;
  std::int64_t binding_id = 0;
  std::string chat_id;
  std::optional<std::string> chat_title;
  std::string chat_type = "group";
  /// When the agent answers: "mention" (the default) or what the caller stores.
  std::string trigger_mode = "mention";
  bool welcome_enabled = false;
  std::optional<std::string> welcome_text;
  /// False once the bot was removed from the group (deactivate_group_config()).
  bool is_active = true;
  sqlcore::Timestamp created_at;
  std::optional<sqlcore::Timestamp> updated_at;
  std::optional<std::string> verified_by_email;
  std::optional<sqlcore::Timestamp> verified_at;
  bool allow_proactive = true;
  std::optional<sqlcore::Timestamp> last_untagged_seen_at;
  bool context_enabled = true;
};

/// The settings update_group_config() changes: only those given.
struct TelegramGroupConfigUpdate {
  std::optional<std::string> trigger_mode = std::nullopt;
  std::optional<bool> welcome_enabled = std::nullopt;
  std::optional<std::string> welcome_text = std::nullopt;
};

class TelegramChannelOperations {
 public:
  /// `db` and `secrets` outlive the operations.
  TelegramChannelOperations(Db& db, const Secrets& secrets) : db_(db), secrets_(secrets) {}

  // Bindings.

  /// Binds the bot of `bot_token` to `agent_name` (or replaces the agent's binding, see above)
  /// and returns the binding. std::invalid_argument for an empty agent name, a token not of
  /// Telegram's shape, or a `bot_id` other than the token's; DuplicateError when the bot is
  /// bound to another agent; SecretError without an encryption key. Nothing is written then.
  TelegramBinding create_binding(const std::string& agent_name, const std::string& bot_token,
                                 const std::optional<std::string>& bot_username = std::nullopt,
                                 const std::optional<std::string>& bot_id = std::nullopt);
  /// The agent's binding, or nullopt.
  std::optional<TelegramBinding> get_binding_by_agent(const std::string& agent_name);
  /// The binding of the bot `bot_id` (an incoming update names its bot), or nullopt.
  std::optional<TelegramBinding> get_binding_by_bot_id(const std::string& bot_id);
  /// The binding whose webhook_secret is `webhook_secret` (the webhook path), or nullopt; an
  /// empty secret matches nothing.
  std::optional<TelegramBinding> get_binding_by_webhook_secret(const std::string& webhook_secret);
  /// The agent's bot token, opened; nullopt when it has no binding. SecretError (naming the
  /// column, never the token) when it does not open with the configured keys.
  std::optional<std::string> get_decrypted_bot_token(const std::string& agent_name);
  /// Every binding, by agent name (webhooks are reconciled from it at start-up).
  std::vector<TelegramBinding> get_all_bindings();
  /// Records the webhook URL registered with Telegram for the agent's bot (and updated_at).
  /// An unknown agent changes nothing; an empty URL is std::invalid_argument.
  void update_webhook_url(const std::string& agent_name, const std::string& webhook_url);
  /// Records `update_id` as the agent's last processed update. It never moves backwards: an
  /// update id not above the stored one (a late or repeated delivery) changes nothing. A
  /// negative id is std::invalid_argument; an unknown agent changes nothing.
  void update_last_update_id(const std::string& agent_name, std::int64_t update_id);
  /// Deletes the agent's binding with its chat links and group configs, in one transaction.
  /// True when there was a binding.
  bool delete_binding(const std::string& agent_name);

  // Private chats.

  /// The chat link of (`binding_id`, `telegram_user_id`), created on first contact (message
  /// count 0, last_active now). An existing link is returned as stored (its username is not
  /// rewritten). Concurrent callers for one user get one row. std::invalid_argument for an
  /// empty user id; NotFoundError for an unknown binding.
  TelegramChatLink get_or_create_chat_link(
      std::int64_t binding_id, const std::string& telegram_user_id,
      const std::optional<std::string>& telegram_username = std::nullopt);
  /// Counts one message on the chat link and sets its last_active to now (one UPDATE: concurrent
  /// increments all count). An unknown id changes nothing.
  void increment_message_count(std::int64_t chat_link_id);

  // Groups.

  /// The config of the group `chat_id` for `binding_id`, created with the defaults on first
  /// contact (trigger_mode "mention", welcome off, active). An existing one is reactivated (the
  /// bot was re-added) and takes `chat_title` when one is given; its chat type is kept.
  /// Concurrent callers get one row. std::invalid_argument for an empty chat id or chat type;
  /// NotFoundError for an unknown binding.
  TelegramGroupConfig get_or_create_group_config(
      std::int64_t binding_id, const std::string& chat_id,
      const std::optional<std::string>& chat_title = std::nullopt,
      const std::string& chat_type = "group");
  /// The config of the group `chat_id` for `binding_id` (active or not), or nullopt.
  std::optional<TelegramGroupConfig> get_group_config(std::int64_t binding_id,
                                                      const std::string& chat_id);
  /// The active groups of the binding, by title (untitled last), then id.
  std::vector<TelegramGroupConfig> get_groups_for_binding(std::int64_t binding_id);
  /// The active groups of the agent's binding (empty without one), ordered as above.
  std::vector<TelegramGroupConfig> get_groups_for_agent(const std::string& agent_name);
  /// Changes the settings given (and updated_at) and returns the config as stored; with nothing
  /// given, the config unchanged. nullopt for an unknown id. An empty trigger mode is
  /// std::invalid_argument.
  std::optional<TelegramGroupConfig> update_group_config(std::int64_t group_config_id,
                                                         const TelegramGroupConfigUpdate& update);
  /// Marks the group inactive (the bot was removed from it). True when it was active.
  bool deactivate_group_config(std::int64_t binding_id, const std::string& chat_id);
  /// Deletes every group config of the binding (active or not); returns how many.
  std::int64_t delete_groups_for_binding(std::int64_t binding_id);

 private:
  Db& db_;
  const Secrets& secrets_;
};

}  // namespace trinity::db
