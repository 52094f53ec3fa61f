// Tables as metadata: Table, Column, constraints and indexes, and the typed column handle Col<T>.
//
// A table is declared once, either as a struct whose members are typed handles:
//
//   struct Users : Table {
//     explicit Users(MetaData& m) : Table(m, "users") { unique({username, email}); }
//     Col<std::int64_t>               id       = column("id", types::BigInteger).primary_key();
//     Col<std::string>                username = column("username", types::String(64));
//     Col<std::optional<std::string>> email    = column("email", types::String(255));
//   };
//
// or at run time (reflection and data transfer do so) with MetaData::add_table() and the same
// column()/unique()/index() calls. Both build the same model. Mistakes (a duplicate column, an
// index on an unknown column, a Col<bool> on an Integer column) throw ArgumentError while the
// table is being declared, before any SQL exists.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sqlcore/core/value.hpp"
#include "sqlcore/schema/types.hpp"

namespace sqlcore {

class Column;
class Expr;
class MetaData;
class Select;
class Table;

/// One step of a JSON path: a member name or an array index.
using JsonPathStep = std::variant<std::string, std::int64_t>;

/// The expression methods of a column (Column, Col<T>): `users.email.is_null()`,
/// `users.id.desc()`. Each is the same as on Expr(column); defined in sql/expression.hpp.
template <class D>
class ExprMethods {
 public:
  Expr label(std::string name) const;
  Expr is_null() const;
  Expr is_not_null() const;
  Expr in_(std::vector<Value> values) const;
  Expr not_in(std::vector<Value> values) const;
  Expr in_(const Select& subquery) const;
  Expr not_in(const Select& subquery) const;
  Expr like(const Expr& pattern, char escape = '\0') const;
  Expr not_like(const Expr& pattern, char escape = '\0') const;
  Expr ilike(const Expr& pattern, char escape = '\0') const;
  Expr not_ilike(const Expr& pattern, char escape = '\0') const;
  Expr between(const Expr& low, const Expr& high) const;
  Expr concat(const Expr& other) const;
  Expr cast(const Type& type) const;
  Expr asc() const;
  Expr desc() const;
  Expr nulls_first() const;
  Expr nulls_last() const;
  Expr json_text(std::vector<JsonPathStep> path) const;
  Expr json_int(std::vector<JsonPathStep> path) const;
  Expr json_double(std::vector<JsonPathStep> path) const;
  Expr json_bool(std::vector<JsonPathStep> path) const;

 protected:
  ~ExprMethods() = default;
};

/// SQL written into DDL as is: a CHECK condition, an index expression or predicate, a server
/// default expression. Quote identifiers in it yourself where a backend needs it.
struct RawSql {
  std::string sql;
};
inline RawSql raw_sql(std::string sql) {
  return RawSql{std::move(sql)};
}

/// What a foreign key does when the referenced row is deleted or its key updated.
enum class FkAction { no_action, restrict, cascade, set_null, set_default };
/// "NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT".
const char* to_sql(FkAction action);

/// A default the database applies when an INSERT leaves the column out.
class ServerDefault {
 public:
  enum class Kind { literal, current_timestamp, sql };
  /// A constant, written as a literal of the column's type (checked like a bound value).
  static ServerDefault literal(Value v);
  /// The time of the insert, in each backend's form for the column's type: DateTime, Date or
  /// Time (on SQLite the same canonical UTC text sqlcore writes itself).
  static ServerDefault current_timestamp();
  /// An expression in SQL, as is.
  static ServerDefault sql(std::string expression);

  Kind kind() const { return kind_; }
  const Value& value() const { return value_; }
  const std::string& expression() const { return sql_; }

 private:
  Kind kind_ = Kind::literal;
  Value value_;
  std::string sql_;
};

/// The current time: as a server default (`.server_default(now())`) the database's clock at
/// insert; in an expression (`users.created_at > now() - hours(24)`) the time of execution,
/// computed by sqlcore and bound as a value.
struct Now {
  operator ServerDefault() const {  // NOLINT(google-explicit-constructor)
    return ServerDefault::current_timestamp();
  }
};
inline constexpr Now now() {
  return {};
}

/// How a column's values are generated when an insert leaves it out.
enum class Autoincrement {
  automatic,  // the sole integer primary key column gets one (the default)
  yes,        // insist (SQLite: AUTOINCREMENT, ids never reused; PostgreSQL: identity)
  no,
};

class ColBase;

/// A reference to a column of the table being declared: the Column, a Col<T> handle or a name.
class ColumnRef {
 public:
  ColumnRef(const Column& c) : column_(&c) {}          // NOLINT(google-explicit-constructor)
  ColumnRef(const ColBase& c);                         // NOLINT(google-explicit-constructor)
  ColumnRef(std::string_view name) : name_(name) {}    // NOLINT(google-explicit-constructor)
  ColumnRef(const char* name) : name_(name) {}         // NOLINT(google-explicit-constructor)
  ColumnRef(const std::string& name) : name_(name) {}  // NOLINT(google-explicit-constructor)

