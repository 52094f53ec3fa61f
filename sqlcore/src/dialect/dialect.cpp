// Dialect: the defaults shared by SQL-standard backends.
#include "sqlcore/dialect/dialect.hpp"

namespace sqlcore {

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

}  // namespace sqlcore
