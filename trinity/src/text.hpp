// Text helpers shared by the operations (internal).
#pragma once

#include <string>
#include <string_view>

namespace trinity::db {

/// `s` without leading and trailing ASCII white space.
std::string trimmed(std::string_view s);
/// `s` trimmed, with ASCII letters lower-cased: how emails and tags are stored and compared.
std::string normalized(std::string_view s);

}  // namespace trinity::db
