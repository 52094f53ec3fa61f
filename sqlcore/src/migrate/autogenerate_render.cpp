// Autogenerate's render: the changes as a C++ revision body (render_cpp) or as SQL (render_sql).
#include "sqlcore/migrate/autogenerate.hpp"

#include <algorithm>
#include <charconv>

#include "migrate/autogenerate_internal.hpp"
#include "migrate/model.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/engine/connection.hpp"
#include "sqlcore/inspect/inspector.hpp"
#include "sqlcore/migrate/migrate.hpp"

namespace sqlcore::migrate {
namespace {

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
