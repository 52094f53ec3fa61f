// ScheduleOperations: agents' schedules (cron and webhook triggers, table agent_schedules), their
// git configuration (agent_git_config) and, through ScheduleExecutionOperations, the executions
// they and other triggers start (schedule_executions).
//
//   auto s = dbm.schedules().create_schedule("coder", "ada", {.name = "nightly", ...});
#pragma once

#include "trinity/db/schedule_executions.hpp"

namespace trinity::db {

class Db;
class UserOperations;
class AgentOperations;

class ScheduleOperations : public ScheduleExecutionOperations {
 public:
  ScheduleOperations(Db& db, UserOperations& users, AgentOperations& agents)
      : ScheduleExecutionOperations(db), users_(users), agents_(agents) {}

 private:
  UserOperations& users_;
  AgentOperations& agents_;
};

}  // namespace trinity::db
