// The backend registry: URL schemes to dialects and drivers.
#include "sqlcore/dialect/registry.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include "sqlcore/core/error.hpp"
#include "sqlcore/core/url.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/dialect/driver.hpp"

namespace sqlcore {

namespace detail {
void register_builtin_dialects();  // generated from the folders under src/dialects/
}

namespace {

struct Registry {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<const Dialect>, std::less<>> by_scheme;  // scheme & name
  std::map<std::string, std::shared_ptr<Driver>, std::less<>> drivers;           // by dialect name
};

Registry& registry() {
  static Registry r;
  return r;
}

void ensure_builtins() {
  static std::once_flag once;
  std::call_once(once, [] { detail::register_builtin_dialects(); });
}

}  // namespace

void register_dialect(std::shared_ptr<const Dialect> dialect) {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  r.by_scheme[std::string(dialect->name())] = dialect;
  for (const auto& s : dialect->url_schemes()) r.by_scheme[s] = dialect;
}

void register_driver(std::string_view dialect_name, std::shared_ptr<Driver> driver) {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  r.drivers[std::string(dialect_name)] = std::move(driver);
}

std::shared_ptr<const Dialect> find_dialect(std::string_view scheme_or_name) {
  ensure_builtins();
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  auto it = r.by_scheme.find(scheme_or_name);
  return it == r.by_scheme.end() ? nullptr : it->second;
}

std::vector<std::string> known_schemes() {
  ensure_builtins();
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  std::vector<std::string> out;
  for (const auto& [scheme, d] : r.by_scheme) {
    auto schemes = d->url_schemes();
    if (std::find(schemes.begin(), schemes.end(), scheme) != schemes.end()) out.push_back(scheme);
  }
  return out;
}

std::shared_ptr<const Dialect> dialect_for(const Url& url) {
  if (auto d = find_dialect(url.scheme())) return d;
  std::string known;
  for (const auto& s : known_schemes()) known += (known.empty() ? "" : ", ") + s;
  throw ArgumentError("unknown database URL scheme '" + url.scheme() + "' (known: " + known + ")");
}

std::shared_ptr<Driver> driver_for(const Url& url) {
  auto dialect = dialect_for(url);
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  auto it = r.drivers.find(dialect->name());
  if (it == r.drivers.end())
    throw ArgumentError("no driver for " + std::string(dialect->name()) +
                        " is linked into this program: link the target sqlcore::sqlcore (or "
                        "sqlcore::" +
                        std::string(dialect->name()) + ")");
  if (!url.driver().empty() && url.driver() != it->second->name())
    throw ArgumentError("unknown driver '" + url.driver() + "' for " +
                        std::string(dialect->name()) +
                        " (available: " + std::string(it->second->name()) + ")");
  return it->second;
}

}  // namespace sqlcore
