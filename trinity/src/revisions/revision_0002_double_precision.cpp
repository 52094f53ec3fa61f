// Revision 0002_double_precision: money and measurements in double precision, frozen.
//
// 0001 declared these REAL columns Float, which sqlcore rounds to single precision on every
// backend: 0.123456789 became 0.12345679, a session's running total_cost drifted once it passed
// about seven digits, and adopting the original SQLite database (whose REAL is 8 bytes) changed
// its values. They are Double from here on. Values already rounded stay as they were stored.
#include <sqlcore/migrate/migrate.hpp>
#include <sqlcore/schema/types.hpp>

#include "revisions.hpp"

namespace trinity::db::revisions {

namespace {

// table, column
constexpr const char* kColumns[][2] = {
    {"schedule_executions", "cost"},
    {"chat_sessions", "total_cost"},
    {"chat_messages", "cost"},
    {"public_chat_sessions", "total_cost"},
    {"public_chat_messages", "cost"},
    {"agent_health_checks", "cpu_percent"},
    {"agent_health_checks", "memory_percent"},
    {"agent_health_checks", "memory_mb"},
    {"agent_health_checks", "latency_ms"},
    {"agent_health_checks", "context_percent"},
    {"agent_health_checks", "error_rate"},
    {"agent_dashboard_values", "value_numeric"},
};

void retype(sqlcore::migrate::MigrationContext& m, const sqlcore::Type& type) {
  for (const auto& [table, column] : kColumns) m.alter_column(table, column, {.type = type});
}

}  // namespace

void upgrade_0002_double_precision(sqlcore::migrate::MigrationContext& m) {
  retype(m, sqlcore::types::Double);
}

void downgrade_0002_double_precision(sqlcore::migrate::MigrationContext& m) {
  retype(m, sqlcore::types::Float);
}

}  // namespace trinity::db::revisions
