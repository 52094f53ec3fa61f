// SqliteDialect: how SQLite spells SQL. No <sqlite3.h> here: rendering needs no driver.
#include <memory>

#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/dialect/registry.hpp"

namespace sqlcore {

namespace {

class SqliteDialect final : public Dialect {
 public:
  std::string_view name() const override { return "sqlite"; }
  std::vector<std::string> url_schemes() const override { return {"sqlite"}; }
  void append_placeholder(std::string& out, std::size_t position) const override {
    out.push_back('?');
    out += std::to_string(position);
  }
  // IMMEDIATE takes the write lock at BEGIN, where busy_timeout applies. A DEFERRED transaction
  // that reads and then writes can fail with SQLITE_BUSY_SNAPSHOT without waiting at all.
  std::string begin_sql() const override { return "BEGIN IMMEDIATE"; }
  bool single_writer() const override { return true; }
  std::size_t max_parameters() const override { return 32766; }  // SQLITE_MAX_VARIABLE_NUMBER
};

}  // namespace

namespace detail {
void register_dialect_sqlite() {
  register_dialect(std::make_shared<SqliteDialect>());
}
}  // namespace detail

}  // namespace sqlcore
