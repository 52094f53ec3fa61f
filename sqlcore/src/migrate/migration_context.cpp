// MigrationContext: the schema operations of a revision, spelled through the dialect.
#include "sqlcore/migrate/migrate.hpp"

#include <algorithm>
#include <cctype>

#include "migrate/migrate_internal.hpp"
#include "migrate/model.hpp"
#include "sql/ddl_internal.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/engine/connection.hpp"
#include "sqlcore/schema/metadata.hpp"
#include "sqlcore/sql/ddl.hpp"

namespace sqlcore::migrate {

/// `sql` names `ident` as a whole word (quoted or not).
bool mentions(std::string_view sql, std::string_view ident) {
  auto word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
  };
  for (std::size_t at = sql.find(ident); at != std::string_view::npos;
       at = sql.find(ident, at + 1)) {
    bool before = at == 0 || !word(sql[at - 1]);
    bool after = at + ident.size() >= sql.size() || !word(sql[at + ident.size()]);
    if (before && after) return true;
  }
  return false;
}

namespace {

/// What dropping `column` does to the rest of its table: keys, uniques, indexes, foreign keys and
/// checks that use it go with it (as PostgreSQL does).
void model_drop_column(detail::TableModel& m, std::string_view column) {
  auto uses = [&](const std::vector<std::string>& v) {
    return std::find(v.begin(), v.end(), column) != v.end();
  };
  auto drop_if = [](auto& v, auto pred) {
    v.erase(std::remove_if(v.begin(), v.end(), pred), v.end());
  };
  drop_if(m.columns, [&](const ColumnInfo& c) { return c.name == column; });
  if (uses(m.primary_key.columns)) m.primary_key = {};
  drop_if(m.uniques, [&](const UniqueInfo& u) { return uses(u.columns); });
  drop_if(m.foreign_keys, [&](const ForeignKeyInfo& f) { return uses(f.columns); });
  drop_if(m.indexes, [&](const IndexInfo& ix) {
    bool hit = uses(ix.columns) || mentions(ix.where, column);
    for (const auto& e : ix.expressions) hit = hit || mentions(e, column);
    return hit;
  });
  for (std::size_t i = m.checks.size(); i-- > 0;)
    if (mentions(m.checks[i].condition, column)) {
      m.checks.erase(m.checks.begin() + static_cast<std::ptrdiff_t>(i));
      m.check_types.erase(m.check_types.begin() + static_cast<std::ptrdiff_t>(i));
    }
}

}  // namespace

// ---- MigrationContext -------------------------------------------------------------------------

MigrationContext::MigrationContext(
    Connection& conn, std::string revision,
    std::function<void(const std::string&, const std::string&)> on_statement)
    : conn_(&conn),
      dialect_(&conn.dialect()),
      revision_(std::move(revision)),
      on_statement_(std::move(on_statement)) {}

MigrationContext::MigrationContext(const Dialect& dialect, detail::SchemaModel& model,
                                   std::vector<std::string>& out, std::string revision)
    : dialect_(&dialect), revision_(std::move(revision)), model_(&model), out_(&out) {}

MigrationContext::~MigrationContext() = default;

const Dialect& MigrationContext::dialect() const {
  return *dialect_;
}

Connection& MigrationContext::connection() {
  if (!conn_)
    throw MigrationError(revision_, "revision '" + revision_ +
                                        "' uses connection(), which offline mode does not have; "
                                        "use execute() so that the SQL can be written out");
  return *conn_;
}

Inspector& MigrationContext::inspector() {
  if (!inspector_)
    inspector_ = model_ ? std::make_unique<Inspector>(*dialect_, detail::model_reflector(*model_))
                        : std::make_unique<Inspector>(*conn_);
  return *inspector_;
}

void MigrationContext::run(const Executable& stmt, const Params& params) {
  if (model_ || on_statement_) {
    std::string sql = with_literals(*dialect_, stmt, params);
    if (on_statement_) on_statement_(revision_, sql);
    if (out_) {
      out_->push_back(std::move(sql));
      return;
    }
  }
  conn_->execute(stmt, params);
}

