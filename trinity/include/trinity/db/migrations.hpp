// The trinity-db migration history: revisions from an empty database to the schema of
// schema.hpp, each frozen in its own file (trinity/src/revisions/revision_<id>.cpp). Its head
// equals the MetaData: after Migrator(engine, history()).upgrade(),
// sqlcore::migrate::compare(conn, schema().metadata) is empty on every backend (tested).
//
//   sqlcore::migrate::Migrator(engine, trinity::db::history()).upgrade();
#pragma once

#include <sqlcore/migrate/migrate.hpp>

namespace trinity::db {

/// Every revision, oldest first:
///   0001_initial  creates the 45 tables with their keys and indexes (downgrade drops them).
const sqlcore::migrate::History& history();

}  // namespace trinity::db
