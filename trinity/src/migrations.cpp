// The trinity-db revisions.
//
// Rule for later revisions: a revision describes a change, and the schema it starts from is the
// one the revisions before it left. 0001 creates the tables from the declarations in
// schema.hpp, which is right while those declarations are the 0001 shape. The first revision
// that changes a table (0002_...) must also freeze 0001: give 0001 its own copy of the changed
// table's 0001 declaration (a dynamic Table in a local MetaData), so that 0001 + 0002 still
// produce the MetaData -- the parity test (tests/schema_test.cpp) fails otherwise.
#include "trinity/db/migrations.hpp"

#include <vector>

#include "trinity/db/schema.hpp"

namespace trinity::db {
namespace {

using sqlcore::Table;
using sqlcore::migrate::MigrationContext;

void initial_upgrade(MigrationContext& m) {
  // Referenced tables first; the schema has no cycle of keys (only agent_activities refers to
  // itself, which CREATE TABLE allows), so no key needs adding afterwards.
  for (const Table* t : schema().metadata.sorted_tables()) m.create_table(*t);
}

void initial_downgrade(MigrationContext& m) {
  const std::vector<const Table*> tables = schema().metadata.sorted_tables();
  for (auto it = tables.rbegin(); it != tables.rend(); ++it) m.drop_table((*it)->name());
}

}  // namespace

const sqlcore::migrate::History& history() {
  static const sqlcore::migrate::History h({
      {"0001_initial", "the 45 tables of SCHEMA.md", initial_upgrade, initial_downgrade},
  });
  return h;
}

}  // namespace trinity::db
