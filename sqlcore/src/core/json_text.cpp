// The JSON text check: a one-pass, non-recursive scanner that accepts what nlohmann's parser
// accepts, so that text it passes can be parsed later (lazily) without failing.
#include "core/json_text.hpp"

#include <bitset>
#include <charconv>
#include <cstdint>
#include <string>
#include <system_error>

#include "core/utf8.hpp"
#include "core/value_error.hpp"
#include "sqlcore/core/value.hpp"

namespace sqlcore::detail {

namespace {

using Byte = unsigned char;

bool is_space(Byte c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_digit(Byte c) {
  return c >= '0' && c <= '9';
}
int hex_value(Byte c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The nesting depth of JSON text: brackets outside strings, counted without parsing. Stops
// counting past kMaxJsonDepth. Used on text the scanner refused, so that text nested too deep is
// reported as such whether or not it is also malformed.
std::size_t bracket_depth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > kMaxJsonDepth) return deepest;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text)
      : p_(reinterpret_cast<const Byte*>(text.data())), end_(p_ + text.size()) {}

  JsonTextScan run() {
    JsonTextScan out;
    out.verdict = document();
    out.has_nul = nul_;
    return out;
  }

 private:
  enum class Next : std::uint8_t { value, key, after_value };

  void skip_space() {
    while (p_ < end_ && is_space(*p_)) ++p_;
  }

  JsonTextVerdict document() {
    // in_object[i]: the container at depth i+1 is an object (else an array).
    std::bitset<kMaxJsonDepth> in_object;
    std::size_t depth = 0;
    Next next = Next::value;
    for (;;) {
      skip_space();
      switch (next) {
        case Next::value: {
          if (p_ == end_) return JsonTextVerdict::not_json;
          const Byte c = *p_;
          if (c == '{' || c == '[') {
            if (depth == kMaxJsonDepth) return JsonTextVerdict::too_deep;
            const bool object = c == '{';
            in_object[depth++] = object;
            ++p_;
            skip_space();
            if (p_ < end_ && *p_ == (object ? '}' : ']')) {  // empty
              ++p_;
              --depth;
              next = Next::after_value;
            } else {
              next = object ? Next::key : Next::value;
            }
            continue;
          }
          bool ok = false;
          if (c == '"')
            ok = string();
          else if (c == 't')
            ok = literal("true");
          else if (c == 'f')
            ok = literal("false");
          else if (c == 'n')
            ok = literal("null");
          else if (c == '-' || is_digit(c))
            ok = number();
          if (!ok) return JsonTextVerdict::not_json;
          next = Next::after_value;
          continue;
        }
        case Next::key:
          if (p_ == end_ || *p_ != '"' || !string()) return JsonTextVerdict::not_json;
          skip_space();
          if (p_ == end_ || *p_ != ':') return JsonTextVerdict::not_json;
          ++p_;
          next = Next::value;
          continue;
        case Next::after_value:
          if (depth == 0) return p_ == end_ ? JsonTextVerdict::ok : JsonTextVerdict::not_json;
          if (p_ == end_) return JsonTextVerdict::not_json;
          if (*p_ == ',') {
            ++p_;
            next = in_object[depth - 1] ? Next::key : Next::value;
          } else if (*p_ == (in_object[depth - 1] ? '}' : ']')) {
            ++p_;
            --depth;
          } else {
            return JsonTextVerdict::not_json;
          }
          continue;
      }
    }
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size()) return false;
    for (char w : word)
      if (*p_++ != static_cast<Byte>(w)) return false;
    return true;
  }

