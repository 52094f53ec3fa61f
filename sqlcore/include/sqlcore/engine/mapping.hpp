// Mapping<S>: a struct's fields tied to a table's columns, declared once, giving the select list,
// the row -> struct read, and the struct -> values of an INSERT or UPDATE.
//
//   struct User { std::int64_t id; std::string name; std::optional<std::string> email; };
//   const sqlcore::Mapping<User> user_map = sqlcore::Mapping<User>("User", users)
//       .field(&User::id, users.id)          // Col<std::int64_t>
//       .field(&User::name, users.name)      // Col<std::string>
//       .field(&User::email, users.email);   // Col<std::optional<std::string>>
//
//   std::optional<User> u = user_map.optional(conn, user_map.select().where(users.id == 7));
//   std::vector<User> all = user_map.all(conn, user_map.select().order_by({users.name}));
//   User made = user_map.one(conn, user_map.insert(create_map.values(request)));
//
// A field must have its column's type (std::optional<T> for a nullable column), or be the
// std::optional of it (a parameter struct: nullopt means "not given"), or be the T of a nullable
// column (always written; a NULL read is an error, unless the field names a fallback:
// `field(&S::count, t.count, 0)` on a Col<std::optional<std::int64_t>>); anything else does not
// compile. A row whose column cannot be read as its field's type is an ArgumentError
// naming the model, the field and the column.
//
// A mapping is immutable once built and may be shared between threads.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sqlcore/core/error.hpp"
#include "sqlcore/core/value.hpp"
#include "sqlcore/engine/connection.hpp"
#include "sqlcore/engine/result.hpp"
#include "sqlcore/engine/row.hpp"
#include "sqlcore/schema/table.hpp"
#include "sqlcore/sql/dml.hpp"
#include "sqlcore/sql/expression.hpp"
#include "sqlcore/sql/select.hpp"

namespace sqlcore {

namespace detail {
template <class T>
struct IsStdOptional : std::false_type {};
template <class T>
struct IsStdOptional<std::optional<T>> : std::true_type {};

/// Rethrows `e`, a type error reading `field` of `model`, as one naming the model, field and
/// column.
[[noreturn]] void throw_mapped_field_error(std::string_view model, std::string_view field,
                                           const Column& column, const ArgumentError& e);
/// Throws ArgumentError when `column` is not a column of `table`.
void check_mapped_column(std::string_view model, const Table& table, const Column& column);
/// The value of `column` in `row`: at `position` when the row's column there has its name (a
/// row of the mapping's own select), else found by name; nullptr when the row has no such column
/// and `optional` (else an ArgumentError).
const Value* mapped_value(const Row& row, std::size_t position, const Column& column,
                          bool optional);
}  // namespace detail

template <class S>
class Mapping {
 public:
  /// `model` names the struct in error messages; `table` outlives the mapping.
  Mapping(std::string model, const Table& table) : model_(std::move(model)), table_(&table) {}

  /// A field read from and written to `column`, named after the column in errors. The field may
  /// be a member of a base of S.
  template <class F, class B, class C>
  Mapping& field(F B::*member, const Col<C>& column) {
    return field(column.name(), member, column);
  }
  /// The same, with the field's own name for errors.
  template <class F, class B, class C>
  Mapping& field(std::string name, F B::*base_member, const Col<C>& column) {
    static_assert(std::is_base_of_v<B, S>, "the field is not a member of the mapped struct");
    F S::*member = base_member;
    static_assert(std::is_same_v<F, C> || std::is_same_v<F, std::optional<C>> ||
                      std::is_same_v<std::optional<F>, C>,
                  "a mapped field must have its column's type, or be the std::optional of it, "
                  "or (for a nullable column) the type inside it");
    check_table(column);
    Field f{std::move(name), &column.column(), Expr(column), {}, {}, false};
    // F = std::optional<C> reads NULL as nullopt.
    f.read = [member](S& s, const Value& v, bool take, std::string_view label) {
      s.*member = get<F>(v, take, label);
    };
    f.write = [member](const S& s, bool given_only) -> std::optional<Expr> {
      const F& value = s.*member;
      if constexpr (detail::IsStdOptional<F>::value)
        if (given_only && !value.has_value()) return std::nullopt;
      return Expr(value);
    };
    fields_.push_back(std::move(f));
    return *this;
  }
  /// A non-optional field read from a nullable column: NULL reads as `when_null` (and the
  /// field's value is always written).
  template <class F, class B>
  Mapping& field(F B::*base_member, const Col<std::optional<F>>& column, F when_null) {
    static_assert(std::is_base_of_v<B, S>, "the field is not a member of the mapped struct");
    F S::*member = base_member;
    check_table(column);
    Field f{column.name(), &column.column(), Expr(column), {}, {}, false};
    f.read = [member, when_null](S& s, const Value& v, bool take, std::string_view label) {
      s.*member = get<std::optional<F>>(v, take, label).value_or(when_null);
    };
    f.write = [member](const S& s, bool) -> std::optional<Expr> { return Expr(s.*member); };
    fields_.push_back(std::move(f));
    return *this;
  }

