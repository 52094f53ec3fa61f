// TagOperations on every backend: normalised tags, add/remove/set (kept tags keep their row),
// counts, lookups by one tag and by all of several, the per-agent map, an unknown agent as
// NotFoundError (the foreign key to agent_ownership), and rollback in the facade's transaction.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "trinity/db/errors.hpp"
#include "trinity/db/tags.hpp"

using namespace sqlcore;
using trinity::db::NotFoundError;
using Names = std::vector<std::string>;

namespace {

class TrinityTagsTest : public trinity_test::TrinityTest {
 protected:
  void SetUp() override {
    TrinityTest::SetUp();
    const auto owner = dbm().users().create_user({.username = "owner"});
    auto c = dbm().engine().connect();
    const auto& a = s().agent_ownership;
    for (const char* name : {"alpha", "beta", "gamma"})
      c.execute(insert(a).values({{a.agent_name, name}, {a.owner_id, owner.id}}));
  }
  trinity::db::TagOperations& ops() { return dbm().tags(); }
};

TEST_P(TrinityTagsTest, AddAndRemoveNormalisedTags) {
  EXPECT_TRUE(ops().get_agent_tags("alpha").empty());
  EXPECT_EQ(ops().add_tag("alpha", "Prod"), Names{"prod"});
  EXPECT_EQ(ops().add_tag("alpha", "  prod "), Names{"prod"});  // the same tag
  EXPECT_EQ(ops().add_tag("alpha", "team-a"), (Names{"prod", "team-a"}));
  EXPECT_EQ(ops().get_agent_tags("alpha"), (Names{"prod", "team-a"}));
  EXPECT_EQ(rows("agent_tags"), 2);

  EXPECT_EQ(ops().remove_tag("alpha", "PROD"), Names{"team-a"});
  EXPECT_EQ(ops().remove_tag("alpha", "absent"), Names{"team-a"});
  EXPECT_EQ(ops().get_agent_tags("alpha"), Names{"team-a"});
  EXPECT_THROW(ops().add_tag("alpha", "   "), std::invalid_argument);
  EXPECT_THROW(ops().remove_tag("alpha", ""), std::invalid_argument);
}

TEST_P(TrinityTagsTest, UnknownAgentIsNotFound) {
  EXPECT_THROW(ops().add_tag("ghost", "prod"), NotFoundError);
  EXPECT_THROW(ops().set_agent_tags("ghost", {"a", "b"}), NotFoundError);
  EXPECT_TRUE(ops().get_agent_tags("ghost").empty());
  EXPECT_TRUE(ops().set_agent_tags("ghost", {}).empty());  // nothing to write
  EXPECT_TRUE(ops().remove_tag("ghost", "prod").empty());
  EXPECT_NO_THROW(ops().delete_agent_tags("ghost"));
  EXPECT_EQ(rows("agent_tags"), 0);
  // Inside a transaction the failed insert leaves it usable.
  dbm().transaction([&] {
    EXPECT_THROW(ops().add_tag("ghost", "prod"), NotFoundError);
    ops().add_tag("alpha", "prod");
  });
  EXPECT_EQ(ops().get_agent_tags("alpha"), Names{"prod"});
}

TEST_P(TrinityTagsTest, SetAgentTagsReplacesTheSet) {
  ops().add_tag("alpha", "keep");
  ops().add_tag("alpha", "drop");
  Timestamp kept_at;
  {
    auto c = dbm().engine().connect();
    const auto& t = s().agent_tags;
    kept_at = *c.execute(select(t.created_at).where(t.agent_name == "alpha" && t.tag == "keep"))
                   .scalar<std::optional<Timestamp>>();
  }
  EXPECT_EQ(ops().set_agent_tags("alpha", {"new", "KEEP", "new", " extra "}),
            (Names{"extra", "keep", "new"}));
  EXPECT_EQ(ops().get_agent_tags("alpha"), (Names{"extra", "keep", "new"}));
  {
    // The kept tag kept its row.
    auto c = dbm().engine().connect();
    const auto& t = s().agent_tags;
    EXPECT_EQ(*c.execute(select(t.created_at).where(t.agent_name == "alpha" && t.tag == "keep"))
                   .scalar<std::optional<Timestamp>>(),
              kept_at);
  }
  // An invalid tag changes nothing.
  EXPECT_THROW(ops().set_agent_tags("alpha", {"ok", ""}), std::invalid_argument);
  EXPECT_EQ(ops().get_agent_tags("alpha"), (Names{"extra", "keep", "new"}));
  EXPECT_TRUE(ops().set_agent_tags("alpha", {}).empty());
  EXPECT_EQ(rows("agent_tags"), 0);
}

TEST_P(TrinityTagsTest, CountsAndLookups) {
  ops().set_agent_tags("alpha", {"prod", "team-a", "gpu"});
  ops().set_agent_tags("beta", {"prod", "team-b"});
  ops().set_agent_tags("gamma", {"prod", "team-a"});

  std::vector<std::string> listed;
  for (const auto& t : ops().list_all_tags())
    listed.push_back(t.tag + ":" + std::to_string(t.count));
  EXPECT_EQ(listed, (Names{"prod:3", "team-a:2", "gpu:1", "team-b:1"}));

  EXPECT_EQ(ops().get_agents_by_tag("PROD"), (Names{"alpha", "beta", "gamma"}));
  EXPECT_EQ(ops().get_agents_by_tag("team-a"), (Names{"alpha", "gamma"}));
  EXPECT_TRUE(ops().get_agents_by_tag("none").empty());

  // Every tag (AND).
  EXPECT_EQ(ops().get_agents_by_tags({"prod", "team-a"}), (Names{"alpha", "gamma"}));
  EXPECT_EQ(ops().get_agents_by_tags({"prod", "Team-A", "gpu"}), Names{"alpha"});
  EXPECT_EQ(ops().get_agents_by_tags({"prod", "prod"}), (Names{"alpha", "beta", "gamma"}));
  EXPECT_TRUE(ops().get_agents_by_tags({"team-a", "team-b"}).empty());
  EXPECT_TRUE(ops().get_agents_by_tags({"prod", "none"}).empty());
  EXPECT_TRUE(ops().get_agents_by_tags({}).empty());

  const auto map = ops().get_tags_for_agents({"alpha", "beta", "ghost"});
  EXPECT_EQ(
      map, (std::map<std::string, Names>{
               {"alpha", {"gpu", "prod", "team-a"}}, {"beta", {"prod", "team-b"}}, {"ghost", {}}}));
  EXPECT_TRUE(ops().get_tags_for_agents({}).empty());

  ops().delete_agent_tags("alpha");
  EXPECT_TRUE(ops().get_agent_tags("alpha").empty());
  EXPECT_EQ(ops().get_agents_by_tag("gpu"), Names{});
  listed.clear();
  for (const auto& t : ops().list_all_tags())
    listed.push_back(t.tag + ":" + std::to_string(t.count));
  EXPECT_EQ(listed, (Names{"prod:2", "team-a:1", "team-b:1"}));
}

TEST_P(TrinityTagsTest, TagsRollBackWithTheFacadeTransaction) {
  ops().set_agent_tags("alpha", {"old"});
  EXPECT_THROW(dbm().transaction([&] {
    ops().set_agent_tags("alpha", {"new"});
    ops().add_tag("beta", "x");
    ops().delete_agent_tags("alpha");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(ops().get_agent_tags("alpha"), Names{"old"});
  EXPECT_TRUE(ops().get_agent_tags("beta").empty());
}

SQLCORE_BACKEND_TEST_SUITE(TrinityTagsTest);

}  // namespace
