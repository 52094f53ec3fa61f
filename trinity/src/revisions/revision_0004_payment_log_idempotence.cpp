// Revision 0004_payment_log_idempotence: a Nevermined payment is logged once, frozen.
//
// NeverminedOperations::log_payment is idempotent by the payment's external id: its transaction
// hash, or (without one) its execution and action. Two unique indexes hold that rule under
// concurrent and retried calls, and a third serves the failed-settlement list:
//
// - idx_nvm_payment_log_tx_hash: unique on tx_hash (NULLs never collide);
// - idx_nvm_payment_log_execution_action: unique on (execution_id, action) where tx_hash IS NULL;
// - idx_nvm_payment_log_outcome: (action, success, created_at), the latest failed settlements.
//
// A database that already holds one payment twice cannot take the unique indexes. The revision
// then fails before creating anything, naming every duplicated key and its rows' ids, and the
// database stays at 0003: which of the rows is right is the operator's call (delete the others,
// then migrate again), not the migration's.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <sqlcore/engine/connection.hpp>
#include <sqlcore/engine/result.hpp>
#include <sqlcore/engine/row.hpp>
#include <sqlcore/migrate/migrate.hpp>
#include <sqlcore/schema/metadata.hpp>
#include <sqlcore/schema/table.hpp>
#include <sqlcore/sql/text.hpp>

#include "revisions.hpp"

namespace trinity::db::revisions {

using namespace sqlcore;
using sqlcore::migrate::MigrationContext;

namespace {

// The rows of every payment logged more than once: key -> ids, oldest first.
std::map<std::string, std::vector<std::string>> duplicated_payments(Connection& c) {
  const std::string log = "\"nevermined_payment_log\"";
  const std::string by_hash =
      "SELECT 'tx_hash ''' || \"tx_hash\" || '''' AS k, \"id\", \"created_at\" FROM " + log +
      " WHERE \"tx_hash\" IN (SELECT \"tx_hash\" FROM " + log +
      " GROUP BY \"tx_hash\" HAVING COUNT(*) > 1)";
  const std::string by_execution =
      "SELECT 'execution ''' || \"execution_id\" || ''' action ''' || \"action\" || ''' "
      "(no tx_hash)' AS k, \"id\", \"created_at\" FROM " +
      log +
      " p WHERE \"tx_hash\" IS NULL AND \"execution_id\" IS NOT NULL AND (SELECT COUNT(*) "
      "FROM " +
      log +
      " q WHERE q.\"tx_hash\" IS NULL AND q.\"execution_id\" = p.\"execution_id\" "
      "AND q.\"action\" = p.\"action\") > 1";
  std::map<std::string, std::vector<std::string>> out;
  for (const Row& r : c.execute(text(by_hash + " UNION ALL " + by_execution + " ORDER BY 1, 3, 2")))
    out[r.get<std::string>("k")].push_back(r.get<std::string>("id"));
  return out;
}

void refuse_duplicates(MigrationContext& m) {
  if (m.is_offline()) return;  // offline SQL: CREATE UNIQUE INDEX itself fails on duplicates
  const auto dups = duplicated_payments(m.connection());
  if (dups.empty()) return;
  std::string list;
  for (const auto& [key, ids] : dups) {
    list += "\n  " + key + ": rows";
    for (const auto& id : ids) list += " " + id;
  }
  throw migrate::MigrationError(
      m.revision(),
      "nevermined_payment_log holds " + std::to_string(dups.size()) +
          " payment(s) more than once, so the indexes that keep payments unique cannot be "
          "created; nothing was changed. Keep one row of each (the first is listed first), "
          "delete the others, and migrate again:" +
          list);
}

}  // namespace

void upgrade_0004_payment_log_idempotence(MigrationContext& m) {
  refuse_duplicates(m);
  MetaData md;
  Table& t = md.add_table("nevermined_payment_log");
  t.column("id", types::Text).primary_key();
  t.column("execution_id", types::Text).nullable();
  t.column("action", types::Text);
  t.column("tx_hash", types::Text).nullable();
  m.create_index(t.index("idx_nvm_payment_log_tx_hash", {"tx_hash"}).unique());
  m.create_index(t.index("idx_nvm_payment_log_execution_action", {"execution_id", "action"})
                     .unique()
                     .where(raw_sql("\"tx_hash\" IS NULL")));
  m.create_index("nevermined_payment_log", "idx_nvm_payment_log_outcome",
                 {"action", "success", "created_at"});
}

void downgrade_0004_payment_log_idempotence(MigrationContext& m) {
  m.drop_index("idx_nvm_payment_log_outcome");
  m.drop_index("idx_nvm_payment_log_execution_action");
  m.drop_index("idx_nvm_payment_log_tx_hash");
}

}  // namespace trinity::db::revisions
