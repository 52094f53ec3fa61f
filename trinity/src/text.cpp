// Text helpers shared by the operations.
#include "text.hpp"

#include <stdexcept>

namespace trinity::db {

namespace {
bool is_space(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}
}  // namespace

std::string trimmed(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

std::string normalized(std::string_view s) {
  std::string out = trimmed(s);
  for (char& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

namespace {
[[noreturn]] void refuse(std::string_view what, std::string_view why) {
  throw std::invalid_argument("trinity-db: " + std::string(what) + " " + std::string(why));
}
bool is_control(char ch) {
  return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f;
}
}  // namespace

std::string checked_email(std::string_view email, std::string_view what) {
  std::string out = normalized(email);
  const auto at = out.find('@');
  const bool shaped = at != std::string::npos && at > 0 &&
                      out.find('@', at + 1) == std::string::npos &&
                      out.find('.', at + 2) != std::string::npos && out.back() != '.';
  if (out.empty()) refuse(what, "is empty");
  if (out.size() > 254 || !shaped) refuse(what, "is not an email address");
  for (char ch : out)
    if (is_space(ch) || is_control(ch)) refuse(what, "is not an email address");
  return out;
}

std::string checked_name(std::string_view name, std::string_view what) {
  std::string out = trimmed(name);
  if (out.empty()) refuse(what, "is empty");
  if (out.size() > 255) refuse(what, "is longer than 255 characters");
  for (char ch : out)
    if (is_control(ch)) refuse(what, "holds a control character");
  return out;
}

std::string checked_tag(std::string_view tag) {
  std::string out = normalized(tag);
  if (out.empty()) throw std::invalid_argument("trinity-db: a tag is empty");
  return out;
}

std::string checked_text(std::string_view text, std::string_view what) {
  if (trimmed(text).empty()) refuse(what, "is empty");
  return std::string(text);
}

std::int64_t checked_count(std::int64_t n, std::string_view what) {
  if (n < 0) refuse(what, "is negative");
  return n;
}

}  // namespace trinity::db
