// Autogenerate's compare: MetaData against the catalog, as changes (rules: autogenerate.hpp).
#include "sqlcore/migrate/autogenerate.hpp"

#include <cctype>
#include <map>
#include <set>
#include <string_view>

#include "inspect/reflector.hpp"
#include "migrate/autogenerate_internal.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/engine/connection.hpp"
#include "sqlcore/inspect/inspector.hpp"

namespace sqlcore::migrate {

std::string join(const Strings& v, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? std::string(sep) : std::string()) + v[i];
  return out;
}

Strings names_of(const std::vector<const Column*>& cols) {
  Strings out;
  out.reserve(cols.size());
  for (const Column* c : cols) out.push_back(c ? c->name() : std::string());
  return out;
}

namespace {

std::string loose(std::string_view s) {
  return detail::loose_sql(s, /*drop_string_quotes=*/true);
}

/// A type spelling without case and blanks.
std::string type_key(std::string_view s) {
  std::string out;
  for (const char ch : s)
    if (!std::isspace(static_cast<unsigned char>(ch)))
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  return out;
}

std::string describe_default(const Dialect& d, const Column& c) {
  const auto& sd = c.server_default();
  if (!sd) return "no default";
  switch (sd->kind()) {
    case ServerDefault::Kind::literal:
      try {
        return "DEFAULT " + d.literal_sql(sd->value(), c.type());
      } catch (const std::exception&) {
        return "DEFAULT (literal)";
      }
    case ServerDefault::Kind::current_timestamp:
      return "DEFAULT now()";
    case ServerDefault::Kind::sql:
      return "DEFAULT " + sd->expression();
  }
  return "DEFAULT";
}

/// Whether the declared and the reflected default differ. Only reported when sure.
bool default_differs(const Dialect& d, const Column& c, const ColumnInfo& info) {
  const auto& sd = c.server_default();
  if (sd.has_value() != info.default_sql.has_value()) {
    // An identity or rowid column may carry a generated default on some catalogs (serial's
    // nextval): not a difference for a column the database numbers.
    return !(c.is_autoincrement() && info.autoincrement);
  }
  if (!sd) return false;
  switch (sd->kind()) {
    case ServerDefault::Kind::literal:
      try {
        return loose(*info.default_sql) != loose(d.literal_sql(sd->value(), c.type()));
      } catch (const std::exception&) {
        return false;  // no literal form here: cannot compare
      }
    case ServerDefault::Kind::current_timestamp:
      return loose(*info.default_sql) != loose(d.current_timestamp_sql(c.type()));
    case ServerDefault::Kind::sql:
      return false;  // catalogs respell expressions: presence only
  }
  return false;
}

std::string index_key(const Strings& columns, const Strings& expressions, bool unique,
                      const std::string& where) {
  Strings exprs;
  for (const auto& e : expressions) exprs.push_back(loose(e));
  return std::string(unique ? "unique " : "") + join(columns, ",") + " | " + join(exprs, ",") +
         " | " + loose(where);
}

std::string index_words(const Strings& columns, const Strings& expressions, bool unique,
                        const std::string& where) {
  Strings parts;
  for (std::size_t i = 0; i < columns.size(); ++i)
    parts.push_back(!columns[i].empty() || i >= expressions.size() ? columns[i] : expressions[i]);
  std::string out = std::string(unique ? "UNIQUE " : "") + "(" + join(parts) + ")";
  if (!where.empty()) out += " WHERE " + where;
  return out;
}

std::string fk_words(const Strings& cols, const std::string& table, const Strings& ref_cols,
                     FkAction on_delete, FkAction on_update) {
  return "(" + join(cols) + ") -> " + table + " (" + join(ref_cols) + ") ON DELETE " +
         to_sql(on_delete) + " ON UPDATE " + to_sql(on_update);
}

void compare_table(Inspector& insp, const Dialect& d, const Table& t, std::vector<Change>& out) {
  using K = Change::Kind;
  const std::string& tn = t.name();

  // Columns.
  const auto infos = insp.columns(tn);
  std::map<std::string, const ColumnInfo*> by_name;
  for (const auto& info : infos) by_name[info.name] = &info;
  for (const Column* c : t.columns()) {
    auto it = by_name.find(c->name());
    if (it == by_name.end()) {
      out.push_back({K::add_column, tn, c->name(),
                     d.column_type_sql(*c) + (c->is_nullable() ? "" : " NOT NULL")});
      continue;
    }
    const ColumnInfo& info = *it->second;
    // Type.
    const std::string want = d.column_type_sql(*c);
    const std::string got = info.type ? d.type_sql(*info.type) : info.type_sql;
    const bool numbered_key = c->is_autoincrement() && info.autoincrement &&
                              c->type().is_integer() && info.type && info.type->is_integer();
    const bool enum_values_differ = c->type().kind() == TypeKind::enumeration && info.type &&
                                    info.type->kind() == TypeKind::enumeration &&
                                    c->type().enum_values() != info.type->enum_values();
    if (!numbered_key && type_key(want) != type_key(got) &&
        type_key(d.type_sql(c->type())) != type_key(got))
      out.push_back({K::alter_type, tn, c->name(), got + " -> " + want});
    else if (enum_values_differ)
      out.push_back({K::alter_type, tn, c->name(),
                     "Enum(" + join(info.type->enum_values()) + ") -> Enum(" +
                         join(c->type().enum_values()) + ")"});
    // Nullability (a key column is NOT NULL whatever the catalog says about it).
    if (info.nullable != c->is_nullable())
      out.push_back({K::alter_nullable, tn, c->name(),
                     c->is_nullable() ? "NOT NULL -> nullable" : "nullable -> NOT NULL"});
    // Default.
    if (default_differs(d, *c, info))
      out.push_back(
          {K::alter_default, tn, c->name(),
           (info.default_sql ? "DEFAULT " + *info.default_sql : std::string("no default")) +
               " -> " + describe_default(d, *c)});
  }
  for (const auto& info : infos)
    if (!t.find_column(info.name))
      out.push_back(
          {K::drop_column, tn, info.name, info.type ? d.type_sql(*info.type) : info.type_sql});

  // The primary key, by its columns.
  const Strings db_pk = insp.primary_key(tn).columns;
  const Strings want_pk = names_of(t.primary_key().columns());
  if (db_pk != want_pk)
    out.push_back({K::alter_primary_key, tn,
                   want_pk.empty() ? std::string() : t.primary_key().name(),
                   "(" + join(db_pk) + ") -> (" + join(want_pk) + ")"});

  // Indexes, by name then by shape.
  std::map<std::string, const IndexInfo*> db_ix;
  const auto ixs = insp.indexes(tn);
  for (const auto& ix : ixs) db_ix[ix.name] = &ix;
  std::set<std::string> declared_ix;
  for (const auto& ix : t.indexes()) {
    const std::string name = ix.name();
    declared_ix.insert(name);
    const Strings cols = names_of(ix.columns());
    const std::string words = index_words(cols, ix.expressions(), ix.is_unique(), ix.where());
    auto it = db_ix.find(name);
    if (it == db_ix.end()) {
      out.push_back({K::add_index, tn, name, words});
      continue;
    }
    const IndexInfo& got = *it->second;
    if (index_key(cols, ix.expressions(), ix.is_unique(), ix.where()) !=
        index_key(got.columns, got.expressions, got.unique, got.where)) {
      const std::string was = index_words(got.columns, got.expressions, got.unique, got.where);
      out.push_back({K::drop_index, tn, name, "changed: was " + was});
      out.push_back({K::add_index, tn, name, "changed: now " + words});
    }
  }
  for (const auto& ix : ixs)
    if (!declared_ix.count(ix.name))
      out.push_back({K::drop_index, tn, ix.name,
                     index_words(ix.columns, ix.expressions, ix.unique, ix.where)});

  // Unique constraints.
  std::map<std::string, Strings> db_uq;
  for (const auto& u : insp.unique_constraints(tn)) db_uq[u.name] = u.columns;
  std::set<std::string> declared_uq;
  for (const auto& u : t.unique_constraints()) {
    const std::string name = u.name();
    declared_uq.insert(name);
    const Strings cols = names_of(u.columns());
    auto it = db_uq.find(name);
    if (it == db_uq.end()) {
      out.push_back({K::add_unique, tn, name, "(" + join(cols) + ")"});
    } else if (it->second != cols) {
      out.push_back({K::drop_unique, tn, name, "changed: was (" + join(it->second) + ")"});
      out.push_back({K::add_unique, tn, name, "changed: now (" + join(cols) + ")"});
    }
  }
  for (const auto& [name, cols] : db_uq)
    if (!declared_uq.count(name)) out.push_back({K::drop_unique, tn, name, "(" + join(cols) + ")"});

  // Foreign keys.
  std::map<std::string, std::string> db_fk;
  for (const auto& f : insp.foreign_keys(tn))
    db_fk[f.name] =
        fk_words(f.columns, f.referred_table, f.referred_columns, f.on_delete, f.on_update);
  std::set<std::string> declared_fk;
  for (const auto& f : t.foreign_keys()) {
    const std::string name = f.name();
    declared_fk.insert(name);
    const std::string words = fk_words(names_of(f.columns()), f.referred_table(),
                                       f.referred_columns(), f.on_delete(), f.on_update());
    auto it = db_fk.find(name);
    if (it == db_fk.end()) {
      out.push_back({K::add_foreign_key, tn, name, words});
    } else if (it->second != words) {
      out.push_back({K::drop_foreign_key, tn, name, "changed: was " + it->second});
      out.push_back({K::add_foreign_key, tn, name, "changed: now " + words});
    }
  }
  for (const auto& [name, words] : db_fk)
    if (!declared_fk.count(name)) out.push_back({K::drop_foreign_key, tn, name, words});

  // CHECK constraints, by name. Those a column's type writes are left to the column's type.
  std::set<std::string> typed_ck, declared_ck;
  const MetaData& md = t.metadata();
  for (const Column* c : t.columns())
    for (const auto& [label, condition] : d.type_checks(*c))
      typed_ck.insert(md.apply_convention(md.naming_convention().check, t, {c}, {}, {}, label));
  std::set<std::string> db_ck;
  for (const auto& ck : insp.checks(tn)) db_ck.insert(ck.name);
  for (const CheckConstraint& ck : t.checks()) {
    declared_ck.insert(ck.name());
    if (!db_ck.count(ck.name())) out.push_back({K::add_check, tn, ck.name(), ck.condition()});
  }
  for (const auto& ck : insp.checks(tn)) {
    if (declared_ck.count(ck.name) || typed_ck.count(ck.name)) continue;
    // A check an Enum or Json type wrote for a column whose type is still such is kept.
    bool typed = false;
    for (const auto& info : infos)
      for (const Column* c : t.columns())
        if (c->name() == info.name && info.type && c->type() == *info.type)
          for (const auto& [label, condition] : d.type_checks(*c))
            typed = typed || md.apply_convention(md.naming_convention().check, t, {c}, {}, {},
                                                 label) == ck.name;
    if (!typed) out.push_back({K::drop_check, tn, ck.name, ck.condition});
  }
}

}  // namespace

