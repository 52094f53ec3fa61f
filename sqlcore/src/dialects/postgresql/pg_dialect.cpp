// PgDialect: how PostgreSQL spells SQL. No <libpq-fe.h> here: rendering needs no driver.
#include <memory>

#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/dialect/registry.hpp"

namespace sqlcore {

namespace {

class PgDialect final : public Dialect {
 public:
  std::string_view name() const override { return "postgresql"; }
  std::vector<std::string> url_schemes() const override { return {"postgresql", "postgres"}; }
  void append_placeholder(std::string& out, std::size_t position) const override {
    out.push_back('$');
    out += std::to_string(position);
  }
  std::size_t max_parameters() const override { return 65535; }  // the protocol's Int16 count
};

}  // namespace

namespace detail {
void register_dialect_postgresql() {
  register_dialect(std::make_shared<PgDialect>());
}
}  // namespace detail

}  // namespace sqlcore
