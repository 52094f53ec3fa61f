// The watchdog's sweeps over schedule_executions as statements (internal): each is one UPDATE
// whose cut-off is bound at execution (now() minus the timeout), so two workers running it at
// once change each row once; and the rule "no session yet" that the no-session sweep and the
// dispatch claim share. ScheduleExecutionOperations runs them; the PostgreSQL plan test
// (schedule_executions_test.cpp) explains these very statements.
#pragma once

#include <cstdint>

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/expression.hpp>

#include "trinity/db/schema.hpp"

namespace trinity::db {

/// The execution has no agent session yet: claude_session_id NULL or "" (not dispatched).
sqlcore::Expr without_session(const ScheduleExecutions& t);
/// Running executions that started more than `timeout_minutes` ago become failed (completed_at
/// now, an error naming the timeout). Served by idx_executions_status / idx_executions_started_at.
sqlcore::Dml stale_executions_sweep(const ScheduleExecutions& t, std::int64_t timeout_minutes);
/// Running executions without a session (claude_session_id NULL or "") that started more than
/// `timeout_seconds` ago become failed. Served by idx_executions_status.
sqlcore::Dml no_session_executions_sweep(const ScheduleExecutions& t, std::int64_t timeout_seconds);
/// Skipped executions without completed_at become failed, completed_at = started_at,
/// duration_ms 0. Served by idx_executions_status.
sqlcore::Dml orphaned_skipped_executions_sweep(const ScheduleExecutions& t);

}  // namespace trinity::db