  /// A field read from a column of another table that select() statements join (the owner's
  /// name beside a row's owner id): part of columns() and read(), never written, and left as
  /// it is when a row does not have it (a RETURNING row).
  template <class F, class B, class C>
  Mapping& joined(F B::*base_member, const Col<C>& column) {
    static_assert(std::is_base_of_v<B, S>, "the field is not a member of the mapped struct");
    static_assert(std::is_same_v<F, C> || std::is_same_v<F, std::optional<C>>,
                  "a joined field must have its column's type, or be the std::optional of it "
                  "(for an outer join)");
    F S::*member = base_member;
    Field f{column.name(), &column.column(), Expr(column), {}, {}, true};
    f.read = [member](S& s, const Value& v, bool take, std::string_view label) {
      s.*member = get<F>(v, take, label);
    };
    f.write = [](const S&, bool) -> std::optional<Expr> { return std::nullopt; };
    fields_.push_back(std::move(f));
    return *this;
  }

  const Table& table() const { return *table_; }
  const std::string& model() const { return model_; }

  /// The mapped columns, in declaration order: a select list (joined fields included).
  [[nodiscard]] std::vector<Expr> columns() const { return column_list(true); }
  /// The mapped columns of the table itself: a RETURNING list.
  [[nodiscard]] std::vector<Expr> own_columns() const { return column_list(false); }
  /// SELECT <columns()> FROM <table>: add where(), order_by(), limit() as needed.
  [[nodiscard]] Select select() const { return Select(columns()).select_from(*table_); }

  /// The struct a row holds (a row of select(), of RETURNING columns(), or any row that has
  /// the mapped columns by name). Fields the mapping does not name keep their default.
  [[nodiscard]] S read(const Row& row) const { return read_row(row, false); }
  /// The same, moving text, blobs and JSON documents out of `row` instead of copying them: a
  /// large value (a log, a response) is copied once, by the driver. `row` is left with those
  /// values null.
  [[nodiscard]] S read(Row&& row) const { return read_row(row, true); }

  /// Every field as a column assignment: an INSERT's values.
  [[nodiscard]] std::vector<Assignment> values(const S& s) const { return assignments(s, false); }
  /// The fields that hold a value (std::optional fields that are nullopt are left out): an
  /// UPDATE's SET list from a parameter struct.
  [[nodiscard]] std::vector<Assignment> changes(const S& s) const { return assignments(s, true); }

  /// INSERT INTO table (values) RETURNING columns(): run it with one().
  [[nodiscard]] Dml insert(std::vector<Assignment> values) const {
    Dml d = sqlcore::insert(*table_);
    d.values(std::move(values)).returning(own_columns());
    return d;
  }
  /// UPDATE table SET set ... RETURNING columns(): add where(), run it with optional().
  [[nodiscard]] Dml update(std::vector<Assignment> set) const {
    Dml d = sqlcore::update(*table_);
    d.set(std::move(set)).returning(own_columns());
    return d;
  }

  /// INSERT ... ON CONFLICT (key) DO NOTHING RETURNING columns(): the new row, or nullopt when a
  /// row with the same `key` (a unique constraint's columns) exists; that row is kept as it is.
  /// Concurrent inserters of one key make one row: the others get nullopt, never an error.
  [[nodiscard]] std::optional<S> insert_new(Connection& c, std::vector<Assignment> values,
                                            std::vector<ColumnRef> key) const {
    Dml d = insert(std::move(values));
    d.on_conflict(std::move(key)).do_nothing();
    return optional(c, d);
  }