void MigrationContext::execute(const Executable& stmt, const Params& params) {
  run(stmt, params);
}

void MigrationContext::execute(std::string_view sql) {
  run(text(sql));
}

void MigrationContext::create_table(const Table& table) {
  run(sqlcore::create_table(table, false, true));
  for (const Index& ix : table.indexes()) run(sqlcore::create_index(ix));
  if (model_) model_->put(table.name(), detail::SchemaModel::describe(*dialect_, table));
}

void MigrationContext::drop_table(std::string_view table) {
  execute("DROP TABLE " + dialect().quote_identifier(table));
  if (model_) model_->erase(table);
}

void MigrationContext::rename_table(std::string_view from, std::string_view to) {
  const Dialect& d = dialect();
  execute("ALTER TABLE " + d.quote_identifier(from) + " RENAME TO " + d.quote_identifier(to));
  if (model_) model_->rename(from, to);
}

void MigrationContext::add_column(std::string_view table, std::string name, const Type& type,
                                  ColumnOptions options) {
  if (!options.nullable && !options.server_default)
    throw ArgumentError("add_column " + std::string(table) + "." + name +
                        ": a NOT NULL column needs a server default, so that the rows already "
                        "in the table get a value. Give ColumnOptions::server_default, or add "
                        "the column nullable, fill it, and make it NOT NULL afterwards.");
  const Dialect& d = dialect();
  if (!d.supports_alter_column() && options.server_default &&
      options.server_default->kind() != ServerDefault::Kind::literal) {
    // SQLite's ADD COLUMN takes constant defaults only.
    rebuild_table(table, {}, {}, nullptr, {}, [&](Table& t) {
      t.column(name, type).nullable(options.nullable).server_default(*options.server_default);
    });
    return;
  }
  MetaData md;
  Table& t = md.add_table(std::string(table));
  Column& c = t.column(name, type).nullable(options.nullable);
  if (options.server_default) c.server_default(*options.server_default);
  std::string sql = "ALTER TABLE " + d.quote_identifier(table) + " ADD COLUMN " +
                    detail::column_definition_sql(d, c);
  for (const auto& [label, condition] : d.type_checks(c)) {
    std::string ck = md.apply_convention(md.naming_convention().check, t, {&c}, {}, {}, label);
    sql += " CONSTRAINT " + d.quote_identifier(ck) + " CHECK (" + condition + ")";
  }
  execute(sql);
  if (model_) {
    detail::TableModel& m = model_->at(table);
    detail::TableModel added = detail::SchemaModel::describe(d, t);
    m.columns.push_back(added.columns.front());
    m.checks.insert(m.checks.end(), added.checks.begin(), added.checks.end());
    m.check_types.insert(m.check_types.end(), added.check_types.begin(), added.check_types.end());
  }
}

void MigrationContext::drop_column(std::string_view table, std::string_view column) {
  const Dialect& d = dialect();
  Inspector& insp = inspector();
  auto cols = insp.columns(table);
  if (std::none_of(cols.begin(), cols.end(), [&](const ColumnInfo& c) { return c.name == column; }))
    throw ArgumentError("drop_column: table " + std::string(table) + " has no column " +
                        std::string(column));
  if (!d.supports_alter_column()) {
    auto has = [&](const std::vector<std::string>& v) {
      return std::find(v.begin(), v.end(), column) != v.end();
    };
    // SQLite's DROP COLUMN refuses a column in a key, a UNIQUE, a foreign key or a CHECK: rebuild.
    bool rebuild = has(insp.primary_key(table).columns);
    for (const auto& u : insp.unique_constraints(table)) rebuild = rebuild || has(u.columns);
    for (const auto& fk : insp.foreign_keys(table)) rebuild = rebuild || has(fk.columns);
    for (const auto& ck : insp.checks(table)) rebuild = rebuild || mentions(ck.condition, column);
    if (rebuild) {
      rebuild_table(table, column, {}, nullptr);
      return;
    }
    // It also refuses an indexed column; an index on a dropped column goes with it (as on
    // PostgreSQL).
    for (const auto& ix : insp.indexes(table)) {
      bool uses = has(ix.columns) || mentions(ix.where, column);
      for (const auto& e : ix.expressions) uses = uses || mentions(e, column);
      if (uses) drop_index(ix.name);
    }
  }
  execute("ALTER TABLE " + d.quote_identifier(table) + " DROP COLUMN " +
          d.quote_identifier(column));
  if (model_) model_drop_column(model_->at(table), column);
}

