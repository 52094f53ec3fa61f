// The SQLite catalog reader behind Inspector: PRAGMA table_xinfo / index_list / index_info /
// foreign_key_list, and the CREATE TABLE / CREATE INDEX text kept in sqlite_master, which is the
// only place SQLite keeps constraint names, CHECK conditions, index expressions and predicates.
#include <algorithm>
#include <cctype>
#include <map>
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
using detail::read_parenthesized;
using detail::skip_blanks;
using detail::starts_with_word;

struct DdlConstraint {
  std::string name;  // empty for an unnamed CHECK
  std::string kind;  // "PRIMARY KEY", "UNIQUE", "CHECK", "FOREIGN KEY"
  std::vector<std::string> columns;
  std::string body;  // inside the parentheses after the kind
  std::string ref_table;
};

std::vector<std::string> identifier_list(std::string_view body) {
  std::vector<std::string> out;
  for (const auto& part : detail::split_top_level(body)) {
    std::size_t i = 0;
    out.push_back(read_identifier(part, i));
  }
  return out;
}

bool word_boundary_before(std::string_view s, std::size_t i) {
  return i == 0 || !(std::isalnum(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '_');
}

/// The constraints written in a CREATE TABLE statement: named ones (CONSTRAINT x ...) and
/// unnamed CHECKs.
std::vector<DdlConstraint> ddl_constraints(std::string_view sql) {
  std::vector<DdlConstraint> out;
  char quote = 0;
  std::size_t start = sql.find('(');
  if (start == std::string_view::npos) return out;
  for (std::size_t i = start + 1; i < sql.size(); ++i) {
    const char ch = sql[i];
    if (quote) {
      if (ch == quote) quote = 0;
      continue;
    }
    if (ch == '\'' || ch == '"' || ch == '`') {
      quote = ch;
      continue;
    }
    if (!word_boundary_before(sql, i)) continue;
    DdlConstraint c;
    std::size_t j = i;
    if (starts_with_word(sql, i, "CONSTRAINT")) {
      j = i + 10;
      c.name = read_identifier(sql, j);
      skip_blanks(sql, j);
    } else if (!starts_with_word(sql, i, "CHECK")) {
      continue;
    }
    for (std::string_view kind : {"PRIMARY KEY", "UNIQUE", "CHECK", "FOREIGN KEY"}) {
      const std::string_view first = kind.substr(0, kind.find(' '));
      if (!starts_with_word(sql, j, first)) continue;
      c.kind = std::string(kind);
      j += first.size();
      if (kind.find(' ') != std::string_view::npos) {
        skip_blanks(sql, j);
        j += kind.size() - first.size() - 1;  // the second word
      }
      break;
    }
    if (c.kind.empty()) continue;  // NOT NULL, DEFAULT ... after a name: not kept
    std::size_t k = j;
    skip_blanks(sql, k);
    if (k < sql.size() && sql[k] == '(') {
      j = k;
      c.body = read_parenthesized(sql, j).value_or("");
    }
    if (c.kind != "CHECK") c.columns = identifier_list(c.body);
    if (c.kind == "FOREIGN KEY") {
      skip_blanks(sql, j);
      if (starts_with_word(sql, j, "REFERENCES")) {
        j += 10;
        c.ref_table = read_identifier(sql, j);
      }
    }
    out.push_back(std::move(c));
    i = j > i ? j - 1 : i;
  }
  return out;
}

FkAction fk_action(const std::string& a) {
  const std::string u = detail::to_upper(a);
  if (u == "RESTRICT") return FkAction::restrict;
  if (u == "CASCADE") return FkAction::cascade;
  if (u == "SET NULL") return FkAction::set_null;
  if (u == "SET DEFAULT") return FkAction::set_default;
  return FkAction::no_action;
}

std::string squash(std::string_view s) {
  std::string out;
  for (char ch : s)
    if (ch != '"' && ch != '(' && ch != ')' && !std::isspace(static_cast<unsigned char>(ch)))
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return out;
}

class SqliteReflector final : public detail::Reflector {
 public:
  explicit SqliteReflector(Connection& c) : c_(c) {}

  std::vector<std::string> table_names() override {
    return c_.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))
        .scalars<std::string>();
  }
  bool has_table(std::string_view table) override {
    return c_.execute(text("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
                           ":t"),
                      {{"t", std::string(table)}})
               .scalar<std::int64_t>() > 0;
  }

  std::vector<ColumnInfo> columns(std::string_view table) override {
    struct Raw {
      ColumnInfo info;
      std::int64_t pk;
    };
    std::vector<Raw> raw;
    int pk_count = 0;
    for (auto& r : c_.execute(text("SELECT name, type, \"notnull\" AS not_null, dflt_value, pk "
                                   "FROM pragma_table_xinfo(:t) WHERE hidden <> 1 ORDER BY cid"),
                              {{"t", std::string(table)}})
                       .all()) {
      Raw x;
      x.info.name = r.get<std::string>("name");
      x.info.type_sql = r.get<std::string>("type");
      x.info.nullable = r.get<std::int64_t>("not_null") == 0;
      x.info.default_sql = r.get<std::optional<std::string>>("dflt_value");
      x.pk = r.get<std::int64_t>("pk");
      if (x.pk > 0) ++pk_count;
      raw.push_back(std::move(x));
    }
    std::vector<ColumnInfo> out;
    for (auto& x : raw) {
      // INTEGER PRIMARY KEY (exactly that type, the only key column) is the 64-bit rowid.
      if (pk_count == 1 && x.pk == 1 && detail::to_upper(x.info.type_sql) == "INTEGER") {
        x.info.autoincrement = true;
        x.info.type = types::BigInteger;
        x.info.nullable = false;
      }
      if (x.pk > 0) x.info.nullable = false;
      out.push_back(std::move(x.info));
    }
    // A plain INTEGER column referring to a rowid holds the same 64-bit numbers: a BigInteger
    // too, or the reflected key and its reference would differ in type.
    for (auto& r : c_.execute(text("SELECT \"table\" AS ref_table, \"from\" AS col, \"to\" AS "
                                   "ref_col FROM pragma_foreign_key_list(:t)"),
                              {{"t", std::string(table)}})
                       .all()) {
      const auto ref_table = r.get<std::string>("ref_table");
      const auto rowid = rowid_column(ref_table);
      if (rowid.empty() || r.get<std::optional<std::string>>("ref_col").value_or(rowid) != rowid)
        continue;
      for (auto& col : out)
        if (col.name == r.get<std::string>("col") && !col.type &&
            detail::to_upper(col.type_sql) == "INTEGER")
          col.type = types::BigInteger;
    }
    return out;
  }

  PrimaryKeyInfo primary_key(std::string_view table) override {
    PrimaryKeyInfo out;
    std::vector<std::pair<std::int64_t, std::string>> pk;
    for (auto& r : c_.execute(text("SELECT name, pk FROM pragma_table_xinfo(:t) WHERE pk > 0"),
                              {{"t", std::string(table)}})
                       .all())
      pk.emplace_back(r.get<std::int64_t>("pk"), r.get<std::string>("name"));
    std::sort(pk.begin(), pk.end());
    for (auto& [pos, name] : pk) out.columns.push_back(name);
    if (!out.columns.empty()) out.name = name_of(table, "PRIMARY KEY", out.columns, "");
    return out;
  }

  std::vector<UniqueInfo> unique_constraints(std::string_view table) override {
    std::vector<UniqueInfo> out;
    const auto parsed = ddl_constraints(table_sql(table));
    for (auto& ix : c_.execute(text("SELECT name FROM pragma_index_list(:t) WHERE origin = 'u'"),
                               {{"t", std::string(table)}})
                        .scalars<std::string>()) {
      UniqueInfo u;
      u.columns = index_columns(ix);
      u.name = pick_name(parsed, "UNIQUE", u.columns, "");
      out.push_back(std::move(u));
    }
    return out;
  }

  std::vector<IndexInfo> indexes(std::string_view table) override {
    std::vector<IndexInfo> out;
    for (auto& r : c_.execute(text("SELECT il.name AS name, il.\"unique\" AS uniq, m.sql AS sql "
                                   "FROM pragma_index_list(:t) il JOIN sqlite_master m ON m.type "
                                   "= 'index' AND m.name = il.name WHERE il.origin = 'c'"),
                              {{"t", std::string(table)}})
                       .all()) {
      IndexInfo ix;
      ix.name = r.get<std::string>("name");
      ix.unique = r.get<bool>("uniq");
      const auto sql = r.get<std::optional<std::string>>("sql").value_or("");
      // The element list: the first parenthesis outside quotes; then an optional WHERE.
      std::size_t i = 0;
      char quote = 0;
      for (; i < sql.size(); ++i) {
        if (quote) {
          if (sql[i] == quote) quote = 0;
        } else if (sql[i] == '"' || sql[i] == '\'' || sql[i] == '`') {
          quote = sql[i];
        } else if (sql[i] == '(') {
          break;
        }
      }
      std::vector<std::string> elements;
      if (auto body = read_parenthesized(sql, i)) elements = detail::split_top_level(*body);
      skip_blanks(sql, i);
      if (starts_with_word(sql, i, "WHERE")) ix.where = detail::trim(sql.substr(i + 5));
      const auto cols = c_.execute(text("SELECT name FROM pragma_index_info(:ix) ORDER BY seqno"),
                                   {{"ix", ix.name}})
                            .scalars<std::optional<std::string>>();
      for (std::size_t k = 0; k < cols.size(); ++k) {
        ix.columns.push_back(cols[k].value_or(""));
        ix.expressions.push_back(cols[k] || k >= elements.size()
                                     ? std::string()
                                     : detail::strip_outer_parens(elements[k]));
      }
      out.push_back(std::move(ix));
    }
    return out;
  }

  std::vector<ForeignKeyInfo> foreign_keys(std::string_view table) override {
    std::map<std::int64_t, ForeignKeyInfo> fks;
    for (auto& r : c_.execute(text("SELECT id, seq, \"table\" AS ref_table, \"from\" AS col, "
                                   "\"to\" AS ref_col, on_update, on_delete FROM "
                                   "pragma_foreign_key_list(:t) ORDER BY id, seq"),
                              {{"t", std::string(table)}})
                       .all()) {
      auto& f = fks[r.get<std::int64_t>("id")];
      f.referred_table = r.get<std::string>("ref_table");
      f.columns.push_back(r.get<std::string>("col"));
      f.referred_columns.push_back(r.get<std::optional<std::string>>("ref_col").value_or(""));
      f.on_delete = fk_action(r.get<std::string>("on_delete"));
      f.on_update = fk_action(r.get<std::string>("on_update"));
    }
    const auto parsed = ddl_constraints(table_sql(table));
    std::vector<ForeignKeyInfo> out;
    for (auto& [id, f] : fks) {
      // REFERENCES t without columns: the referred table's primary key.
      if (std::any_of(f.referred_columns.begin(), f.referred_columns.end(),
                      [](const std::string& s) { return s.empty(); }))
        f.referred_columns = primary_key(f.referred_table).columns;
      f.name = pick_name(parsed, "FOREIGN KEY", f.columns, f.referred_table);
      out.push_back(std::move(f));
    }
    return out;
  }

  std::vector<CheckInfo> checks(std::string_view table) override {
    std::vector<CheckInfo> out;
    for (const auto& p : ddl_constraints(table_sql(table)))
      if (p.kind == "CHECK") out.push_back({p.name, detail::strip_outer_parens(p.body)});
    return out;
  }

  std::optional<Type> portable_type(std::string_view type_sql) const override {
    const std::string u = detail::to_upper(detail::trim(type_sql));
    std::string base = u;
    std::vector<int> args;
    if (auto p = u.find('('); p != std::string::npos) {
      base = detail::trim(u.substr(0, p));
      std::size_t i = p;
      auto inner = read_parenthesized(u, i);
      if (!inner) return std::nullopt;
      for (const auto& a : detail::split_top_level(*inner)) {
        try {
          args.push_back(std::stoi(a));
        } catch (...) {
          return std::nullopt;
        }
      }
    }
    auto plain = [&](std::initializer_list<const char*> names) {
      return args.empty() &&
             std::any_of(names.begin(), names.end(), [&](const char* n) { return base == n; });
    };
    try {
      if (plain({"INTEGER", "INT", "MEDIUMINT", "INT4"})) return types::Integer;
      if (plain({"BIGINT", "INT8", "UNSIGNED BIG INT"})) return types::BigInteger;
      if (plain({"SMALLINT", "INT2", "TINYINT"})) return types::SmallInteger;
      if (plain({"BOOLEAN", "BOOL"})) return types::Boolean;
      if (plain({"FLOAT", "FLOAT4"})) return types::Float;
      if (plain({"DOUBLE", "DOUBLE PRECISION", "REAL", "FLOAT8"})) return types::Double;
      if ((base == "NUMERIC" || base == "DECIMAL") && !args.empty() && args.size() <= 2)
        return types::Numeric(args[0], args.size() > 1 ? args[1] : 0);
      if (base == "VARCHAR" || base == "CHARACTER VARYING" || base == "NVARCHAR" ||
          base == "CHAR" || base == "CHARACTER" || base == "NCHAR" || base == "VARYING CHARACTER" ||
          base == "NATIVE CHARACTER") {
        if (args.empty()) return base == "VARCHAR" ? types::String() : types::Text;
        if (args.size() == 1) return types::String(args[0]);
        return std::nullopt;
      }
      if (plain({"TEXT", "CLOB"})) return types::Text;
      if (plain({"DATE"})) return types::Date;
      if (plain({"DATETIME", "TIMESTAMP", "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE"}))
        return types::DateTime;
      if (plain({"TIME"})) return types::Time;
      if (plain({"BLOB", "BYTEA"})) return types::LargeBinary;
      if (plain({"UUID"})) return types::Uuid;
      if (plain({"JSON", "JSONB"})) return types::Json;
    } catch (const ArgumentError&) {  // VARCHAR(0), NUMERIC(2, 5): no portable type
      return std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<std::pair<std::string, Type>> type_from_check(
      const CheckInfo& check) const override {
    const std::string cond = detail::strip_outer_parens(check.condition);
    std::size_t i = 0;
    std::string col = read_identifier(cond, i);
    if (col.empty()) return std::nullopt;
    skip_blanks(cond, i);
    // "col" IN ('a', 'b'): an Enum.
    if (starts_with_word(cond, i, "IN")) {
      i += 2;
      auto body = read_parenthesized(cond, i);
      skip_blanks(cond, i);
      if (!body || i != cond.size()) return std::nullopt;
      std::vector<std::string> values;
      for (const auto& part : detail::split_top_level(*body)) {
        std::size_t k = 0;
        auto v = detail::read_string_literal(part, k);
        if (!v || k != part.size()) return std::nullopt;
        values.push_back(*v);
      }
      try {
        return std::make_pair(col, types::Enum(values));
      } catch (const ArgumentError&) {
        return std::nullopt;
      }
    }
    // "col" IS NULL OR json_valid("col"): SQLite's Json.
    const std::string q = "\"" + col + "\"";
    if (squash(cond) == squash(q + " IS NULL OR json_valid(" + q + ")") ||
        squash(cond) == squash("json_valid(" + q + ")"))
      return std::make_pair(col, types::Json);
    return std::nullopt;
  }

 private:
  /// The column of `table` that is its rowid (declared INTEGER, the only key column); "" if none.
  std::string rowid_column(const std::string& table) {
    auto rows = c_.execute(text("SELECT name, type FROM pragma_table_xinfo(:t) WHERE pk > 0"),
                           {{"t", table}})
                    .all();
    if (rows.size() != 1 || detail::to_upper(rows[0].get<std::string>("type")) != "INTEGER")
      return {};
    return rows[0].get<std::string>("name");
  }
  std::string table_sql(std::string_view table) {
    return c_
        .execute(text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                 {{"t", std::string(table)}})
        .scalar<std::optional<std::string>>()
        .value_or("");
  }
  std::vector<std::string> index_columns(const std::string& index) {
    std::vector<std::string> out;
    for (auto& n :
         c_.execute(text("SELECT name FROM pragma_index_info(:ix) ORDER BY seqno"), {{"ix", index}})
             .scalars<std::optional<std::string>>())
      out.push_back(n.value_or(""));
    return out;
  }
  static std::string pick_name(const std::vector<DdlConstraint>& parsed, const std::string& kind,
                               const std::vector<std::string>& cols, const std::string& ref_table) {
    for (const auto& p : parsed)
      if (p.kind == kind && (p.columns.empty() || p.columns == cols) &&
          (ref_table.empty() || p.ref_table == ref_table))
        return p.name;
    return {};
  }
  std::string name_of(std::string_view table, const std::string& kind,
                      const std::vector<std::string>& cols, const std::string& ref_table) {
    return pick_name(ddl_constraints(table_sql(table)), kind, cols, ref_table);
  }

  Connection& c_;
};

}  // namespace

namespace detail {
std::unique_ptr<Reflector> make_sqlite_reflector(Connection& c) {
  return std::make_unique<SqliteReflector>(c);
}
}  // namespace detail

}  // namespace sqlcore
