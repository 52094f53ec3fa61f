// Secret scrubbing: database URLs and error messages printed without their passwords.
#include "cli_internal.hpp"

#include <exception>
#include <vector>

#include "sqlcore/core/url.hpp"

namespace sqlcore::cli {

// ---- secrets ----------------------------------------------------------------------------------

namespace {

/// The password in a URL that may not parse: the text between "user:" and "@" after "://".
std::string raw_password(std::string_view url) {
  auto scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  auto at = rest.rfind('@', rest.find_first_of("/?") == std::string_view::npos
                                ? std::string_view::npos
                                : rest.find_first_of("/?"));
  if (at == std::string_view::npos) return {};
  std::string_view userinfo = rest.substr(0, at);
  auto colon = userinfo.find(':');
  if (colon == std::string_view::npos) return {};
  return std::string(userinfo.substr(colon + 1));
}

void replace_all(std::string& s, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (std::size_t pos = s.find(what); pos != std::string::npos;
       pos = s.find(what, pos + with.size())) {
    s.replace(pos, what.size(), with);
  }
}

}  // namespace

/// `url` printable: the Url's redacted form, or for a URL that does not parse the text with its
/// password replaced by ***.
std::string redacted(const std::string& url) {
  try {
    return Url::parse(url).to_string();
  } catch (const std::exception&) {
    std::string out = url;
    const std::string pw = raw_password(url);
    if (!pw.empty()) replace_all(out, ":" + pw + "@", ":***@");
    return out;
  }
}

/// `message` with the URL and its password (decoded or as written) taken out.
std::string scrub(std::string message, const std::string& url) {
  if (url.empty()) return message;
  replace_all(message, url, redacted(url));
  std::vector<std::string> secrets{raw_password(url)};
  try {
    if (auto pw = Url::parse(url).password()) secrets.push_back(*pw);
  } catch (const std::exception&) {
  }
  for (const auto& pw : secrets) {
    if (pw.size() >= 3) replace_all(message, pw, "***");
  }
  return message;
}

/// The message for a URL that does not parse, names no known backend or has a bad setting.
std::string bad_url(const std::exception& e, const std::string& url) {
  return scrub(e.what(), url) + " (in " + redacted(url) +
         "); fix --url or DATABASE_URL, e.g. sqlite:///app.db or "
         "postgresql://user:password@host/dbname";
}

}  // namespace sqlcore::cli
