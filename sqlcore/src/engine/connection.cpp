// Connection: statement execution, parameter binding by name, beginning transactions and
// savepoints, and recovery from a lost connection.
#include "sqlcore/engine/connection.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstring>
#include <deque>
#include <optional>
#include <span>

#include "engine/bind_values.hpp"
#include "engine/engine_state.hpp"
#include "sql/slot_checks.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/dialect/driver.hpp"
#include "sqlcore/engine/row.hpp"
#include "sqlcore/sql/dml.hpp"

namespace sqlcore {

namespace detail {

namespace {
// Off the execute path: says why there is no connection, or checks one out.
[[gnu::noinline]] void no_connection(ConnectionState& st) {
  if (st.closed()) throw ArgumentError("this Connection is closed");
  if (st.tx_lost())
    throw ArgumentError(
        "the database connection was lost inside a transaction; roll the transaction back "
        "before using this Connection again");
  st.checkout();
}
}  // namespace

// Statements that read only: a connection lost while one runs outside a transaction leaves
// nothing in doubt. Anything else (INSERT, UPDATE, DELETE, WITH ..., DDL, a function call) may
// have written.
static bool reads_only(std::string_view sql) {
  std::size_t i = 0;
  while (i < sql.size() &&
         (sql[i] == ' ' || sql[i] == '\n' || sql[i] == '\t' || sql[i] == '\r' || sql[i] == '('))
    ++i;
  std::string kw;
  while (i < sql.size() && kw.size() < 8 && std::isalpha(static_cast<unsigned char>(sql[i])))
    kw.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++]))));
  return kw == "SELECT" || kw == "VALUES" || kw == "SHOW" || kw == "EXPLAIN" || kw == "PRAGMA";
}

void raise_if_in_doubt(const DatabaseError& e, std::string_view sql, bool commit, bool autocommit) {
  if (!e.is_disconnect() || e.is_in_doubt()) return;
  if (!commit && !(autocommit && !reads_only(sql))) return;
  ErrorInfo info = e.info();
  info.in_doubt = true;
  info.server_message =
      std::string(commit ? "the connection failed during COMMIT"
                         : "the connection failed during a statement outside a transaction") +
      "; whether the work was committed is unknown: check before doing it again (" +
      info.server_message + ")";
  raise_database_error(std::move(info));
}

DriverConnection& ConnectionState::conn() {
  if (closed_ || !pc_) [[unlikely]]
    no_connection(*this);
  return *pc_->conn;
}

void ConnectionState::checkout() {
  std::chrono::nanoseconds waited{0};
  auto pc = pool_->checkout(&waited);
  const std::uint32_t mask = engine_->events.mask();
  if (mask != 0) [[unlikely]] {
    Event e = statement_event(EventKind::connect, {}, nullptr, 1);
    e.connection_id = pc->id;
    e.in_transaction = false;
    if (pc->fresh) {
      e.duration = pc->connect_time;
      engine_->events.fire(e);
    }
    e.kind = EventKind::checkout;
    e.duration = waited;
    engine_->events.fire(e);
  }
  pc->fresh = false;
  {
    std::lock_guard lock(cancel_mu_);
    pc_ = std::move(pc);
  }
  if (!own_timeout_) timeout_ = engine_->statement_timeout;
  try {
    apply_timeout(timeout_);
  } catch (...) {
    give_back(/*discard=*/true);
    throw;
  }
}

void ConnectionState::give_back(bool discard) noexcept {
  std::unique_ptr<PooledConnection> pc;
  {
    std::lock_guard lock(cancel_mu_);
    pc = std::move(pc_);
  }
  if (!pc) return;
  if (engine_->events.wants(EventKind::checkin)) [[unlikely]] {
    Event e = statement_event(EventKind::checkin, {}, nullptr, 1);
    e.connection_id = pc->id;
    e.in_transaction = false;
    engine_->events.fire(e);
  }
  pool_->checkin(std::move(pc), discard);
}

Event ConnectionState::statement_event(EventKind kind, std::string_view sql,
                                       const std::vector<std::string>* names,
                                       std::size_t sets) const {
  Event e{};
  e.kind = kind;
  e.backend = engine_->dialect->name();
  e.sql = sql;
  e.param_names = names;
  e.param_sets = sets;
  e.connection_id = pc_ ? pc_->id : 0;
  e.replica = replica_ != nullptr ? replica_->number : 0;
  e.in_transaction = !tx_stack_.empty();
  return e;
}

