// Revision 0003_dashboard_retention_index: an index on agent_dashboard_values.captured_at, frozen.
//
// dashboard_history().cleanup_old_snapshots(days) deletes the values captured before a cut-off,
// on a timer. The original schema's two indexes on the table lead with agent_name, so that DELETE
// could only read the whole table (or one index whole); with this index it reads the rows that go.
#include <sqlcore/migrate/migrate.hpp>

#include "revisions.hpp"

namespace trinity::db::revisions {

void upgrade_0003_dashboard_retention_index(sqlcore::migrate::MigrationContext& m) {
  m.create_index("agent_dashboard_values", "idx_dashboard_values_captured_at", {"captured_at"});
}

void downgrade_0003_dashboard_retention_index(sqlcore::migrate::MigrationContext& m) {
  m.drop_index("idx_dashboard_values_captured_at");
}

}  // namespace trinity::db::revisions
