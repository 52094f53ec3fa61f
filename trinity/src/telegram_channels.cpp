// TelegramChannelOperations: Telegram bots bound to agents, their private chats and groups (see
// telegram_channels.hpp).
#include "trinity/db/telegram_channels.hpp"

#include "operation.hpp"

#include <algorithm>
#include <string_view>

#include "text.hpp"
#include "trinity/db/secrets.hpp"

namespace trinity::db {

namespace {

constexpr const char* kTokenColumn = "telegram_bindings.bot_token_encrypted";
/// The shortest secret part of a Telegram bot token (after `<bot id>:`).
constexpr std::size_t kMinTokenSecret = 35;

bool is_digit(char ch) {
  return ch >= '0' && ch <= '9';
}

bool is_token_char(char ch) {
  return is_digit(ch) || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_' ||
         ch == '-';
}

/// The bot id of `token` (its digits before ':'); std::invalid_argument, never showing the
/// token, when it is not `<digits>:<35+ of [A-Za-z0-9_-]>`.
std::string token_bot_id(std::string_view token) {
  const std::size_t colon = token.find(':');
  const std::string_view id = token.substr(0, colon);
  const std::string_view secret =
      colon == std::string_view::npos ? std::string_view() : token.substr(colon + 1);
  if (id.empty() || !std::all_of(id.begin(), id.end(), is_digit) ||
      secret.size() < kMinTokenSecret || !std::all_of(secret.begin(), secret.end(), is_token_char))
    throw std::invalid_argument(
        "create_binding: the bot token is not a Telegram bot token (the bot id in digits, ':', "
        "then at least 35 characters of A-Z, a-z, 0-9, '_' and '-')");
  return std::string(id);
}

/// The bot id of the binding: the token's, which a given `bot_id` must equal.
std::string checked_bot_id(std::string_view token, const std::optional<std::string>& bot_id) {
  std::string id = token_bot_id(token);
  if (bot_id && *bot_id != id)
    throw std::invalid_argument("create_binding: the bot id '" + *bot_id +
                                "' is not the bot id of the token");
  return id;
}

/// A chat or user id as Telegram gives it (text); std::invalid_argument naming `what` when empty.
std::string checked_chat_id(std::string_view id, std::string_view what) {
  return checked_name(id, what);
}

/// Active: is_active true, or NULL (the column's default is true).
Expr active(const TelegramGroupConfigs& g) {
  return g.is_active.is_null() || g.is_active == true;
}

/// Groups by title, untitled last, then by id.
std::vector<Expr> group_order(const TelegramGroupConfigs& g) {
  return {g.chat_title.asc().nulls_last(), g.id.asc()};
}

/// Runs `fn()`, turning a foreign-key failure on `binding_id` into NotFoundError.
template <class F>
auto for_binding(std::int64_t binding_id, F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const IntegrityError& e) {
    if (e.kind() != IntegrityKind::foreign_key) throw;
    throw NotFoundError("trinity-db: no Telegram binding has id " + std::to_string(binding_id));
  }
}

}  // namespace

TelegramBinding TelegramChannelOperations::create_binding(
    const std::string& agent_name, const std::string& bot_token,
    const std::optional<std::string>& bot_username, const std::optional<std::string>& bot_id) {
  const std::string agent = checked_name(agent_name, "the agent name");
  const std::string id = checked_bot_id(bot_token, bot_id);
  const std::string sealed = secrets_.seal(bot_token, kTokenColumn);
  const auto& [t, m] = std::tie(db_.schema().telegram_bindings, db_.models().telegram_binding);
  const Timestamp at = Timestamp::now();
  Dml stmt = m.insert({{t.agent_name, agent},
                       {t.bot_token_encrypted, sealed},
                       {t.bot_username, bot_username},
                       {t.bot_id, id},
                       {t.webhook_secret, random_token()},
                       {t.telegram_secret_token, random_token()},
                       {t.created_at, at},
                       {t.updated_at, at}});
  // Replacing keeps the webhook URL, and the last update id only for the same bot.
  stmt.on_conflict({t.agent_name})
      .do_update(
          {{t.bot_token_encrypted, excluded(t.bot_token_encrypted)},
           {t.bot_username, excluded(t.bot_username)},
           {t.bot_id, excluded(t.bot_id)},
           {t.webhook_secret, excluded(t.webhook_secret)},
           {t.telegram_secret_token, excluded(t.telegram_secret_token)},
           {t.last_update_id, sqlcore::case_({{t.bot_id == excluded(t.bot_id), t.last_update_id}},
                                             Expr(std::int64_t{0}))},
           {t.updated_at, excluded(t.updated_at)}});
  return db_.run([&](Connection& c) {
    // The upsert meets a unique bot_id either held by another agent (a DuplicateError) or, on
    // PostgreSQL, by a concurrent binder of this agent that has committed meanwhile: retried.
    for (int attempt = 0;; ++attempt) {
      try {
        return Db::savepoint(c, [&](Connection& s) { return m.one(s, stmt); });
      } catch (const IntegrityError& e) {
        if (e.kind() != IntegrityKind::unique || attempt == 2) throw;
        const auto owner = c.execute(select(t.agent_name).where(t.bot_id == id))
                               .scalar<std::optional<std::string>>();
        if (owner && *owner != agent)
          throw DuplicateError("trinity-db: the Telegram bot " + id + " is bound to another agent");
      }
    }
  });
}

