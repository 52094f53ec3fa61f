// The shape of a Slack bot token, checked before it is sealed (internal; slack.cpp and
// slack_channels.cpp).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace trinity::db {

/// `token` when it is a Slack bot token: "xoxb-" followed by at least one letter, digit or '-'
/// (and nothing else). Otherwise std::invalid_argument naming `what`, never the value.
inline const std::string& checked_slack_bot_token(const std::string& token, std::string_view what) {
  constexpr std::string_view prefix = "xoxb-";
  const auto allowed = [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-';
  };
  bool shaped = token.size() > prefix.size() && token.starts_with(prefix);
  for (std::size_t i = prefix.size(); shaped && i < token.size(); ++i) shaped = allowed(token[i]);
  if (token.empty()) throw std::invalid_argument("trinity-db: " + std::string(what) + " is empty");
  if (!shaped)
    throw std::invalid_argument("trinity-db: " + std::string(what) +
                                " is not a Slack bot token (\"xoxb-\" followed by letters, digits "
                                "and '-')");
  return token;
}

}  // namespace trinity::db
