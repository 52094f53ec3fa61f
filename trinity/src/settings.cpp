// SettingsOperations: system_settings, written with the portable upsert.
#include "trinity/db/settings.hpp"

#include "operation.hpp"

namespace trinity::db {

std::optional<SystemSetting> SettingsOperations::get_setting(const std::string& key) {
  return db_.find(db_.models().system_setting, db_.schema().system_settings.key == key);
}

std::optional<std::string> SettingsOperations::get_setting_value(
    const std::string& key, const std::optional<std::string>& default_value) {
  return db_.read([&](Connection& c) -> std::optional<std::string> {
    const auto& t = db_.schema().system_settings;
    auto row = c.execute(select(t.value).where(t.key == key)).one_or_none();
    if (!row) return default_value;
    return row->get(t.value);
  });
}

SystemSetting SettingsOperations::set_setting(const std::string& key, const std::string& value) {
  const auto& [t, m] = std::tie(db_.schema().system_settings, db_.models().system_setting);
  // INSERT ... ON CONFLICT (key) DO UPDATE SET value, updated_at: the row is updated in place.
  auto stmt = m.insert({{t.key, key}, {t.value, value}, {t.updated_at, now()}});
  stmt.on_conflict({t.key}).do_update({t.value, t.updated_at});
  return db_.run([&](Connection& c) { return m.one(c, stmt); });
}

bool SettingsOperations::delete_setting(const std::string& key) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().system_settings;
    return c.execute(delete_from(t).where(t.key == key)).rowcount() > 0;
  });
}

std::vector<SystemSetting> SettingsOperations::get_all_settings() {
  const auto& m = db_.models().system_setting;
  return db_.all(m, m.select().order_by({db_.schema().system_settings.key}));
}

std::map<std::string, std::string> SettingsOperations::get_settings_dict() {
  return db_.read([&](Connection& c) {
    const auto& t = db_.schema().system_settings;
    std::map<std::string, std::string> out;
    for (const Row& r : c.execute(select(t.key, t.value)))
      out.emplace(r.get(t.key), r.get(t.value));
    return out;
  });
}

}  // namespace trinity::db
