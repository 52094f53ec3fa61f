// Result: streaming rows from a driver cursor, one()/first()/scalar() and the thread's spare row.
#include "sqlcore/engine/result.hpp"

#include "engine/row_access.hpp"

#include "sqlcore/sql/text.hpp"

#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/driver.hpp"

namespace sqlcore {

namespace {

// The row storage of the last Result this thread destroyed, adopted by the next Result's
// iteration: a loop of short queries reuses one row's values (and their string buffers) instead
// of allocating a vector per statement. Thread-local, so nothing is shared between threads.
// t_spare points at the slot once it exists, and is null again after the thread's thread-locals
// are destroyed (a Result destroyed later, at exit, then simply frees its row).
thread_local Row* t_spare = nullptr;
thread_local bool t_spare_gone = false;

struct SpareSlot {
  Row row;
  SpareSlot() { t_spare = &row; }
  ~SpareSlot() {
    t_spare = nullptr;
    t_spare_gone = true;
  }
  SpareSlot(const SpareSlot&) = delete;
  SpareSlot& operator=(const SpareSlot&) = delete;
};

Row* spare_row() {
  if (t_spare == nullptr && !t_spare_gone) {
    thread_local SpareSlot slot;
  }
  return t_spare;
}

// Only ordinary rows are kept, and without large values, so the spare never holds on to much.
constexpr std::size_t kSpareMaxColumns = 64;
constexpr std::size_t kSpareMaxText = 256;

// Moves `row` (a destroyed Result's current row) into this thread's spare slot when the slot is
// free and the row is an ordinary one; values that hold much memory are dropped first.
[[gnu::noinline]] void keep_as_spare(Row& row) {
  std::vector<Value>& values = detail::RowAccess::values(row);
  if (values.capacity() > kSpareMaxColumns) return;
  Row* spare = spare_row();
  if (spare == nullptr || detail::RowAccess::values(*spare).capacity() != 0) return;
  for (Value& v : values) {
    const Value::Kind k = v.kind();
    if ((k == Value::Kind::text && v.text_unchecked().capacity() > kSpareMaxText) ||
        k == Value::Kind::blob || k == Value::Kind::json || k == Value::Kind::decimal)
      v = nullptr;
  }
  spare->swap(row);  // the row keeps the spare's empty storage, freed with the Result
}

}  // namespace

Result::Result(Execution execution)
    : cursor_(std::move(execution.cursor)),
      rows_affected_(execution.rows_affected),
      last_insert_id_(execution.last_insert_id) {
  if (cursor_) returns_rows_ = cursor_->returns_rows();
}
Result::Result(Execution execution, std::shared_ptr<const CompiledStatement> typed)
    : Result(std::move(execution)) {
  typed_ = std::move(typed);
}
Result::Result(Result&&) noexcept = default;
Result& Result::operator=(Result&&) noexcept = default;

Result::~Result() {
  cursor_.reset();
  if (detail::RowAccess::values(current_).capacity() != 0) keep_as_spare(current_);
}

const std::shared_ptr<const Columns>& Result::columns_ref() const {
  return cursor_ ? cursor_->columns() : columns_;
}

bool Result::fetch_into(Row& row) {
  if (!cursor_) return false;
  // A row without storage yet (a new Result's) takes this thread's spare: no allocation.
  std::vector<Value>& values = detail::RowAccess::values(row);
  if (values.capacity() == 0 && t_spare != nullptr &&
      detail::RowAccess::values(*t_spare).capacity() != 0)
    row.swap(*t_spare);
  if (!cursor_->fetch(detail::RowAccess::values(row))) return false;
  const std::shared_ptr<const Columns>& columns = cursor_->columns();
  if (detail::RowAccess::columns(row) != columns.get())
    detail::RowAccess::set_columns(row, columns);
  if (typed_) apply_result_types(row);
  return true;
}

void Result::apply_result_types(Row& row) const {
  const auto& types = typed_->result_types;
  std::vector<Value>& values = detail::RowAccess::values(row);
  const std::size_t n = std::min(types.size(), values.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (!types[i] || types[i]->reads_unchanged(values[i])) continue;
    values[i] = types[i]->result(std::move(values[i]), row.column_names()[i]);
  }
}

std::optional<Row> Result::fetch_one() {
  Row r(columns_ref(), {});
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
    columns_ = cursor_->columns();
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
  const std::shared_ptr<const Columns>& columns = columns_ref();
  return columns ? columns->names() : kNone;
}

std::optional<std::int64_t> Result::last_insert_id() const {
  return cursor_ ? cursor_->last_insert_id() : last_insert_id_;
}

}  // namespace sqlcore
