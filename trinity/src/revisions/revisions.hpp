// The revisions of trinity-db's history, one file each (revisions/revision_<id>.cpp). Internal.
#pragma once

#include <sqlcore/migrate/migrate.hpp>

namespace trinity::db::revisions {

void upgrade_0001_initial(sqlcore::migrate::MigrationContext& m);
void downgrade_0001_initial(sqlcore::migrate::MigrationContext& m);
void upgrade_0002_double_precision(sqlcore::migrate::MigrationContext& m);
void downgrade_0002_double_precision(sqlcore::migrate::MigrationContext& m);
void upgrade_0003_dashboard_retention_index(sqlcore::migrate::MigrationContext& m);
void downgrade_0003_dashboard_retention_index(sqlcore::migrate::MigrationContext& m);
void upgrade_0004_payment_log_idempotence(sqlcore::migrate::MigrationContext& m);
void downgrade_0004_payment_log_idempotence(sqlcore::migrate::MigrationContext& m);

}  // namespace trinity::db::revisions