  /// The one row `stmt` yields; NoResultFound / MultipleResultsFound otherwise.
  [[nodiscard]] S one(Connection& c, const Executable& stmt, const Params& params = {}) const {
    return read(c.execute(stmt, params).one());  // a temporary: its values move
  }
  /// The row `stmt` yields, or nullopt; MultipleResultsFound when it yields several.
  [[nodiscard]] std::optional<S> optional(Connection& c, const Executable& stmt,
                                          const Params& params = {}) const {
    auto row = c.execute(stmt, params).one_or_none();
    if (!row) return std::nullopt;
    return read(std::move(*row));
  }
  /// The first row `stmt` yields, or nullopt (order it).
  [[nodiscard]] std::optional<S> first(Connection& c, const Executable& stmt,
                                       const Params& params = {}) const {
    auto row = c.execute(stmt, params).first();
    if (!row) return std::nullopt;
    return read(std::move(*row));
  }
  /// Every row `stmt` yields, in its order.
  [[nodiscard]] std::vector<S> all(Connection& c, const Executable& stmt,
                                   const Params& params = {}) const {
    std::vector<S> out;
    Positions at;  // the rows of one result share their columns: found once
    c.execute(stmt, params).for_each([&](Row& r) { out.push_back(read_row(r, true, &at)); });
    return out;
  }

 private:
  struct Field {
    std::string name;
    const Column* column;
    Expr expr;
    // take: `v` belongs to a row the caller gave up, so it may be moved from.
    std::function<void(S&, const Value&, bool take, std::string_view)> read;
    std::function<std::optional<Expr>(const S&, bool)> write;
    bool joined = false;
  };

  // as<T>(), or take<T>() when the value's row was given up (read(Row&&)): that row is not
  // const, only seen through a const reference, so moving out of it is sound.
  template <class T>
  static T get(const Value& v, bool take, std::string_view label) {
    if (take) return const_cast<Value&>(v).template take<T>(label);  // NOLINT
    return v.template as<T>(label);
  }

  // Where each field's value is in rows that have the same columns (one result's rows): found
  // by name in the first of them, then used as it is for the others.
  struct Positions {
    const std::vector<std::string>* names = nullptr;  // the columns they were found in
    std::vector<std::ptrdiff_t> at;                   // per field; -1: the rows lack it
  };

  // `at`: positions kept from an earlier row, or found in this one for the next rows.
  S read_row(const Row& row, bool take, Positions* at = nullptr) const {
    S out{};
    const Value* values = row.values().data();
    const bool known = at != nullptr && at->names == &row.column_names();
    if (at != nullptr && !known) {
      at->names = nullptr;  // until every field is found
      at->at.assign(fields_.size(), -1);
    }
    std::size_t i = 0;
    try {
      for (; i < fields_.size(); ++i) {
        const Field& f = fields_[i];
        const Value* v;
        if (known) {
          v = at->at[i] < 0 ? nullptr : values + at->at[i];
        } else {
          v = detail::mapped_value(row, i, *f.column, f.joined);
          if (at != nullptr && v != nullptr) at->at[i] = v - values;
        }
        // Only a value found at the field's own position moves: one found by name might be
        // another field's too.
        const bool own = take && v == values + i;
        if (v) f.read(out, *v, own, f.column->name());  // no v: a joined column the row lacks
      }
    } catch (const ArgumentError& e) {
      detail::throw_mapped_field_error(model_, fields_[i].name, *fields_[i].column, e);
    }
    if (at != nullptr && !known) at->names = &row.column_names();
    return out;
  }

  std::vector<Expr> column_list(bool with_joined) const {
    std::vector<Expr> out;
    out.reserve(fields_.size());
    for (const Field& f : fields_)
      if (with_joined || !f.joined) out.push_back(f.expr);
    return out;
  }

  void check_table(const ColBase& column) const {
    detail::check_mapped_column(model_, *table_, column.column());
  }
  std::vector<Assignment> assignments(const S& s, bool given_only) const {
    std::vector<Assignment> out;
    out.reserve(fields_.size());
    for (const Field& f : fields_)
      if (std::optional<Expr> e = f.write(s, given_only))
        out.emplace_back(*f.column, std::move(*e));
    return out;
  }

  std::string model_;
  const Table* table_;
  std::vector<Field> fields_;
};

}  // namespace sqlcore
