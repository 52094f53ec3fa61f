// The check of JSON text without parsing it (internal to sqlcore::core): what a Json column's
// text read from a row, or a string bound to a Json column, must pass.
#pragma once

#include <string_view>

namespace sqlcore::detail {

enum class JsonTextVerdict : unsigned char {
  ok,        // one JSON document, nested at most kMaxJsonDepth levels
  not_json,  // anything else
  too_deep,  // nested deeper than kMaxJsonDepth (found before anything else is decided)
};

struct JsonTextScan {
  JsonTextVerdict verdict = JsonTextVerdict::not_json;
  bool has_nul = false;  // a string or key holds \u0000 (PostgreSQL's JSONB cannot)
};

/// One pass over `text`, with a fixed-size stack (never recursing): accepts exactly what
/// nlohmann::json::parse() accepts (RFC 8259 strictly: no comments, no trailing commas, strings of
/// valid UTF-8, surrogate escapes in pairs, numbers that fit a double), except a byte-order mark
/// or a NUL byte after the document, which it refuses. Text nested deeper than kMaxJsonDepth is
/// too_deep whether or not it is JSON, as the depth is what protects everything after the scan.
JsonTextScan scan_json_text(std::string_view text);

/// Throws DataError naming `what` (sqlstate 22032, naming kMaxJsonDepth) for JSON nested too
/// deep.
[[noreturn]] void raise_json_too_deep(std::string_view what);

/// Throws DataError naming `what` unless `text` is JSON that every backend stores alike: one
/// document (22P02 otherwise), text of valid UTF-8 (22021), nested at most kMaxJsonDepth levels
/// (22032), no \u0000 in its strings (22021). Never shows the text.
void check_json_text(std::string_view text, std::string_view what);

}  // namespace sqlcore::detail
