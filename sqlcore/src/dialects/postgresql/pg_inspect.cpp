// The PostgreSQL catalog reader behind Inspector: pg_catalog, in the current schema
// (current_schema(), the first existing schema of the search_path).
#include <algorithm>
#include <memory>

#include "inspect/reflector.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/engine/connection.hpp"
#include "sqlcore/engine/result.hpp"
#include "sqlcore/engine/row.hpp"
#include "sqlcore/sql/text.hpp"

namespace sqlcore {

namespace {

using detail::read_identifier;
using detail::skip_blanks;

// The table's oid, for a table of the current schema called :t.
constexpr const char* kTableOid =
    "(SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
    "c.relnamespace WHERE c.relname = :t AND c.relkind IN ('r', 'p') AND n.nspname = "
    "current_schema())";

// The names of the attributes `attnums` (an int2[] column expression) of relation `rel`, in
// order, joined with chr(31).
std::string att_names(const std::string& attnums, const std::string& rel) {
  return "(SELECT string_agg(a.attname::text, chr(31) ORDER BY k.ord) FROM unnest(" + attnums +
         ") WITH ORDINALITY k(attnum, ord) JOIN pg_catalog.pg_attribute a ON a.attrelid = " + rel +
         " AND a.attnum = k.attnum)";
}

FkAction fk_action(const std::string& code) {
  if (code == "r") return FkAction::restrict;
  if (code == "c") return FkAction::cascade;
  if (code == "n") return FkAction::set_null;
  if (code == "d") return FkAction::set_default;
  return FkAction::no_action;
}

/// `expr::type` (possibly parenthesised, possibly repeated) without its casts.
std::string without_casts(std::string_view s) {
  std::string cur = detail::strip_outer_parens(s);
  for (;;) {
    // A trailing ::name, ::name[] or ::character varying at top level.
    std::size_t pos = std::string::npos;
    int depth = 0;
    char quote = 0;
    for (std::size_t i = 0; i + 1 < cur.size(); ++i) {
      const char ch = cur[i];
      if (quote) {
        if (ch == quote) quote = 0;
        continue;
      }
      if (ch == '\'' || ch == '"') quote = ch;
      if (ch == '(') ++depth;
      if (ch == ')') --depth;
      if (depth == 0 && ch == ':' && cur[i + 1] == ':') {
        pos = i;
        break;
      }
    }
    if (pos == std::string::npos) return cur;
    cur = detail::strip_outer_parens(cur.substr(0, pos));
  }
}

class PgReflector final : public detail::Reflector {
 public:
  explicit PgReflector(Connection& c) : c_(c) {}

  std::vector<std::string> table_names() override {
    return c_
        .execute(text("SELECT c.relname::text FROM pg_catalog.pg_class c JOIN "
                      "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN "
                      "('r', 'p') AND NOT c.relispartition AND n.nspname = current_schema()"))
        .scalars<std::string>();
  }
  bool has_table(std::string_view table) override {
    return c_.execute(text(std::string("SELECT COUNT(*) FROM pg_catalog.pg_class WHERE oid = ") +
                           kTableOid),
                      {{"t", std::string(table)}})
               .scalar<std::int64_t>() > 0;
  }

