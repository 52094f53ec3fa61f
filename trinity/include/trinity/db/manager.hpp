// DatabaseManager: the trinity-db facade. Opens the engine chosen by DATABASE_URL, brings the
// schema to head (or refuses to start when told not to migrate and revisions are pending),
// builds the operations classes with their dependencies, and lets a caller group several
// operations in one transaction.
//
//   trinity::db::DatabaseManager dbm;                       // DATABASE_URL, else SQLite
//   auto user = dbm.users().create_user({.username = "ada"});
//   dbm.transaction([&] {                                   // all or nothing
//     dbm.settings().set_setting("theme", "dark");
//     dbm.tags().add_tag("agent-1", "prod");
//   });
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include <sqlcore/engine/engine.hpp>

#include "trinity/db/activity.hpp"
#include "trinity/db/agents.hpp"
#include "trinity/db/chat.hpp"
#include "trinity/db/dashboard_history.hpp"
#include "trinity/db/db.hpp"
#include "trinity/db/email_auth.hpp"
#include "trinity/db/event_subscriptions.hpp"
#include "trinity/db/legacy.hpp"
#include "trinity/db/mcp_keys.hpp"
#include "trinity/db/monitoring.hpp"
#include "trinity/db/nevermined.hpp"
#include "trinity/db/notifications.hpp"
#include "trinity/db/operator_queue.hpp"
#include "trinity/db/permissions.hpp"
#include "trinity/db/public_chat.hpp"
#include "trinity/db/public_links.hpp"
#include "trinity/db/schedules.hpp"
#include "trinity/db/schema.hpp"
#include "trinity/db/secrets.hpp"
#include "trinity/db/settings.hpp"
#include "trinity/db/shared_folders.hpp"
#include "trinity/db/skills.hpp"
#include "trinity/db/slack.hpp"
#include "trinity/db/slack_channels.hpp"
#include "trinity/db/subscriptions.hpp"
#include "trinity/db/system_views.hpp"
#include "trinity/db/tags.hpp"
#include "trinity/db/telegram_channels.hpp"
#include "trinity/db/users.hpp"

namespace trinity::db {

/// The database every trinity-db program uses when DATABASE_URL is not set (relative to the
/// working directory; its folder is created when missing).
inline constexpr const char* kDefaultUrl = "sqlite:///data/trinity.db";

/// DATABASE_URL when set and not empty, else kDefaultUrl.
std::string database_url();

/// Engine settings from the environment: DB_POOL_SIZE and DB_MAX_OVERFLOW (defaults 10 and 20
/// with a database server such as PostgreSQL; sqlcore's defaults on SQLite). A value that is not a
/// non-negative integer is an error naming the variable.
sqlcore::EngineOptions engine_options_from_env(const sqlcore::Url& url);

/// The engine for `url` with engine_options_from_env(), creating a SQLite file's folder when it
/// is missing. Opens no connection.
sqlcore::Engine open_engine(const sqlcore::Url& url);

/// The database cannot be used: unreachable, or behind the code with migrations disabled. The
/// message says what to do; it never shows a password.
class StartupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ManagerOptions {
  /// The database; default database_url().
  std::optional<std::string> url{};
  /// Bring the schema to head at start-up. When false, a database with pending revisions is a
  /// StartupError (run `trinity-db migrate` first).
  bool migrate = true;
  /// The keys secrets are sealed with (bot tokens, subscription and payment credentials); default
  /// Secrets::from_env(). Without a key everything works except storing or reading a secret.
  std::optional<Secrets> secrets{};
};

class DatabaseManager {
 public:
  explicit DatabaseManager(ManagerOptions options = {});
  ~DatabaseManager();
  DatabaseManager(const DatabaseManager&) = delete;
  DatabaseManager& operator=(const DatabaseManager&) = delete;

  sqlcore::Engine& engine() { return engine_; }
  const Schema& schema() const { return db_.schema(); }
  Db& db() { return db_; }
  /// The keys secrets are sealed with (ManagerOptions::secrets).
  const Secrets& secrets() const { return secrets_; }

  UserOperations& users() { return users_; }
  SettingsOperations& settings() { return settings_; }
  TagOperations& tags() { return tags_; }
  AgentOperations& agents() { return agents_; }
  PermissionOperations& permissions() { return permissions_; }
  McpKeyOperations& mcp_keys() { return mcp_keys_; }
  EmailAuthOperations& email_auth() { return email_auth_; }
  ActivityOperations& activities() { return activities_; }
  ChatOperations& chat() { return chat_; }
  SkillsOperations& skills() { return skills_; }
  SharedFolderOperations& shared_folders() { return shared_folders_; }
  SystemViewOperations& system_views() { return system_views_; }
  PublicLinkOperations& public_links() { return public_links_; }
  PublicChatOperations& public_chat() { return public_chat_; }
  ScheduleOperations& schedules() { return schedules_; }
  MonitoringOperations& monitoring() { return monitoring_; }
  DashboardHistoryOperations& dashboard_history() { return dashboard_history_; }
  OperatorQueueOperations& operator_queue() { return operator_queue_; }
  EventSubscriptionOperations& event_subscriptions() { return event_subscriptions_; }
  NotificationOperations& notifications() { return notifications_; }
  SlackOperations& slack() { return slack_; }
  SlackChannelOperations& slack_channels() { return slack_channels_; }
  NeverminedOperations& nevermined() { return nevermined_; }
  TelegramChannelOperations& telegram_channels() { return telegram_channels_; }
  SubscriptionOperations& subscriptions() { return subscriptions_; }

  /// What adopting the original system's database did at start-up (backup path, kept columns,
  /// dangling references); nullopt when there was nothing to adopt.
  const std::optional<AdoptionReport>& adoption() const { return adoption_; }

  /// Runs `fn()` with every operation it calls on this thread in one transaction: all of them
  /// commit when it returns, none when it throws (the exception is rethrown).
  template <class F>
  auto transaction(F&& fn) {
    return db_.transaction(std::forward<F>(fn));
  }

 private:
  sqlcore::Engine engine_;
  Db db_;
  Secrets secrets_;
  UserOperations users_;
  SettingsOperations settings_;
  TagOperations tags_;
  AgentOperations agents_;
  PermissionOperations permissions_;
  McpKeyOperations mcp_keys_;
  EmailAuthOperations email_auth_;
  ActivityOperations activities_;
  ChatOperations chat_;
  SkillsOperations skills_;
  SharedFolderOperations shared_folders_;
  SystemViewOperations system_views_;
  PublicLinkOperations public_links_;
  PublicChatOperations public_chat_;
  ScheduleOperations schedules_;
  MonitoringOperations monitoring_;
  DashboardHistoryOperations dashboard_history_;
  OperatorQueueOperations operator_queue_;
  EventSubscriptionOperations event_subscriptions_;
  NotificationOperations notifications_;
  SlackOperations slack_;
  SlackChannelOperations slack_channels_;
  NeverminedOperations nevermined_;
  TelegramChannelOperations telegram_channels_;
  SubscriptionOperations subscriptions_;
  std::optional<AdoptionReport> adoption_;
};

}  // namespace trinity::db
