// NeverminedOperations: nevermined_agent_config (unique agent_name, the API key sealed) and
// nevermined_payment_log (one entry per payment: revision 0004's unique indexes).
#include "trinity/db/nevermined.hpp"

#include "operation.hpp"

#include "agent_rules.hpp"
#include "text.hpp"

namespace trinity::db {

namespace {

constexpr const char* kKeyColumn = "nevermined_agent_config.encrypted_credentials";
// The partial unique index on (execution_id, action) of the entries without tx_hash.
constexpr const char* kExecutionActionIndex = "idx_nvm_payment_log_execution_action";

std::optional<std::string> checked_optional_id(const std::optional<std::string>& id,
                                               std::string_view what) {
  if (!id) return std::nullopt;
  return checked_name(*id, what);
}

// The payment with its names trimmed and checked; std::invalid_argument before any statement.
NeverminedPaymentCreate checked_payment(const NeverminedPaymentCreate& p) {
  NeverminedPaymentCreate out = p;
  out.agent_name = checked_name(p.agent_name, "agent name");
  out.action = checked_name(p.action, "action");
  out.execution_id = checked_optional_id(p.execution_id, "execution_id");
  out.tx_hash = checked_optional_id(p.tx_hash, "tx_hash");
  if (p.credits_amount) checked_count(*p.credits_amount, "credits_amount");
  return out;
}

// Where the entry a repeat of `p` finds lies; nullopt for a payment without an external id.
std::optional<Expr> payment_key(const NeverminedPaymentLog& l, const NeverminedPaymentCreate& p) {
  if (p.tx_hash) return Expr(l.tx_hash == *p.tx_hash);
  if (p.execution_id)
    return Expr(l.execution_id == *p.execution_id && l.action == p.action && l.tx_hash.is_null());
  return std::nullopt;
}

// INSERT ... ON CONFLICT (the payment's key) DO NOTHING, then the entry stored first.
NeverminedPaymentLogEntry record_payment(Connection& c, const Db& db,
                                         const NeverminedPaymentCreate& p) {
  const auto& [l, m] = std::tie(db.schema().nevermined_payment_log, db.models().nevermined_payment);
  Dml ins = m.insert({{l.id, new_id()},
                      {l.agent_name, p.agent_name},
                      {l.execution_id, p.execution_id},
                      {l.action, p.action},
                      {l.subscriber_address, p.subscriber_address},
                      {l.credits_amount, p.credits_amount},
                      {l.tx_hash, p.tx_hash},
                      {l.remaining_balance, p.remaining_balance},
                      {l.success, p.success},
                      {l.error, p.error},
                      {l.created_at, now()}});
  const auto key = payment_key(l, p);
  if (!key) return m.one(c, ins);
  if (p.tx_hash) {
    ins.on_conflict({l.tx_hash}).do_nothing();
  } else {
    ins.on_conflict_constraint(kExecutionActionIndex).do_nothing();
  }
  if (auto made = m.optional(c, ins)) return *made;
  return m.one(c, m.select().where(*key));  // logged already: that entry
}

}  // namespace

NeverminedConfig NeverminedOperations::create_or_update_config(const std::string& agent_name,
                                                               const std::string& nvm_api_key,
                                                               const std::string& nvm_environment,
                                                               const std::string& nvm_agent_id,
                                                               const std::string& nvm_plan_id,
                                                               std::int64_t credits_per_request) {
  const std::string agent = checked_name(agent_name, "agent name");
  checked_text(nvm_api_key, "nvm_api_key");
  const std::string environment = checked_name(nvm_environment, "nvm_environment");
  const std::string nvm_agent = checked_name(nvm_agent_id, "nvm_agent_id");
  const std::string plan = checked_name(nvm_plan_id, "nvm_plan_id");
  if (credits_per_request < 1)
    throw std::invalid_argument("trinity-db: credits_per_request must be at least 1");
  const std::string sealed = secrets_.seal(nvm_api_key, kKeyColumn);
  const auto& [t, m] =
      std::tie(db_.schema().nevermined_agent_config, db_.models().nevermined_config);
  Dml upsert = m.insert({{t.id, new_id()},
                         {t.agent_name, agent},
                         {t.encrypted_credentials, sealed},
                         {t.nvm_environment, environment},
                         {t.nvm_agent_id, nvm_agent},
                         {t.nvm_plan_id, plan},
                         {t.credits_per_request, credits_per_request},
                         {t.created_at, now()},
                         {t.updated_at, now()}});
  upsert.on_conflict({t.agent_name})
      .do_update({t.encrypted_credentials, t.nvm_environment, t.nvm_agent_id, t.nvm_plan_id,
                  t.credits_per_request, t.updated_at});
  return db_.run([&](Connection& c) {
    if (!is_registered(c, db_.schema(), agent))
      throw NotFoundError("trinity-db: cannot configure Nevermined for '" + agent +
                          "': no such agent");
    return m.one(c, upsert);
  });
}

std::optional<NeverminedConfig> NeverminedOperations::get_config(const std::string& agent_name) {
  return db_.find(db_.models().nevermined_config,
                  db_.schema().nevermined_agent_config.agent_name == agent_name);
}

std::optional<NeverminedConfigWithKey> NeverminedOperations::get_config_with_key(
    const std::string& agent_name) {
  const auto stored = db_.find(db_.models().nevermined_config_stored,
                               db_.schema().nevermined_agent_config.agent_name == agent_name);
  if (!stored) return std::nullopt;
  NeverminedConfigWithKey out{static_cast<const NeverminedConfig&>(*stored), {}};
  out.nvm_api_key = secrets_.open(stored->encrypted_credentials, kKeyColumn);
  return out;
}

bool NeverminedOperations::delete_config(const std::string& agent_name) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().nevermined_agent_config;
    return c.execute(delete_from(t).where(t.agent_name == agent_name)).rowcount() > 0;
  });
}