  /// The column in `table`; throws ArgumentError when it names no column of that table.
  const Column& resolve(const Table& table, std::string_view what) const;

 private:
  const Column* column_ = nullptr;
  std::string name_;
};

/// One column of a table. Created by Table::column(); the declaring calls return the column so
/// they chain.
class Column : public ExprMethods<Column> {
 public:
  Column(const Column&) = delete;
  Column& operator=(const Column&) = delete;

  const std::string& name() const { return name_; }
  const Type& type() const { return type_; }
  const Table& table() const { return *table_; }
  /// "table.column", as errors name it.
  std::string qualified_name() const;
  bool is_nullable() const { return nullable_; }
  bool is_primary_key() const { return primary_key_; }
  Autoincrement autoincrement_setting() const { return autoincrement_; }
  /// True when the database generates this column's values: the table's only primary key
  /// column, of an integer type, not turned off with autoincrement(false).
  bool is_autoincrement() const;
  const std::optional<ServerDefault>& server_default() const { return server_default_; }
  bool has_client_default() const { return static_cast<bool>(client_default_); }
  /// The client-side default for an insert that leaves this column out (checked by the type).
  Value client_default() const;
  /// Position in the table, from 0.
  std::size_t index() const { return position_; }

  // Declaration: each returns *this.
  /// Makes the column (part of) the primary key, in declaration order; implies NOT NULL.
  Column& primary_key();
  /// Allows NULL. Columns are NOT NULL unless declared nullable (or declared Col<optional<T>>).
  Column& nullable(bool yes = true);
  /// A single-column UNIQUE constraint; named by the naming convention unless `name` is given.
  Column& unique(std::string name = {});
  /// A single-column index.
  Column& index(std::string name = {}, bool unique = false);
  /// A CHECK constraint about this column.
  Column& check(RawSql condition, std::string name = {});
  /// A literal server default: `.server_default(false)`, `.server_default("draft")`.
  Column& server_default(Value literal);
  /// Any server default: `.server_default(now())`, `.server_default(ServerDefault::sql("..."))`.
  Column& server_default(ServerDefault d);
  /// A client-side default: a value, or a function called once per inserted row.
  Column& default_(Value v);
  Column& default_(std::function<Value()> fn);
  /// A foreign key to `target` (of the same type). A self-reference is fine.
  Column& references(const Column& target, FkAction on_delete = FkAction::no_action,
                     FkAction on_update = FkAction::no_action, std::string name = {});
  /// A foreign key to "table.column", checked when that table is known (MetaData::validate()).
  Column& references(std::string_view target, FkAction on_delete = FkAction::no_action,
                     FkAction on_update = FkAction::no_action, std::string name = {});
  Column& autoincrement(bool on);

 private:
  friend class Table;
  Column(Table& table, std::string name, const Type& type, std::size_t position)
      : table_(&table), name_(std::move(name)), type_(type), position_(position) {}

  Table* table_;
  std::string name_;
  Type type_;
  std::size_t position_;
  bool nullable_ = false;
  bool primary_key_ = false;
  Autoincrement autoincrement_ = Autoincrement::automatic;
  std::optional<ServerDefault> server_default_;
  std::function<Value()> client_default_;
};

/// The table's primary key.
class PrimaryKey {
 public:
  const std::vector<const Column*>& columns() const { return columns_; }
  bool empty() const { return columns_.empty(); }
  /// The name given, else the naming convention's.
  std::string name() const;

 private:
  friend class Table;
  friend class Column;
  const Table* table_ = nullptr;
  std::string name_;
  std::vector<const Column*> columns_;
};

class UniqueConstraint {
 public:
  const Table& table() const { return *table_; }
  const std::vector<const Column*>& columns() const { return columns_; }
  std::string name() const;

