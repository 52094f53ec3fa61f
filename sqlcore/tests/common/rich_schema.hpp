// A rich schema shared by the inspector and autogenerate tests: every portable type, composite
// keys, uniques, checks, foreign keys with actions, every kind of index, server defaults (now()
// and literals), Enum, Json, nullable and not.
#pragma once

#include <string>
#include <string_view>

#include <sqlcore/sqlcore.hpp>

namespace sample {

/// Declares the tables in `md`; identifiers in raw SQL are quoted for `d`. Returns "users", for
/// tests that add to it.
inline sqlcore::Table& declare_rich_schema(sqlcore::MetaData& md, const sqlcore::Dialect& d) {
  using namespace sqlcore;
  auto q = [&d](std::string_view ident) { return d.quote_identifier(ident); };
  Table& users = md.add_table("users");
  users.column("id", types::BigInteger).primary_key();
  users.column("username", types::String(64)).unique();
  users.column("email", types::String(255)).nullable();
  users.column("age", types::SmallInteger).nullable().check(raw_sql(q("age") + " >= 0"));
  users.column("status", types::Enum({"active", "banned"})).server_default("active");
  users.column("active", types::Boolean).server_default(false);
  users.column("created_at", types::DateTime).server_default(now());
  users.column("birthday", types::Date).nullable();
  users.column("wakes_at", types::Time).server_default(now());
  users.column("score", types::Double).server_default(1.5);
  users.column("ratio", types::Float).nullable();
  users.column("balance", types::Numeric(12, 2)).server_default(Decimal{"0.50"});
  users.column("huge", types::Numeric(40, 10)).nullable();
  users.column("bio", types::Text).nullable();
  users.column("nick", types::String()).nullable();
  users.column("avatar", types::LargeBinary).nullable();
  users.column("token", types::Uuid).nullable();
  users.column("prefs", types::Json).nullable();
  users.column("visits", types::Integer).server_default(0);
  users.index("ix_users_email_lower", {raw_sql("lower(" + q("email") + ")")}).unique();
  users.index({}, {"username"}).where(raw_sql(q("age") + " > 17"));
  users.index({}, {"status", "created_at"});
  users.index({}, {"visits"});

  Table& orgs = md.add_table("orgs");
  orgs.column("region", types::String(8));
  orgs.column("code", types::Integer);
  orgs.column("name", types::Text);
  orgs.primary_key({"region", "code"});
  orgs.unique({"name"}, "uq_orgs_name_custom");

  Table& members = md.add_table("members");
  members.column("user_id", types::BigInteger);
  members.column("region", types::String(8));
  members.column("code", types::Integer);
  members.column("role", types::Enum({"owner", "member", "guest"})).server_default("member");
  members.column("since", types::Date).server_default(now());
  members.column("note", types::String(100)).nullable();
  members.column("invited_by", types::BigInteger)
      .nullable()
      .references("users.id", FkAction::set_null);
  members.primary_key({"user_id", "region", "code"}, "pk_members_custom");
  members.foreign_key({"user_id"}, "users", {"id"}, FkAction::cascade, FkAction::cascade);
  members.foreign_key({"region", "code"}, "orgs", {"region", "code"}, FkAction::restrict,
                      FkAction::no_action, "fk_members_org");
  members.unique({"user_id", "note"});
  members.check(raw_sql(q("code") + " > 0"), "ck_members_code_positive");
  members.index({}, {"region", "code"});

  // Autoincrement insisted on: SQLite's AUTOINCREMENT makes its sqlite_sequence table.
  Table& log = md.add_table("audit_log");
  log.column("id", types::BigInteger).primary_key().autoincrement(true);
  log.column("message", types::Text);
  return users;
}

}  // namespace sample
