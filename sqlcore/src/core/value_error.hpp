// The DataError for a value sqlcore refuses before sending it (internal to sqlcore::core).
#pragma once

#include <string>
#include <string_view>

namespace sqlcore::detail {

/// Throws DataError (backend "sqlcore") with `sqlstate`; the message names `what` -- a column
/// ("table.column") or a parameter (":name") -- and says `why`, never showing the value.
[[noreturn]] void raise_value_error(std::string_view what, const char* sqlstate,
                                    const std::string& why);

}  // namespace sqlcore::detail
