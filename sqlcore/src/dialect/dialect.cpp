// Dialect: the defaults shared by SQL-standard backends.
#include "sqlcore/dialect/dialect.hpp"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "sql/compile_cache.hpp"
#include "sql/sql_text.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/core/value.hpp"
#include "sqlcore/schema/table.hpp"
#include "sqlcore/sql/compiler.hpp"

namespace sqlcore {

Dialect::Dialect() : compile_cache_(std::make_shared<detail::CompileCache>()) {}
Dialect::~Dialect() = default;

std::string Dialect::quote_identifier(std::string_view ident) const {
  std::string out;
  out.reserve(ident.size() + 2);
  out.push_back('"');
  for (char c : ident) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string Dialect::savepoint_sql(std::string_view name) const {
  return "SAVEPOINT " + quote_identifier(name);
}
std::string Dialect::release_savepoint_sql(std::string_view name) const {
  return "RELEASE SAVEPOINT " + quote_identifier(name);
}
std::string Dialect::rollback_to_savepoint_sql(std::string_view name) const {
  return "ROLLBACK TO SAVEPOINT " + quote_identifier(name);
}

namespace {

std::string quote_string(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('\'');
  for (char c : s) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

}  // namespace

std::string DdlRules::type_sql(const Type& t) const {
  switch (t.kind()) {
    case TypeKind::small_integer:
      return "SMALLINT";
    case TypeKind::integer:
      return "INTEGER";
    case TypeKind::big_integer:
      return "BIGINT";
    case TypeKind::boolean:
      return "BOOLEAN";
    case TypeKind::float_:
      return "REAL";
    case TypeKind::double_:
      return "DOUBLE PRECISION";
    case TypeKind::numeric:
      return "NUMERIC(" + std::to_string(t.precision()) + ", " + std::to_string(t.scale()) + ")";
    case TypeKind::string:
    case TypeKind::enumeration:
      return t.length() ? "VARCHAR(" + std::to_string(t.length()) + ")" : "VARCHAR";
    case TypeKind::text:
      return "TEXT";
    case TypeKind::date:
      return "DATE";
    case TypeKind::date_time:
      return "TIMESTAMP WITH TIME ZONE";
    case TypeKind::time:
      return "TIME";
    case TypeKind::json:
      return "JSON";
    case TypeKind::large_binary:
      return "BLOB";
    case TypeKind::uuid:
      return "UUID";
  }
  return "TEXT";
}

std::string DdlRules::column_type_sql(const Column& column) const {
  return type_sql(column.type());
}

std::string DdlRules::identity_sql(const Column&) const {
  return {};
}

std::string DdlRules::inline_primary_key_sql(const Column&) const {
  return {};
}

std::string DdlRules::literal_sql(const Value& value, const Type&) const {
  using K = Value::Kind;
  switch (value.kind()) {
    case K::null:
      return "NULL";
    case K::boolean:
      return value.bool_unchecked() ? "TRUE" : "FALSE";
    case K::integer:
      return std::to_string(value.int_unchecked());
    case K::real: {
      double d = value.real_unchecked();
      if (!std::isfinite(d))
        throw CompileError(std::string(name()) +
                           ": infinity and NaN have no portable literal form for a default");
      char buf[40];
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      std::string out(buf, r.ptr);
      // Keep it a floating-point literal.
      if (out.find_first_of(".eE") == std::string::npos) out += ".0";
      return out;
    }
    case K::text:
      return quote_string(value.text_unchecked());
    case K::decimal:
      return value.decimal_unchecked().text;
    case K::timestamp:
      value.check_bindable({});
      return quote_string(value.timestamp_unchecked().to_string());
    case K::date:
      value.check_bindable({});
      return quote_string(value.date_unchecked().to_string());
    case K::json:
      return quote_string(value.json_text({}));
    case K::blob: {
      static constexpr char kHex[] = "0123456789ABCDEF";
      std::string out = "X'";
      for (auto b : value.blob_unchecked()) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 15]);
      }
      out.push_back('\'');
      return out;
    }
  }
  return "NULL";
}

std::vector<std::pair<std::string, std::string>> DdlRules::type_checks(const Column& column) const {
  std::vector<std::pair<std::string, std::string>> out;
  if (column.type().kind() == TypeKind::enumeration) {
    std::string cond = quote_identifier(column.name()) + " IN (";
    const auto& values = column.type().enum_values();
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i) cond += ", ";
      cond += quote_string(values[i]);
    }
    cond += ")";
    out.emplace_back(column.name() + "_enum", std::move(cond));
  }
  return out;
}

std::unique_ptr<SqlCompiler> Dialect::make_compiler() const {
  return std::make_unique<SqlCompiler>(*this);
}

std::vector<std::string> MigrationRules::migration_lock_sql(std::int64_t,
                                                            std::chrono::milliseconds) const {
  return {};
}

std::string MigrationRules::lock_wait_setting_sql(std::chrono::milliseconds) const {
  return {};
}

}  // namespace sqlcore