std::optional<TelegramBinding> TelegramChannelOperations::get_binding_by_agent(
    const std::string& agent_name) {
  return db_.find(db_.models().telegram_binding,
                  db_.schema().telegram_bindings.agent_name == agent_name);
}

std::optional<TelegramBinding> TelegramChannelOperations::get_binding_by_bot_id(
    const std::string& bot_id) {
  return db_.find(db_.models().telegram_binding, db_.schema().telegram_bindings.bot_id == bot_id);
}

std::optional<TelegramBinding> TelegramChannelOperations::get_binding_by_webhook_secret(
    const std::string& webhook_secret) {
  if (webhook_secret.empty()) return std::nullopt;
  return db_.find(db_.models().telegram_binding,
                  db_.schema().telegram_bindings.webhook_secret == webhook_secret);
}

std::optional<std::string> TelegramChannelOperations::get_decrypted_bot_token(
    const std::string& agent_name) {
  const auto& t = db_.schema().telegram_bindings;
  const auto sealed = db_.read([&](Connection& c) {
    return c.execute(select(t.bot_token_encrypted).where(t.agent_name == agent_name))
        .scalar<std::optional<std::string>>();
  });
  if (!sealed) return std::nullopt;
  return secrets_.open(*sealed, kTokenColumn);
}

std::vector<TelegramBinding> TelegramChannelOperations::get_all_bindings() {
  const auto& [t, m] = std::tie(db_.schema().telegram_bindings, db_.models().telegram_binding);
  return db_.all(m, m.select().order_by({t.agent_name.asc()}));
}

void TelegramChannelOperations::update_webhook_url(const std::string& agent_name,
                                                   const std::string& webhook_url) {
  checked_text(webhook_url, "the webhook URL");
  const auto& t = db_.schema().telegram_bindings;
  db_.run([&](Connection& c) {
    c.execute(update(t)
                  .set({{t.webhook_url, webhook_url}, {t.updated_at, Timestamp::now()}})
                  .where(t.agent_name == agent_name));
  });
}

void TelegramChannelOperations::update_last_update_id(const std::string& agent_name,
                                                      std::int64_t update_id) {
  checked_count(update_id, "the update id");
  const auto& t = db_.schema().telegram_bindings;
  db_.run([&](Connection& c) {
    // Never backwards: a late delivery of an older update leaves the stored id.
    c.execute(update(t)
                  .set({{t.last_update_id, update_id}})
                  .where(t.agent_name == agent_name &&
                         (t.last_update_id.is_null() || t.last_update_id < update_id)));
  });
}

bool TelegramChannelOperations::delete_binding(const std::string& agent_name) {
  const auto& [t, l, g] = std::tie(db_.schema().telegram_bindings, db_.schema().telegram_chat_links,
                                   db_.schema().telegram_group_configs);
  return db_.run([&](Connection& c) {
    // Locked first: a chat link or group created meanwhile waits, then finds no binding.
    const auto id = c.execute(select(t.id).where(t.agent_name == agent_name).for_update())
                        .scalar<std::optional<std::int64_t>>();
    if (!id) return false;
    c.execute(delete_from(g).where(g.binding_id == *id));
    c.execute(delete_from(l).where(l.binding_id == *id));
    return c.execute(delete_from(t).where(t.id == *id)).rowcount() > 0;
  });
}

TelegramChatLink TelegramChannelOperations::get_or_create_chat_link(
    std::int64_t binding_id, const std::string& telegram_user_id,
    const std::optional<std::string>& telegram_username) {
  const std::string user = checked_chat_id(telegram_user_id, "the Telegram user id");
  const auto& [l, m] = std::tie(db_.schema().telegram_chat_links, db_.models().telegram_chat_link);
  const Timestamp at = Timestamp::now();
  return db_.run([&](Connection& c) {
    const auto created = for_binding(binding_id, [&] {
      return m.insert_new(c,
                          {{l.binding_id, binding_id},
                           {l.telegram_user_id, user},
                           {l.telegram_username, telegram_username},
                           {l.message_count, std::int64_t{0}},
                           {l.created_at, at},
                           {l.last_active, at}},
                          {l.binding_id, l.telegram_user_id});
    });
    if (created) return *created;
    return m.one(c, m.select().where(l.binding_id == binding_id && l.telegram_user_id == user));
  });
}

