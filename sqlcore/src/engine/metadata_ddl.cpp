// MetaData::create_all_sql, create_all and drop_all: the schema's DDL, rendered for a dialect
// and run on an engine. Here, above the engine, rather than in schema/: tables know nothing of
// the SQL or the connections that create them.
#include <algorithm>

#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/engine/connection.hpp"
#include "sqlcore/engine/engine.hpp"
#include "sqlcore/engine/transaction.hpp"
#include "sqlcore/schema/metadata.hpp"
#include "sqlcore/sql/ddl.hpp"
#include "sqlcore/sql/text.hpp"

namespace sqlcore {

std::vector<std::string> MetaData::create_all_sql(const Dialect& dialect,
                                                  bool if_not_exists) const {
  validate();
  std::vector<std::string> out;
  const bool alter = dialect.supports_add_constraint();
  for (const Table* t : sorted_tables()) {
    out.push_back(create_table(*t, if_not_exists, !alter).sql(dialect));
    for (const Index& ix : t->indexes())
      out.push_back(create_index(ix, if_not_exists).sql(dialect));
  }
  if (alter)
    for (const Table* t : sorted_tables())
      for (const ForeignKey& fk : t->foreign_keys())
        if (fk.is_use_alter()) out.push_back(add_foreign_key(fk).sql(dialect));
  return out;
}

namespace {

bool has_table(Connection& conn, const std::string& name) {
  TextClause q(conn.dialect().has_table_sql());
  return conn.execute(q, {{"name", name}}).first().has_value();
}

template <class F>
void in_transaction(Engine& engine, F&& fn) {
  Connection conn = engine.connect();
  if (conn.dialect().transactional_ddl()) {
    Transaction tx = conn.begin();
    fn(conn);
    tx.commit();
  } else {
    fn(conn);
  }
}

}  // namespace

void MetaData::create_all(Engine& engine, const SchemaOptions& options) const {
  validate();
  const std::vector<const Table*> order = sorted_tables();
  in_transaction(engine, [&](Connection& conn) {
    const Dialect& dialect = conn.dialect();
    const bool alter = dialect.supports_add_constraint();
    std::vector<const Table*> created;
    for (const Table* t : order) {
      if (options.checkfirst && has_table(conn, t->name())) continue;
      conn.execute(create_table(*t, false, !alter));
      for (const Index& ix : t->indexes()) conn.execute(create_index(ix));
      created.push_back(t);
    }
    if (alter)
      for (const Table* t : created)
        for (const ForeignKey& fk : t->foreign_keys())
          if (fk.is_use_alter()) conn.execute(add_foreign_key(fk));
  });
}

void MetaData::drop_all(Engine& engine, const SchemaOptions& options) const {
  validate();
  std::vector<const Table*> order = sorted_tables();
  std::reverse(order.begin(), order.end());
  in_transaction(engine, [&](Connection& conn) {
    const Dialect& dialect = conn.dialect();
    std::vector<const Table*> present;
    for (const Table* t : order)
      if (!options.checkfirst || has_table(conn, t->name())) present.push_back(t);
    // Keys added after the tables go first, so that the tables of a cycle can be dropped.
    if (dialect.supports_add_constraint())
      for (const Table* t : present)
        for (const ForeignKey& fk : t->foreign_keys())
          if (fk.is_use_alter()) conn.execute(drop_foreign_key(fk, true));
    for (const Table* t : present) conn.execute(drop_table(*t));
  });
}

}  // namespace sqlcore
