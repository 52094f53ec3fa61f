// UTF-8 validation shared by the type checks and the JSON checks (internal to sqlcore::core).
#pragma once

#include <string_view>

namespace sqlcore::detail {

/// Counts the code points of `s`; -1 when `s` is not valid UTF-8 (overlong forms, surrogates and
/// values past U+10FFFF included) or holds a NUL byte. PostgreSQL text can hold neither, so
/// neither backend is given one.
long long utf8_length(std::string_view s);

}  // namespace sqlcore::detail