bool NeverminedOperations::set_enabled(const std::string& agent_name, bool enabled) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().nevermined_agent_config;
    return c.execute(update(t)
                         .set({{t.enabled, enabled}, {t.updated_at, now()}})
                         .where(t.agent_name == agent_name))
               .rowcount() > 0;
  });
}

bool NeverminedOperations::is_nevermined_enabled(const std::string& agent_name) {
  const auto& t = db_.schema().nevermined_agent_config;
  return db_.read([&](Connection& c) {
    return c.execute(select(t.id).where(t.agent_name == agent_name && t.enabled == true))
        .first()
        .has_value();
  });
}

NeverminedPaymentLogEntry NeverminedOperations::log_payment(
    const NeverminedPaymentCreate& payment) {
  const NeverminedPaymentCreate p = checked_payment(payment);
  auto record = [&] { return db_.run([&](Connection& c) { return record_payment(c, db_, p); }); };
  try {
    return record();
  } catch (const sqlcore::InDoubtError&) {
    if (!p.tx_hash && !p.execution_id) throw;  // no external id: a retry could record twice
    return record();  // idempotent: finds the entry if the first commit landed
  }
}

std::vector<NeverminedPaymentLogEntry> NeverminedOperations::get_payment_log(
    const std::string& agent_name, std::int64_t limit) {
  const std::int64_t n = checked_count(limit, "limit");
  const auto& [l, m] =
      std::tie(db_.schema().nevermined_payment_log, db_.models().nevermined_payment);
  return db_.all(m, m.select()
                        .where(l.agent_name == agent_name)
                        .order_by({l.created_at.desc(), l.id.desc()})
                        .limit(n));
}

std::vector<NeverminedPaymentLogEntry> NeverminedOperations::get_settlement_failures(
    std::int64_t limit) {
  const std::int64_t n = checked_count(limit, "limit");
  const auto& [l, m] =
      std::tie(db_.schema().nevermined_payment_log, db_.models().nevermined_payment);
  // idx_nvm_payment_log_outcome (action, success, created_at) serves it.
  return db_.all(m, m.select()
                        .where(l.action == std::string("settle") && l.success == false)
                        .order_by({l.created_at.desc(), l.id.desc()})
                        .limit(n));
}

std::optional<NeverminedPaymentLogEntry> NeverminedOperations::get_payment_log_entry(
    const std::string& log_id) {
  return db_.find(db_.models().nevermined_payment,
                  db_.schema().nevermined_payment_log.id == log_id);
}

}  // namespace trinity::db