void MigrationContext::alter_column(std::string_view table, std::string_view column,
                                    AlterColumn changes) {
  if (changes.server_default && changes.drop_server_default)
    throw ArgumentError("alter_column " + std::string(table) + "." + std::string(column) +
                        ": give a new server default or drop it, not both");
  const Dialect& d = dialect();
  if (!d.supports_alter_column()) {
    rebuild_table(table, {}, column, &changes);
    return;
  }
  std::optional<Type> current_type;
  bool found = false;
  for (const ColumnInfo& c : inspector().columns(table))
    if (c.name == column) {
      current_type = c.type;
      found = true;
    }
  ColumnInfo* modelled = nullptr;
  if (model_)
    for (ColumnInfo& c : model_->at(table).columns)
      if (c.name == column) modelled = &c;
  if (!found)
    throw ArgumentError("alter_column: table " + std::string(table) + " has no column " +
                        std::string(column));
  const std::string base =
      "ALTER TABLE " + d.quote_identifier(table) + " ALTER COLUMN " + d.quote_identifier(column);
  // An Enum is a CHECK next to the type: the old one goes before the type changes, the new one
  // comes after.
  const bool enum_involved =
      changes.type && (changes.type->kind() == TypeKind::enumeration ||
                       (current_type && current_type->kind() == TypeKind::enumeration));
  std::string enum_check;
  if (enum_involved) {
    MetaData md;
    Table& t = md.add_table(std::string(table));
    const Column& c = t.column(std::string(column), *changes.type);
    enum_check = md.apply_convention(md.naming_convention().check, t, {&c}, {}, {},
                                     std::string(column) + "_enum");
    for (const CheckInfo& ck : inspector().checks(table))
      if (ck.name == enum_check) drop_constraint(table, enum_check);
  }
  if (changes.type) {
    const std::string type = d.type_sql(*changes.type);
    execute(base + " TYPE " + type + " USING " + d.quote_identifier(column) + "::" + type);
    if (modelled) {
      modelled->type = *changes.type;
      modelled->type_sql = type;
    }
  }
  if (enum_involved && changes.type->kind() == TypeKind::enumeration) {
    MetaData md;
    Table& t = md.add_table(std::string(table));
    const Column& c = t.column(std::string(column), *changes.type);
    for (const auto& [label, condition] : d.type_checks(c))
      if (label == std::string(column) + "_enum") add_check(table, condition, enum_check);
  }
  if (changes.nullable) execute(base + (*changes.nullable ? " DROP NOT NULL" : " SET NOT NULL"));
  if (modelled && changes.nullable) modelled->nullable = *changes.nullable;
  if (changes.drop_server_default) execute(base + " DROP DEFAULT");
  if (modelled && changes.drop_server_default) modelled->default_sql.reset();
  if (changes.server_default) {
    MetaData md;
    Table& t = md.add_table(std::string(table));
    Column& c = t.column(std::string(column),
                         changes.type ? *changes.type : current_type.value_or(types::Text));
    c.nullable().server_default(*changes.server_default);
    execute(base + " SET DEFAULT " + detail::default_expression_sql(d, c));
    if (modelled) modelled->default_sql = detail::default_expression_sql(d, c);
  }
}

void MigrationContext::rename_column(std::string_view table, std::string_view from,
                                     std::string_view to) {
  const Dialect& d = dialect();
  execute("ALTER TABLE " + d.quote_identifier(table) + " RENAME COLUMN " +
          d.quote_identifier(from) + " TO " + d.quote_identifier(to));
  if (model_) model_->rename_column(table, from, to);
}