void ConnectionState::transaction_ended(EventKind kind, std::string_view sql,
                                        std::chrono::nanoseconds duration) {
  Event e = statement_event(kind, sql, nullptr, 1);
  e.duration = duration;
  engine_->events.fire(e);
}

void ConnectionState::set_timeout(std::chrono::milliseconds t) {
  own_timeout_ = true;
  timeout_ = t;
  if (pc_) apply_timeout(t);
}

void ConnectionState::apply_timeout(std::chrono::milliseconds t) {
  if (pc_->timeout_set == t) [[likely]]
    return;
  pc_->conn->set_statement_timeout(t);
  pc_->timeout_set = t;
}

bool ConnectionState::cancel() noexcept {
  std::lock_guard lock(cancel_mu_);
  return pc_ && pc_->conn->cancel();
}

void ConnectionState::simple(const std::string& sql) {
  DriverConnection& c = conn();
  try {
    send_simple(c, sql);
  } catch (const DatabaseError& e) {
    on_error(e);
    throw;
  }
}

void ConnectionState::on_error(const DatabaseError& e) noexcept {
  if (!e.is_disconnect() || !pc_) return;
  pool_->note_disconnect();
  // A replica that is gone: reads skip it for a while (Engine::connect(ReadFrom)).
  if (replica_ != nullptr) replica_->mark_down(engine_->replica_retry);
  give_back(/*discard=*/true);
  if (!tx_stack_.empty()) tx_lost_ = true;
}

void ConnectionState::forbid_writes() {
  const std::string sql = engine_->dialect->forbid_writes_sql();
  if (sql.empty()) return;
  try {
    simple(sql);
  } catch (const Error&) {
    try {
      simple(engine_->dialect->rollback_sql());
    } catch (const Error&) {
    }
    throw;
  }
  writes_forbidden_ = true;
}

void ConnectionState::allow_writes() noexcept {
  if (!writes_forbidden_) return;
  writes_forbidden_ = false;
  if (!pc_) return;  // gone with its connection
  try {
    send_simple(*pc_->conn, engine_->dialect->allow_writes_sql());
  } catch (...) {
    give_back(/*discard=*/true);
  }
}

void ConnectionState::release() noexcept {
  if (pc_) {
    bool discard = false;
    try {
      DriverConnection& c = *pc_->conn;
      if (!tx_stack_.empty() || c.in_transaction())
        end_transaction(EventKind::rollback, engine_->dialect->rollback_sql(),
                        [&](const std::string& sql) { send_simple(c, sql); });
      if (writes_forbidden_) {
        writes_forbidden_ = false;
        send_simple(c, engine_->dialect->allow_writes_sql());
      }
      pc_->conn->detach_cursors();
      if (!reset_session()) discard = true;
    } catch (...) {
      discard = true;  // a connection that cannot roll back is not fit for reuse
    }
    give_back(discard);
  }
  tx_stack_.clear();
  tx_lost_ = false;
  writes_forbidden_ = false;
  own_timeout_ = false;
  session_changed_ = false;
}

bool ConnectionState::reset_session() {
  const SessionReset mode = engine_->session_reset;
  const bool due =
      mode == SessionReset::always || (mode == SessionReset::automatic && session_changed_);
  // The one connection of an in-memory SQLite database is the database: it is never closed,
  // and its session is the program's own.
  if (!due || pool_->config().single_shared) return true;
  session_changed_ = false;
  const std::string sql = pc_->conn->session_reset_sql();
  if (sql.empty()) return false;
  send_simple(*pc_->conn, sql);
  return true;
}

void ConnectionState::invalidate() noexcept {
  if (pc_) {
    try {
      pc_->conn->detach_cursors();
    } catch (...) {
    }
    give_back(/*discard=*/true);
  }
  if (!tx_stack_.empty()) tx_lost_ = true;
}

}  // namespace detail

