// NeverminedOperations: agents paid through Nevermined -- each agent's payment configuration
// (table nevermined_agent_config, one row per agent, its API key sealed at rest) and the log of
// its payments (nevermined_payment_log).
//
//   dbm.nevermined().create_or_update_config("coder", api_key, "sandbox", "did:nv:1", "plan-1");
//   dbm.nevermined().log_payment({.agent_name = "coder", .action = "settle", .success = true,
//                                 .tx_hash = "0xabc"});   // retried: the same entry, once
//
// Rules (where the original left them open):
// - The API key is sealed (Secrets, column nevermined_agent_config.encrypted_credentials) before
//   the statement that stores it. get_config() and every other read return the configuration
//   WITHOUT the key; only get_config_with_key() opens it (SecretError, naming the column and never
//   the key, when it does not open).
// - A configuration is made only for a registered agent (a row in agent_ownership, not
//   soft-deleted): create_or_update_config() for another name is a NotFoundError. The table has
//   no key to agent_ownership, and a configuration left for a name could otherwise charge for a
//   later agent of that name. Reads, set_enabled and delete_config take any name.
// - A new configuration starts disabled (set_enabled turns it on); updating one keeps its
//   enabled flag and created_at and replaces everything else. One INSERT ... ON CONFLICT
//   (agent_name) DO UPDATE: concurrent writers of one agent make one row, the last one's values.
// - Empty names, API key, environment, agent id or plan id, or credits_per_request < 1, are
//   std::invalid_argument before any statement (the message names the field, never the value).
// - log_payment() is idempotent by the payment's external id, so a caller may retry it:
//     - with a tx_hash: one entry per tx_hash;
//     - without one but with an execution_id: one entry per (execution_id, action) among the
//       entries without tx_hash (a later attempt that succeeds brings a tx_hash and is logged
//       as its own entry);
//     - with neither: no external id, every call is a new entry.
//   A repeated call returns the entry stored first, unchanged (its fields are not compared with
//   the repeat's). Unique indexes and INSERT ... ON CONFLICT DO NOTHING hold this under
//   concurrent callers too (revision 0004). When the connection fails while the insert commits
//   (sqlcore::InDoubtError), log_payment() retries once by itself when the payment has an
//   external id, and a caller that still gets an InDoubtError may simply call it again: it never
//   records twice. Without an external id a retry could record twice, so the error is passed on.
// - A settlement failure is an entry with action "settle" and success false.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

#include "trinity/db/secrets.hpp"

namespace trinity::db {

class Db;

/// An agent's Nevermined configuration, without its API key.
struct NeverminedConfig {
  std::string id;
  std::string agent_name;
  std::string nvm_environment;
  std::string nvm_agent_id;
  std::string nvm_plan_id;
  std::int64_t credits_per_request = 1;
  bool enabled = false;
  sqlcore::Timestamp created_at;
  sqlcore::Timestamp updated_at;
};

/// The configuration with its API key opened (get_config_with_key only).
struct NeverminedConfigWithKey : NeverminedConfig {
  std::string nvm_api_key;
};

/// One entry of the payment log.
struct NeverminedPaymentLogEntry {
  std::string id;
  std::string agent_name;
  std::optional<std::string> execution_id;
  /// What was done: "verify", "settle", ... ("settle" with success false is a settlement failure).
  std::string action;
  std::optional<std::string> subscriber_address;
  std::optional<std::int64_t> credits_amount;
  std::optional<std::string> tx_hash;
  std::optional<std::int64_t> remaining_balance;
  bool success = false;
  std::optional<std::string> error;
  sqlcore::Timestamp created_at;
};

/// log_payment()'s parameters (designated initialisers; the optional ones default to none).
struct NeverminedPaymentCreate {
  std::string agent_name;
  std::string action;
  bool success = false;
  std::optional<std::string> execution_id = std::nullopt;
  std::optional<std::string> subscriber_address = std::nullopt;
  std::optional<std::int64_t> credits_amount = std::nullopt;
  std::optional<std::string> tx_hash = std::nullopt;
  std::optional<std::int64_t> remaining_balance = std::nullopt;
  std::optional<std::string> error = std::nullopt;
};

class NeverminedOperations {
 public:
  /// `secrets` seals and opens the API keys; both outlive this object.
  NeverminedOperations(Db& db, const Secrets& secrets) : db_(db), secrets_(secrets) {}

  /// Stores the agent's configuration (one upsert on agent_name) and returns it without the key.
  /// NotFoundError for an agent that is not registered; std::invalid_argument for an empty field
  /// or credits_per_request < 1; SecretError without an encryption key. Nothing written then.
  NeverminedConfig create_or_update_config(const std::string& agent_name,
                                           const std::string& nvm_api_key,
                                           const std::string& nvm_environment,
                                           const std::string& nvm_agent_id,
                                           const std::string& nvm_plan_id,
                                           std::int64_t credits_per_request = 1);
  /// The agent's configuration without its API key, or nullopt.
  std::optional<NeverminedConfig> get_config(const std::string& agent_name);
  /// The agent's configuration with its API key opened, or nullopt. SecretError (naming the
  /// column, never the key) when the stored key does not open with the configured keys.
  std::optional<NeverminedConfigWithKey> get_config_with_key(const std::string& agent_name);
  /// True when the agent had a configuration (its payment log is kept).
  bool delete_config(const std::string& agent_name);
  /// Turns payments for the agent on or off; true when it has a configuration.
  bool set_enabled(const std::string& agent_name, bool enabled);
  /// True when the agent has a configuration and it is enabled.
  bool is_nevermined_enabled(const std::string& agent_name);

  /// Records a payment (created_at = now) and returns its entry; a repeat of a payment already
  /// logged returns that entry and records nothing (see the rules above). std::invalid_argument
  /// for an empty agent name or action, an empty tx_hash or execution_id (give none instead), or
  /// a negative credits_amount.
  NeverminedPaymentLogEntry log_payment(const NeverminedPaymentCreate& payment);
  /// The agent's latest `limit` entries, newest first (std::invalid_argument when negative).
  std::vector<NeverminedPaymentLogEntry> get_payment_log(const std::string& agent_name,
                                                         std::int64_t limit = 50);
  /// The latest `limit` failed settlements of every agent, newest first.
  std::vector<NeverminedPaymentLogEntry> get_settlement_failures(std::int64_t limit = 50);
  /// The entry `log_id`, or nullopt.
  std::optional<NeverminedPaymentLogEntry> get_payment_log_entry(const std::string& log_id);

 private:
  Db& db_;
  const Secrets& secrets_;
};

}  // namespace trinity::db
