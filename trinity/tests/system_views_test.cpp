// SystemViewOperations on every backend: create / get / update / delete, filter tags normalised
// and stored as JSON, agent counts over registered agents, the user's own and shared views in
// name order, who may edit or see a view (owner, other user, admin, shared), unknown owners and
// views, bad input refused with nothing written, and rollback in the facade's transaction.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/system_views.hpp"

using namespace sqlcore;
using trinity::db::NotFoundError;
using trinity::db::SystemView;
using Names = std::vector<std::string>;

namespace {

class TrinitySystemViewsTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    std::tie(ada_, bob_) = add_ada_and_bob();
    for (const char* name : {"alpha", "beta", "gamma"}) add_agent(name, ada_);
    dbm().tags().set_agent_tags("alpha", {"prod", "team-a"});
    dbm().tags().set_agent_tags("beta", {"prod"});
    dbm().tags().set_agent_tags("gamma", {"dev", "team-a"});
  }
  static Names names(const std::vector<SystemView>& views) {
    Names out;
    for (const auto& v : views) out.push_back(v.name);
    return out;
  }
  trinity::db::SystemViewOperations& ops() { return dbm().system_views(); }
  std::int64_t ada_ = 0, bob_ = 0;
};

TEST_P(TrinitySystemViewsTest, CreateGetUpdateAndDelete) {
  const Timestamp before = Timestamp::now();
  const auto v = ops().create_view(ada_, {.name = "  Production ",
                                          .description = "live agents",
                                          .icon = "rocket",
                                          .filter_tags = {" Prod", "prod", "TEAM-A"}});
  EXPECT_EQ(v.id.size(), 32u);
  EXPECT_EQ(v.name, "Production");
  EXPECT_EQ(v.description, "live agents");
  EXPECT_EQ(v.icon, "rocket");
  EXPECT_FALSE(v.color);
  EXPECT_EQ(v.filter_tags, (Names{"prod", "team-a"}));  // normalised, sorted, no duplicates
  EXPECT_EQ(v.owner_id, ada_);
  EXPECT_FALSE(v.is_shared);
  ASSERT_TRUE(v.created_at);
  EXPECT_GE(v.created_at->micros(), before.micros() - 1'000'000);
  EXPECT_EQ(v.updated_at, v.created_at);
  EXPECT_EQ(v.agent_count, 3);  // alpha, beta (prod) and gamma (team-a), alpha counted once

  const auto got = ops().get_view(v.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, v.name);
  EXPECT_EQ(got->filter_tags, v.filter_tags);
  EXPECT_EQ(got->created_at, v.created_at);
  EXPECT_EQ(got->agent_count, 3);
  EXPECT_EQ(ops().get_view_owner(v.id), ada_);
  EXPECT_FALSE(ops().get_view("nope"));
  EXPECT_FALSE(ops().get_view_owner("nope"));

  // Only the fields given change; updated_at moves.
  const auto changed =
      ops().update_view(v.id, {.name = "Prod", .color = "red", .filter_tags = Names{"DEV"}});
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->name, "Prod");
  EXPECT_EQ(changed->description, "live agents");
  EXPECT_EQ(changed->icon, "rocket");
  EXPECT_EQ(changed->color, "red");
  EXPECT_EQ(changed->filter_tags, Names{"dev"});
  EXPECT_FALSE(changed->is_shared);
  EXPECT_EQ(changed->created_at, v.created_at);
  EXPECT_GE(*changed->updated_at, *v.updated_at);
  EXPECT_EQ(changed->agent_count, 1);
  const auto shared = ops().update_view(v.id, {.is_shared = true});
  ASSERT_TRUE(shared);
  EXPECT_TRUE(shared->is_shared);
  EXPECT_EQ(shared->filter_tags, Names{"dev"});
  EXPECT_EQ(ops().get_view(v.id)->color, "red");
  EXPECT_FALSE(ops().update_view("nope", {.name = "x"}));

  EXPECT_TRUE(ops().delete_view(v.id));
  EXPECT_FALSE(ops().delete_view(v.id));
  EXPECT_FALSE(ops().get_view(v.id));
  EXPECT_EQ(rows("system_views"), 0);
}

TEST_P(TrinitySystemViewsTest, FilterTagsAreJsonAndAgentCountsSkipTheUnregistered) {
  const auto none = ops().create_view(ada_, {.name = "Empty"});
  EXPECT_TRUE(none.filter_tags.empty());
  EXPECT_EQ(none.agent_count, 0);
  const auto dev = ops().create_view(ada_, {.name = "Dev", .filter_tags = {"dev", "unused"}});
  EXPECT_EQ(dev.agent_count, 1);
  {  // stored as a JSON array of strings
    auto c = dbm().engine().connect();
    const auto& v = s().system_views;
    const Json stored = c.execute(select(v.filter_tags).where(v.id == dev.id)).scalar<Json>();
    EXPECT_EQ(stored, Json::parse(R"(["dev", "unused"])"));
    // A soft-deleted agent is not counted.
    const auto& a = s().agent_ownership;
    c.execute(update(a).set({{a.deleted_at, Timestamp::now()}}).where(a.agent_name == "gamma"));
  }
  EXPECT_EQ(ops().get_view(dev.id)->agent_count, 0);
  // Counts for several views come with the list.
  ops().create_view(ada_, {.name = "Prod", .filter_tags = {"prod"}});
  const auto all = ops().list_all_views();
  ASSERT_EQ(names(all), (Names{"Dev", "Empty", "Prod"}));
  EXPECT_EQ(all[0].agent_count, 0);
  EXPECT_EQ(all[1].agent_count, 0);
  EXPECT_EQ(all[2].agent_count, 2);
}