namespace {

// Lays out the values for `names` from `params` by name into `out` (pointers into `params`).
void bind_by_name(const std::vector<std::string>& names, const Params& params,
                  std::span<const Value*> out, std::size_t offset, const std::string& sql) {
  for (std::size_t k = 0; k < params.size(); ++k) {
    const auto& [name, value] = params[k];
    // Callers usually list parameters in the statement's order: try that position first.
    auto it = k < names.size() && detail::same_short_text(names[k], name)
                  ? names.begin() + static_cast<std::ptrdiff_t>(k)
                  : std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      std::string known;
      for (const auto& n : names) known += (known.empty() ? ":" : ", :") + n;
      throw ArgumentError("unknown bind parameter ':" + name + "' (the statement takes " +
                          (known.empty() ? std::string("none") : known) +
                          ")\n[SQL: " + abbreviate_sql(sql) + "]");
    }
    const Value*& slot = out[offset + static_cast<std::size_t>(it - names.begin())];
    if (slot != nullptr)
      throw ArgumentError("bind parameter ':" + name +
                          "' is given twice\n[SQL: " + abbreviate_sql(sql) + "]");
    slot = &value;
  }
  for (std::size_t i = 0; i < names.size(); ++i)
    if (out[offset + i] == nullptr)
      throw ArgumentError("missing value for bind parameter ':" + names[i] +
                          "'\n[SQL: " + abbreviate_sql(sql) + "]");
}

// `params` from position `from` on, in another order than the statement's: each to the position
// of its name among names[from..n). Off the hot path of the common (in-order) call; still no
// allocation and no hashing: a scan from just after the previous match, so a list that is
// shuffled by blocks (or rotated) costs one comparison per parameter, and any order at most n.
[[gnu::noinline]] bool bind_out_of_order(const std::vector<std::string>& names,
                                         const Params& params, const Value** out,
                                         std::size_t from) {
  const std::size_t n = names.size();
  std::fill(out + from, out + n, nullptr);
  std::size_t next = from;  // where the scan for the next name starts
  for (std::size_t k = from; k < n; ++k) {
    const std::string& name = params[k].first;
    std::size_t j = next;
    std::size_t left = n - from;
    while (left > 0 && !detail::same_short_text(names[j], name)) {
      if (++j == n) j = from;
      --left;
    }
    if (left == 0 || out[j] != nullptr) return false;  // unknown here, or given twice
    out[j] = &params[k].second;
    next = j + 1 == n ? from : j + 1;
  }
  return true;
}

// The values of `params` laid out in the statement's placeholder order (pointers into `params`),
// whatever the order of `params`: true when it names exactly the statement's parameters (whose
// names are distinct), each once. Otherwise false, leaving the error messages to the caller.
// The statement's order costs one comparison per parameter; another order is resolved by name
// without allocating.
inline bool bind_params(const std::vector<std::string>& names, const Params& params,
                        const Value** out) {
  const std::size_t n = names.size();
  if (params.size() != n) return false;
  for (std::size_t k = 0; k < n; ++k) {
    if (!detail::same_short_text(names[k], params[k].first)) [[unlikely]]
      return bind_out_of_order(names, params, out, k);
    out[k] = &params[k].second;
  }
  return true;
}

// ASCII without a NUL byte, 8 bytes at a time: no high bit, no zero byte.
bool plain_ascii(const std::string& s) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  const char* p = s.data();
  const std::size_t n = s.size();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (((w | ((w - kOnes) & ~w)) & kHighs) != 0) return false;
  }
  for (; i < n; ++i)
    if (static_cast<unsigned char>(p[i]) - 1u >= 0x7fu) return false;
  return true;
}

// True when every value is what its slot's type takes unchanged (checked: range, text); a
// value that needs converting makes it false (the typed path then converts it).
bool pass_unchanged(const CompiledStatement& c, const Value* const* values) {
  const std::size_t n = c.slot_pass.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t pass = c.slot_pass[i];
    if (pass == detail::kAnyKind) continue;
    const Value& v = *values[i];
    const auto k = static_cast<std::uint8_t>(v.kind());
    if (k == pass || k == 0 /* NULL */) continue;
    // ASCII without NUL needs no further look; anything else goes to the full check.
    if (pass == detail::kTextKind && v.kind() == Value::Kind::text &&
        plain_ascii(v.text_unchecked()))
      continue;
    if (!c.slot_types[i]->accepts(*values[i], c.slots[i].label)) return false;
  }
  return true;
}

}  // namespace

Connection::Connection(std::shared_ptr<detail::ConnectionState> state) : state_(std::move(state)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    state_ = std::move(other.state_);
  }
  return *this;
}
Connection::~Connection() {
  close();
}

