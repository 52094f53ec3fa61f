// SettingsOperations: system_settings, written with the portable upsert.
#include "trinity/db/settings.hpp"

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/select.hpp>

namespace trinity::db {

using namespace sqlcore;

namespace {

SystemSetting read_setting(const SystemSettings& t, const Row& r) {
  return SystemSetting{
      .key = r.get(t.key), .value = r.get(t.value), .updated_at = r.get(t.updated_at)};
}

}  // namespace

std::optional<SystemSetting> SettingsOperations::get_setting(const std::string& key) {
  return db_.read([&](Connection& c) -> std::optional<SystemSetting> {
    const auto& t = db_.schema().system_settings;
    auto row = c.execute(select(t.key, t.value, t.updated_at).where(t.key == key)).one_or_none();
    if (!row) return std::nullopt;
    return read_setting(t, *row);
  });
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
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().system_settings;
    // INSERT ... ON CONFLICT (key) DO UPDATE SET value, updated_at: the row is updated in place.
    Dml stmt = insert(t);
    stmt.values({{t.key, key}, {t.value, value}, {t.updated_at, now()}})
        .on_conflict({t.key})
        .do_update({t.value, t.updated_at})
        .returning({t.key, t.value, t.updated_at});
    return read_setting(t, c.execute(stmt).one());
  });
}

bool SettingsOperations::delete_setting(const std::string& key) {
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().system_settings;
    return c.execute(delete_from(t).where(t.key == key)).rowcount() > 0;
  });
}

std::vector<SystemSetting> SettingsOperations::get_all_settings() {
  return db_.read([&](Connection& c) {
    const auto& t = db_.schema().system_settings;
    std::vector<SystemSetting> out;
    for (const Row& r : c.execute(select(t.key, t.value, t.updated_at).order_by({t.key})))
      out.push_back(read_setting(t, r));
    return out;
  });
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
