// Foreign keys enforced with their actions (RESTRICT, SET NULL, CASCADE on delete and update).
#include "conformance/schema_fixture.hpp"

using namespace sqlcore;

namespace sqlcore_test {
namespace {

// ---- 7. foreign keys ------------------------------------------------------------------------

TEST_P(SchemaTest, ForeignKeysAreEnforcedWithTheirActions) {
  declare_blog(md_);
  md_.create_all(engine());
  const Table& users = md_.table("users");
  const Table& posts = md_.table("posts");
  auto c = engine().connect();
  auto ann = insert(c, users, {{"username", "ann"}});
  auto bob = insert(c, users, {{"username", "bob"}});
  auto cat = insert(c, users, {{"username", "cat"}});
  auto post = [&](const std::string& slug, std::vector<std::pair<std::string, Value>> more) {
    more.emplace_back("slug", slug);
    more.emplace_back("title", "title " + slug);
    return insert(c, posts, more);
  };
  auto p1 = post("one", {{"user_id", ann}, {"editor_id", bob}, {"reviewer_id", cat}});
  auto p2 = post("two", {{"user_id", ann}});
  auto p3 = post("three", {{"user_id", bob}});

  // A key that refers to nothing.
  for (const char* col : {"user_id", "editor_id", "reviewer_id"}) {
    SCOPED_TRACE(col);
    try {
      std::vector<std::pair<std::string, Value>> cols{{col, 999}};
      if (std::string(col) != "user_id") cols.emplace_back("user_id", ann);
      post(std::string("bad-") + col, cols);
      ADD_FAILURE() << "expected IntegrityError";
    } catch (const IntegrityError& e) {
      EXPECT_EQ(e.kind(), IntegrityKind::foreign_key) << e.what();
    }
  }
  // RESTRICT: cat reviews a post and cannot be deleted.
  try {
    c.execute(text("DELETE FROM " + q("users") + " WHERE " + q("id") + " = :id"), {{"id", cat}});
    ADD_FAILURE() << "expected IntegrityError";
  } catch (const IntegrityError& e) {
    EXPECT_EQ(e.kind(), IntegrityKind::foreign_key) << e.what();
  }
  // SET NULL: bob edits p1; ON DELETE CASCADE: bob's own post goes with him.
  c.execute(text("DELETE FROM " + q("users") + " WHERE " + q("id") + " = :id"), {{"id", bob}});
  EXPECT_TRUE(fetch(c, posts, p1)["editor_id"].is_null());
  EXPECT_EQ(c.execute(text("SELECT COUNT(*) FROM " + q("posts") + " WHERE " + q("id") + " = :id"),
                      {{"id", p3}})
                .scalar<std::int64_t>(),
            0);
  // ON UPDATE CASCADE: ann's posts follow her new id.
  c.execute(text("UPDATE " + q("users") + " SET " + q("id") + " = 100 WHERE " + q("id") + " = :id"),
            {{"id", ann}});
  EXPECT_VALUE_EQ(fetch(c, posts, p1)["user_id"], Value(100));
  EXPECT_VALUE_EQ(fetch(c, posts, p2)["user_id"], Value(100));
  // ON DELETE CASCADE again: deleting ann (after cat stops reviewing) removes her posts.
  c.execute(text("UPDATE " + q("posts") + " SET " + q("reviewer_id") + " = NULL"));
  c.execute(text("DELETE FROM " + q("users") + " WHERE " + q("id") + " = 100"));
  EXPECT_EQ(count(c, q("posts")), 0);
  EXPECT_EQ(count(c, q("users")), 1);
}

}  // namespace
}  // namespace sqlcore_test
