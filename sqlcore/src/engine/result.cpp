// Result and Row: streaming rows from a driver cursor, one()/first()/scalar() and name lookup.
#include "sqlcore/engine/result.hpp"

#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/driver.hpp"

namespace sqlcore {

std::size_t Columns::index_of(std::string_view name) const {
  std::size_t i = find(name);
  if (i < names_.size()) return i;
  std::string known;
  for (const auto& n : names_) known += (known.empty() ? "" : ", ") + n;
  throw ArgumentError("no column named '" + std::string(name) + "' in this row (columns: " +
                      (known.empty() ? std::string("none") : known) + ")");
}

const std::vector<std::string>& Row::column_names() const {
  static const std::vector<std::string> kNone;
  return columns_ ? columns_->names() : kNone;
}

const Value& Row::operator[](std::size_t index) const {
  if (index >= values_.size())
    throw ArgumentError("column index " + std::to_string(index) + " is out of range (the row has " +
                        std::to_string(values_.size()) + " columns)");
  return values_[index];
}

const Value& Row::operator[](int index) const {
  if (index < 0) throw ArgumentError("column index " + std::to_string(index) + " is negative");
  return (*this)[static_cast<std::size_t>(index)];
}

const Value& Row::operator[](std::string_view name) const {
  if (!columns_) throw ArgumentError("no column named '" + std::string(name) + "' in an empty row");
  return values_[columns_->index_of(name)];
}

Result::Result(Execution execution)
    : cursor_(std::move(execution.cursor)),
      rows_affected_(execution.rows_affected),
      last_insert_id_(execution.last_insert_id) {
  if (cursor_) {
    columns_ = cursor_->columns();
    returns_rows_ = cursor_->returns_rows();
  }
}
Result::Result(Result&&) noexcept = default;
Result& Result::operator=(Result&&) noexcept = default;
Result::~Result() = default;

bool Result::fetch_into(Row& row) {
  if (!cursor_ || !cursor_->fetch(row.mutable_values())) return false;
  if (row.columns_ptr() != columns_.get()) row.set_columns(columns_);
  return true;
}

std::optional<Row> Result::fetch_one() {
  Row r(columns_, {});
  if (!fetch_into(r)) return std::nullopt;
  return r;
}

std::vector<Row> Result::all() {
  std::vector<Row> out;
  while (auto r = fetch_one()) out.push_back(std::move(*r));
  return out;
}

void Result::throw_no_row() {
  throw ResultError("the statement returned no row, one was expected");
}

Row Result::one() {
  auto r = fetch_one();
  if (!r) throw_no_row();
  if (fetch_one()) throw ResultError("the statement returned more than one row, one was expected");
  return std::move(*r);
}

std::optional<Row> Result::one_or_none() {
  auto r = fetch_one();
  if (r && fetch_one())
    throw ResultError("the statement returned more than one row, at most one was expected");
  return r;
}

std::optional<Row> Result::first() {
  auto r = fetch_one();
  if (cursor_) {
    // Discard the rest and free the driver statement, keeping what the counters said.
    rows_affected_ = cursor_->rows_affected();
    last_insert_id_ = cursor_->last_insert_id();
    cursor_.reset();
  }
  return r;
}

bool Result::returns_rows() const {
  return returns_rows_;
}

std::int64_t Result::rowcount() const {
  return cursor_ ? cursor_->rows_affected() : rows_affected_;
}

const std::vector<std::string>& Result::columns() const {
  static const std::vector<std::string> kNone;
  return columns_ ? columns_->names() : kNone;
}

std::optional<std::int64_t> Result::last_insert_id() const {
  return cursor_ ? cursor_->last_insert_id() : last_insert_id_;
}

}  // namespace sqlcore
