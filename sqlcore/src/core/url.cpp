// Url: DATABASE_URL parsing (with exact error messages), rendering and the environment lookup.
#include "sqlcore/core/url.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "sqlcore/core/error.hpp"

namespace sqlcore {

namespace {

[[noreturn]] void bad(const std::string& what) {
  throw ArgumentError("malformed database URL: " + what);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view s, const char* part) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) bad(std::string("invalid percent-escape in the ") + part);
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// Percent-encodes everything but unreserved characters and those in `keep`.
std::string encode(std::string_view s, std::string_view keep = {}) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~' || keep.find(c) != keep.npos;
    if (plain) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// `host` (as written) names the place in messages; the port text is never shown: when a password
// holds an unencoded '/', '?' or '@', its text ends up here.
int parse_port(std::string_view p, std::string_view host) {
  const std::string where = "after host '" + std::string(host) + "'";
  if (p.empty()) bad("empty port after ':' " + where);
  if (p.size() > 5 || !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; }))
    bad("invalid port " + where + " (expected a number from 1 to 65535)");
  int v = std::stoi(std::string(p));
  if (v < 1 || v > 65535) bad("port " + where + " is out of range (1 to 65535)");
  return v;
}

Url::Host parse_host(std::string_view h) {
  Url::Host host;
  if (!h.empty() && h.front() == '[') {
    auto close = h.find(']');
    if (close == h.npos) bad("unterminated '[' in an IPv6 host");
    host.name = std::string(h.substr(1, close - 1));
    if (host.name.empty()) bad("empty IPv6 host '[]'");
    if (!std::all_of(host.name.begin(), host.name.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '.' || c == '%' ||
                 c == '-' || c == '_';
        }))
      bad("invalid characters in a bracketed IPv6 host");
    std::string_view rest = h.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') bad("unexpected characters after an IPv6 host");
      host.port = parse_port(rest.substr(1), h.substr(0, close + 1));
    }
    return host;
  }
  auto colon = h.rfind(':');
  if (colon != h.npos) {
    host.port = parse_port(h.substr(colon + 1), h.substr(0, colon));
    h = h.substr(0, colon);
  }
  if (h.find(':') != h.npos)
    bad("a host name contains ':' (put an IPv6 address in brackets; or is an '@' missing after "
        "the user name and password?)");
  host.name = decode(h, "host");
  return host;
}

}  // namespace

Url Url::parse(std::string_view text) {
  Url url;
  auto sep = text.find("://");
  if (sep == text.npos) {
    if (text.empty()) bad("the URL is empty");
    bad("expected '<scheme>://...' such as sqlite:///app.db or postgresql://user@host/db");
  }
  std::string_view scheme = text.substr(0, sep);
  if (scheme.empty()) bad("missing scheme before '://'");
  if (!std::isalpha(static_cast<unsigned char>(scheme.front())) ||
      !std::all_of(scheme.begin(), scheme.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
      }))
    bad("invalid scheme '" + std::string(scheme) + "'");
  auto plus = scheme.find('+');
  url.scheme_ = lower(scheme.substr(0, plus));
  if (plus != scheme.npos) {
    url.driver_ = lower(scheme.substr(plus + 1));
    if (url.driver_.empty()) bad("empty driver name after '+' in the scheme");
  }
  url.backend_ = url.scheme_ == "postgres" ? "postgresql" : url.scheme_;

  std::string_view rest = text.substr(sep + 3);
  if (rest.find('#') != rest.npos) bad("'#' is not allowed (percent-encode it as %23)");
  std::string_view query;
  if (auto q = rest.find('?'); q != rest.npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (!query.empty()) {
    std::size_t start = 0;
    while (start <= query.size()) {
      auto amp = query.find('&', start);
      std::string_view item = query.substr(start, amp == query.npos ? query.npos : amp - start);
      if (!item.empty()) {
        auto eq = item.find('=');
        std::string key = decode(item.substr(0, eq), "query");
        if (key.empty()) bad("a query parameter has no name");
        std::string value = eq == item.npos ? std::string() : decode(item.substr(eq + 1), "query");
        url.query_.emplace_back(std::move(key), std::move(value));
      }
      if (amp == query.npos) break;
      start = amp + 1;
    }
  }

  if (url.backend_ == "sqlite") {
    if (rest.empty()) return url;  // sqlite:// is in-memory
    if (rest.front() != '/')
      bad("a sqlite URL takes no host: write sqlite:///relative.db or sqlite:////absolute.db");
    url.database_ = decode(rest.substr(1), "path");
    return url;
  }

  std::string_view authority = rest;
  if (auto slash = rest.find('/'); slash != rest.npos) {
    authority = rest.substr(0, slash);
    std::string_view name = rest.substr(slash + 1);
    if (name.find('/') != name.npos)
      bad("the database name contains '/' (percent-encode it as %2F)");
    url.database_ = decode(name, "database name");
  }
  if (auto at = authority.rfind('@'); at != authority.npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = userinfo.find(':');
    url.username_ = decode(userinfo.substr(0, colon), "user name");
    if (colon != userinfo.npos) url.password_ = decode(userinfo.substr(colon + 1), "password");
    if (url.username_->empty() && !url.password_) url.username_.reset();
  }
  if (!authority.empty()) {
    std::size_t start = 0;
    while (true) {
      auto comma = authority.find(',', start);
      std::string_view h =
          authority.substr(start, comma == authority.npos ? authority.npos : comma - start);
      if (h.empty()) bad("empty host in the host list");
      url.hosts_.push_back(parse_host(h));
      if (comma == authority.npos) break;
      start = comma + 1;
    }
  }
  return url;
}

