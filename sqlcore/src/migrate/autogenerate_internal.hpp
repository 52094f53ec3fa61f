// Internal helpers shared by autogenerate's compare and render files. Internal: not installed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sqlcore/migrate/autogenerate.hpp"

namespace sqlcore::migrate {

using Strings = std::vector<std::string>;

/// The strings joined by `sep`.
std::string join(const Strings& v, std::string_view sep = ", ");
/// The columns' names ("" for an expression's null entry).
Strings names_of(const std::vector<const Column*>& cols);

}  // namespace sqlcore::migrate
