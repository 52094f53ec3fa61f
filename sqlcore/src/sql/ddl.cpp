// The DDL compiler: one generic renderer for CREATE/DROP TABLE and INDEX; every backend
// difference is a Dialect hook (type names, identity, literals, type checks).
#include "sqlcore/sql/ddl.hpp"

#include <map>
#include <mutex>

#include "sql/ddl_internal.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/schema/metadata.hpp"

namespace sqlcore {

struct DdlStatement::State {
  Renderer render;
  std::mutex mu;
  // Keyed by dialect; entries are never removed, so references handed out stay valid.
  std::map<const Dialect*, std::shared_ptr<const CompiledStatement>> cache;
};

DdlStatement::DdlStatement(Renderer render) : state_(std::make_shared<State>()) {
  state_->render = std::move(render);
}

std::shared_ptr<const CompiledStatement> DdlStatement::compile(const Dialect& dialect) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  auto& slot = state_->cache[&dialect];
  if (!slot) {
    auto c = std::make_shared<CompiledStatement>();
    c->sql = state_->render(dialect);
    slot = std::move(c);
  }
  return slot;
}

const CompiledStatement& DdlStatement::compiled(const Dialect& dialect) const {
  return *compile(dialect);
}

namespace {

std::string column_list(const Dialect& d, const std::vector<const Column*>& cols) {
  std::string out = "(";
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (i) out += ", ";
    out += d.quote_identifier(cols[i]->name());
  }
  return out + ")";
}

std::string fk_clause(const Dialect& d, const ForeignKey& fk) {
  std::string out = "CONSTRAINT " + d.quote_identifier(fk.name()) + " FOREIGN KEY " +
                    column_list(d, fk.columns()) + " REFERENCES " +
                    d.quote_identifier(fk.referred_table()) + " (";
  for (std::size_t i = 0; i < fk.referred_columns().size(); ++i) {
    if (i) out += ", ";
    out += d.quote_identifier(fk.referred_columns()[i]);
  }
  out += ")";
  if (fk.on_delete() != FkAction::no_action)
    out += std::string(" ON DELETE ") + to_sql(fk.on_delete());
  if (fk.on_update() != FkAction::no_action)
    out += std::string(" ON UPDATE ") + to_sql(fk.on_update());
  return out;
}

std::string default_clause(const Dialect& d, const Column& c) {
  std::string expr = detail::default_expression_sql(d, c);
  return expr.empty() ? expr : " DEFAULT " + expr;
}

std::string render_create_table(const Dialect& d, const Table& t, bool if_not_exists,
                                bool include_use_alter_fks) {
  if (t.columns().empty())
    throw CompileError("CREATE TABLE " + t.name() + ": the table has no columns");
  std::vector<std::string> items;
  bool pk_inline = false;
  for (const Column* c : t.columns()) {
    items.push_back(detail::column_definition_sql(d, *c, &pk_inline));
  }
  if (!t.primary_key().empty() && !pk_inline)
    items.push_back("CONSTRAINT " + d.quote_identifier(t.primary_key().name()) + " PRIMARY KEY " +
                    column_list(d, t.primary_key().columns()));
  for (const UniqueConstraint& u : t.unique_constraints())
    items.push_back("CONSTRAINT " + d.quote_identifier(u.name()) + " UNIQUE " +
                    column_list(d, u.columns()));
  for (const CheckConstraint& ck : t.checks())
    items.push_back("CONSTRAINT " + d.quote_identifier(ck.name()) + " CHECK (" + ck.condition() +
                    ")");
  const MetaData& md = t.metadata();
  for (const Column* c : t.columns())
    for (const auto& [label, condition] : d.type_checks(*c)) {
      std::string name = md.apply_convention(md.naming_convention().check, t, {c}, {}, {}, label);
      items.push_back("CONSTRAINT " + d.quote_identifier(name) + " CHECK (" + condition + ")");
    }
  for (const ForeignKey& fk : t.foreign_keys()) {
    if (fk.is_use_alter() && !include_use_alter_fks) continue;
    std::string clause = fk_clause(d, fk);
    // A backend that cannot add (or drop) the key later gets it here, deferred to commit: that is
    // what breaks the cycle instead. Without it, rows that close the cycle could not be written
    // when the keys are NOT NULL, and drop_all() could not drop the tables while they hold rows
    // (SQLite's DROP TABLE deletes the rows first, and the other table's key then fails).
    if (fk.is_use_alter() && !d.supports_add_constraint())
      clause += " DEFERRABLE INITIALLY DEFERRED";
    items.push_back(std::move(clause));
  }

  std::string out = "CREATE TABLE ";
  if (if_not_exists) out += "IF NOT EXISTS ";
  out += d.quote_identifier(t.name()) + " (\n";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += "  " + items[i];
    out += i + 1 < items.size() ? ",\n" : "\n";
  }
  return out + ")";
}

std::string render_create_index(const Dialect& d, const Index& ix, bool if_not_exists) {
  std::string out = ix.is_unique() ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  if (if_not_exists) out += "IF NOT EXISTS ";
  out += d.quote_identifier(ix.name()) + " ON " + d.quote_identifier(ix.table().name()) + " (";
  for (std::size_t i = 0; i < ix.columns().size(); ++i) {
    if (i) out += ", ";
    if (ix.columns()[i])
      out += d.quote_identifier(ix.columns()[i]->name());
    else
      out += "(" + ix.expressions()[i] + ")";
  }
  out += ")";
  if (!ix.where().empty()) out += " WHERE " + ix.where();
  return out;
}

