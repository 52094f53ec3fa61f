// The trinity-db revision history. Each revision lives in its own file under revisions/
// (revisions/revision_<id>.cpp) and is frozen once written: it describes a change from the schema
// the revisions before it left, and never reads the table declarations (schema.hpp and
// trinity/db/tables/, which move on). Add a revision for every change to the declarations --
// `trinity-db diff --cpp` against a database at head writes its body -- and the parity test
// checks that the history's head equals the MetaData on every backend.
#include "trinity/db/migrations.hpp"

#include "revisions/revisions.hpp"

namespace trinity::db {

const sqlcore::migrate::History& history() {
  static const sqlcore::migrate::History h({
      {"0001_initial", "the 45 tables of the original schema", revisions::upgrade_0001_initial,
       revisions::downgrade_0001_initial},
      {"0002_double_precision", "money and measurements in double precision (were Float)",
       revisions::upgrade_0002_double_precision, revisions::downgrade_0002_double_precision,
       "0001_initial"},
      {"0003_dashboard_retention_index",
       "an index on agent_dashboard_values.captured_at for the retention DELETE",
       revisions::upgrade_0003_dashboard_retention_index,
       revisions::downgrade_0003_dashboard_retention_index, "0002_double_precision"},
      {"0004_payment_log_idempotence",
       "a Nevermined payment is logged once: unique indexes on the payment log's tx_hash and "
       "(execution_id, action) without one; an index of outcomes for failed settlements",
       revisions::upgrade_0004_payment_log_idempotence,
       revisions::downgrade_0004_payment_log_idempotence, "0003_dashboard_retention_index"},
  });
  return h;
}

}  // namespace trinity::db