 private:
  friend class Table;
  const Table* table_ = nullptr;
  std::string name_;
  std::vector<const Column*> columns_;
};

class CheckConstraint {
 public:
  const std::string& condition() const { return sql_; }
  /// The column a column-level check was declared on; nullptr for a table-level check.
  const Column* column() const { return column_; }
  std::string name() const;

 private:
  friend class Table;
  friend class Column;
  const Table* table_ = nullptr;
  std::string name_;
  std::string sql_;
  const Column* column_ = nullptr;
};

class ForeignKey {
 public:
  const std::vector<const Column*>& columns() const { return columns_; }
  const std::string& referred_table() const { return referred_table_; }
  const std::vector<std::string>& referred_columns() const { return referred_columns_; }
  FkAction on_delete() const { return on_delete_; }
  FkAction on_update() const { return on_update_; }
  /// Created with ALTER TABLE after the tables (breaks a cycle of foreign keys on backends that
  /// can add constraints later; SQLite writes it in CREATE TABLE, which it allows).
  bool is_use_alter() const { return use_alter_; }
  std::string name() const;
  const Table& table() const { return *table_; }

  ForeignKey& use_alter(bool yes = true) {
    use_alter_ = yes;
    return *this;
  }

 private:
  friend class Table;
  const Table* table_ = nullptr;
  std::string name_;
  std::vector<const Column*> columns_;
  std::string referred_table_;
  std::vector<std::string> referred_columns_;
  FkAction on_delete_ = FkAction::no_action;
  FkAction on_update_ = FkAction::no_action;
  bool use_alter_ = false;
};

/// One part of an index: a column, or an expression such as `lower("email")`.
class IndexElement {
 public:
  IndexElement(ColumnRef column) : ref_(std::move(column)) {}                            // NOLINT
  IndexElement(const Column& column) : ref_(column) {}                                   // NOLINT
  IndexElement(const ColBase& column) : ref_(column) {}                                  // NOLINT
  IndexElement(const char* name) : ref_(name) {}                                         // NOLINT
  IndexElement(RawSql expression) : ref_(""), expression_(std::move(expression.sql)) {}  // NOLINT

 private:
  friend class Table;
  ColumnRef ref_;
  std::string expression_;
};

class Index {
 public:
  /// Per element: the column, or nullptr for an expression (see expression()).
  const std::vector<const Column*>& columns() const { return columns_; }
  /// Per element: the expression, or empty for a column.
  const std::vector<std::string>& expressions() const { return expressions_; }
  bool is_unique() const { return unique_; }
  /// The predicate of a partial index; empty for a full one.
  const std::string& where() const { return where_; }
  std::string name() const;
  const Table& table() const { return *table_; }

  Index& unique(bool yes = true) {
    unique_ = yes;
    return *this;
  }
  /// Makes it a partial index: only rows where `predicate` holds.
  Index& where(RawSql predicate) {
    where_ = std::move(predicate.sql);
    return *this;
  }

 private:
  friend class Table;
  const Table* table_ = nullptr;
  std::string name_;
  std::vector<const Column*> columns_;
  std::vector<std::string> expressions_;
  bool unique_ = false;
  std::string where_;
};

/// A table: name, columns, keys, constraints and indexes. Registered in its MetaData, which must
/// outlive it. Neither copyable nor movable (columns and handles point into it).
class Table {
 public:
  Table(MetaData& metadata, std::string name);
  virtual ~Table();
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  const std::string& name() const { return name_; }
  /// A number no other Table of this process has had or will have: statement caches key on it
  /// (a pointer can be reused by a later table).
  std::uint64_t uid() const { return uid_; }
  MetaData& metadata() const { return *metadata_; }

  const std::vector<const Column*>& columns() const { return column_ptrs_; }
  /// The column called `name`; throws ArgumentError naming the table and listing its columns.
  const Column& c(std::string_view name) const;
  const Column* find_column(std::string_view name) const;
  const PrimaryKey& primary_key() const { return primary_key_; }
  /// The column the database numbers (see Column::is_autoincrement()); nullptr when none.
  const Column* autoincrement_column() const;
  const std::deque<UniqueConstraint>& unique_constraints() const { return uniques_; }
  const std::deque<CheckConstraint>& checks() const { return checks_; }
  const std::deque<ForeignKey>& foreign_keys() const { return foreign_keys_; }
  const std::deque<Index>& indexes() const { return indexes_; }

