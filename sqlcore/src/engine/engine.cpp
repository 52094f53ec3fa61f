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
                         PoolConfig pool_, std::chrono::milliseconds statement_timeout_,
                         SessionReset session_reset_)
    : url(std::move(url_)),
      driver_url(std::move(driver_url_)),
      dialect(std::move(dialect_)),
      driver(std::move(driver_)),
      driver_options(std::move(driver_options_)),
      statement_timeout(statement_timeout_),
      session_reset(session_reset_),
      pool(
          pool_, [this] { return driver->connect(driver_url, driver_options); },
          std::string(dialect->name()), connection_ids) {}

}  // namespace detail

namespace {

// The URL keys the engine reads itself; the rest go to the driver.
const std::vector<std::string_view> kEngineKeys = {
    "pool_size",       "max_overflow",      "pool_timeout",    "pool_recycle", "pool_pre_ping",
    "create_database", "statement_timeout", "connect_timeout", "echo",         "slow_query",
    "log_level",       "session_reset",     "replicas",        "replica_retry"};

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

// A duration: a number with an optional unit (us, ms, s, min); a bare number is in `unit`.
std::chrono::microseconds parse_duration(const std::string& key, const std::string& v,
                                         std::string_view unit) {
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(v.c_str(), &end);
  std::string u = end != nullptr ? std::string(end) : std::string();
  while (!u.empty() && u.front() == ' ') u.erase(0, 1);
  if (v.empty() || end == v.c_str() || errno != 0 || !std::isfinite(x))
    bad_setting(key, "'" + v + "' is not a duration (a number, with a unit: us, ms, s or min)");
  if (u.empty()) u = std::string(unit);
  double scale = 0;
  if (u == "us")
    scale = 1;
  else if (u == "ms")
    scale = 1e3;
  else if (u == "s")
    scale = 1e6;
  else if (u == "min")
    scale = 60e6;
  else
    bad_setting(key, "'" + v + "' has an unknown unit '" + u + "' (us, ms, s or min)");
  const double us = x * scale;
  if (us > 1e15) bad_setting(key, "'" + v + "' is too long");
  return std::chrono::microseconds(static_cast<std::int64_t>(std::llround(us)));
}

// A number of seconds (fractions allowed), or a duration with its unit.
std::chrono::milliseconds parse_seconds(const std::string& key, const std::string& v) {
  return std::chrono::round<std::chrono::milliseconds>(parse_duration(key, v, "s"));
}

// A timeout: positive, whole milliseconds (rounded up).
std::chrono::milliseconds positive_ms(const std::string& key, std::chrono::microseconds d) {
  if (d.count() <= 0) bad_setting(key, "must be positive (leave it out for none)");
  return std::chrono::ceil<std::chrono::milliseconds>(d);
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

Connection Engine::connect(ReadFrom from) {
  auto& replicas = state_->replicas;
  if (from == ReadFrom::primary || replicas.empty()) return connect();
  // In turn, from where the last read started; a replica that cannot be reached is skipped for
  // replica_retry, and when none answers the primary serves the read.
  const std::int64_t now = detail::steady_ns();
  const std::size_t n = replicas.size();
  const std::size_t first = state_->next_replica.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t k = 0; k < n; ++k) {
    detail::Replica& r = *replicas[(first + k) % n];
    if (!r.up(now)) continue;
    auto st = std::make_shared<detail::ConnectionState>(state_, r);
    try {
      st->checkout();
      return Connection(std::move(st));
    } catch (const OperationalError& e) {
      // Unreachable, refusing us, or without the database: skipped for a while, and shown by
      // replica_status(). A pool that stays exhausted is load, not an outage: that is raised.
      if (e.sqlstate() == "HYT00") throw;
      r.mark_down(state_->replica_retry);
    }
  }
  return connect();
}

void Engine::dispose() {
  state_->pool.dispose();
  for (auto& r : state_->replicas) r->pool.dispose();
}
PoolStatus Engine::pool_status() const {
  return state_->pool.status();
}
std::vector<ReplicaStatus> Engine::replica_status() const {
  std::vector<ReplicaStatus> out;
  const std::int64_t now = detail::steady_ns();
  for (const auto& r : state_->replicas)
    out.push_back({r->url.to_string(), r->up(now), r->pool.status()});
  return out;
}

ListenerId Engine::listen(EventKind kind, Listener fn) {
  return state_->events.add({kind}, std::move(fn));
}
ListenerId Engine::listen(std::initializer_list<EventKind> kinds, Listener fn) {
  return state_->events.add(kinds, std::move(fn));
}
void Engine::unlisten(ListenerId id) {
  state_->events.remove(id);
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

  std::chrono::milliseconds statement_timeout{0};
  if (options.statement_timeout)
    statement_timeout = positive_ms("statement_timeout", *options.statement_timeout);
  if (auto v = url.query_value("statement_timeout"))
    statement_timeout =
        positive_ms("statement_timeout", parse_duration("statement_timeout", *v, "ms"));
  std::chrono::milliseconds connect_timeout{0};
  if (options.connect_timeout)
    connect_timeout = positive_ms("connect_timeout", *options.connect_timeout);
  if (auto v = url.query_value("connect_timeout"))
    connect_timeout = positive_ms("connect_timeout", parse_duration("connect_timeout", *v, "s"));
  bool echo = options.echo.value_or(false);
  if (auto v = url.query_value("echo")) echo = parse_bool("echo", *v);
  std::optional<std::chrono::microseconds> slow_query = options.slow_query;
  if (auto v = url.query_value("slow_query")) slow_query = parse_duration("slow_query", *v, "ms");
  if (slow_query && slow_query->count() < 0) bad_setting("slow_query", "must not be negative");
  SessionReset session_reset = options.session_reset.value_or(SessionReset::automatic);
  if (auto v = url.query_value("session_reset")) {
    if (*v == "auto")
      session_reset = SessionReset::automatic;
    else if (*v == "always")
      session_reset = SessionReset::always;
    else if (*v == "rollback")
      session_reset = SessionReset::rollback_only;
    else
      bad_setting("session_reset", "'" + *v + "' (expected auto, always or rollback)");
  }
  LogLevel log_level = options.log_level.value_or(LogLevel::info);
  if (auto v = url.query_value("log_level")) {
    try {
      log_level = parse_log_level(*v);
    } catch (const ArgumentError& e) {
      bad_setting("log_level", e.what());
    }
  }

  std::chrono::milliseconds replica_retry{5000};
  if (options.replica_retry) replica_retry = positive_ms("replica_retry", *options.replica_retry);
  if (auto v = url.query_value("replica_retry"))
    replica_retry = positive_ms("replica_retry", parse_duration("replica_retry", *v, "s"));

  Url driver_url = url.without_query_keys(kEngineKeys);
  driver->check_url(driver_url);
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
  dopts.connect_timeout = connect_timeout;

  // The replicas: the same backend, each a pool of its own with the primary's settings.
  std::vector<std::pair<Url, Url>> replicas;  // (URL, its driver URL)
  for (const std::string& text : options.replicas) {
    Url r = Url::parse(text);
    for (std::string_view key : kEngineKeys)
      if (r.query_value(key))
        bad_setting(std::string(key), "in the replica URL " + r.to_string() +
                                          ": the engine's settings go on the primary's URL and "
                                          "apply to the replicas' pools too");
    replicas.emplace_back(r, r);
  }
  if (auto v = url.query_value("replicas")) {
    if (url.hosts().empty())
      bad_setting("replicas", "takes the host[:port] of servers, and " + url.to_string() +
                                  " names none (give replica URLs in EngineOptions::replicas)");
    std::size_t pos = 0;
    while (pos <= v->size()) {
      const std::size_t comma = std::min(v->find(',', pos), v->size());
      const std::string item = v->substr(pos, comma - pos);
      pos = comma + 1;
      if (item.empty() || item.find_first_of("/@?") != std::string::npos)
        bad_setting("replicas", "'" + *v + "' is not a list of host[:port]");
      const Url hosts = Url::parse(url.scheme() + "://" + item + "/");
      replicas.emplace_back(url.without_query_keys({"replicas"}).with_hosts(hosts.hosts()),
                            driver_url.with_hosts(hosts.hosts()));
    }
  }
  if (!replicas.empty() && pool.single_shared)
    throw ArgumentError("an in-memory database (" + url.to_string() +
                        ") cannot have replicas: no other connection can see it");

  auto state = std::make_shared<detail::EngineState>(url, std::move(driver_url), dialect, driver,
                                                     std::move(dopts), pool, statement_timeout,
                                                     session_reset);
  state->replica_retry = replica_retry;
  for (auto& [r, r_driver_url] : replicas) {
    if (r.backend() != url.backend())
      throw ArgumentError("the replica URL " + r.to_string() + " is of the " + r.backend() +
                          " backend, and the primary " + url.to_string() + " of " + url.backend() +
                          ": a replica must be of the primary's backend");
    auto r_driver = driver_for(r);
    if (r_driver->shares_one_connection(r_driver_url))
      throw ArgumentError("the replica URL " + r.to_string() +
                          " names an in-memory database, which no other connection can read");
    r_driver->check_url(r_driver_url);
    state->replicas.push_back(std::make_unique<detail::Replica>(
        static_cast<std::uint32_t>(state->replicas.size() + 1), std::move(r),
        std::move(r_driver_url), std::move(r_driver), state->driver_options, pool,
        std::string(dialect->name()), state->connection_ids));
  }
  detail::install_statement_log(state->events, echo, slow_query, log_level, options.logger);
  return Engine(std::move(state));
}

}  // namespace sqlcore