const char* to_string(Change::Kind kind) {
  using K = Change::Kind;
  switch (kind) {
    case K::add_table:
      return "add_table";
    case K::drop_table:
      return "drop_table";
    case K::add_column:
      return "add_column";
    case K::drop_column:
      return "drop_column";
    case K::alter_type:
      return "alter_type";
    case K::alter_nullable:
      return "alter_nullable";
    case K::alter_default:
      return "alter_default";
    case K::add_index:
      return "add_index";
    case K::drop_index:
      return "drop_index";
    case K::add_unique:
      return "add_unique";
    case K::drop_unique:
      return "drop_unique";
    case K::add_foreign_key:
      return "add_foreign_key";
    case K::drop_foreign_key:
      return "drop_foreign_key";
    case K::add_check:
      return "add_check";
    case K::drop_check:
      return "drop_check";
    case K::alter_primary_key:
      return "alter_primary_key";
  }
  return "?";
}

std::vector<Change> compare(Connection& conn, const MetaData& metadata,
                            const std::vector<std::string>& ignore_tables) {
  const Dialect& d = conn.dialect();
  Inspector insp(conn);
  const Strings db_tables = insp.table_names();
  const std::set<std::string> in_db(db_tables.begin(), db_tables.end());
  const std::set<std::string> ignored(ignore_tables.begin(), ignore_tables.end());

  std::vector<Change> out;
  const auto tables = metadata.sorted_tables();
  // New tables first (in dependency order), so that changes below may refer to them.
  for (const Table* t : tables)
    if (!ignored.count(t->name()) && !in_db.count(t->name()))
      out.push_back({Change::Kind::add_table,
                     t->name(),
                     {},
                     std::to_string(t->columns().size()) + " column(s)"});
  for (const Table* t : tables)
    if (!ignored.count(t->name()) && in_db.count(t->name())) compare_table(insp, d, *t, out);
  for (const auto& name : db_tables)
    if (!metadata.find_table(name) && !ignored.count(name))
      out.push_back({Change::Kind::drop_table, name, {}, "not in the metadata"});
  return out;
}

}  // namespace sqlcore::migrate
