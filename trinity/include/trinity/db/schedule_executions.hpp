// ScheduleExecutionOperations: the executions half of ScheduleOperations (table
// schedule_executions): creating, dispatching and finishing executions, their history and
// statistics, and the watchdog's sweeps. ScheduleOperations derives from it, so callers reach
// every method through dbm.schedules().
//
//   auto e = dbm.schedules().create_task_execution({.agent_name = "coder", .message = "go"});
//   dbm.schedules().update_execution_status(e->id, {.status = "success", .response = "done"});
#pragma once

namespace trinity::db {

class Db;

class ScheduleExecutionOperations {
 public:
  explicit ScheduleExecutionOperations(Db& db) : db_(db) {}

 protected:
  Db& db_;
};

}  // namespace trinity::db
