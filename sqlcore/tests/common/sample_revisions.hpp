// Three migration revisions shared by the migration and command-line suites: users, then
// users.email, then posts with an index (each with a downgrade).
#pragma once

#include <vector>

#include <sqlcore/sqlcore.hpp>

namespace sample {

/// Three revisions: users, users.email, posts with an index.
inline std::vector<sqlcore::migrate::Revision> three_revisions() {
  using namespace sqlcore;
  using namespace sqlcore::migrate;
  return {
      {"r1", "create users",
       [](MigrationContext& m) {
         MetaData md;
         Table& t = md.add_table("users");
         t.column("id", types::BigInteger).primary_key();
         t.column("name", types::String(64));
         m.create_table(t);
       },
       [](MigrationContext& m) { m.drop_table("users"); }},
      {"r2", "add users.email",
       [](MigrationContext& m) { m.add_column("users", "email", types::String(255)); },
       [](MigrationContext& m) { m.drop_column("users", "email"); }},
      {"r3", "create posts",
       [](MigrationContext& m) {
         MetaData md;
         Table& t = md.add_table("posts");
         t.column("id", types::BigInteger).primary_key();
         t.column("user_id", types::BigInteger);
         t.column("title", types::Text);
         t.index("ix_posts_user_id", {"user_id"});
         m.create_table(t);
       },
       [](MigrationContext& m) { m.drop_table("posts"); }},
  };
}

}  // namespace sample
