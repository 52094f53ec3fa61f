// Url: a parsed DATABASE_URL (`sqlite:///path.db`, `postgresql://user:pw@host:5432/db?...`).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sqlcore {

/// A parsed database URL. Forms:
///   sqlite://                     in-memory database      sqlite:///:memory:  the same
///   sqlite:///relative/path.db    relative to the working directory
///   sqlite:////absolute/path.db   absolute path
///   postgresql://user:pass@host:port/dbname?key=value&...   (also postgres://)
///   postgresql://u@h1:5432,h2:5433/db     libpq multi-host list (failover)
///   postgresql://u@%2Fvar%2Frun%2Fpostgresql/db   a unix-socket directory as the host
///   postgresql:///db?host=/var/run/postgresql     the same, libpq style
/// A `+driver` suffix names a driver explicitly: `postgresql+libpq://...`.
/// Components are percent-decoded. Parsing checks syntax only; whether a backend exists for the
/// scheme is checked by create_engine().
class Url {
 public:
  struct Host {
    std::string name;  // host name, IP address (IPv6 without brackets) or socket directory
    std::optional<int> port;
    friend bool operator==(const Host&, const Host&) = default;
  };

  /// Throws ArgumentError naming what is wrong (no scheme, bad port, bad percent-escape, ...).
  static Url parse(std::string_view url);

  /// The scheme's backend name, normalised: "sqlite", "postgresql" ("postgres" maps here).
  const std::string& backend() const { return backend_; }
  /// The scheme as written but lower-cased, without the driver suffix ("postgres" stays).
  const std::string& scheme() const { return scheme_; }
  /// The `+driver` suffix, empty when none was given.
  const std::string& driver() const { return driver_; }
  const std::optional<std::string>& username() const { return username_; }
  const std::optional<std::string>& password() const { return password_; }
  const std::vector<Host>& hosts() const { return hosts_; }
  /// PostgreSQL: the database name. SQLite: the file path ("" or ":memory:" mean in-memory).
  const std::string& database() const { return database_; }
  const std::vector<std::pair<std::string, std::string>>& query() const { return query_; }
  std::optional<std::string> query_value(std::string_view key) const;

  /// SQLite only: true for an in-memory database.
  bool is_memory() const { return database_.empty() || database_ == ":memory:"; }

  /// A copy without the given query keys (the engine strips its own settings before the driver).
  Url without_query_keys(const std::vector<std::string_view>& keys) const;
  Url with_query(std::string key, std::string value) const;
  Url with_database(std::string database) const;
  /// A copy that names other hosts (the same user, database and query): a replica's URL.
  Url with_hosts(std::vector<Host> hosts) const;

  /// The URL text with the password (and any query setting whose name contains "password")
  /// shown as `***`: safe for logs and messages.
  std::string to_string() const { return render(true); }
  /// The URL text including the password.
  std::string render(bool hide_password) const;

  friend bool operator==(const Url&, const Url&) = default;

 private:
  std::string scheme_, backend_, driver_;
  std::optional<std::string> username_, password_;
  std::vector<Host> hosts_;
  std::string database_;
  std::vector<std::pair<std::string, std::string>> query_;
};

/// The value of environment variable `var` (DATABASE_URL), or `default_url` when it is unset or
/// empty.
std::string database_url_from_env(std::string_view default_url, const char* var = "DATABASE_URL");

}  // namespace sqlcore
