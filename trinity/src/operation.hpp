// What every *Operations .cpp file includes (internal): sqlcore's statement builders, the models'
// row mappings (models.hpp), the unit of work (db.hpp) and trinity-db's errors, with the sqlcore
// names the operations use brought into trinity::db. Included by operation sources only.
#pragma once

#include <sqlcore/core/error.hpp>
#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/expression.hpp>
#include <sqlcore/sql/select.hpp>
#include <tuple>
#include <utility>

#include "models.hpp"
#include "trinity/db/db.hpp"
#include "trinity/db/errors.hpp"

namespace trinity::db {

using sqlcore::Assignment;
using sqlcore::Connection;
using sqlcore::Dml;
using sqlcore::Expr;
using sqlcore::Row;
using sqlcore::Select;
using sqlcore::Timestamp;
using sqlcore::Value;

}  // namespace trinity::db
