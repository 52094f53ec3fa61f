// SettingsOperations on every backend: get/set (an upsert that updates in place), defaults,
// delete, the listing and the map, and rollback inside the facade's transaction.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "trinity/db/settings.hpp"

using namespace sqlcore;
using trinity::db::SystemSetting;

namespace {

class TrinitySettingsTest : public trinity_test::TrinityTest {
 protected:
  trinity::db::SettingsOperations& ops() { return dbm().settings(); }
};

TEST_P(TrinitySettingsTest, MissingSettingsAreNotFound) {
  EXPECT_FALSE(ops().get_setting("nope"));
  EXPECT_EQ(ops().get_setting_value("nope"), std::nullopt);
  EXPECT_EQ(ops().get_setting_value("nope", "fallback"), std::optional<std::string>("fallback"));
  EXPECT_FALSE(ops().delete_setting("nope"));
  EXPECT_TRUE(ops().get_all_settings().empty());
  EXPECT_TRUE(ops().get_settings_dict().empty());
}

TEST_P(TrinitySettingsTest, SetSettingInsertsThenUpdatesInPlace) {
  const Timestamp before = Timestamp::now();
  const SystemSetting first = ops().set_setting("theme", "dark");
  EXPECT_EQ(first.key, "theme");
  EXPECT_EQ(first.value, "dark");
  EXPECT_GE(first.updated_at.micros(), before.micros() - 1'000'000);

  const auto got = ops().get_setting("theme");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->value, "dark");
  EXPECT_EQ(got->updated_at, first.updated_at);
  EXPECT_EQ(ops().get_setting_value("theme", "light"), std::optional<std::string>("dark"));

  const SystemSetting second = ops().set_setting("theme", "light");
  EXPECT_EQ(second.value, "light");
  EXPECT_GE(second.updated_at, first.updated_at);
  EXPECT_EQ(ops().get_setting_value("theme"), std::optional<std::string>("light"));
  EXPECT_EQ(rows("system_settings"), 1);

  // An empty value is a value.
  ops().set_setting("motd", "");
  EXPECT_EQ(ops().get_setting_value("motd", "x"), std::optional<std::string>(""));
}

TEST_P(TrinitySettingsTest, DeleteListAndDict) {
  ops().set_setting("b", "2");
  ops().set_setting("a", "1");
  ops().set_setting("c", "3");
  std::vector<std::string> keys;
  for (const auto& st : ops().get_all_settings()) keys.push_back(st.key + "=" + st.value);
  EXPECT_EQ(keys, (std::vector<std::string>{"a=1", "b=2", "c=3"}));
  EXPECT_EQ(ops().get_settings_dict(),
            (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}, {"c", "3"}}));

  EXPECT_TRUE(ops().delete_setting("b"));
  EXPECT_FALSE(ops().delete_setting("b"));
  EXPECT_FALSE(ops().get_setting("b"));
  EXPECT_EQ(ops().get_settings_dict(),
            (std::map<std::string, std::string>{{"a", "1"}, {"c", "3"}}));
}

TEST_P(TrinitySettingsTest, SettingsRollBackWithTheFacadeTransaction) {
  ops().set_setting("keep", "old");
  EXPECT_THROW(dbm().transaction([&] {
    ops().set_setting("keep", "new");
    ops().set_setting("fresh", "1");
    ops().delete_setting("keep");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(ops().get_settings_dict(), (std::map<std::string, std::string>{{"keep", "old"}}));
}

SQLCORE_BACKEND_TEST_SUITE(TrinitySettingsTest);

}  // namespace
