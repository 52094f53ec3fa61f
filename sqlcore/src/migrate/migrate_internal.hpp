// Internal declarations shared by the migration files (src/migrate): the reserved id "base", the
// known-ids list for messages, the word search the operations use, and the statement renderer of
// offline mode. Declared in sqlcore::migrate itself (not a nested detail namespace, which would
// hide sqlcore::detail from these files). Internal: not installed.
#pragma once

#include <string>
#include <string_view>

#include "sqlcore/migrate/migrate.hpp"

namespace sqlcore {

class Dialect;

namespace migrate {

/// The revision id that means: no revision.
inline constexpr std::string_view kBase = "base";

/// The ids of `h`, comma-separated, or "(none)": for error messages (history.cpp).
std::string known_ids(const History& h);

/// `sql` names `ident` as a whole word (quoted or not) (migration_context.cpp).
bool mentions(std::string_view sql, std::string_view ident);

/// `cs` with its placeholders written as SQL literals: what offline mode writes and on_statement
/// reports (offline_sql.cpp).
std::string with_literals(const Dialect& d, const Executable& stmt, const Params& params);

}  // namespace migrate
}  // namespace sqlcore