Result Connection::execute(const Executable& stmt, const Params& params) {
  if (!state_) throw ArgumentError("this Connection was moved from");
  const CompiledStatement* compiled = &stmt.compiled(state_->dialect());
  const std::vector<std::string>& names = compiled->param_names;
  const std::size_t n = names.size();
  // The value pointers live on the stack for ordinary statements; no allocation per execute.
  constexpr std::size_t kInline = 32;
  std::array<const Value*, kInline> inline_values;  // only the first n are used
  std::vector<const Value*> heap_values;
  const Value** out = inline_values.data();
  if (n > kInline) [[unlikely]] {
    heap_values.resize(n);
    out = heap_values.data();
  }
  const bool typed_results = !compiled->result_types.empty();
  if (compiled->changes_session) [[unlikely]]
    state_->session_changed();
  if (!compiled->slots.empty() || typed_results) {
    // Expression statements. The common one (bindparam()s given by name in any order, values
    // that their column types take as they are) goes the plain way; one with values written
    // into it, now() or client-side defaults, or values to convert, goes the typed way.
    if ((!compiled->slots.empty() && !compiled->params_only) || !bind_params(names, params, out) ||
        (!compiled->slots.empty() && !pass_unchanged(*compiled, out)))
      return execute_typed(stmt, compiled, params);
  } else if (!bind_params(names, params, out)) {
    // An unknown, missing or repeated name: bind_by_name says which.
    std::fill(out, out + n, nullptr);
    bind_by_name(names, params, std::span<const Value*>(out, n), 0, compiled->sql);
  }
  const std::span<const Value*> values(out, n);
  DriverConnection& c = state_->conn();
  // Outside sqlcore's transactions (a BEGIN sent as text() is taken for autocommit too: that
  // only errs toward "in doubt").
  const bool autocommit = state_->tx_stack().empty();
  try {
    // A typed Result reads through the types, kept alive with it (the statement may be a
    // temporary). Both returns construct in place: no Result is moved.
    auto send = [&] { return c.execute(compiled->sql, values); };
    if (!typed_results) return Result(state_->observe(compiled->sql, &names, 1, send));
    return Result(state_->observe(compiled->sql, &names, 1, send), stmt.compile(state_->dialect()));
  } catch (const DatabaseError& e) {
    // A driver refuses a value it cannot store alike (Value::check_bindable) before sending
    // anything; say which column or parameter it was.
    if (e.backend() == "sqlcore") detail::check_bindable(*compiled, values);
    state_->on_error(e);
    detail::raise_if_in_doubt(e, compiled->sql, false, autocommit);
    throw;
  }
}

std::int64_t Connection::execute_many(const Executable& stmt, const std::vector<Params>& param_sets,
                                      BulkInsertMethod method) {
  if (!state_) throw ArgumentError("this Connection was moved from");
  const CompiledStatement* compiled = &stmt.compiled(state_->dialect());
  if (param_sets.empty()) return 0;
  if (!compiled->slots.empty()) return execute_many_typed(stmt, *compiled, param_sets, method);
  const std::size_t n = compiled->param_names.size();
  std::vector<const Value*> values(n * param_sets.size(), nullptr);
  for (std::size_t r = 0; r < param_sets.size(); ++r)
    if (!bind_params(compiled->param_names, param_sets[r], values.data() + r * n)) {
      std::fill(values.begin() + static_cast<std::ptrdiff_t>(r * n),
                values.begin() + static_cast<std::ptrdiff_t>((r + 1) * n), nullptr);
      bind_by_name(compiled->param_names, param_sets[r], values, r * n, compiled->sql);
    }
  return run_many(stmt, *compiled, values, param_sets.size(), method);
}

