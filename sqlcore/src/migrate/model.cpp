// The in-memory schema model of offline migrations and its catalog reader.
#include "migrate/model.hpp"

#include <algorithm>

#include "sql/ddl_internal.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/schema/metadata.hpp"
#include "sqlcore/schema/table.hpp"

namespace sqlcore::detail {

namespace {

std::vector<std::string> names_of(const std::vector<const Column*>& cols) {
  std::vector<std::string> out;
  for (const Column* c : cols) out.push_back(c ? c->name() : std::string());
  return out;
}

void rename_in(std::vector<std::string>& v, std::string_view from, std::string_view to) {
  for (auto& s : v)
    if (s == from) s = std::string(to);
}

class ModelReflector final : public Reflector {
 public:
  explicit ModelReflector(SchemaModel& model) : model_(model) {}

  std::vector<std::string> table_names() override { return model_.table_names(); }
  bool has_table(std::string_view table) override { return model_.has(table); }
  std::vector<ColumnInfo> columns(std::string_view table) override {
    return model_.at(table).columns;
  }
  PrimaryKeyInfo primary_key(std::string_view table) override {
    return model_.at(table).primary_key;
  }
  std::vector<UniqueInfo> unique_constraints(std::string_view table) override {
    return model_.at(table).uniques;
  }
  std::vector<IndexInfo> indexes(std::string_view table) override {
    return model_.at(table).indexes;
  }
  std::vector<ForeignKeyInfo> foreign_keys(std::string_view table) override {
    return model_.at(table).foreign_keys;
  }
  std::vector<CheckInfo> checks(std::string_view table) override { return model_.at(table).checks; }
  // Every column of the model carries its portable type.
  std::optional<Type> portable_type(std::string_view) const override { return std::nullopt; }
  std::optional<std::pair<std::string, Type>> type_from_check(
      const CheckInfo& check) const override {
    for (const auto& name : model_.table_names()) {
      const TableModel& t = model_.at(name);
      for (std::size_t i = 0; i < t.checks.size(); ++i)
        if (t.checks[i].name == check.name && t.checks[i].condition == check.condition)
          return t.check_types[i];
    }
    return std::nullopt;
  }

 private:
  SchemaModel& model_;
};

}  // namespace

TableModel SchemaModel::describe(const Dialect& d, const Table& t) {
  TableModel m;
  for (const Column* c : t.columns()) {
    ColumnInfo info;
    info.name = c->name();
    info.type_sql = d.column_type_sql(*c);
    info.type = c->type();
    info.nullable = c->is_nullable() && !c->is_primary_key();
    // As catalogs give it back: without the parentheses DDL writes around an expression.
    if (c->server_default()) info.default_sql = strip_outer_parens(default_expression_sql(d, *c));
    info.autoincrement = c->is_autoincrement();
    m.columns.push_back(std::move(info));
  }
  if (!t.primary_key().empty())
    m.primary_key = {t.primary_key().name(), names_of(t.primary_key().columns())};
  for (const UniqueConstraint& u : t.unique_constraints())
    m.uniques.push_back({u.name(), names_of(u.columns())});
  for (const Index& ix : t.indexes()) {
    IndexInfo info{ix.name(), ix.is_unique(), names_of(ix.columns()), {}, ix.where()};
    for (std::size_t i = 0; i < ix.columns().size(); ++i)
      info.expressions.push_back(
          ix.columns()[i] || i >= ix.expressions().size() ? std::string() : ix.expressions()[i]);
    m.indexes.push_back(std::move(info));
  }
  for (const ForeignKey& fk : t.foreign_keys())
    m.foreign_keys.push_back({fk.name(), names_of(fk.columns()), fk.referred_table(),
                              fk.referred_columns(), fk.on_delete(), fk.on_update()});
  for (const CheckConstraint& ck : t.checks()) {
    m.checks.push_back({ck.name(), ck.condition()});
    m.check_types.emplace_back();
  }
  const MetaData& md = t.metadata();
  for (const Column* c : t.columns())
    for (const auto& [label, condition] : d.type_checks(*c)) {
      m.checks.push_back(
          {md.apply_convention(md.naming_convention().check, t, {c}, {}, {}, label), condition});
      m.check_types.emplace_back(std::make_pair(c->name(), c->type()));
    }
  return m;
}

bool SchemaModel::has(std::string_view table) const {
  return tables_.find(table) != tables_.end();
}

TableModel& SchemaModel::at(std::string_view table) {
  auto it = tables_.find(table);
  if (it == tables_.end())
    throw ArgumentError("offline migration: table '" + std::string(table) +
                        "' is not in the schema model (the model follows the MigrationContext "
                        "operations only; a table made through execute(sql) is unknown to it)");
  return it->second;
}

void SchemaModel::erase(std::string_view table) {
  auto it = tables_.find(table);
  if (it != tables_.end()) tables_.erase(it);
}

void SchemaModel::rename(std::string_view from, std::string_view to) {
  TableModel t = std::move(at(from));
  erase(from);
  put(std::string(to), std::move(t));
  for (auto& [name, other] : tables_)
    for (auto& fk : other.foreign_keys)
      if (fk.referred_table == from) fk.referred_table = std::string(to);
}

void SchemaModel::rename_column(std::string_view table, std::string_view from,
                                std::string_view to) {
  TableModel& t = at(table);
  for (auto& c : t.columns)
    if (c.name == from) c.name = std::string(to);
  rename_in(t.primary_key.columns, from, to);
  for (auto& u : t.uniques) rename_in(u.columns, from, to);
  for (auto& ix : t.indexes) rename_in(ix.columns, from, to);
  for (auto& fk : t.foreign_keys) rename_in(fk.columns, from, to);
  for (auto& ct : t.check_types)
    if (ct && ct->first == from) ct->first = std::string(to);
  // The database rewrites the column's name in conditions and expressions too.
  auto rewrite = [&](std::string& sql) {
    const std::string a = "\"" + std::string(from) + "\"", b = "\"" + std::string(to) + "\"";
    for (auto at = sql.find(a); at != std::string::npos; at = sql.find(a, at + b.size()))
      sql.replace(at, a.size(), b);
  };
  for (auto& ck : t.checks) rewrite(ck.condition);
  for (auto& ix : t.indexes) {
    rewrite(ix.where);
    for (auto& e : ix.expressions) rewrite(e);
  }
  for (auto& [name, other] : tables_)
    for (auto& fk : other.foreign_keys)
      if (fk.referred_table == table) rename_in(fk.referred_columns, from, to);
}

std::vector<std::string> SchemaModel::table_names() const {
  std::vector<std::string> out;
  for (const auto& [name, t] : tables_) out.push_back(name);
  return out;
}

std::unique_ptr<Reflector> model_reflector(SchemaModel& model) {
  return std::make_unique<ModelReflector>(model);
}

}  // namespace sqlcore::detail
