// AgentOperations, part 2: an agent's settings in agent_ownership -- resources, security,
// autonomy and avatar. A getter reads one column of a registered agent (the column's default when
// there is none); a setter is one UPDATE of a registered agent (false when there is none).
#include "trinity/db/agents.hpp"

#include "operation.hpp"

#include "agent_rules.hpp"
#include "text.hpp"

namespace trinity::db {

namespace {

// `column` of the registered agent `agent`; nullopt for an unknown agent or NULL.
template <class T, class C>
std::optional<T> setting(Db& db, const std::string& agent, const C& column) {
  const auto& a = db.schema().agent_ownership;
  return db.read([&](Connection& c) {
    return c.execute(select(column).where(is_agent(a, agent))).template scalar<std::optional<T>>();
  });
}

// Sets `values` on the registered agent `agent`: false when there is none.
bool set_setting(Db& db, const std::string& agent, std::vector<Assignment> values) {
  const auto& a = db.schema().agent_ownership;
  return db.run([&](Connection& c) {
    return c.execute(update(a).set(std::move(values)).where(is_agent(a, agent))).rowcount() > 0;
  });
}

// Every registered agent's `column`, or `fallback` where it is NULL.
template <class T, class C>
std::map<std::string, T> settings_of_all(Db& db, const C& column, T fallback) {
  const auto& a = db.schema().agent_ownership;
  return db.read([&](Connection& c) {
    std::map<std::string, T> out;
    for (const Row& row : c.execute(select(a.agent_name, column).where(registered(a))))
      out.emplace(row.get(a.agent_name), row.get(column).value_or(fallback));
    return out;
  });
}

void check_range(std::int64_t v, std::int64_t lo, std::int64_t hi, const char* what) {
  if (v < lo || v > hi)
    throw std::invalid_argument("trinity-db: " + std::string(what) + " must be from " +
                                std::to_string(lo) + " to " + std::to_string(hi));
}

// A resource limit: digits, then (`units` non-empty) one optional unit letter among `units`, or
// (`fraction`) an optional decimal part. nullopt stays nullopt (the runtime's default).
std::optional<std::string> checked_limit(const std::optional<std::string>& limit,
                                         std::string_view units, bool fraction, const char* what) {
  if (!limit) return std::nullopt;
  const std::string v = normalized(*limit);
  std::size_t i = 0;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
  bool ok = i > 0 && i <= 12;
  if (ok && i < v.size() && fraction && v[i] == '.') {
    const std::size_t dot = i++;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
    ok = i > dot + 1;
  }
  if (ok && i < v.size() && units.find(v[i]) != std::string_view::npos) ++i;
  if (!ok || i != v.size())
    throw std::invalid_argument(std::string("trinity-db: the ") + what + " limit is malformed");
  return v;
}

}  // namespace

// --- Resources --------------------------------------------------------------------------------

std::optional<ResourceLimits> AgentOperations::get_resource_limits(const std::string& agent_name) {
  const auto& a = db_.schema().agent_ownership;
  return db_.read([&](Connection& c) -> std::optional<ResourceLimits> {
    const auto row =
        c.execute(select(a.memory_limit, a.cpu_limit).where(is_agent(a, agent_name))).first();
    if (!row) return std::nullopt;
    return ResourceLimits{row->get(a.memory_limit), row->get(a.cpu_limit)};
  });
}

bool AgentOperations::set_resource_limits(const std::string& agent_name,
                                          const std::optional<std::string>& memory,
                                          const std::optional<std::string>& cpu) {
  const auto& a = db_.schema().agent_ownership;
  const auto m = checked_limit(memory, "kmg", false, "memory");
  const auto p = checked_limit(cpu, "", true, "cpu");
  return set_setting(
      db_, agent_name,
      {{a.memory_limit, m ? Value(*m) : Value()}, {a.cpu_limit, p ? Value(*p) : Value()}});
}

std::int64_t AgentOperations::get_max_parallel_tasks(const std::string& agent_name) {
  return setting<std::int64_t>(db_, agent_name, db_.schema().agent_ownership.max_parallel_tasks)
      .value_or(3);
}

bool AgentOperations::set_max_parallel_tasks(const std::string& agent_name,
                                             std::int64_t max_tasks) {
  check_range(max_tasks, 1, 100, "max_parallel_tasks");
  return set_setting(db_, agent_name,
                     {{db_.schema().agent_ownership.max_parallel_tasks, max_tasks}});
}

std::map<std::string, std::int64_t> AgentOperations::get_all_agents_parallel_capacity() {
  return settings_of_all(db_, db_.schema().agent_ownership.max_parallel_tasks, std::int64_t{3});
}

std::int64_t AgentOperations::get_execution_timeout(const std::string& agent_name) {
  return setting<std::int64_t>(db_, agent_name,
                               db_.schema().agent_ownership.execution_timeout_seconds)
      .value_or(3600);
}

bool AgentOperations::set_execution_timeout(const std::string& agent_name,
                                            std::int64_t timeout_seconds) {
  check_range(timeout_seconds, 1, 7 * 24 * 3600, "execution_timeout_seconds");
  return set_setting(db_, agent_name,
                     {{db_.schema().agent_ownership.execution_timeout_seconds, timeout_seconds}});
}

// --- Security ---------------------------------------------------------------------------------

bool AgentOperations::get_full_capabilities(const std::string& agent_name) {
  return setting<bool>(db_, agent_name, db_.schema().agent_ownership.full_capabilities)
      .value_or(false);
}

bool AgentOperations::set_full_capabilities(const std::string& agent_name, bool enabled) {
  return set_setting(db_, agent_name, {{db_.schema().agent_ownership.full_capabilities, enabled}});
}

ReadOnlyMode AgentOperations::get_read_only_mode(const std::string& agent_name) {
  const auto& a = db_.schema().agent_ownership;
  return db_.read([&](Connection& c) {
    const auto row =
        c.execute(select(a.read_only_mode, a.read_only_config).where(is_agent(a, agent_name)))
            .first();
    if (!row) return ReadOnlyMode{};
    return ReadOnlyMode{row->get(a.read_only_mode).value_or(false),
                        row->get(a.read_only_config).value_or(sqlcore::Json())};
  });
}

bool AgentOperations::set_read_only_mode(const std::string& agent_name, bool enabled,
                                         const std::optional<sqlcore::Json>& config) {
  const bool has_config = config && !config->is_null();
  if (has_config && !config->is_object())
    throw std::invalid_argument("trinity-db: a read-only mode config must be a JSON object");
  const auto& a = db_.schema().agent_ownership;
  return set_setting(
      db_, agent_name,
      {{a.read_only_mode, enabled}, {a.read_only_config, has_config ? Value(*config) : Value()}});
}

bool AgentOperations::get_use_platform_api_key(const std::string& agent_name) {
  return setting<bool>(db_, agent_name, db_.schema().agent_ownership.use_platform_api_key)
      .value_or(true);
}

bool AgentOperations::set_use_platform_api_key(const std::string& agent_name,
                                               bool use_platform_key) {
  return set_setting(db_, agent_name,
                     {{db_.schema().agent_ownership.use_platform_api_key, use_platform_key}});
}

// --- Autonomy ---------------------------------------------------------------------------------

bool AgentOperations::get_autonomy_enabled(const std::string& agent_name) {
  return setting<bool>(db_, agent_name, db_.schema().agent_ownership.autonomy_enabled)
      .value_or(false);
}

bool AgentOperations::set_autonomy_enabled(const std::string& agent_name, bool enabled) {
  return set_setting(db_, agent_name, {{db_.schema().agent_ownership.autonomy_enabled, enabled}});
}

std::map<std::string, bool> AgentOperations::get_all_agents_autonomy_status() {
  return settings_of_all(db_, db_.schema().agent_ownership.autonomy_enabled, false);
}

// --- Avatar -----------------------------------------------------------------------------------

bool AgentOperations::set_avatar_identity(const std::string& agent_name, const std::string& prompt,
                                          const Timestamp& updated_at) {
  const std::string text = trimmed(prompt);
  if (text.empty()) throw std::invalid_argument("trinity-db: an avatar prompt is empty");
  const auto& a = db_.schema().agent_ownership;
  return set_setting(db_, agent_name,
                     {{a.avatar_identity_prompt, text},
                      {a.avatar_updated_at, updated_at},
                      {a.is_default_avatar, false}});
}

std::optional<AvatarIdentity> AgentOperations::get_avatar_identity(const std::string& agent_name) {
  const auto& a = db_.schema().agent_ownership;
  return db_.read([&](Connection& c) -> std::optional<AvatarIdentity> {
    const auto row =
        c.execute(select(a.avatar_identity_prompt, a.avatar_updated_at, a.is_default_avatar)
                      .where(is_agent(a, agent_name) && a.avatar_identity_prompt.is_not_null()))
            .first();
    if (!row) return std::nullopt;
    return AvatarIdentity{*row->get(a.avatar_identity_prompt), row->get(a.avatar_updated_at),
                          row->get(a.is_default_avatar).value_or(false)};
  });
}

bool AgentOperations::clear_avatar_identity(const std::string& agent_name) {
  const auto& a = db_.schema().agent_ownership;
  return set_setting(db_, agent_name,
                     {{a.avatar_identity_prompt, Value()},
                      {a.avatar_updated_at, Value()},
                      {a.is_default_avatar, false}});
}

std::vector<std::string> AgentOperations::get_agents_without_custom_avatar() {
  const auto& a = db_.schema().agent_ownership;
  return db_.read([&](Connection& c) {
    return c
        .execute(select(a.agent_name)
                     .where(registered(a) &&
                            (a.avatar_identity_prompt.is_null() || a.is_default_avatar == true))
                     .order_by({a.agent_name}))
        .scalars<std::string>();
  });
}

bool AgentOperations::set_default_avatar(const std::string& agent_name,
                                         const std::string& identity_prompt,
                                         const Timestamp& updated_at) {
  const std::string text = trimmed(identity_prompt);
  if (text.empty()) throw std::invalid_argument("trinity-db: an avatar prompt is empty");
  const auto& a = db_.schema().agent_ownership;
  return db_.run([&](Connection& c) {
    return c.execute(update(a)
                         .set({{a.avatar_identity_prompt, text},
                               {a.avatar_updated_at, updated_at},
                               {a.is_default_avatar, true}})
                         .where(is_agent(a, agent_name) && (a.avatar_identity_prompt.is_null() ||
                                                            a.is_default_avatar == true)))
               .rowcount() > 0;
  });
}

}  // namespace trinity::db
