// trinity-db tables, system settings: platform-wide settings as key/value pairs.
//
// Each table is one struct: its columns, then its constructor declaring the table's keys and
// indexes. Included by trinity/db/schema.hpp, which lists the decisions the comments refer to.
#pragma once

#include "trinity/db/tables/common.hpp"

namespace trinity::db {

struct SystemSettings : sqlcore::Table {
  TextCol key = column("key", types::Text).primary_key();
  TextCol value = column("value", types::Text);
  TsCol updated_at = column("updated_at", types::DateTime).server_default(now());

  explicit SystemSettings(MetaData& m) : Table(m, "system_settings") {}
};

}  // namespace trinity::db
