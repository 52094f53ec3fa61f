// DatabaseManager: engine set-up from the environment, the schema brought to head, the
// operations built with their dependencies.
#include "trinity/db/manager.hpp"

#include <charconv>
#include <cstdlib>

#include <sqlcore/core/error.hpp>
#include <sqlcore/core/url.hpp>
#include <sqlcore/dialect/dialect.hpp>
#include <sqlcore/dialect/registry.hpp>
#include <sqlcore/migrate/migrate.hpp>

#include "trinity/db/legacy.hpp"
#include "trinity/db/migrations.hpp"

namespace trinity::db {

namespace {

std::optional<int> env_count(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  int n = -1;
  const std::string_view s(v);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n < 0)
    throw StartupError(std::string("trinity-db: ") + name +
                       " must be a non-negative integer, not '" + std::string(s) + "'");
  return n;
}

}  // namespace

namespace {

// DATABASE_URL (or DatabaseManagerOptions::url) parsed once; a malformed one is a StartupError.
sqlcore::Url parse_url(const std::string& url_text) {
  try {
    return sqlcore::Url::parse(url_text);
  } catch (const sqlcore::Error& e) {
    throw StartupError(std::string("trinity-db: DATABASE_URL is not a valid database URL: ") +
                       e.what());
  }
}

}  // namespace

sqlcore::Engine open_engine(const sqlcore::Url& url) {
  // A SQLite file in a folder that does not exist yet (the default data/trinity.db) is created
  // with its folder by the driver, unless the URL says create_database=false.
  return sqlcore::create_engine(url, engine_options_from_env(url));
}

std::string database_url() {
  return sqlcore::database_url_from_env(kDefaultUrl);
}

sqlcore::EngineOptions engine_options_from_env(const sqlcore::Url& url) {
  sqlcore::EngineOptions o;
  // A database server takes many writers: a larger pool than sqlcore's default by default.
  const bool server = !sqlcore::dialect_for(url)->embedded();
  o.pool_size = env_count("DB_POOL_SIZE");
  o.max_overflow = env_count("DB_MAX_OVERFLOW");
  if (server && !o.pool_size) o.pool_size = 10;
  if (server && !o.max_overflow) o.max_overflow = 20;
  return o;
}

DatabaseManager::DatabaseManager(ManagerOptions options)
    : engine_(open_engine(parse_url(options.url.value_or(database_url())))),
      db_(engine_, trinity::db::schema()),
      secrets_(options.secrets ? std::move(*options.secrets) : Secrets::from_env()),
      users_(db_),
      settings_(db_),
      tags_(db_),
      agents_(db_, users_),
      permissions_(db_, users_),
      mcp_keys_(db_, users_),
      email_auth_(db_, users_),
      activities_(db_),
      chat_(db_),
      skills_(db_),
      shared_folders_(db_, permissions_),
      system_views_(db_),
      public_links_(db_, users_, agents_),
      public_chat_(db_),
      schedules_(db_, users_, agents_),
      monitoring_(db_),
      dashboard_history_(db_),
      operator_queue_(db_),
      event_subscriptions_(db_),
      notifications_(db_),
      slack_(db_, secrets_),
      slack_channels_(db_, secrets_),
      nevermined_(db_, secrets_),
      telegram_channels_(db_, secrets_),
      subscriptions_(db_, secrets_) {
  const std::string where = engine_.url().to_string();  // password hidden
  try {
    (void)engine_.connect();  // reachable?
  } catch (const sqlcore::Error& e) {
    throw StartupError("trinity-db: cannot open the database " + where + ": " + e.what() +
                       (engine_.dialect().embedded()
                            ? ". Check DATABASE_URL, and the file and its folder."
                            : ". Check DATABASE_URL and that the server is running."));
  }
  bool legacy = false;
  {
    sqlcore::Connection c = engine_.connect();
    try {
      refuse_foreign_database(c, where);  // another application's: change nothing
    } catch (const std::runtime_error& e) {
      throw StartupError(e.what());
    }
    legacy = is_legacy_database(c);
  }
  if (legacy && !options.migrate)
    throw StartupError("trinity-db: " + where +
                       " is a database of the original system, not adopted yet. Run `trinity-db "
                       "migrate` (or start with migrations enabled) to adopt it.");
  if (legacy) adoption_ = adopt_legacy_database(engine_);
  sqlcore::migrate::Migrator migrator(engine_, history());
  if (options.migrate) {
    migrator.upgrade();
    return;
  }
  const auto pending = migrator.pending();
  if (!pending.empty())
    throw StartupError("trinity-db: the database " + where + " is at revision " +
                       migrator.current().value_or("base") + " and " +
                       std::to_string(pending.size()) +
                       " revision(s) are pending (next: " + pending.front() +
                       "). Run `trinity-db migrate` (or start with migrations enabled).");
}

DatabaseManager::~DatabaseManager() = default;

}  // namespace trinity::db
