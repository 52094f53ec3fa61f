// Inspector: sorts and checks what the backend's Reflector reads, recognises the portable types
// (including those only a CHECK reveals) and builds Tables from it.
#include "sqlcore/inspect/inspector.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "inspect/reflector.hpp"
#include "sql/sql_text.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/engine/connection.hpp"

namespace sqlcore {

// The default: a backend without a reflector (Dialect's interface does not include inspect).
std::unique_ptr<detail::Reflector> Dialect::reflector(Connection&) const {
  return nullptr;
}

namespace {

std::string loose(std::string_view s) {
  return detail::loose_sql(s, false);
}

bool is_time_kind(const Type& t) {
  return t.kind() == TypeKind::date_time || t.kind() == TypeKind::date ||
         t.kind() == TypeKind::time;
}

template <class T>
void sort_by_name(std::vector<T>& v) {
  std::sort(v.begin(), v.end(), [](const T& a, const T& b) { return a.name < b.name; });
}

}  // namespace

// ---- Inspector ------------------------------------------------------------------------------

Inspector::Inspector(Connection& conn)
    : dialect_(&conn.dialect()), reflector_(conn.dialect().reflector(conn)) {
  if (!reflector_)
    throw CompileError("Inspector: dialect '" + std::string(conn.dialect().name()) +
                       "' cannot read its catalog (its Dialect::reflector() returns none)");
}

Inspector::Inspector(const Dialect& dialect, std::unique_ptr<detail::Reflector> reflector)
    : dialect_(&dialect), reflector_(std::move(reflector)) {
  if (!reflector_) throw ArgumentError("Inspector: no catalog reader given");
}

Inspector::~Inspector() = default;

std::vector<std::string> Inspector::table_names() {
  std::vector<std::string> out;
  for (auto& n : reflector_->table_names())
    if (n.rfind("sqlite_", 0) != 0 && n.rfind("sqlcore_", 0) != 0) out.push_back(std::move(n));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool Inspector::has_table(std::string_view name) {
  return reflector_->has_table(name);
}

void Inspector::require_table(std::string_view table) {
  if (!reflector_->has_table(table))
    throw ArgumentError("Inspector: no table '" + std::string(table) + "' in the database");
}

std::vector<ColumnInfo> Inspector::columns(std::string_view table) {
  require_table(table);
  auto out = reflector_->columns(table);
  for (auto& col : out)
    if (!col.type) col.type = reflector_->portable_type(col.type_sql);
  // Types only a CHECK reveals: an Enum is a VARCHAR with an IN list, SQLite's Json is TEXT.
  for (const auto& ck : reflector_->checks(table)) {
    auto found = reflector_->type_from_check(ck);
    if (!found) continue;
    for (auto& col : out) {
      if (col.name != found->first) continue;
      if (!col.type || col.type->kind() == TypeKind::string || col.type->kind() == TypeKind::text)
        col.type = found->second;
    }
  }
  return out;
}

PrimaryKeyInfo Inspector::primary_key(std::string_view table) {
  require_table(table);
  return reflector_->primary_key(table);
}

std::vector<UniqueInfo> Inspector::unique_constraints(std::string_view table) {
  require_table(table);
  auto out = reflector_->unique_constraints(table);
  sort_by_name(out);
  return out;
}

std::vector<IndexInfo> Inspector::indexes(std::string_view table) {
  require_table(table);
  auto out = reflector_->indexes(table);
  sort_by_name(out);
  return out;
}

std::vector<ForeignKeyInfo> Inspector::foreign_keys(std::string_view table) {
  require_table(table);
  auto out = reflector_->foreign_keys(table);
  sort_by_name(out);
  return out;
}

std::vector<CheckInfo> Inspector::checks(std::string_view table) {
  require_table(table);
  auto out = reflector_->checks(table);
  sort_by_name(out);
  return out;
}

Table& Inspector::reflect(MetaData& metadata, std::string_view table) {
  require_table(table);
  if (metadata.find_table(table))
    throw ArgumentError("Inspector::reflect: the MetaData already has a table '" +
                        std::string(table) + "'");
  const Dialect& d = *dialect_;
  const auto cols = columns(table);
  const auto pk = primary_key(table);
  const auto uniques = unique_constraints(table);
  const auto ixs = indexes(table);
  const auto fks = foreign_keys(table);
  const auto cks = checks(table);

  // Built in a scratch MetaData first, so that a catalog the model refuses leaves `metadata`
  // as it was.
  auto build = [&](Table& t) {
    for (const ColumnInfo& info : cols) {
      const Type type = info.type.value_or(types::Text);
      Column& c = t.column(info.name, type);
      const bool in_pk =
          std::find(pk.columns.begin(), pk.columns.end(), info.name) != pk.columns.end();
      if (info.nullable && !in_pk) c.nullable();
      if (info.default_sql && !info.autoincrement) {
        if (is_time_kind(type) && loose(*info.default_sql) == loose(d.current_timestamp_sql(type)))
          c.server_default(now());
        else
          c.server_default(ServerDefault::sql(*info.default_sql));
      }
    }
    if (!pk.columns.empty())
      t.primary_key(std::vector<ColumnRef>(pk.columns.begin(), pk.columns.end()), pk.name);
    for (const ColumnInfo& info : cols) {
      Column& c = const_cast<Column&>(t.c(info.name));
      if (info.autoincrement && !c.is_autoincrement() && c.type().is_integer())
        c.autoincrement(true);
      else if (!info.autoincrement && c.is_autoincrement())
        c.autoincrement(false);
    }
    for (const UniqueInfo& u : uniques)
      t.unique(std::vector<ColumnRef>(u.columns.begin(), u.columns.end()), u.name);
    for (const CheckInfo& ck : cks) {
      if (auto found = reflector_->type_from_check(ck)) {
        const Column* col = t.find_column(found->first);
        if (col && col->type() == found->second) continue;  // the type writes it again
      }
      t.check(raw_sql(ck.condition), ck.name);
    }
    for (const IndexInfo& ix : ixs) {
      std::vector<IndexElement> elements;
      for (std::size_t i = 0; i < ix.columns.size(); ++i) {
        if (!ix.columns[i].empty())
          elements.emplace_back(ColumnRef(ix.columns[i]));
        else
          elements.emplace_back(raw_sql(i < ix.expressions.size() ? ix.expressions[i] : ""));
      }
      Index& made = t.index(ix.name, std::move(elements)).unique(ix.unique);
      if (!ix.where.empty()) made.where(raw_sql(ix.where));
    }
    for (const ForeignKeyInfo& fk : fks)
      t.foreign_key(std::vector<ColumnRef>(fk.columns.begin(), fk.columns.end()), fk.referred_table,
                    fk.referred_columns, fk.on_delete, fk.on_update, fk.name);
  };
  {
    MetaData scratch(metadata.naming_convention());
    build(scratch.add_table(std::string(table)));
  }
  Table& t = metadata.add_table(std::string(table));
  build(t);
  return t;
}

void Inspector::reflect_all(MetaData& metadata) {
  const auto names = table_names();
  std::map<std::string, std::set<std::string>> deps;
  for (const auto& n : names) {
    auto& dep = deps[n];
    for (const auto& fk : foreign_keys(n))
      if (fk.referred_table != n) dep.insert(fk.referred_table);
  }
  std::vector<std::string> order;
  std::set<std::string> done;
  while (order.size() < names.size()) {
    bool progressed = false;
    for (const auto& n : names) {
      if (done.count(n)) continue;
      bool ready = true;
      for (const auto& dep : deps[n])
        if (!done.count(dep) && deps.count(dep)) ready = false;
      if (!ready) continue;
      order.push_back(n);
      done.insert(n);
      progressed = true;
      break;  // restart: referenced tables first, then name order
    }
    if (!progressed) {  // a cycle: the rest in name order
      for (const auto& n : names)
        if (done.insert(n).second) order.push_back(n);
    }
  }
  for (const auto& n : order)
    if (!metadata.find_table(n)) reflect(metadata, n);
}

}  // namespace sqlcore