std::int64_t Connection::run_many(const Executable& stmt, const CompiledStatement& compiled,
                                  std::span<const Value* const> values, std::size_t rows,
                                  BulkInsertMethod method) {
  // Many rows: a multi-row form of the statement, where it has one, takes them in batches (one
  // statement execution per batch instead of per row); the rest go one by one.
  constexpr std::size_t kBatchRows = 100;
  const std::size_t n = compiled.param_names.size();
  std::size_t per_batch = n == 0 ? 0 : std::min(kBatchRows, state_->dialect().max_parameters() / n);
  std::shared_ptr<const CompiledStatement> batch;
  if (per_batch >= 2 && rows >= per_batch) {
    batch = stmt.compile_batch(state_->dialect(), per_batch);
    if (batch && batch->param_names.size() != per_batch * n) batch.reset();
  }
  detail::check_bindable(compiled, values);  // every row before anything is sent
  // A plain INSERT goes to the driver's bulk path (COPY on PostgreSQL); a bindparam given to two
  // columns (one placeholder for both) does not.
  BulkInsert load;
  load.insert_sql = compiled.sql;
  if (batch) {
    load.batch_sql = batch->sql;
    load.batch_rows = per_batch;
  }
  load.method = method;
  const std::vector<const Column*> target = stmt.bulk_columns();
  if (!target.empty() && target.size() == n) {
    load.table = target[0]->table().name();
    for (const Column* col : target) load.columns.push_back(col->name());
  }
  DriverConnection& c = state_->conn();
  if (compiled.changes_session) [[unlikely]]
    state_->session_changed();
  const bool own_tx = state_->tx_stack().empty() && !c.in_transaction();
  bool committing = false;
  detail::ConnectionState& st = *state_;
  auto send = [&](const std::string& sql) { st.send_simple(c, sql); };
  try {
    if (own_tx) send(st.dialect().begin_sql());
    const std::int64_t total = st.observe(compiled.sql, &compiled.param_names, rows, [&] {
      return load.columns.empty()
                 ? c.execute_batched(load.insert_sql, load.batch_sql, load.batch_rows, values, rows)
                 : c.bulk_insert(load, values, rows);
    });
    committing = own_tx;
    if (own_tx) st.end_transaction(EventKind::commit, st.dialect().commit_sql(), send);
    return total;
  } catch (const DatabaseError& e) {
    if (own_tx && !e.is_disconnect()) {
      try {
        st.end_transaction(EventKind::rollback, st.dialect().rollback_sql(), send);
      } catch (...) {
      }
    }
    state_->on_error(e);
    detail::raise_if_in_doubt(e, state_->dialect().commit_sql(), committing, false);
    throw;
  }
}

std::int64_t Connection::bulk_insert(const Table& table, const std::vector<ColumnRef>& columns,
                                     std::span<const Value> values, BulkInsertMethod method) {
  if (columns.empty()) throw ArgumentError("bulk_insert(" + table.name() + "): no columns given");
  if (values.size() % columns.size() != 0)
    throw ArgumentError("bulk_insert(" + table.name() + "): " + std::to_string(values.size()) +
                        " values do not make whole rows of " + std::to_string(columns.size()) +
                        " columns");
  std::vector<const Value*> row_starts(values.size() / columns.size());
  for (std::size_t r = 0; r < row_starts.size(); ++r)
    row_starts[r] = values.data() + r * columns.size();
  return bulk_insert_rows(table, columns, row_starts, method);
}

std::int64_t Connection::bulk_insert(const Table& table, const std::vector<ColumnRef>& columns,
                                     const std::vector<std::vector<Value>>& rows,
                                     BulkInsertMethod method) {
  std::vector<const Value*> row_starts(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != columns.size())
      throw ArgumentError("bulk_insert(" + table.name() + "): row " + std::to_string(r + 1) +
                          " has " + std::to_string(rows[r].size()) + " values for " +
                          std::to_string(columns.size()) + " columns");
    row_starts[r] = rows[r].data();
  }
  return bulk_insert_rows(table, columns, row_starts, method);
}