void MigrationContext::create_index(std::string_view table, std::string name,
                                    std::vector<std::string> columns, bool unique) {
  if (columns.empty())
    throw ArgumentError("create_index " + name + ": an index needs at least one column");
  const Dialect& d = dialect();
  std::string sql = unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  sql += d.quote_identifier(name) + " ON " + d.quote_identifier(table) + " (";
  for (std::size_t i = 0; i < columns.size(); ++i)
    sql += (i ? ", " : "") + d.quote_identifier(columns[i]);
  execute(sql + ")");
  if (model_) {
    std::vector<std::string> none(columns.size());
    model_->at(table).indexes.push_back({name, unique, columns, none, {}});
  }
}

void MigrationContext::create_index(const Index& index) {
  run(sqlcore::create_index(index));
  if (model_) {
    detail::TableModel described = detail::SchemaModel::describe(dialect(), index.table());
    for (IndexInfo& ix : described.indexes)
      if (ix.name == index.name()) model_->at(index.table().name()).indexes.push_back(ix);
  }
}

void MigrationContext::drop_index(std::string_view name) {
  execute("DROP INDEX " + dialect().quote_identifier(name));
  if (model_)
    for (const std::string& t : model_->table_names()) {
      auto& ixs = model_->at(t).indexes;
      ixs.erase(std::remove_if(ixs.begin(), ixs.end(),
                               [&](const IndexInfo& ix) { return ix.name == name; }),
                ixs.end());
    }
}

bool MigrationContext::add_column_if_missing(std::string_view table, std::string name,
                                             const Type& type, ColumnOptions options) {
  for (const ColumnInfo& c : inspector().columns(table))
    if (c.name == name) return false;
  add_column(table, std::move(name), type, std::move(options));
  return true;
}

bool MigrationContext::create_index_if_missing(std::string_view table, std::string name,
                                               std::vector<std::string> columns, bool unique) {
  for (const IndexInfo& ix : inspector().indexes(table))
    if (ix.name == name) return false;
  create_index(table, std::move(name), std::move(columns), unique);
  return true;
}

namespace {

std::string joined(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : std::string(sep)) + x;
  return out;
}

std::string quoted_list(const Dialect& d, const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + d.quote_identifier(x);
  return out;
}

}  // namespace

void MigrationContext::add_unique(std::string_view table, std::vector<std::string> columns,
                                  std::string name) {
  if (columns.empty()) throw ArgumentError("add_unique: no columns");
  if (name.empty()) name = "uq_" + std::string(table) + "_" + joined(columns, "_");
  const Dialect& d = dialect();
  if (!d.supports_add_constraint()) {
    rebuild_table(table, {}, {}, nullptr, {}, [&](Table& t) {
      std::vector<ColumnRef> refs(columns.begin(), columns.end());
      t.unique(std::move(refs), name);
    });
    return;
  }
  execute("ALTER TABLE " + d.quote_identifier(table) + " ADD CONSTRAINT " +
          d.quote_identifier(name) + " UNIQUE (" + quoted_list(d, columns) + ")");
  if (model_) model_->at(table).uniques.push_back({name, columns});
}

void MigrationContext::add_check(std::string_view table, std::string condition, std::string name) {
  if (condition.empty() || name.empty())
    throw ArgumentError(
        "add_check: give the condition and a name (a later revision drops it by name)");
  const Dialect& d = dialect();
  if (!d.supports_add_constraint()) {
    rebuild_table(table, {}, {}, nullptr, {}, [&](Table& t) { t.check(raw_sql(condition), name); });
    return;
  }
  execute("ALTER TABLE " + d.quote_identifier(table) + " ADD CONSTRAINT " +
          d.quote_identifier(name) + " CHECK (" + condition + ")");
  if (model_) {
    model_->at(table).checks.push_back({name, condition});
    model_->at(table).check_types.emplace_back();
  }
}