  // Four hex digits of a \u escape.
  bool hex4(unsigned& code) {
    if (end_ - p_ < 4) return false;
    code = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hex_value(*p_++);
      if (h < 0) return false;
      code = code * 16 + static_cast<unsigned>(h);
    }
    return true;
  }

  // `n` continuation bytes, the first within [lo, hi], the others within 80..BF.
  bool continuation(int n, Byte lo, Byte hi) {
    if (end_ - p_ < n) return false;
    if (p_[0] < lo || p_[0] > hi) return false;
    for (int i = 1; i < n; ++i)
      if (p_[i] < 0x80 || p_[i] > 0xBF) return false;
    p_ += n;
    return true;
  }

  // One UTF-8 sequence of two to four bytes at p_ (the lead byte is >= 0x80): well-formed per
  // RFC 3629 (no overlong forms, no surrogates, nothing past U+10FFFF).
  bool utf8_sequence() {
    const Byte c = *p_++;
    if (c >= 0xC2 && c <= 0xDF) return continuation(1, 0x80, 0xBF);
    if (c == 0xE0) return continuation(2, 0xA0, 0xBF);
    if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return continuation(2, 0x80, 0xBF);
    if (c == 0xED) return continuation(2, 0x80, 0x9F);
    if (c == 0xF0) return continuation(3, 0x90, 0xBF);
    if (c >= 0xF1 && c <= 0xF3) return continuation(3, 0x80, 0xBF);
    if (c == 0xF4) return continuation(3, 0x80, 0x8F);
    return false;
  }

  // A string from its opening quote (at p_) past its closing one.
  bool string() {
    ++p_;
    for (;;) {
      while (p_ < end_ && *p_ >= 0x20 && *p_ < 0x80 && *p_ != '"' && *p_ != '\\') ++p_;
      if (p_ == end_) return false;
      const Byte c = *p_;
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;  // control characters must be escaped
      if (c >= 0x80) {
        if (!utf8_sequence()) return false;
        continue;
      }
      // A backslash.
      if (++p_ == end_) return false;
      switch (*p_++) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
          break;
        case 'u': {
          unsigned code = 0;
          if (!hex4(code)) return false;
          if (code >= 0xD800 && code <= 0xDBFF) {  // a high surrogate: a low one must follow
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            unsigned low = 0;
            if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
          } else if (code >= 0xDC00 && code <= 0xDFFF) {
            return false;  // a low surrogate alone
          } else if (code == 0) {
            nul_ = true;
          }
          break;
        }
        default:
          return false;
      }
    }
  }

  // A number (RFC 8259's grammar) that a double can hold: nlohmann reads one too large for a
  // double (past about 1.8e308) as an error, so this does too.
  bool number() {
    const Byte* start = p_;
    if (*p_ == '-') ++p_;
    if (p_ == end_ || !is_digit(*p_)) return false;
    const Byte* int_start = p_;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && is_digit(*p_)) ++p_;
    }
    const Byte* int_end = p_;
    const Byte* frac_start = p_;
    const Byte* frac_end = p_;
    if (p_ < end_ && *p_ == '.') {
      frac_start = ++p_;
      while (p_ < end_ && is_digit(*p_)) ++p_;
      if (p_ == frac_start) return false;
      frac_end = p_;
    }
    std::int64_t exponent = 0;
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      bool negative = false;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) negative = *p_++ == '-';
      const Byte* exp_start = p_;
      while (p_ < end_ && is_digit(*p_)) {
        if (exponent < 1000000000) exponent = exponent * 10 + (*p_ - '0');
        ++p_;
      }
      if (p_ == exp_start) return false;
      if (negative) exponent = -exponent;
    }
    // The power of ten of the first significant digit decides, but at the very edge.
    std::int64_t lead = 0;
    if (*int_start != '0') {
      lead = (int_end - int_start) - 1;
    } else {
      const Byte* q = frac_start;
      while (q < frac_end && *q == '0') ++q;
      if (q == frac_end) return true;  // zero
      lead = -((q - frac_start) + 1);
    }
    const std::int64_t magnitude = lead + exponent;
    if (magnitude < 308) return true;
    if (magnitude > 308) return false;
    double d = 0;
    const auto r =
        std::from_chars(reinterpret_cast<const char*>(start), reinterpret_cast<const char*>(p_), d);
    return r.ec != std::errc::result_out_of_range;
  }

  const Byte* p_;
  const Byte* end_;
  bool nul_ = false;
};

}  // namespace

JsonTextScan scan_json_text(std::string_view text) {
  JsonTextScan s = Scanner(text).run();
  if (s.verdict == JsonTextVerdict::not_json && bracket_depth(text) > kMaxJsonDepth)
    s.verdict = JsonTextVerdict::too_deep;
  return s;
}

void raise_json_too_deep(std::string_view what) {
  raise_value_error(what, "22032",
                    "JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                        " levels (sqlcore::kMaxJsonDepth) is refused");
}

void check_json_text(std::string_view text, std::string_view what) {
  const JsonTextScan s = scan_json_text(text);
  switch (s.verdict) {
    case JsonTextVerdict::too_deep:
      raise_json_too_deep(what);
    case JsonTextVerdict::not_json:
      if (utf8_length(text) < 0)
        raise_value_error(what, "22021",
                          "text must be valid UTF-8 without NUL bytes (store bytes in "
                          "LargeBinary)");
      raise_value_error(what, "22P02",
                        "the text is not JSON (a string bound to a Json column is JSON text; "
                        "bind a sqlcore::Json to store a JSON string)");
    case JsonTextVerdict::ok:
      break;
  }
  if (s.has_nul)
    raise_value_error(
        what, "22021",
        "JSON strings must be valid UTF-8 without NUL characters (\\u0000): PostgreSQL "
        "refuses them, so sqlcore refuses them on every backend");
}

}  // namespace sqlcore::detail
