// Autogenerate: MetaData against the catalog (see migrate/autogenerate.hpp for the rules).
#include "sqlcore/migrate/autogenerate.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <set>
#include <string_view>

#include "inspect/reflector.hpp"
#include "migrate/model.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/engine/connection.hpp"
#include "sqlcore/inspect/inspector.hpp"
#include "sqlcore/migrate/migrate.hpp"

namespace sqlcore::migrate {
namespace {

using Strings = std::vector<std::string>;

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

std::string join(const Strings& v, std::string_view sep = ", ") {
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

/// A C++ string literal.
std::string lit(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"' || ch == '\\') out.push_back('\\');
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(ch);
  }
  return out + "\"";
}

/// {"a", "b"}
std::string lits(const Strings& v) {
  Strings quoted;
  for (const auto& x : v) quoted.push_back(lit(x));
  return "{" + join(quoted) + "}";
}

std::string action_cpp(FkAction a) {
  switch (a) {
    case FkAction::no_action:
      return "FkAction::no_action";
    case FkAction::restrict:
      return "FkAction::restrict";
    case FkAction::cascade:
      return "FkAction::cascade";
    case FkAction::set_null:
      return "FkAction::set_null";
    case FkAction::set_default:
      return "FkAction::set_default";
  }
  return "FkAction::no_action";
}

std::string type_cpp(const Type& t) {
  switch (t.kind()) {
    case TypeKind::string:
      return t.length() ? "types::String(" + std::to_string(t.length()) + ")" : "types::String()";
    case TypeKind::numeric:
      return "types::Numeric(" + std::to_string(t.precision()) + ", " + std::to_string(t.scale()) +
             ")";
    case TypeKind::enumeration: {
      Strings values;
      for (const auto& v : t.enum_values()) values.push_back(lit(v));
      return "types::Enum({" + join(values) + "})";
    }
    default:
      return "types::" + t.to_string();
  }
}

/// A server default as C++ (the argument of Column::server_default), or nullopt when it has no
/// C++ spelling here (a literal of another kind than text, bool, integer or real).
std::optional<std::string> default_cpp(const ServerDefault& d) {
  switch (d.kind()) {
    case ServerDefault::Kind::current_timestamp:
      return "now()";
    case ServerDefault::Kind::sql:
      return "ServerDefault::sql(" + lit(d.expression()) + ")";
    case ServerDefault::Kind::literal: {
      const Value& v = d.value();
      switch (v.kind()) {
        case Value::Kind::text:
          return "std::string(" + lit(v.as<std::string>()) + ")";
        case Value::Kind::boolean:
          return v.as<bool>() ? "true" : "false";
        case Value::Kind::integer:
          return "std::int64_t{" + std::to_string(v.as<std::int64_t>()) + "}";
        case Value::Kind::real: {
          char buf[40];
          auto r = std::to_chars(buf, buf + sizeof buf, v.as<double>());
          std::string out(buf, r.ptr);  // the shortest form that reads back the same
          if (out.find_first_of(".en") == std::string::npos) out += ".0";
          return out;
        }
        default:
          return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

/// The statements that declare `t` on `Table& t` in a scratch MetaData, every name explicit, so
/// that the revision keeps creating this table however the declarations change later.
std::string table_cpp(const Table& t, const std::string& in) {
  std::string o;
  const bool single_pk = t.primary_key().columns().size() == 1;
  for (const Column* c : t.columns()) {
    o += in + "t.column(" + lit(c->name()) + ", " + type_cpp(c->type()) + ")";
    if (single_pk && c->is_primary_key()) o += ".primary_key()";
    if (c->is_nullable() && !c->is_primary_key()) o += ".nullable()";
    if (c->autoincrement_setting() != Autoincrement::automatic)
      o += std::string(".autoincrement(") +
           (c->autoincrement_setting() == Autoincrement::yes ? "true" : "false") + ")";
    std::string todo;
    if (c->server_default()) {
      if (auto d = default_cpp(*c->server_default()))
        o += ".server_default(" + *d + ")";
      else
        todo = "  // TODO: its server default (a literal of another kind)";
    }
    o += ";" + todo + "\n";
  }
  if (t.primary_key().columns().size() > 1)
    o += in + "t.primary_key(" + lits(names_of(t.primary_key().columns())) + ", " +
         lit(t.primary_key().name()) + ");\n";
  for (const UniqueConstraint& u : t.unique_constraints())
    o += in + "t.unique(" + lits(names_of(u.columns())) + ", " + lit(u.name()) + ");\n";
  for (const CheckConstraint& ck : t.checks())
    o += in + "t.check(raw_sql(" + lit(ck.condition()) + "), " + lit(ck.name()) + ");\n";
  for (const ForeignKey& fk : t.foreign_keys()) {
    o += in + "t.foreign_key(" + lits(names_of(fk.columns())) + ", " + lit(fk.referred_table()) +
         ", " + lits(fk.referred_columns()) + ", " + action_cpp(fk.on_delete()) + ", " +
         action_cpp(fk.on_update()) + ", " + lit(fk.name()) + ")";
    o += fk.is_use_alter() ? ".use_alter();\n" : ";\n";
  }
  for (const Index& ix : t.indexes()) {
    Strings elements;
    for (std::size_t i = 0; i < ix.columns().size(); ++i)
      elements.push_back(ix.columns()[i] ? lit(ix.columns()[i]->name())
                                         : "raw_sql(" + lit(ix.expressions()[i]) + ")");
    o += in + "t.index(" + lit(ix.name()) + ", {" + join(elements) + "})";
    if (ix.is_unique()) o += ".unique()";
    if (!ix.where().empty()) o += ".where(raw_sql(" + lit(ix.where()) + "))";
    o += ";\n";
  }
  return o;
}

}  // namespace

std::string render_table_cpp(const Table& table) {
  std::string o = "{  // " + table.name() + "\n";
  o += "  MetaData md;\n";
  o += "  Table& t = md.add_table(" + lit(table.name()) + ");\n";
  o += table_cpp(table, "  ");
  o += "  m.create_table(t);\n}\n";
  return o;
}

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

std::string render_cpp(const std::vector<Change>& changes, const MetaData& metadata) {
  using K = Change::Kind;
  std::string o;
  o += "// Generated by sqlcore::migrate::compare(): REVIEW AND EDIT BEFORE USE.\n";
  o += "//\n";
  o += "// !!! WARNING: RENAMES CANNOT BE DETECTED. A renamed table or column shows below as a\n";
  o += "// !!! DROP plus an ADD, which LOSES ITS DATA. Replace such pairs with\n";
  o += "// !!! m.rename_table() / m.rename_column().\n";
  o += "// Not compared: primary key names, CHECK conditions (by name only), the value of\n";
  o += "// ServerDefault::sql() defaults.\n";
  const std::size_t head = o.size();  // the lambda's first line goes here, once the body is known
  o += "  using namespace sqlcore;\n";
  if (changes.empty()) o += "  // No changes: the database agrees with the metadata.\n";
  for (const Change& ch : changes) {
    const Table* t = metadata.find_table(ch.table);
    const Column* c = t ? t->find_column(ch.name) : nullptr;
    const std::string tl = lit(ch.table), nl = lit(ch.name);
    const std::string col_expr = "metadata.table(" + tl + ").c(" + nl + ")";
    o += "  // " + std::string(to_string(ch.kind)) + " " + ch.table +
         (ch.name.empty() ? "" : "." + ch.name) + (ch.detail.empty() ? "" : ": " + ch.detail) +
         "\n";
    switch (ch.kind) {
      case K::add_table:
        if (t) {
          // The table as declared today, frozen: the revision must create this table even after
          // the declarations change.
          std::string block = render_table_cpp(*t);
          std::string indented;
          for (std::size_t at = 0; at < block.size();) {
            const std::size_t end = block.find('\n', at);
            indented += "  " + block.substr(at, end - at) + "\n";
            at = end + 1;
          }
          o += indented;
        } else {
          o += "  // TODO: table not found in the metadata\n";
        }
        break;
      case K::drop_table:
        o += "  m.drop_table(" + tl + ");  // DATA LOSS (a rename?)\n";
        break;
      case K::add_column:
        if (c) {
          if (!c->is_nullable() && !c->server_default())
            o +=
                "  // TODO: NOT NULL without a server default: existing rows need a value (add it\n"
                "  // nullable, fill it, then alter_column(.nullable = false), or give a "
                "default)\n";
          o += "  m.add_column(" + tl + ", " + nl + ", " + type_cpp(c->type()) +
               ", {.nullable = " + (c->is_nullable() ? "true" : "false") +
               (c->server_default() ? ", .server_default = " + col_expr + ".server_default()"
                                    : std::string()) +
               "});\n";
        } else {
          o += "  // TODO: column not found in the metadata\n";
        }
        break;
      case K::drop_column:
        o += "  m.drop_column(" + tl + ", " + nl + ");  // DATA LOSS (a rename?)\n";
        break;
      case K::alter_type:
        if (c)
          o += "  m.alter_column(" + tl + ", " + nl + ", {.type = " + type_cpp(c->type()) + "});\n";
        break;
      case K::alter_nullable:
        if (c)
          o += "  m.alter_column(" + tl + ", " + nl +
               ", {.nullable = " + (c->is_nullable() ? "true" : "false") + "});\n";
        break;
      case K::alter_default:
        if (c && c->server_default())
          o += "  m.alter_column(" + tl + ", " + nl + ", {.server_default = " + col_expr +
               ".server_default()});\n";
        else
          o += "  m.alter_column(" + tl + ", " + nl + ", {.drop_server_default = true});\n";
        break;
      case K::add_index: {
        const Index* ix = nullptr;
        if (t)
          for (const auto& i : t->indexes())
            if (i.name() == ch.name) ix = &i;
        const bool plain = ix && ix->where().empty() &&
                           std::none_of(ix->columns().begin(), ix->columns().end(),
                                        [](const Column* col) { return col == nullptr; });
        if (plain) {
          Strings cols;
          for (const Column* col : ix->columns()) cols.push_back(lit(col->name()));
          o += "  m.create_index(" + tl + ", " + nl + ", {" + join(cols) + "}" +
               (ix->is_unique() ? ", true" : "") + ");\n";
        } else {
          o += "  for (const Index& ix : metadata.table(" + tl + ").indexes())\n";
          o += "    if (ix.name() == " + nl + ") m.create_index(ix);\n";
        }
        break;
      }
      case K::drop_index:
        o += "  m.drop_index(" + nl + ");\n";
        break;
      case K::add_unique: {
        const UniqueConstraint* u = nullptr;
        if (t)
          for (const auto& x : t->unique_constraints())
            if (x.name() == ch.name) u = &x;
        if (u)
          o += "  m.add_unique(" + tl + ", " + lits(names_of(u->columns())) + ", " + nl + ");\n";
        else
          o += "  // TODO: unique constraint not found in the metadata\n";
        break;
      }
      case K::drop_unique:
      case K::drop_foreign_key:
      case K::drop_check:
        o += "  m.drop_constraint(" + tl + ", " + nl + ");\n";
        break;
      case K::add_check:
        o += "  m.add_check(" + tl + ", " + lit(ch.detail) + ", " + nl + ");\n";
        break;
      case K::alter_primary_key:
        o += "  m.alter_primary_key(" + tl + ", " +
             lits(t ? names_of(t->primary_key().columns()) : Strings{}) +
             (ch.name.empty() ? std::string() : ", " + nl) + ");\n";
        break;
      case K::add_foreign_key: {
        const ForeignKey* fk = nullptr;
        if (t)
          for (const auto& x : t->foreign_keys())
            if (x.name() == ch.name) fk = &x;
        if (fk)
          o += "  m.add_foreign_key(" + tl + ", " + lits(names_of(fk->columns())) + ", " +
               lit(fk->referred_table()) + ", " + lits(fk->referred_columns()) + ", " +
               action_cpp(fk->on_delete()) + ", " + action_cpp(fk->on_update()) + ", " + nl +
               ");\n";
        else
          o += "  // TODO: foreign key not found in the metadata\n";
        break;
      }
    }
  }
  o += "}\n";
  // Capture the metadata only when the body reads it (frozen tables do not).
  const bool reads = o.find("metadata.", head) != std::string::npos;
  o.insert(head, std::string(reads ? "[&metadata]" : "[]") +
                     "(sqlcore::migrate::MigrationContext& m) {\n");
  return o;
}

namespace {

/// The change as MigrationContext operations (what render_cpp() writes).
void apply(MigrationContext& m, const Change& ch, const MetaData& metadata) {
  using K = Change::Kind;
  const Table* t = metadata.find_table(ch.table);
  const Column* c = t ? t->find_column(ch.name) : nullptr;
  auto need = [&](const void* p, const char* what) {
    if (!p)
      throw ArgumentError(std::string(what) + " " + ch.name + " of " + ch.table +
                          " is not in the metadata");
  };
  switch (ch.kind) {
    case K::add_table:
      need(t, "table");
      m.create_table(*t);
      return;
    case K::drop_table:
      m.drop_table(ch.table);
      return;
    case K::add_column:
      need(c, "column");
      m.add_column(ch.table, ch.name, c->type(), {c->is_nullable(), c->server_default()});
      return;
    case K::drop_column:
      m.drop_column(ch.table, ch.name);
      return;
    case K::alter_type:
      need(c, "column");
      m.alter_column(ch.table, ch.name, {.type = c->type()});
      return;
    case K::alter_nullable:
      need(c, "column");
      m.alter_column(ch.table, ch.name, {.nullable = c->is_nullable()});
      return;
    case K::alter_default:
      need(c, "column");
      if (c->server_default())
        m.alter_column(ch.table, ch.name, {.server_default = c->server_default()});
      else
        m.alter_column(ch.table, ch.name, {.drop_server_default = true});
      return;
    case K::add_index:
      need(t, "table");
      for (const Index& ix : t->indexes())
        if (ix.name() == ch.name) return m.create_index(ix);
      need(nullptr, "index");
      return;
    case K::drop_index:
      m.drop_index(ch.name);
      return;
    case K::add_unique:
      need(t, "table");
      for (const UniqueConstraint& u : t->unique_constraints())
        if (u.name() == ch.name) return m.add_unique(ch.table, names_of(u.columns()), ch.name);
      need(nullptr, "unique constraint");
      return;
    case K::drop_unique:
    case K::drop_foreign_key:
    case K::drop_check:
      m.drop_constraint(ch.table, ch.name);
      return;
    case K::alter_primary_key:
      need(t, "table");
      m.alter_primary_key(ch.table, names_of(t->primary_key().columns()), ch.name);
      return;
    case K::add_check:
      need(t, "table");
      for (const CheckConstraint& ck : t->checks())
        if (ck.name() == ch.name) return m.add_check(ch.table, ck.condition(), ch.name);
      need(nullptr, "check constraint");
      return;
    case K::add_foreign_key:
      need(t, "table");
      for (const ForeignKey& fk : t->foreign_keys())
        if (fk.name() == ch.name)
          return m.add_foreign_key(ch.table, names_of(fk.columns()), fk.referred_table(),
                                   fk.referred_columns(), fk.on_delete(), fk.on_update(), ch.name);
      need(nullptr, "foreign key");
      return;
  }
}

}  // namespace

std::vector<std::string> render_sql(Connection& conn, const std::vector<Change>& changes,
                                    const MetaData& metadata) {
  const Dialect& d = conn.dialect();
  // The model starts as the database is: every table, read through the Inspector as a Table.
  detail::SchemaModel model;
  {
    Inspector insp(conn);
    MetaData scratch;
    insp.reflect_all(scratch);
    for (const Table* t : scratch.tables())
      model.put(t->name(), detail::SchemaModel::describe(d, *t));
  }
  std::vector<std::string> out;
  MigrationContext m(d, model, out, "autogenerate");
  for (const Change& ch : changes) {
    try {
      apply(m, ch, metadata);
    } catch (const std::exception& e) {
      // A change that needs a decision (a NOT NULL column without a default, ...) is written
      // as a comment saying why, not skipped silently.
      out.push_back("-- " + std::string(to_string(ch.kind)) + " " + ch.table +
                    (ch.name.empty() ? "" : "." + ch.name) + ": not generated: " + e.what());
    }
  }
  return out;
}

}  // namespace sqlcore::migrate