std::int64_t Connection::bulk_insert_rows(const Table& table, const std::vector<ColumnRef>& columns,
                                          std::span<const Value* const> row_starts,
                                          BulkInsertMethod method) {
  if (!state_) throw ArgumentError("this Connection was moved from");
  // The INSERT of these columns that execute_many would run: its placeholders (the columns in
  // table order, plus client-side defaults) say where each value goes and which type checks it.
  std::vector<Assignment> row;
  std::vector<const Column*> given;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const Column& col = columns[i].resolve(table, "bulk_insert");
    if (std::find(given.begin(), given.end(), &col) != given.end())
      throw ArgumentError("bulk_insert(" + table.name() + "): column '" + col.name() +
                          "' is listed twice");
    given.push_back(&col);
    row.emplace_back(col, bindparam("v" + std::to_string(i)));
  }
  Dml stmt = insert(table);
  stmt.values(std::move(row));
  if (row_starts.empty()) return 0;
  const CompiledStatement& compiled = stmt.compiled(state_->dialect());
  const std::vector<const Column*> target = stmt.bulk_columns();
  const std::size_t n = compiled.slots.size();
  std::vector<std::size_t> from(n, given.size());  // the row's value index; none: a default
  for (std::size_t k = 0; k < n; ++k)
    if (compiled.slots[k].source == BindSlot::Source::param)
      from[k] = static_cast<std::size_t>(std::find(given.begin(), given.end(), target[k]) -
                                         given.begin());
  // Values the column type takes as they are are pointed at; converted ones and defaults are
  // kept here (a deque: what it holds never moves).
  std::deque<Value> made;
  std::vector<const Value*> values(row_starts.size() * n);
  Value scratch;
  for (std::size_t r = 0; r < row_starts.size(); ++r) {
    for (std::size_t k = 0; k < n; ++k) {
      const BindSlot& s = compiled.slots[k];
      const Value* v = from[k] < given.size() ? row_starts[r] + from[k]
                                              : &made.emplace_back(s.column->client_default());
      if (s.type && !s.type->passes(*v)) {
        const Value& checked = s.type->bind_ref(*v, s.label, scratch);
        v = &checked == &scratch ? &made.emplace_back(std::move(scratch)) : &checked;
      }
      values[r * n + k] = v;
    }
  }
  return run_many(stmt, compiled, values, row_starts.size(), method);
}

Transaction Connection::begin(TransactionAccess access) {
  if (!state_) throw ArgumentError("this Connection was moved from");
  const bool read_only = access == TransactionAccess::read_only;
  return begin_with(
      read_only ? state_->dialect().begin_read_only_sql() : state_->dialect().begin_sql(),
      read_only);
}

Transaction Connection::begin_snapshot() {
  if (!state_) throw ArgumentError("this Connection was moved from");
  return begin_with(state_->dialect().begin_snapshot_sql(), /*read_only=*/true);
}

Transaction Connection::begin_with(const std::string& begin_sql, bool read_only) {
  if (!state_->tx_stack().empty() || state_->tx_lost())
    throw ArgumentError(
        "a transaction is already open on this connection; use begin_nested() for a savepoint");
  state_->simple(begin_sql);
  if (read_only) state_->forbid_writes();
  return Transaction(state_, state_->push_tx(), false);
}

Transaction Connection::begin_nested() {
  if (!state_) throw ArgumentError("this Connection was moved from");
  if (state_->tx_stack().empty())
    throw ArgumentError("begin_nested() needs an open transaction; call begin() first");
  if (state_->tx_lost())
    throw ArgumentError("the connection was lost inside this transaction; roll it back first");
  std::string name = "sp_" + std::to_string(state_->tx_stack().size());
  state_->simple(state_->dialect().savepoint_sql(name));
  return Transaction(state_, state_->push_tx(), true);
}

bool Connection::in_transaction() const {
  return state_ && !state_->tx_stack().empty();
}

void Connection::close() {
  if (state_) state_->close();
  state_.reset();
}

bool Connection::closed() const {
  return !state_;
}

void Connection::backup_to(const std::string& path) {
  if (!state_) throw ArgumentError("this Connection was moved from");
  try {
    state_->conn().backup_to(path);
  } catch (const DatabaseError& e) {
    state_->on_error(e);
    throw;
  }
}

void Connection::invalidate() {
  if (state_) state_->invalidate();
}

namespace {
std::chrono::milliseconds checked_timeout(std::chrono::milliseconds t) {
  if (t.count() <= 0)
    throw ArgumentError("a statement timeout must be positive, not " + std::to_string(t.count()) +
                        " ms (nullopt: none)");
  return t;
}
}  // namespace

void Connection::set_statement_timeout(std::optional<std::chrono::milliseconds> timeout) {
  if (!state_) throw ArgumentError("this Connection is closed");
  state_->set_timeout(timeout ? checked_timeout(*timeout) : std::chrono::milliseconds(0));
}

std::optional<std::chrono::milliseconds> Connection::statement_timeout() const {
  if (!state_) throw ArgumentError("this Connection is closed");
  const auto t = state_->timeout();
  return t.count() == 0 ? std::nullopt : std::optional(t);
}

bool Connection::cancel() noexcept {
  return state_ && state_->cancel();
}