  // Declaration (public, so that a dynamic table is built with the same calls).
  Column& column(std::string name, const Type& type);
  /// A composite primary key declared at table level (or mark each column .primary_key()).
  void primary_key(std::vector<ColumnRef> columns, std::string name = {});
  UniqueConstraint& unique(std::vector<ColumnRef> columns, std::string name = {});
  CheckConstraint& check(RawSql condition, std::string name = {});
  ForeignKey& foreign_key(std::vector<ColumnRef> columns, std::string referred_table,
                          std::vector<std::string> referred_columns,
                          FkAction on_delete = FkAction::no_action,
                          FkAction on_update = FkAction::no_action, std::string name = {});
  /// An index; `name` empty means the naming convention's (which needs at least one column).
  Index& index(std::string name, std::vector<IndexElement> elements);

  /// Checks what can be checked only once every table is known: each foreign key's table and
  /// columns exist, have this key's types, and are that table's primary key or a unique key.
  /// Throws ArgumentError. MetaData::validate() calls it for every table.
  void validate() const;

 private:
  friend class Column;
  friend class MetaData;
  void add_to_primary_key(const Column& c);
  ForeignKey& add_foreign_key(std::vector<const Column*> columns, std::string referred_table,
                              std::vector<std::string> referred_columns, FkAction on_delete,
                              FkAction on_update, std::string name);
  void check_name(std::string_view what, std::string_view name) const;

  MetaData* metadata_;
  std::uint64_t uid_;
  std::string name_;
  std::vector<std::unique_ptr<Column>> columns_;
  std::vector<const Column*> column_ptrs_;
  PrimaryKey primary_key_;
  std::deque<UniqueConstraint> uniques_;
  std::deque<CheckConstraint> checks_;
  std::deque<ForeignKey> foreign_keys_;
  std::deque<Index> indexes_;
};

namespace detail {
/// C++ types a column handle may carry; checked against the column's type when it is made.
enum class CppType {
  any,
  boolean,
  int16,
  int32,
  int64,
  float32,
  float64,
  string,
  blob,
  timestamp,
  date,
  time_of_day,
  json,
  decimal,
  uuid
};
template <class T>
struct ColTraits;
template <class T>
struct ColTraits<std::optional<T>> : ColTraits<T> {};
#define SQLCORE_COL_TRAIT(T, K)                \
  template <>                                  \
  struct ColTraits<T> {                        \
    static constexpr CppType cpp = CppType::K; \
    static constexpr const char* name = #T;    \
  };
SQLCORE_COL_TRAIT(Value, any)
SQLCORE_COL_TRAIT(bool, boolean)
SQLCORE_COL_TRAIT(std::int16_t, int16)
SQLCORE_COL_TRAIT(std::int32_t, int32)
SQLCORE_COL_TRAIT(std::int64_t, int64)
SQLCORE_COL_TRAIT(float, float32)
SQLCORE_COL_TRAIT(double, float64)
SQLCORE_COL_TRAIT(std::string, string)
SQLCORE_COL_TRAIT(Blob, blob)
SQLCORE_COL_TRAIT(Timestamp, timestamp)
SQLCORE_COL_TRAIT(Date, date)
SQLCORE_COL_TRAIT(TimeOfDay, time_of_day)
SQLCORE_COL_TRAIT(Json, json)
SQLCORE_COL_TRAIT(Decimal, decimal)
SQLCORE_COL_TRAIT(Uuid, uuid)
#undef SQLCORE_COL_TRAIT
}  // namespace detail

/// The untyped part of a column handle.
class ColBase : public ExprMethods<ColBase> {
 public:
  const Column& column() const { return *column_; }
  operator const Column&() const { return *column_; }  // NOLINT(google-explicit-constructor)
  const std::string& name() const { return column_->name(); }
  const Table& table() const { return column_->table(); }

 protected:
  ColBase(Column& column, detail::CppType type, bool optional, const char* type_name);

 private:
  const Column* column_;
};

/// A typed handle on a column, as a member of a table struct: `Col<std::int64_t> id =
/// column("id", types::BigInteger).primary_key();`. T is what reads give back; a
/// `Col<std::optional<T>>` makes the column nullable. A T that the column's type cannot hold
/// (Col<bool> on an Integer) throws ArgumentError when the table is constructed.
template <class T>
class Col : public ColBase {
 public:
  using value_type = T;
  Col(Column& column)  // NOLINT(google-explicit-constructor)
      : ColBase(column, detail::ColTraits<T>::cpp, detail::IsOptional<T>::value,
                detail::ColTraits<T>::name) {}
};

}  // namespace sqlcore
