// What every *Operations .cpp file includes (internal): sqlcore's statement builders, the models'
// row mappings (models.hpp), the unit of work (db.hpp) and trinity-db's errors, with the sqlcore
// names the operations use brought into trinity::db (one spelling in every operation file).
// Included by operation sources only.
#pragma once

#include <sqlcore/core/error.hpp>
#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/expression.hpp>
#include <sqlcore/sql/select.hpp>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "models.hpp"
#include "trinity/db/db.hpp"
#include "trinity/db/errors.hpp"

namespace trinity::db {

// Statement builders and functions.
using sqlcore::coalesce;
using sqlcore::count;
using sqlcore::count_distinct;
using sqlcore::days;
using sqlcore::delete_from;
using sqlcore::excluded;
using sqlcore::insert;
using sqlcore::lower;
using sqlcore::minutes;
using sqlcore::now;
using sqlcore::select;
using sqlcore::update;
// Types.
using sqlcore::Assignment;
using sqlcore::Connection;
using sqlcore::Dml;
using sqlcore::Expr;
using sqlcore::IntegrityError;
using sqlcore::IntegrityKind;
using sqlcore::Json;
using sqlcore::Row;
using sqlcore::Select;
using sqlcore::Timestamp;
using sqlcore::Value;

}  // namespace trinity::db
