// What the table headers (trinity/db/tables/*.hpp) share: the column handle types and the helpers
// that spell raw SQL for index expressions and predicates. Include trinity/db/schema.hpp instead.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <sqlcore/core/time.hpp>
#include <sqlcore/core/value.hpp>
#include <sqlcore/schema/metadata.hpp>
#include <sqlcore/schema/table.hpp>
#include <sqlcore/schema/types.hpp>

namespace trinity::db {

namespace types = sqlcore::types;
using sqlcore::Col;
using sqlcore::FkAction;
using sqlcore::MetaData;
using sqlcore::now;
using sqlcore::raw_sql;

// Column handles by what reads give back.
using TextCol = Col<std::string>;
using OptTextCol = Col<std::optional<std::string>>;
using IntCol = Col<std::int64_t>;
using OptIntCol = Col<std::optional<std::int64_t>>;
using BoolCol = Col<bool>;
using OptBoolCol = Col<std::optional<bool>>;
using RealCol = Col<double>;
using OptRealCol = Col<std::optional<double>>;
using TsCol = Col<sqlcore::Timestamp>;
using OptTsCol = Col<std::optional<sqlcore::Timestamp>>;
using JsonCol = Col<sqlcore::Json>;
using OptJsonCol = Col<std::optional<sqlcore::Json>>;

namespace detail {

/// `"name"`: an identifier quoted for both backends' raw SQL.
inline std::string q(const char* name) {
  return std::string("\"") + name + "\"";
}

/// `"column" IS NOT NULL`
inline sqlcore::RawSql not_null(const char* column) {
  return raw_sql(q(column) + " IS NOT NULL");
}

}  // namespace detail

}  // namespace trinity::db
