// Result: the outcome of one executed statement; streams its rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sqlcore/engine/row.hpp"

namespace sqlcore {

class DriverCursor;
struct CompiledStatement;
struct Execution;

/// The rows (if any) and counts of one executed statement. Rows stream from the driver as they
/// are iterated, on every backend (PostgreSQL: single-row mode; a statement ending in LIMIT n <=
/// 1,000 arrives whole), so a result of any size holds one row at a time. A Result stays readable
/// after its connection runs another statement or is closed: the driver then reads what is left
/// into memory. An error raised after some rows is thrown by the fetch that reaches it (by
/// execute() if it arrived whole). A Result destroyed half read lets go of the rest unread where
/// it can (PostgreSQL cancels a read outside a transaction; docs/engine.md). Move-only, one thread.
class Result {
 public:
  Result() = default;
  explicit Result(Execution execution);
  Result(Result&&) noexcept;
  Result& operator=(Result&&) noexcept;
  ~Result();

  /// An input iterator over the remaining rows. The Row it yields is reused for the next row:
  /// copy it to keep it.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Row;
    using difference_type = std::ptrdiff_t;
    using pointer = const Row*;
    using reference = const Row&;
    iterator() = default;
    explicit iterator(Result* r) : r_(r) { advance(); }
    reference operator*() const { return r_->current_; }
    pointer operator->() const { return &r_->current_; }
    iterator& operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    friend bool operator==(const iterator& a, const iterator& b) { return a.r_ == b.r_; }

   private:
    void advance() {
      if (r_ != nullptr && !r_->fetch_into(r_->current_)) r_ = nullptr;
    }
    Result* r_ = nullptr;
  };
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

  /// Calls `fn(Row&)` for each remaining row. The row is reused for the next one, so `fn` may
  /// move values out of it (Value::take) instead of copying them.
  template <class F>
  void for_each(F&& fn) {
    while (fetch_into(current_)) fn(current_);
  }

  /// The next row, or nullopt when none is left.
  [[nodiscard]] std::optional<Row> fetch_one();
  /// Every remaining row.
  [[nodiscard]] std::vector<Row> all();
  /// Exactly one row; throws ResultError when there are none or several.
  [[nodiscard]] Row one();
  /// At most one row: nullopt for none; throws ResultError when there are several.
  [[nodiscard]] std::optional<Row> one_or_none();
  /// The first row (the rest are discarded), or nullopt.
  [[nodiscard]] std::optional<Row> first();
  /// The first column of the first row. T may be std::optional<U>: nullopt for no row or NULL;
  /// otherwise no row throws ResultError.
  template <class T>
  [[nodiscard]] T scalar() {
    auto row = first();
    if (!row) {
      if constexpr (detail::IsOptional<T>::value) {
        return std::nullopt;
      } else {
        throw_no_row();
      }
    }
    return row->template get<T>(std::size_t{0});
  }
  /// The first column of every remaining row.
  template <class T>
  [[nodiscard]] std::vector<T> scalars() {
    std::vector<T> out;
    for (const Row& r : *this) out.push_back(r.template get<T>(std::size_t{0}));
    return out;
  }

  /// True when the statement produces rows (SELECT, RETURNING), even zero of them.
  bool returns_rows() const;
  /// Rows inserted, updated or deleted; -1 when the statement changes none. For a statement that
  /// returns rows (RETURNING), known once they have all been read (-1 before).
  [[nodiscard]] std::int64_t rowcount() const;
  const std::vector<std::string>& columns() const;
  /// SQLite: rowid of the last inserted row. PostgreSQL: nullopt (use returning()).
  [[nodiscard]] std::optional<std::int64_t> last_insert_id() const;

 private:
  friend class Connection;
  /// A result whose rows read through `typed`'s result types (when not null).
  Result(Execution execution, std::shared_ptr<const CompiledStatement> typed);
  bool fetch_into(Row& row);
  /// Reads every row's columns through the types `compiled` knows (Type::result).
  void apply_result_types(Row& row) const;
  /// The cursor's columns while there is a cursor, else the ones kept in columns_.
  const std::shared_ptr<const Columns>& columns_ref() const;
  [[noreturn]] static void throw_no_row();

  std::unique_ptr<DriverCursor> cursor_;
  std::shared_ptr<const Columns> columns_;  // set when the cursor is let go early (first())
  Row current_;
  bool returns_rows_ = false;
  std::int64_t rows_affected_ = -1;                 // when there is no cursor
  std::optional<std::int64_t> last_insert_id_;      // when there is no cursor
  std::shared_ptr<const CompiledStatement> typed_;  // result types, for expression statements
};

}  // namespace sqlcore