Result Connection::execute(const Executable& stmt, const Params& params,
                           std::chrono::milliseconds timeout) {
  if (!state_) throw ArgumentError("this Connection was moved from");
  checked_timeout(timeout);
  state_->conn();  // a connection to set the timeout on
  const std::chrono::milliseconds before = state_->timeout();
  // The driver's timeout for this statement only; the connection's again after it (a cursor
  // still reading keeps the deadline its statement started with).
  struct Restore {
    detail::ConnectionState& st;
    std::chrono::milliseconds t;
    ~Restore() {
      if (st.has_connection()) {
        try {
          st.apply_timeout(t);
        } catch (...) {
        }
      }
    }
  } restore{*state_, before};
  state_->apply_timeout(timeout);
  return execute(stmt, params);
}

const Dialect& Connection::dialect() const {
  if (!state_) throw ArgumentError("this Connection is closed");
  return state_->dialect();
}

DriverConnection& Connection::driver_connection() {
  if (!state_) throw ArgumentError("this Connection is closed");
  return state_->conn();
}

Result Connection::execute_typed(const Executable& stmt, const CompiledStatement* compiled,
                                 const Params& params) {
  // Shared ownership: the Result reads its column types from the compilation, which must outlive
  // a temporary statement (`conn.execute(select(...))`).
  std::shared_ptr<const CompiledStatement> keep;
  if (!compiled->result_types.empty()) {
    keep = stmt.compile(state_->dialect());
    compiled = keep.get();
  }
  const std::size_t n = compiled->param_names.size();
  constexpr std::size_t kInline = 32;
  std::array<const Value*, kInline> inline_values;  // no allocation for ordinary statements
  std::vector<const Value*> heap_values;
  if (n > kInline) heap_values.resize(n);
  const Value** values = n > kInline ? heap_values.data() : inline_values.data();
  std::vector<Value> made;
  if (compiled->slots.empty()) {
    // Plain named parameters (only result types are special).
    for (std::size_t i = 0; i < compiled->param_names.size(); ++i) {
      const std::string& name = compiled->param_names[i];
      auto it = std::find_if(params.begin(), params.end(),
                             [&](const Param& p) { return p.first == name; });
      if (it == params.end())
        throw ArgumentError("missing value for bind parameter ':" + name +
                            "'\n[SQL: " + abbreviate_sql(compiled->sql) + "]");
      values[i] = &it->second;
    }
    for (const auto& [name, value] : params)
      if (std::find(compiled->param_names.begin(), compiled->param_names.end(), name) ==
          compiled->param_names.end())
        throw ArgumentError("unknown bind parameter ':" + name +
                            "'\n[SQL: " + abbreviate_sql(compiled->sql) + "]");
  } else {
    detail::resolve_values(*compiled, stmt.literals(), params, values, made, n);
  }
  DriverConnection& c = state_->conn();
  // Outside sqlcore's transactions (a BEGIN sent as text() is taken for autocommit too: that
  // only errs toward "in doubt").
  const bool autocommit = state_->tx_stack().empty();
  try {
    return Result(
        state_->observe(
            compiled->sql, &compiled->param_names, 1,
            [&] { return c.execute(compiled->sql, std::span<const Value* const>(values, n)); }),
        std::move(keep));
  } catch (const DatabaseError& e) {
    // A value the driver refused before sending anything: name its column or parameter.
    if (e.backend() == "sqlcore")
      detail::check_bindable(*compiled, std::span<const Value* const>(values, n));
    state_->on_error(e);
    detail::raise_if_in_doubt(e, compiled->sql, false, autocommit);
    throw;
  }
}

std::int64_t Connection::execute_many_typed(const Executable& stmt,
                                            const CompiledStatement& compiled,
                                            const std::vector<Params>& param_sets,
                                            BulkInsertMethod method) {
  // Every row is checked before anything is sent: a bad row leaves nothing behind.
  const std::size_t n = compiled.slots.size();
  std::vector<Value> made;
  std::vector<const Value*> values(n * param_sets.size());
  const std::span<const Value* const> literals = stmt.literals();
  for (std::size_t r = 0; r < param_sets.size(); ++r)
    detail::resolve_values(compiled, literals, param_sets[r], values.data() + r * n, made,
                           n * param_sets.size());
  return run_many(stmt, compiled, values, param_sets.size(), method);
}

}  // namespace sqlcore