// ALTER TABLE t ADD CONSTRAINT name PRIMARY KEY|UNIQUE (columns).
std::string render_add_key(const Dialect& d, const Table& t, const std::string& name,
                           const char* kind, const std::vector<const Column*>& columns) {
  if (!d.supports_add_constraint())
    throw CompileError(std::string(d.name()) +
                       " cannot add a constraint to an existing table; it is written into "
                       "CREATE TABLE instead");
  return "ALTER TABLE " + d.quote_identifier(t.name()) + " ADD CONSTRAINT " +
         d.quote_identifier(name) + " " + kind + " " + column_list(d, columns);
}

std::string render_drop_constraint(const Dialect& d, const Table& t, const std::string& name,
                                   bool if_exists) {
  if (!d.supports_add_constraint())
    throw CompileError(std::string(d.name()) + " cannot drop a constraint from an existing table");
  return "ALTER TABLE " + d.quote_identifier(t.name()) + " DROP CONSTRAINT " +
         (if_exists ? "IF EXISTS " : "") + d.quote_identifier(name);
}

}  // namespace

namespace detail {

std::string default_expression_sql(const Dialect& d, const Column& c) {
  const auto& def = c.server_default();
  if (!def) return {};
  switch (def->kind()) {
    case ServerDefault::Kind::literal:
      return d.literal_sql(def->value(), c.type());
    case ServerDefault::Kind::current_timestamp:
      return "(" + d.current_timestamp_sql(c.type()) + ")";
    case ServerDefault::Kind::sql:
      return "(" + def->expression() + ")";
  }
  return {};
}

std::string column_definition_sql(const Dialect& d, const Column& c, bool* pk_inline) {
  std::string line = d.quote_identifier(c.name()) + " " + d.column_type_sql(c);
  std::string identity = d.identity_sql(c);
  if (!identity.empty()) line += " " + identity;
  std::string inline_pk = d.inline_primary_key_sql(c);
  if (!inline_pk.empty()) {
    line += " CONSTRAINT " + d.quote_identifier(c.table().primary_key().name()) + " " + inline_pk;
    if (pk_inline) *pk_inline = true;
  }
  if (!c.is_nullable()) line += " NOT NULL";
  line += default_clause(d, c);
  return line;
}

}  // namespace detail

DdlStatement create_table(const Table& table, bool if_not_exists, bool include_use_alter_fks) {
  return DdlStatement([&table, if_not_exists, include_use_alter_fks](const Dialect& d) {
    return render_create_table(d, table, if_not_exists, include_use_alter_fks);
  });
}

DdlStatement drop_table(const Table& table, bool if_exists) {
  return DdlStatement([&table, if_exists](const Dialect& d) {
    return std::string("DROP TABLE ") + (if_exists ? "IF EXISTS " : "") +
           d.quote_identifier(table.name());
  });
}

DdlStatement create_index(const Index& index, bool if_not_exists) {
  return DdlStatement([&index, if_not_exists](const Dialect& d) {
    return render_create_index(d, index, if_not_exists);
  });
}

DdlStatement drop_index(const Index& index, bool if_exists) {
  return DdlStatement([&index, if_exists](const Dialect& d) {
    return std::string("DROP INDEX ") + (if_exists ? "IF EXISTS " : "") +
           d.quote_identifier(index.name());
  });
}

DdlStatement add_foreign_key(const ForeignKey& fk) {
  return DdlStatement([&fk](const Dialect& d) {
    if (!d.supports_add_constraint())
      throw CompileError(std::string(d.name()) +
                         " cannot add a foreign key to an existing table; it is written into "
                         "CREATE TABLE instead");
    return "ALTER TABLE " + d.quote_identifier(fk.table().name()) + " ADD " + fk_clause(d, fk);
  });
}

DdlStatement drop_foreign_key(const ForeignKey& fk, bool if_exists) {
  return DdlStatement([&fk, if_exists](const Dialect& d) {
    return render_drop_constraint(d, fk.table(), fk.name(), if_exists);
  });
}

DdlStatement add_primary_key(const Table& table) {
  return DdlStatement([&table](const Dialect& d) {
    return render_add_key(d, table, table.primary_key().name(), "PRIMARY KEY",
                          table.primary_key().columns());
  });
}

DdlStatement drop_primary_key(const Table& table) {
  return DdlStatement([&table](const Dialect& d) {
    return render_drop_constraint(d, table, table.primary_key().name(), false);
  });
}

DdlStatement add_unique(const UniqueConstraint& unique) {
  return DdlStatement([&unique](const Dialect& d) {
    return render_add_key(d, unique.table(), unique.name(), "UNIQUE", unique.columns());
  });
}

DdlStatement drop_unique(const UniqueConstraint& unique) {
  return DdlStatement([&unique](const Dialect& d) {
    return render_drop_constraint(d, unique.table(), unique.name(), false);
  });
}

}  // namespace sqlcore
