// trinity-db tables, subscriptions and payments: the model subscriptions agents run on and their
// rate-limit events, and Nevermined payments.
//
// Each table is one struct: its columns, then its constructor declaring the table's keys and
// indexes. Included by trinity/db/schema.hpp, which lists the decisions the comments refer to.
#pragma once

#include "trinity/db/tables/common.hpp"

namespace trinity::db {

struct SubscriptionCredentials : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol name = column("name", types::Text).unique();
  TextCol encrypted_credentials = column("encrypted_credentials", types::Text);
  OptTextCol subscription_type = column("subscription_type", types::Text);
  OptTextCol rate_limit_tier = column("rate_limit_tier", types::Text);
  IntCol owner_id = column("owner_id", types::BigInteger).references("users.id");
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());

  explicit SubscriptionCredentials(MetaData& m) : Table(m, "subscription_credentials") {
    index("idx_subscriptions_name", {name});
    index("idx_subscriptions_owner", {owner_id});
  }
};

struct SubscriptionRateLimitEvents : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  TextCol subscription_id = column("subscription_id", types::Text)
                                .references("subscription_credentials.id", FkAction::cascade);
  OptTextCol error_message = column("error_message", types::Text);
  OptTextCol failure_kind = column("failure_kind", types::Text);
  TsCol occurred_at = column("occurred_at", types::DateTime).server_default(now());

  explicit SubscriptionRateLimitEvents(MetaData& m) : Table(m, "subscription_rate_limit_events") {
    // occurred_at DESC in both: see decision 7.
    index("idx_rate_limit_agent_sub", {agent_name, subscription_id, occurred_at});
    index("idx_rate_limit_sub", {subscription_id, occurred_at});
  }
};

struct NeverminedAgentConfig : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text).unique();
  TextCol encrypted_credentials = column("encrypted_credentials", types::Text);
  TextCol nvm_environment = column("nvm_environment", types::Text);
  TextCol nvm_agent_id = column("nvm_agent_id", types::Text);
  TextCol nvm_plan_id = column("nvm_plan_id", types::Text);
  IntCol credits_per_request = column("credits_per_request", types::Integer).server_default(1);
  BoolCol enabled = column("enabled", types::Boolean).server_default(false);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());

  explicit NeverminedAgentConfig(MetaData& m) : Table(m, "nevermined_agent_config") {
    index("idx_nvm_config_agent", {agent_name});
  }
};

struct NeverminedPaymentLog : sqlcore::Table {
  TextCol id = column("id", types::Text).primary_key();
  TextCol agent_name = column("agent_name", types::Text);
  OptTextCol execution_id = column("execution_id", types::Text);
  TextCol action = column("action", types::Text);
  OptTextCol subscriber_address = column("subscriber_address", types::Text);
  OptIntCol credits_amount = column("credits_amount", types::BigInteger);
  OptTextCol tx_hash = column("tx_hash", types::Text);
  OptIntCol remaining_balance = column("remaining_balance", types::BigInteger);
  BoolCol success = column("success", types::Boolean).server_default(false);
  OptTextCol error = column("error", types::Text);
  TsCol created_at = column("created_at", types::DateTime).server_default(now());

  explicit NeverminedPaymentLog(MetaData& m) : Table(m, "nevermined_payment_log") {
    // created_at DESC: see decision 7.
    index("idx_nvm_payment_log_agent", {agent_name, created_at});
    index("idx_nvm_payment_log_execution", {execution_id});
    // Revision 0004: a payment is logged once (NeverminedOperations::log_payment is idempotent).
    // By its transaction hash when it has one (NULLs never collide), else by execution and
    // action; a retried call finds the first entry through these.
    index("idx_nvm_payment_log_tx_hash", {tx_hash}).unique();
    index("idx_nvm_payment_log_execution_action", {execution_id, action})
        .unique()
        .where(raw_sql(detail::q("tx_hash") + " IS NULL"));
    // get_settlement_failures(): (action, success) bound, newest first.
    index("idx_nvm_payment_log_outcome", {action, success, created_at});
  }
};

}  // namespace trinity::db
