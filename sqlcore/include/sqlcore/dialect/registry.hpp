// The backend registry: URL scheme -> dialect (SQL rendering) and driver (I/O).
// Built-in dialects register on first use; drivers register when their library is linked
// (the sqlcore::sqlcore target arranges that). Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sqlcore {

class Dialect;
class Driver;
class Url;

void register_dialect(std::shared_ptr<const Dialect> dialect);
/// Registers the driver for backend `dialect_name`; a second registration replaces the first.
void register_driver(std::string_view dialect_name, std::shared_ptr<Driver> driver);

/// The dialect for a URL scheme or dialect name; nullptr when none is known.
std::shared_ptr<const Dialect> find_dialect(std::string_view scheme_or_name);
/// The dialect for `url`; throws ArgumentError naming the scheme and the known ones.
std::shared_ptr<const Dialect> dialect_for(const Url& url);
/// The driver for `url`; throws ArgumentError when the backend's driver library is not linked.
std::shared_ptr<Driver> driver_for(const Url& url);
/// Every registered URL scheme, sorted.
std::vector<std::string> known_schemes();

}  // namespace sqlcore
