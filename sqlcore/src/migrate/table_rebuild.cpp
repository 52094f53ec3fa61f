// The SQLite table rebuild: how MigrationContext changes a table SQLite cannot ALTER.
#include "sqlcore/migrate/migrate.hpp"

#include <algorithm>

#include "migrate/migrate_internal.hpp"
#include "migrate/model.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/schema/metadata.hpp"
#include "sqlcore/sql/ddl.hpp"

namespace sqlcore::migrate {

void MigrationContext::rebuild_table(std::string_view table, std::string_view drop,
                                     std::string_view alter_name, const AlterColumn* alter,
                                     std::string_view drop_constraint,
                                     const std::function<void(Table&)>& add,
                                     const PrimaryKeyInfo* primary_key) {
  const Dialect& d = dialect();
  MetaData md;
  const Table& old = inspector().reflect(md, table);
  if (alter && !old.find_column(alter_name))
    throw ArgumentError("alter_column: table " + std::string(table) + " has no column " +
                        std::string(alter_name));
  // The new table is declared under the final name (generated names such as type checks' follow
  // it); it is created once the old one is gone.
  MetaData nmd;
  Table& nt = nmd.add_table(std::string(table));
  auto kept = [&](const std::vector<const Column*>& cols) {
    return std::none_of(cols.begin(), cols.end(),
                        [&](const Column* c) { return c && c->name() == drop; });
  };
  auto refs = [](const std::vector<const Column*>& cols) {
    std::vector<ColumnRef> out;
    for (const Column* c : cols) out.emplace_back(c->name());
    return out;
  };
  std::string column_list;
  for (const Column* c : old.columns()) {
    if (c->name() == drop) continue;
    Type type = c->type();
    bool nullable = c->is_nullable();
    std::optional<ServerDefault> def = c->server_default();
    if (alter && c->name() == alter_name) {
      if (alter->type) type = *alter->type;
      if (alter->nullable) nullable = *alter->nullable;
      if (alter->drop_server_default) def.reset();
      if (alter->server_default) def = alter->server_default;
    }
    Column& nc = nt.column(c->name(), type).nullable(nullable);
    if (def) nc.server_default(*def);
    // A numbered key stays one only while it is the whole key.
    const bool sole_key = !primary_key || (primary_key->columns.size() == 1 &&
                                           primary_key->columns.front() == c->name());
    if (c->autoincrement_setting() != Autoincrement::automatic && sole_key)
      nc.autoincrement(c->autoincrement_setting() == Autoincrement::yes);
    column_list += (column_list.empty() ? "" : ", ") + d.quote_identifier(c->name());
  }
  if (column_list.empty())
    throw ArgumentError("drop_column: " + std::string(drop) + " is the last column of " +
                        std::string(table) + "; drop the table instead");
  // A key, unique or foreign key on the dropped column goes with it (as on PostgreSQL).
  if (primary_key) {
    if (!primary_key->columns.empty())
      nt.primary_key(
          std::vector<ColumnRef>(primary_key->columns.begin(), primary_key->columns.end()),
          primary_key->name);
  } else if (!old.primary_key().empty() && kept(old.primary_key().columns())) {
    nt.primary_key(refs(old.primary_key().columns()), old.primary_key().name());
  }
  for (const UniqueConstraint& u : old.unique_constraints())
    if (kept(u.columns()) && u.name() != drop_constraint) nt.unique(refs(u.columns()), u.name());
  for (const CheckConstraint& ck : old.checks())
    if ((drop.empty() || !mentions(ck.condition(), drop)) && ck.name() != drop_constraint)
      nt.check(raw_sql(ck.condition()), ck.name());
  for (const ForeignKey& fk : old.foreign_keys())
    if (kept(fk.columns()) && fk.name() != drop_constraint)
      nt.foreign_key(refs(fk.columns()), fk.referred_table(), fk.referred_columns(), fk.on_delete(),
                     fk.on_update(), fk.name());
  for (const Index& ix : old.indexes()) {
    bool keep = kept(ix.columns()) && (drop.empty() || !mentions(ix.where(), drop));
    std::vector<IndexElement> elements;
    for (std::size_t i = 0; i < ix.columns().size(); ++i) {
      if (ix.columns()[i]) {
        elements.emplace_back(ColumnRef(ix.columns()[i]->name()));
      } else {
        keep = keep && (drop.empty() || !mentions(ix.expressions()[i], drop));
        elements.emplace_back(raw_sql(ix.expressions()[i]));
      }
    }
    if (!keep) continue;
    Index& nix = nt.index(ix.name(), std::move(elements)).unique(ix.is_unique());
    if (!ix.where().empty()) nix.where(raw_sql(ix.where()));
  }

  if (add) add(nt);

  // The rows wait in a holding table while the old table is dropped and the new one created
  // under the same name. Renaming instead would make SQLite rewrite other tables' foreign keys to
  // the temporary name. Dropping a table that other tables' rows refer to leaves those rows
  // orphaned for a moment: with the checks deferred, inserting the rows into the new table
  // settles them again before the commit checks.
  const std::string holding = d.quote_identifier("_sqlcore_rebuild");
  execute("PRAGMA defer_foreign_keys = ON");
  execute("CREATE TABLE " + holding + " AS SELECT " + column_list + " FROM " +
          d.quote_identifier(table));
  drop_table(table);
  run(sqlcore::create_table(nt, false, true));
  execute("INSERT INTO " + d.quote_identifier(table) + " (" + column_list + ") SELECT " +
          column_list + " FROM " + holding);
  execute("DROP TABLE " + holding);
  for (const Index& ix : nt.indexes()) run(sqlcore::create_index(ix));
  if (model_) model_->put(std::string(table), detail::SchemaModel::describe(d, nt));
}

}  // namespace sqlcore::migrate