void TelegramChannelOperations::increment_message_count(std::int64_t chat_link_id) {
  const auto& l = db_.schema().telegram_chat_links;
  db_.run([&](Connection& c) {
    c.execute(update(l)
                  .set({{l.message_count, coalesce({l.message_count, 0}) + 1},
                        {l.last_active, Timestamp::now()}})
                  .where(l.id == chat_link_id));
  });
}

TelegramGroupConfig TelegramChannelOperations::get_or_create_group_config(
    std::int64_t binding_id, const std::string& chat_id,
    const std::optional<std::string>& chat_title, const std::string& chat_type) {
  const std::string chat = checked_chat_id(chat_id, "the chat id");
  const std::string type = checked_name(chat_type, "the chat type");
  const auto& [g, m] =
      std::tie(db_.schema().telegram_group_configs, db_.models().telegram_group_config);
  const Timestamp at = Timestamp::now();
  Dml stmt = m.insert({{g.binding_id, binding_id},
                       {g.chat_id, chat},
                       {g.chat_title, chat_title},
                       {g.chat_type, type},
                       {g.trigger_mode, "mention"},
                       {g.welcome_enabled, false},
                       {g.is_active, true},
                       {g.created_at, at},
                       {g.updated_at, at}});
  // An existing group changes only when it was inactive or is given a new title.
  const Expr new_title = excluded(g.chat_title).is_not_null() &&
                         (g.chat_title.is_null() || g.chat_title != excluded(g.chat_title));
  stmt.on_conflict({g.binding_id, g.chat_id})
      .do_update({{g.is_active, true},
                  {g.chat_title, coalesce({excluded(g.chat_title), g.chat_title})},
                  {g.updated_at, excluded(g.updated_at)}},
                 g.is_active == false || new_title);
  return db_.run([&](Connection& c) {
    const auto changed = for_binding(binding_id, [&] { return m.optional(c, stmt); });
    if (changed) return *changed;
    return m.one(c, m.select().where(g.binding_id == binding_id && g.chat_id == chat));
  });
}

std::optional<TelegramGroupConfig> TelegramChannelOperations::get_group_config(
    std::int64_t binding_id, const std::string& chat_id) {
  const auto& g = db_.schema().telegram_group_configs;
  return db_.find(db_.models().telegram_group_config,
                  g.binding_id == binding_id && g.chat_id == chat_id);
}

std::vector<TelegramGroupConfig> TelegramChannelOperations::get_groups_for_binding(
    std::int64_t binding_id) {
  const auto& [g, m] =
      std::tie(db_.schema().telegram_group_configs, db_.models().telegram_group_config);
  return db_.all(
      m, m.select().where(g.binding_id == binding_id && active(g)).order_by(group_order(g)));
}

std::vector<TelegramGroupConfig> TelegramChannelOperations::get_groups_for_agent(
    const std::string& agent_name) {
  const auto& [g, b, m] =
      std::tie(db_.schema().telegram_group_configs, db_.schema().telegram_bindings,
               db_.models().telegram_group_config);
  auto q = m.select().join(b, b.id == g.binding_id).where(b.agent_name == agent_name && active(g));
  return db_.all(m, q.order_by(group_order(g)));
}

std::optional<TelegramGroupConfig> TelegramChannelOperations::update_group_config(
    std::int64_t group_config_id, const TelegramGroupConfigUpdate& changes) {
  if (changes.trigger_mode) checked_name(*changes.trigger_mode, "the trigger mode");
  const auto& [g, m] =
      std::tie(db_.schema().telegram_group_configs, db_.models().telegram_group_config);
  auto set = db_.models().telegram_group_config_update.changes(changes);
  if (set.empty()) return db_.find(m, g.id == group_config_id);
  set.emplace_back(g.updated_at, Timestamp::now());
  return db_.run([&](Connection& c) {
    return m.optional(c, m.update(std::move(set)).where(g.id == group_config_id));
  });
}

bool TelegramChannelOperations::deactivate_group_config(std::int64_t binding_id,
                                                        const std::string& chat_id) {
  const auto& g = db_.schema().telegram_group_configs;
  return db_.run([&](Connection& c) {
    return c.execute(update(g)
                         .set({{g.is_active, false}, {g.updated_at, Timestamp::now()}})
                         .where(g.binding_id == binding_id && g.chat_id == chat_id && active(g)))
               .rowcount() > 0;
  });
}

std::int64_t TelegramChannelOperations::delete_groups_for_binding(std::int64_t binding_id) {
  const auto& g = db_.schema().telegram_group_configs;
  return db_.run([&](Connection& c) {
    return c.execute(delete_from(g).where(g.binding_id == binding_id)).rowcount();
  });
}

}  // namespace trinity::db
