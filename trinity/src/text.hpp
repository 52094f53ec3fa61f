// Text helpers shared by the operations (internal).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace trinity::db {

/// `s` without leading and trailing ASCII white space.
std::string trimmed(std::string_view s);
/// `s` trimmed, with ASCII letters lower-cased: how emails and tags are stored and compared.
std::string normalized(std::string_view s);

/// The email `email` normalized (trimmed, lower-cased): what is stored and compared. Refuses
/// (std::invalid_argument naming `what`) an address that is not one local part, one '@' and a
/// domain with a dot, without blanks or control characters, at most 254 characters.
std::string checked_email(std::string_view email, std::string_view what = "email");
/// `name` trimmed; refuses (std::invalid_argument naming `what`) an empty one, one longer than
/// 255 characters, or one holding a control character.
std::string checked_name(std::string_view name, std::string_view what);
/// The tag `tag` normalized (trimmed, lower-cased): how tags are stored and compared. Refuses an
/// empty one (std::invalid_argument).
std::string checked_tag(std::string_view tag);
/// `text` as given; refuses (std::invalid_argument naming `what`) one that is empty or only
/// white space. For free text (titles, questions, messages) that has no length limit.
std::string checked_text(std::string_view text, std::string_view what);
/// `n` when it is not negative (a limit, an offset); else std::invalid_argument naming `what`.
std::int64_t checked_count(std::int64_t n, std::string_view what);

}  // namespace trinity::db
