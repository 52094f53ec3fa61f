// SettingsOperations: platform-wide key/value settings (table system_settings).
//
//   dbm.settings().set_setting("theme", "dark");                 // insert or update
//   dbm.settings().get_setting_value("theme", "light");          // "dark"
//
// set_setting() is one portable upsert (INSERT ... ON CONFLICT (key) DO UPDATE value,
// updated_at): the row is updated in place, never deleted and re-inserted.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

#include "trinity/db/db.hpp"

namespace trinity::db {

/// One setting.
struct SystemSetting {
  std::string key;
  std::string value;
  sqlcore::Timestamp updated_at;
};

class SettingsOperations {
 public:
  explicit SettingsOperations(Db& db) : db_(db) {}

  std::optional<SystemSetting> get_setting(const std::string& key);
  /// The value of `key`, else `default_value`.
  std::optional<std::string> get_setting_value(
      const std::string& key, const std::optional<std::string>& default_value = std::nullopt);
  /// Inserts or updates `key`; returns the stored setting (updated_at is now).
  SystemSetting set_setting(const std::string& key, const std::string& value);
  /// True when the setting existed.
  bool delete_setting(const std::string& key);
  /// Every setting, ordered by key.
  std::vector<SystemSetting> get_all_settings();
  /// Every setting as key -> value.
  std::map<std::string, std::string> get_settings_dict();

 private:
  Db& db_;
};

}  // namespace trinity::db