void MigrationContext::add_foreign_key(std::string_view table, std::vector<std::string> columns,
                                       std::string referred_table,
                                       std::vector<std::string> referred_columns,
                                       FkAction on_delete, FkAction on_update, std::string name) {
  if (columns.empty() || columns.size() != referred_columns.size())
    throw ArgumentError("add_foreign_key: give as many columns as referred columns");
  if (name.empty())
    name = "fk_" + std::string(table) + "_" + joined(columns, "_") + "_" + referred_table;
  const Dialect& d = dialect();
  if (!d.supports_add_constraint()) {
    rebuild_table(table, {}, {}, nullptr, {}, [&](Table& t) {
      std::vector<ColumnRef> refs(columns.begin(), columns.end());
      t.foreign_key(std::move(refs), referred_table, referred_columns, on_delete, on_update, name);
    });
    return;
  }
  std::string sql = "ALTER TABLE " + d.quote_identifier(table) + " ADD CONSTRAINT " +
                    d.quote_identifier(name) + " FOREIGN KEY (" + quoted_list(d, columns) +
                    ") REFERENCES " + d.quote_identifier(referred_table) + " (" +
                    quoted_list(d, referred_columns) + ")";
  if (on_delete != FkAction::no_action) sql += std::string(" ON DELETE ") + to_sql(on_delete);
  if (on_update != FkAction::no_action) sql += std::string(" ON UPDATE ") + to_sql(on_update);
  execute(sql);
  if (model_)
    model_->at(table).foreign_keys.push_back(
        {name, columns, referred_table, referred_columns, on_delete, on_update});
}

void MigrationContext::alter_primary_key(std::string_view table, std::vector<std::string> columns,
                                         std::string name) {
  if (name.empty()) name = "pk_" + std::string(table);
  const Dialect& d = dialect();
  if (!d.supports_add_constraint()) {
    const PrimaryKeyInfo key{name, columns};
    rebuild_table(table, {}, {}, nullptr, {}, {}, &key);
    return;
  }
  const PrimaryKeyInfo old = inspector().primary_key(table);
  if (!old.columns.empty())
    execute("ALTER TABLE " + d.quote_identifier(table) + " DROP CONSTRAINT " +
            d.quote_identifier(old.name));
  if (!columns.empty())
    execute("ALTER TABLE " + d.quote_identifier(table) + " ADD CONSTRAINT " +
            d.quote_identifier(name) + " PRIMARY KEY (" + quoted_list(d, columns) + ")");
  if (model_) {
    detail::TableModel& m = model_->at(table);
    m.primary_key = columns.empty() ? PrimaryKeyInfo{} : PrimaryKeyInfo{name, columns};
    for (ColumnInfo& c : m.columns)
      if (std::find(columns.begin(), columns.end(), c.name) != columns.end()) c.nullable = false;
  }
}

void MigrationContext::drop_constraint(std::string_view table, std::string_view name) {
  Inspector& insp = inspector();
  bool found = false;
  for (const auto& u : insp.unique_constraints(table)) found = found || u.name == name;
  for (const auto& c : insp.checks(table)) found = found || c.name == name;
  for (const auto& f : insp.foreign_keys(table)) found = found || f.name == name;
  if (!found)
    throw ArgumentError("drop_constraint: table " + std::string(table) +
                        " has no unique, check or foreign-key constraint named " +
                        std::string(name));
  const Dialect& d = dialect();
  if (!d.supports_add_constraint()) {
    rebuild_table(table, {}, {}, nullptr, name);
    return;
  }
  execute("ALTER TABLE " + d.quote_identifier(table) + " DROP CONSTRAINT " +
          d.quote_identifier(name));
  if (model_) {
    detail::TableModel& m = model_->at(table);
    auto named = [&](const auto& x) { return x.name == name; };
    m.uniques.erase(std::remove_if(m.uniques.begin(), m.uniques.end(), named), m.uniques.end());
    m.foreign_keys.erase(std::remove_if(m.foreign_keys.begin(), m.foreign_keys.end(), named),
                         m.foreign_keys.end());
    for (std::size_t i = m.checks.size(); i-- > 0;)
      if (m.checks[i].name == name) {
        m.checks.erase(m.checks.begin() + static_cast<std::ptrdiff_t>(i));
        m.check_types.erase(m.check_types.begin() + static_cast<std::ptrdiff_t>(i));
      }
  }
}

}  // namespace sqlcore::migrate
