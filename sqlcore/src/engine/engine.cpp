// create_engine: URL and options to dialect, driver and pool.
#include "sqlcore/engine/engine.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>

#include "engine/engine_state.hpp"
#include "sqlcore/dialect/registry.hpp"

namespace sqlcore {

namespace detail {

EngineState::EngineState(Url url_, Url driver_url_, std::shared_ptr<const Dialect> dialect_,
                         std::shared_ptr<Driver> driver_, DriverOptions driver_options_,
                         PoolConfig pool_)
    : url(std::move(url_)),
      driver_url(std::move(driver_url_)),
      dialect(std::move(dialect_)),
      driver(std::move(driver_)),
      driver_options(std::move(driver_options_)),
      pool(
          pool_, [this] { return driver->connect(driver_url, driver_options); },
          std::string(dialect->name())) {}

}  // namespace detail

namespace {

[[noreturn]] void bad_setting(const std::string& key, const std::string& why) {
  throw ArgumentError("invalid database URL setting " + key + ": " + why);
}

long parse_long(const std::string& key, const std::string& v) {
  char* end = nullptr;
  errno = 0;
  long out = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno != 0) bad_setting(key, "'" + v + "' is not an integer");
  return out;
}

std::chrono::milliseconds parse_seconds(const std::string& key, const std::string& v) {
  char* end = nullptr;
  double s = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !std::isfinite(s))
    bad_setting(key, "'" + v + "' is not a number of seconds");
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(s * 1000)));
}

bool parse_bool(const std::string& key, const std::string& v) {
  std::string l = v;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  if (l == "1" || l == "true" || l == "yes" || l == "on") return true;
  if (l == "0" || l == "false" || l == "no" || l == "off") return false;
  bad_setting(key, "'" + v + "' is not a boolean (true/false)");
}

}  // namespace

const Url& Engine::url() const {
  return state_->url;
}
const Dialect& Engine::dialect() const {
  return *state_->dialect;
}

Connection Engine::connect() {
  auto st = std::make_shared<detail::ConnectionState>(state_);
  st->checkout();
  return Connection(std::move(st));
}

void Engine::dispose() {
  state_->pool.dispose();
}
PoolStatus Engine::pool_status() const {
  return state_->pool.status();
}

Engine create_engine(std::string_view url, const EngineOptions& options) {
  return create_engine(Url::parse(url), options);
}

Engine create_engine(const Url& url, const EngineOptions& options) {
  auto dialect = dialect_for(url);
  auto driver = driver_for(url);

  detail::PoolConfig pool;
  if (options.pool_size) pool.size = *options.pool_size;
  if (options.max_overflow) pool.max_overflow = *options.max_overflow;
  if (options.pool_timeout) pool.timeout = *options.pool_timeout;
  if (options.pool_recycle) pool.recycle = *options.pool_recycle;
  if (options.pool_pre_ping) pool.pre_ping = *options.pool_pre_ping;
  if (auto v = url.query_value("pool_size"))
    pool.size = static_cast<int>(parse_long("pool_size", *v));
  if (auto v = url.query_value("max_overflow"))
    pool.max_overflow = static_cast<int>(parse_long("max_overflow", *v));
  if (auto v = url.query_value("pool_timeout")) pool.timeout = parse_seconds("pool_timeout", *v);
  if (auto v = url.query_value("pool_recycle")) {
    auto r = parse_seconds("pool_recycle", *v);
    pool.recycle = r.count() < 0 ? std::nullopt : std::optional(r);
  }
  if (auto v = url.query_value("pool_pre_ping")) pool.pre_ping = parse_bool("pool_pre_ping", *v);
  if (pool.size < 1) bad_setting("pool_size", "must be at least 1");
  if (pool.max_overflow < 0) pool.max_overflow = INT_MAX / 2;  // -1: no limit, as in SQLAlchemy
  if (pool.timeout.count() < 0) bad_setting("pool_timeout", "must not be negative");

  bool create_database = options.create_database.value_or(true);
  if (auto v = url.query_value("create_database"))
    create_database = parse_bool("create_database", *v);

  Url driver_url = url.without_query_keys({"pool_size", "max_overflow", "pool_timeout",
                                           "pool_recycle", "pool_pre_ping", "create_database"});
  if (driver->shares_one_connection(driver_url)) {
    // Every connection would be a database of its own: keep exactly one, shared in turn.
    pool.size = 1;
    pool.max_overflow = 0;
    pool.recycle.reset();
    pool.single_shared = true;
  }
  DriverOptions dopts;
  if (options.busy_timeout) dopts.busy_timeout = *options.busy_timeout;
  if (options.application_name) dopts.application_name = *options.application_name;
  dopts.create_database = create_database;

  return Engine(std::make_shared<detail::EngineState>(url, std::move(driver_url), dialect, driver,
                                                      std::move(dopts), pool));
}

}  // namespace sqlcore