  std::vector<ColumnInfo> columns(std::string_view table) override {
    std::vector<ColumnInfo> out;
    for (auto& r :
         c_.execute(text(std::string("SELECT a.attname::text AS name, format_type(a.atttypid, "
                                     "a.atttypmod) AS type, a.attnotnull AS not_null, "
                                     "pg_get_expr(d.adbin, d.adrelid) AS dflt, "
                                     "a.attidentity::text AS ident "
                                     "FROM pg_catalog.pg_attribute a LEFT JOIN "
                                     "pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND "
                                     "d.adnum = a.attnum WHERE a.attrelid = ") +
                         kTableOid + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"),
                    {{"t", std::string(table)}})
             .all()) {
      ColumnInfo col;
      col.name = r.get<std::string>("name");
      col.type_sql = r.get<std::string>("type");
      col.nullable = !r.get<bool>("not_null");
      col.default_sql = r.get<std::optional<std::string>>("dflt");
      const auto ident = r.get<std::optional<std::string>>("ident").value_or("");
      col.autoincrement = ident == "a" || ident == "d";
      // serial: a sequence's nextval() as the default.
      if (col.default_sql && col.default_sql->rfind("nextval(", 0) == 0) {
        col.autoincrement = true;
        col.default_sql.reset();
      }
      out.push_back(std::move(col));
    }
    return out;
  }

  PrimaryKeyInfo primary_key(std::string_view table) override {
    PrimaryKeyInfo out;
    auto rows = constraints(table, "p");
    if (!rows.empty()) {
      out.name = rows[0].get<std::string>("name");
      out.columns = detail::split_unit(rows[0].get<std::string>("cols"));
    }
    return out;
  }

  std::vector<UniqueInfo> unique_constraints(std::string_view table) override {
    std::vector<UniqueInfo> out;
    for (auto& r : constraints(table, "u"))
      out.push_back({r.get<std::string>("name"), detail::split_unit(r.get<std::string>("cols"))});
    return out;
  }

  std::vector<IndexInfo> indexes(std::string_view table) override {
    std::vector<IndexInfo> out;
    for (auto& r :
         c_.execute(text(std::string(
                             "SELECT ci.relname::text AS name, i.indisunique AS uniq, "
                             "pg_get_expr(i.indpred, i.indrelid, true) AS pred, "
                             "(SELECT string_agg(CASE WHEN k.attnum = 0 THEN '' ELSE "
                             "a.attname::text END, chr(31) ORDER BY k.ord) FROM "
                             "unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) LEFT JOIN "
                             "pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = "
                             "k.attnum WHERE k.ord <= i.indnkeyatts) AS cols, "
                             "(SELECT string_agg(CASE WHEN k.attnum = 0 THEN "
                             "pg_get_indexdef(i.indexrelid, k.ord::int, true) ELSE '' END, "
                             "chr(31) ORDER BY k.ord) FROM unnest(i.indkey::int2[]) WITH "
                             "ORDINALITY k(attnum, ord) WHERE k.ord <= i.indnkeyatts) AS exprs "
                             "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ci ON ci.oid = "
                             "i.indexrelid WHERE i.indrelid = ") +
                         kTableOid +
                         " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE "
                         "con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND "
                         "con.contype IN ('p', 'u', 'x'))"),
                    {{"t", std::string(table)}})
             .all()) {
      IndexInfo ix;
      ix.name = r.get<std::string>("name");
      ix.unique = r.get<bool>("uniq");
      ix.where = r.get<std::optional<std::string>>("pred").value_or("");
      ix.columns = detail::split_unit(r.get<std::optional<std::string>>("cols").value_or(""));
      ix.expressions = detail::split_unit(r.get<std::optional<std::string>>("exprs").value_or(""));
      for (auto& e : ix.expressions) e = detail::strip_outer_parens(e);
      out.push_back(std::move(ix));
    }
    return out;
  }

  std::vector<ForeignKeyInfo> foreign_keys(std::string_view table) override {
    std::vector<ForeignKeyInfo> out;
    for (auto& r : constraints(table, "f")) {
      ForeignKeyInfo f;
      f.name = r.get<std::string>("name");
      f.columns = detail::split_unit(r.get<std::string>("cols"));
      f.referred_table = r.get<std::string>("ref_table");
      f.referred_columns = detail::split_unit(r.get<std::string>("ref_cols"));
      f.on_delete = fk_action(r.get<std::string>("on_delete"));
      f.on_update = fk_action(r.get<std::string>("on_update"));
      out.push_back(std::move(f));
    }
    return out;
  }

  std::vector<CheckInfo> checks(std::string_view table) override {
    std::vector<CheckInfo> out;
    for (auto& r : constraints(table, "c")) {
      std::string def = r.get<std::string>("def");
      std::size_t i = 0;
      skip_blanks(def, i);
      if (detail::starts_with_word(def, i, "CHECK")) i += 5;
      auto body = detail::read_parenthesized(def, i);
      out.push_back({r.get<std::string>("name"), detail::strip_outer_parens(body.value_or(def))});
    }
    return out;
  }

  std::optional<Type> portable_type(std::string_view type_sql) const override {
    const std::string t = detail::trim(type_sql);
    std::string base = t;
    std::vector<int> args;
    if (auto p = t.find('('); p != std::string::npos) {
      std::size_t i = p;
      auto inner = detail::read_parenthesized(t, i);
      if (!inner) return std::nullopt;
      base = detail::trim(t.substr(0, p)) + t.substr(i);  // "time(3) with time zone"
      for (const auto& a : detail::split_top_level(*inner)) {
        try {
          args.push_back(std::stoi(a));
        } catch (...) {
          return std::nullopt;
        }
      }
    }
    auto plain = [&](std::string_view n) { return args.empty() && base == n; };
    try {
      if (plain("integer")) return types::Integer;
      if (plain("bigint")) return types::BigInteger;
      if (plain("smallint")) return types::SmallInteger;
      if (plain("boolean")) return types::Boolean;
      if (plain("real")) return types::Float;
      if (plain("double precision")) return types::Double;
      if (base == "numeric" && !args.empty())
        return types::Numeric(args[0], args.size() > 1 ? args[1] : 0);
      if (base == "character varying")
        return args.empty() ? types::String() : types::String(args.at(0));
      if (base == "character" && args.size() == 1) return types::String(args[0]);
      if (plain("text")) return types::Text;
      if (plain("date")) return types::Date;
      if (base == "timestamp with time zone" || base == "timestamp without time zone")
        return types::DateTime;
      if (base == "time without time zone" || base == "time with time zone") return types::Time;
      if (plain("jsonb") || plain("json")) return types::Json;
      if (plain("bytea")) return types::LargeBinary;
      if (plain("uuid")) return types::Uuid;
    } catch (const ArgumentError&) {
      return std::nullopt;
    }
    return std::nullopt;
  }

  // PostgreSQL keeps `"c" IN ('a', 'b')` on a VARCHAR as
  // `(c)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])`, and
  // a one-value list as `(c)::text = 'a'::text`.
  std::optional<std::pair<std::string, Type>> type_from_check(
      const CheckInfo& check) const override {
    const std::string cond = detail::strip_outer_parens(check.condition);
    std::size_t eq = std::string::npos;
    char quote = 0;
    for (std::size_t i = 0; i < cond.size(); ++i) {
      if (quote) {
        if (cond[i] == quote) quote = 0;
        continue;
      }
      if (cond[i] == '\'' || cond[i] == '"') quote = cond[i];
      if (cond[i] == '=') {
        eq = i;
        break;
      }
    }
    if (eq == std::string::npos) return std::nullopt;
    const std::string lhs = without_casts(cond.substr(0, eq));
    std::size_t i = 0;
    std::string col = read_identifier(lhs, i);
    if (col.empty() || i != lhs.size()) return std::nullopt;
    std::string rhs = detail::trim(cond.substr(eq + 1));
    std::vector<std::string> values;
    i = 0;
    if (detail::starts_with_word(rhs, 0, "ANY")) {
      const auto a = rhs.find("ARRAY[");
      if (a == std::string::npos) return std::nullopt;
      i = a + 6;
      for (;;) {
        auto v = detail::read_string_literal(rhs, i);
        if (!v) return std::nullopt;
        values.push_back(*v);
        // Skip a cast, then expect ',' or ']'.
        while (i < rhs.size() && rhs[i] != ',' && rhs[i] != ']' && rhs[i] != '\'') ++i;
        if (i >= rhs.size() || rhs[i] == '\'') return std::nullopt;
        if (rhs[i++] == ']') break;
      }
    } else {
      auto v = detail::read_string_literal(rhs, i);
      if (!v) return std::nullopt;
      const std::string rest = detail::trim(rhs.substr(i));
      if (!rest.empty() && rest.rfind("::", 0) != 0) return std::nullopt;
      values.push_back(*v);
    }
    try {
      return std::make_pair(col, types::Enum(values));
    } catch (const ArgumentError&) {
      return std::nullopt;
    }
  }

 private:
  std::vector<Row> constraints(std::string_view table, const std::string& kind) {
    return c_
        .execute(text("SELECT con.conname::text AS name, pg_get_constraintdef(con.oid, true) AS "
                      "def, " +
                      att_names("con.conkey", "con.conrelid") + " AS cols, " +
                      "(SELECT relname::text FROM pg_catalog.pg_class WHERE oid = "
                      "con.confrelid) AS ref_table, " +
                      att_names("con.confkey", "con.confrelid") +
                      " AS ref_cols, con.confdeltype::text AS on_delete, "
                      "con.confupdtype::text AS on_update FROM pg_catalog.pg_constraint con "
                      "WHERE con.conrelid = " +
                      kTableOid + " AND con.contype::text = :k ORDER BY con.conname"),
                 {{"t", std::string(table)}, {"k", kind}})
        .all();
  }

  Connection& c_;
};

}  // namespace

namespace detail {
std::unique_ptr<Reflector> make_pg_reflector(Connection& c) {
  return std::make_unique<PgReflector>(c);
}
}  // namespace detail

}  // namespace sqlcore
