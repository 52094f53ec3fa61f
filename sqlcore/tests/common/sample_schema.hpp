// A small schema shared by the compiler's golden tests and the expression conformance tests:
// users (with a self-reference), their posts, and key/value settings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <sqlcore/sqlcore.hpp>

namespace sample {

using namespace sqlcore;

struct Users : Table {
  explicit Users(MetaData& m) : Table(m, "users") {}
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key();
  Col<std::string> name = column("name", types::String(50));
  Col<std::optional<std::string>> email = column("email", types::String(255));
  Col<bool> active = column("active", types::Boolean).server_default(true);
  Col<std::int32_t> visits = column("visits", types::Integer).server_default(0);
  Col<Timestamp> created_at = column("created_at", types::DateTime).server_default(now());
  Col<Json> profile = column("profile", types::Json).default_(Json::object());
  Col<std::optional<std::int64_t>> manager_id =
      column("manager_id", types::BigInteger).references("users.id");
};

struct Posts : Table {
  explicit Posts(MetaData& m) : Table(m, "posts") {}
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key();
  Col<std::int64_t> author_id =
      column("author_id", types::BigInteger).references("users.id", FkAction::cascade);
  Col<std::string> title = column("title", types::Text);
  Col<std::int32_t> score = column("score", types::Integer).server_default(0);
};

struct Settings : Table {
  explicit Settings(MetaData& m) : Table(m, "settings") {}
  Col<std::string> key = column("key", types::String(64)).primary_key();
  Col<std::string> value = column("value", types::Text);
  Col<std::int32_t> hits = column("hits", types::Integer).server_default(0);
};

}  // namespace sample
