// The marker schedule of manual tasks (internal): executions that no schedule started name the
// schedule kManualScheduleId, a row written once (see schedule_executions.hpp). Written by
// create_task_execution() and by the adoption of an original database whose manual executions
// name a row the original never wrote.
#pragma once

#include <cstdint>

#include <sqlcore/engine/connection.hpp>

#include "trinity/db/schema.hpp"

namespace trinity::db {

/// Writes the marker schedule owned by `owner` (a users.id) unless it exists.
void write_manual_schedule(sqlcore::Connection& c, const AgentSchedules& s, std::int64_t owner);

}  // namespace trinity::db