std::optional<std::string> Url::query_value(std::string_view key) const {
  std::optional<std::string> out;
  for (const auto& [k, v] : query_)
    if (k == key) out = v;  // the last one wins, as in libpq
  return out;
}

Url Url::without_query_keys(const std::vector<std::string_view>& keys) const {
  Url u = *this;
  std::erase_if(u.query_, [&](const auto& kv) {
    return std::find(keys.begin(), keys.end(), kv.first) != keys.end();
  });
  return u;
}

Url Url::with_query(std::string key, std::string value) const {
  Url u = *this;
  u.query_.emplace_back(std::move(key), std::move(value));
  return u;
}

Url Url::with_database(std::string database) const {
  Url u = *this;
  u.database_ = std::move(database);
  return u;
}

Url Url::with_hosts(std::vector<Host> hosts) const {
  Url u = *this;
  u.hosts_ = std::move(hosts);
  return u;
}

std::string Url::render(bool hide_password) const {
  std::string out = scheme_;
  if (!driver_.empty()) out += "+" + driver_;
  out += "://";
  if (backend_ == "sqlite") {
    if (!database_.empty()) out += "/" + encode(database_, "/:");
  } else {
    if (username_ || password_) {
      out += encode(username_.value_or(""));
      if (password_) out += ":" + (hide_password ? std::string("***") : encode(*password_));
      out += "@";
    }
    for (std::size_t i = 0; i < hosts_.size(); ++i) {
      if (i > 0) out += ",";
      const Host& h = hosts_[i];
      const bool ipv6 = h.name.find(':') != std::string::npos &&
                        std::all_of(h.name.begin(), h.name.end(), [](char c) {
                          return std::isalnum(static_cast<unsigned char>(c)) || c == ':' ||
                                 c == '.' || c == '%' || c == '-' || c == '_';
                        });
      if (ipv6) {
        out += "[" + h.name + "]";
      } else {
        out += encode(h.name);
      }
      if (h.port) out += ":" + std::to_string(*h.port);
    }
    if (!database_.empty()) out += "/" + encode(database_);
  }
  for (std::size_t i = 0; i < query_.size(); ++i) {
    out += i == 0 ? "?" : "&";
    bool secret = query_[i].first.find("password") != std::string::npos;  // sslpassword too
    out += encode(query_[i].first) + "=" +
           (secret && hide_password ? std::string("***") : encode(query_[i].second, "/:,"));
  }
  return out;
}

std::string database_url_from_env(std::string_view default_url, const char* var) {
  const char* v = std::getenv(var);
  if (v != nullptr && *v != '\0') return v;
  return std::string(default_url);
}

}  // namespace sqlcore