TEST_P(TrinitySystemViewsTest, UsersSeeTheirOwnAndSharedViewsInNameOrder) {
  EXPECT_TRUE(ops().list_user_views(ada_).empty());
  EXPECT_TRUE(ops().list_all_views().empty());
  ops().create_view(ada_, {.name = "b-private"});
  ops().create_view(ada_, {.name = "a-shared", .is_shared = true});
  ops().create_view(bob_, {.name = "c-bobs"});
  ops().create_view(bob_, {.name = "0-bobs-shared", .is_shared = true});
  EXPECT_EQ(names(ops().list_user_views(ada_)), (Names{"0-bobs-shared", "a-shared", "b-private"}));
  EXPECT_EQ(names(ops().list_user_views(bob_)), (Names{"0-bobs-shared", "a-shared", "c-bobs"}));
  EXPECT_EQ(names(ops().list_user_views(9999)), (Names{"0-bobs-shared", "a-shared"}));
  EXPECT_EQ(names(ops().list_all_views()),
            (Names{"0-bobs-shared", "a-shared", "b-private", "c-bobs"}));
}

TEST_P(TrinitySystemViewsTest, OwnersAndAdminsEditOwnersAndEveryoneSeeShared) {
  const auto priv = ops().create_view(ada_, {.name = "private"});
  const auto shared = ops().create_view(ada_, {.name = "shared", .is_shared = true});
  // Owner.
  EXPECT_TRUE(ops().can_user_edit_view(ada_, priv.id));
  EXPECT_TRUE(ops().can_user_view(ada_, priv.id));
  // Another user: sees the shared view only, edits neither.
  EXPECT_FALSE(ops().can_user_edit_view(bob_, priv.id));
  EXPECT_FALSE(ops().can_user_edit_view(bob_, shared.id));
  EXPECT_FALSE(ops().can_user_view(bob_, priv.id));
  EXPECT_TRUE(ops().can_user_view(bob_, shared.id));
  // An admin edits any view.
  EXPECT_TRUE(ops().can_user_edit_view(bob_, priv.id, true));
  EXPECT_TRUE(ops().can_user_edit_view(bob_, shared.id, true));
  // An unknown view: false for everyone.
  EXPECT_FALSE(ops().can_user_edit_view(ada_, "nope"));
  EXPECT_FALSE(ops().can_user_edit_view(ada_, "nope", true));
  EXPECT_FALSE(ops().can_user_view(ada_, "nope"));
  // Unsharing hides it again.
  ops().update_view(shared.id, {.is_shared = false});
  EXPECT_FALSE(ops().can_user_view(bob_, shared.id));
  EXPECT_EQ(ops().get_view_owner(shared.id), ada_);
}

TEST_P(TrinitySystemViewsTest, BadInputAndUnknownOwnersAreRefusedWithNothingWritten) {
  for (const std::string& bad : Names{"", "  ", "a\tb", std::string(256, 'x')})
    EXPECT_THROW(ops().create_view(ada_, {.name = bad}), std::invalid_argument) << bad;
  EXPECT_THROW(ops().create_view(ada_, {.name = "ok", .filter_tags = {"prod", " "}}),
               std::invalid_argument);
  try {
    ops().create_view(9999, {.name = "orphan"});
    FAIL() << "no NotFoundError";
  } catch (const NotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("9999"), std::string::npos) << e.what();
  }
  EXPECT_EQ(rows("system_views"), 0);

  const auto v = ops().create_view(ada_, {.name = "kept", .filter_tags = {"prod"}});
  EXPECT_THROW(ops().update_view(v.id, {.name = "", .is_shared = true}), std::invalid_argument);
  EXPECT_THROW(ops().update_view(v.id, {.filter_tags = Names{""}, .is_shared = true}),
               std::invalid_argument);
  const auto stored = ops().get_view(v.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->name, "kept");
  EXPECT_EQ(stored->filter_tags, Names{"prod"});
  EXPECT_FALSE(stored->is_shared);
  EXPECT_EQ(stored->updated_at, v.updated_at);
}

TEST_P(TrinitySystemViewsTest, ViewsRollBackWithTheFacadeTransaction) {
  const auto kept = ops().create_view(ada_, {.name = "kept"});
  EXPECT_THROW(dbm().transaction([&] {
    const auto made = ops().create_view(bob_, {.name = "made", .is_shared = true});
    EXPECT_TRUE(ops().update_view(kept.id, {.name = "renamed"}));
    EXPECT_EQ(names(ops().list_user_views(ada_)), (Names{"made", "renamed"}));  // its own work
    EXPECT_TRUE(ops().can_user_view(ada_, made.id));
    EXPECT_TRUE(ops().delete_view(kept.id));
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(names(ops().list_all_views()), Names{"kept"});
  EXPECT_EQ(rows("system_views"), 1);
}

}  // namespace

SQLCORE_BACKEND_TEST_SUITE(TrinitySystemViewsTest);
