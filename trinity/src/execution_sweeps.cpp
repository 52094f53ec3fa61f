// The watchdog's sweeps as statements (see execution_sweeps.hpp).
#include "execution_sweeps.hpp"

#include "operation.hpp"

#include "trinity/db/schedule_executions.hpp"

namespace trinity::db {

using namespace execution_status;

Expr without_session(const ScheduleExecutions& t) {
  return t.claude_session_id.is_null() || t.claude_session_id == "";
}

Dml stale_executions_sweep(const ScheduleExecutions& t, std::int64_t timeout_minutes) {
  const std::string why = "Marked as failed by cleanup: exceeded " +
                          std::to_string(timeout_minutes) + "-minute timeout";
  Dml d = update(t);
  d.set({{t.status, kFailed}, {t.completed_at, now()}, {t.error, why}})
      .where(t.status == kRunning && t.started_at < now() - minutes(timeout_minutes));
  return d;
}

Dml no_session_executions_sweep(const ScheduleExecutions& t, std::int64_t timeout_seconds) {
  const std::string why = "Silent launch failure: no Claude session created within " +
                          std::to_string(timeout_seconds) + " seconds";
  Dml d = update(t);
  d.set({{t.status, kFailed}, {t.completed_at, now()}, {t.error, why}})
      .where(t.status == kRunning && without_session(t) &&
             t.started_at < now() - sqlcore::seconds(timeout_seconds));
  return d;
}

Dml orphaned_skipped_executions_sweep(const ScheduleExecutions& t) {
  Dml d = update(t);
  d.set({{t.status, kFailed},
         {t.completed_at, t.started_at},
         {t.duration_ms, 0},
         {t.error, "Finalized by cleanup: skipped execution"}})
      .where(t.status == kSkipped && t.completed_at.is_null());
  return d;
}

}  // namespace trinity::db
