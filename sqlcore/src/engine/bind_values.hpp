// The values of one execution of an expression statement (internal; bind_values.cpp).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "sqlcore/core/value.hpp"
#include "sqlcore/engine/connection.hpp"
#include "sqlcore/sql/text.hpp"

namespace sqlcore::detail {

/// The values of one execution of `c`, one per placeholder, written to `out` as pointers: into
/// `params`, into `literals` (values written into the statement), or into `made` (computed or
/// converted). `made` is reserved once, for `capacity` values, so pointers into it stay valid.
/// Throws ArgumentError for a missing, unknown or repeated parameter.
void resolve_values(const CompiledStatement& c, std::span<const Value* const> literals,
                    const Params& params, const Value** out, std::vector<Value>& made,
                    std::size_t capacity);

}  // namespace sqlcore::detail
