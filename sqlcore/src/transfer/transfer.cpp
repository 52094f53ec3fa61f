// transfer::copy(): see sqlcore/transfer/transfer.hpp for what it does and in which order.
//
// One source connection reads every table in one snapshot transaction; one target connection
// loads them (one transaction, or one per table when resumable). A table is read with a typed
// SELECT, so every value arrives as the portable value its column reads as; each value is then
// checked and converted by the target column's type before it is written, which is where a value
// that cannot be stored exactly is found and named with its row's key.
#include "sqlcore/transfer/transfer.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/engine/connection.hpp"
#include "sqlcore/engine/engine.hpp"
#include "sqlcore/engine/transaction.hpp"
#include "sqlcore/migrate/autogenerate.hpp"
#include "sqlcore/schema/metadata.hpp"
#include "sqlcore/sql/ddl.hpp"
#include "sqlcore/sql/dml.hpp"
#include "sqlcore/sql/select.hpp"
#include "sqlcore/sql/text.hpp"
#include "transfer/checksum.hpp"

namespace sqlcore::transfer {

namespace {

using Clock = std::chrono::steady_clock;
using detail::TableChecksum;

// "id=42" or "agent_name=a, tag=b": the row's primary key (every column when there is none).
std::string key_of(const Table& t, const std::vector<Value>& row) {
  const auto& pk = t.primary_key().columns();
  std::string out;
  for (const Column* c : t.columns()) {
    if (!pk.empty() && std::find(pk.begin(), pk.end(), c) == pk.end()) continue;
    if (!out.empty()) out += ", ";
    const Value& v = row[c->index()];
    out += c->name() + "=";
    if (v.kind() == Value::Kind::text)
      out += v.text_unchecked();
    else if (v.kind() == Value::Kind::integer)
      out += std::to_string(v.int_unchecked());
    else
      out += v.debug_string();
  }
  return out;
}

// True when retrying a refused batch row by row can name the row: not when the connection is gone
// or the database was busy (the error is rethrown as it is, the copy rolled back).
bool names_a_row(const Error& e) {
  const auto* db = dynamic_cast<const DatabaseError*>(&e);
  return db == nullptr || !(db->is_disconnect() || db->is_transient());
}

// Every column of `t`, in table order, typed: each value arrives as its column's portable value.
Select read_all(const Table& t) {
  std::vector<Expr> cols;
  for (const Column* c : t.columns()) cols.emplace_back(*c);
  return select(std::move(cols)).select_from(t);
}

std::int64_t count_rows(Connection& c, const Table& t) {
  return c.execute(select(count()).select_from(t)).scalar<std::int64_t>();
}

TableChecksum checksum_of(Connection& c, const Table& t) {
  TableChecksum sum;
  for (const Row& row : c.execute(read_all(t))) sum.add(detail::hash_row(row.values()));
  return sum;
}

// Row hashes by key, for naming the first row that differs.
std::map<std::string, detail::RowHash> hashes_by_key(Connection& c, const Table& t) {
  std::map<std::string, detail::RowHash> out;
  for (const Row& row : c.execute(read_all(t)))
    out.emplace(key_of(t, row.values()), detail::hash_row(row.values()));
  return out;
}

[[noreturn]] void mismatch(Connection& source, Connection& target, const Table& t,
                           std::int64_t source_rows, std::int64_t target_rows) {
  const auto a = hashes_by_key(source, t), b = hashes_by_key(target, t);
  std::string key, what;
  auto i = a.begin();
  auto j = b.begin();
  for (; i != a.end() || j != b.end();) {
    if (j == b.end() || (i != a.end() && i->first < j->first)) {
      key = i->first, what = "missing on the target";
      break;
    }
    if (i == a.end() || j->first < i->first) {
      key = j->first, what = "only on the target";
      break;
    }
    if (!(i->second == j->second)) {
      key = i->first, what = "different on the target";
      break;
    }
    ++i, ++j;
  }
  std::ostringstream msg;
  msg << "transfer: table " << t.name() << " does not match: " << source_rows
      << " row(s) on the source, " << target_rows << " on the target";
  if (!key.empty()) msg << "; first differing row: " << key << " (" << what << ")";
  throw VerificationFailed(msg.str(), t.name(), key);
}

// The absolute file of a SQLite URL, or the URL without password for a server: two URLs naming
// one database compare equal.
std::string identity(const Engine& e) {
  const Url& u = e.url();
  if (u.is_memory()) return "memory:" + std::to_string(reinterpret_cast<std::uintptr_t>(&e));
  if (e.dialect().embedded()) {
    std::error_code ec;
    const auto p = std::filesystem::weakly_canonical(std::filesystem::absolute(u.database()), ec);
    return u.backend() + ":" + (ec ? u.database() : p.string());
  }
  return u.without_query_keys({"mode", "create_database"}).render(true);
}

class Copier {
 public:
  Copier(Engine& source, Engine& target, const MetaData& md, const Options& o)
      : source_engine_(source), target_engine_(target), md_(md), o_(o) {}

  Report run() {
    const auto start = Clock::now();
    tables_ = chosen_tables();
    src_.emplace(source_engine_.connect());
    dst_.emplace(target_engine_.connect());
    check_schemas();
    auto snapshot = src_->begin_snapshot();
    Report report;
    if (o_.verify_only || o_.dry_run) {
      for (const Table* t : tables_) report.tables.push_back(inspect_only(*t));
    } else if (o_.resumable) {
      if (o_.existing == Existing::truncate) truncate(tables_);
      for (const Table* t : tables_) {
        auto r = load_tables({t});
        report.tables.insert(report.tables.end(), r.begin(), r.end());
      }
    } else {
      report.tables = load_tables(tables_);
    }
    // The snapshot only read. The copy is committed by now, so failing to end the snapshot must
    // not report the copy as failed (releasing the connection rolls it back, or discards it).
    try {
      snapshot.commit();
    } catch (const Error&) {
    }
    report.elapsed = Clock::now() - start;
    return report;
  }

 private:
  std::vector<const Table*> chosen_tables() const {
    std::vector<const Table*> out;
    std::set<std::string> wanted(o_.tables.begin(), o_.tables.end());
    for (const Table* t : md_.sorted_tables())
      if (wanted.empty() || wanted.erase(t->name())) out.push_back(t);
    if (!wanted.empty()) {
      std::string names;
      for (const auto& n : wanted) names += (names.empty() ? "" : ", ") + n;
      throw TransferRefused("transfer: no such table in the schema: " + names);
    }
    return out;
  }

  // Source = target, tables missing, drift: refused with every reason listed.
  void check_schemas() {
    if (identity(source_engine_) == identity(target_engine_))
      throw TransferRefused("transfer: the source and the target are the same database (" +
                            target_engine_.url().to_string() + ")");
    std::string problems;
    std::set<std::string> names;
    for (const Table* t : tables_) names.insert(t->name());
    for (auto [conn, side] : {std::pair{&*src_, "source"}, std::pair{&*dst_, "target"}}) {
      for (const auto& ch : migrate::compare(*conn, md_, o_.ignore_tables)) {
        if (!names.count(ch.table) && ch.kind != migrate::Change::Kind::drop_table) continue;
        if (ch.kind == migrate::Change::Kind::drop_table && !o_.tables.empty()) continue;
        problems += std::string("\n  ") + side + ": " + migrate::to_string(ch.kind) + " " +
                    ch.table + (ch.name.empty() ? "" : "." + ch.name) +
                    (ch.detail.empty() ? "" : " (" + ch.detail + ")");
      }
    }
    if (!problems.empty())
      throw TransferRefused(
          "transfer: the schemas differ from the application's (migrate both to the same "
          "revision first); what would have to change:" +
          problems);
  }

  // dry_run: counts; verify_only: counts and checksums compared.
  TableReport inspect_only(const Table& t) {
    const auto start = Clock::now();
    TableReport r{.table = t.name(), .source_rows = count_rows(*src_, t)};
    if (o_.verify_only) {
      const TableChecksum a = checksum_of(*src_, t), b = checksum_of(*dst_, t);
      if (!(a == b)) mismatch(*src_, *dst_, t, a.rows(), b.rows());
      r.verified = true;
      r.checksum = a.hex();
    } else if (o_.existing == Existing::refuse) {
      refuse_rows(t);
    }
    r.elapsed = Clock::now() - start;
    return r;
  }

  void refuse_rows(const Table& t) {
    const std::int64_t n = count_rows(*dst_, t);
    if (n > 0)
      throw TransferRefused("transfer: the target table " + t.name() + " holds " +
                            std::to_string(n) +
                            " row(s); copy into empty tables, or ask to truncate or append");
  }

  // Loads `tables` in one target transaction (see the header for the steps).
  std::vector<TableReport> load_tables(const std::vector<const Table*>& tables) {
    std::vector<TableReport> reports;
    std::vector<const Table*> todo;
    for (const Table* t : tables) {
      if (o_.resumable && already_copied(*t, reports)) continue;
      if (o_.existing == Existing::refuse || (o_.resumable && o_.existing == Existing::truncate))
        refuse_rows(*t);
      todo.push_back(t);
    }
    if (todo.empty()) return reports;
    const Dialect& d = dst_->dialect();
    auto tx = dst_->begin();
    for (const auto& sql : d.defer_foreign_keys_sql()) dst_->execute(text(sql));
    if (d.foreign_keys_by_alter())
      for (const Table* t : todo)
        for (const auto& fk : t->foreign_keys()) dst_->execute(drop_foreign_key(fk));
    if (o_.existing == Existing::truncate && !o_.resumable)
      for (auto it = todo.rbegin(); it != todo.rend(); ++it) dst_->execute(delete_from(**it));
    std::vector<TableChecksum> sums;
    for (const Table* t : todo) reports.push_back(load(*t, sums.emplace_back()));
    if (d.foreign_keys_by_alter())
      for (const Table* t : todo)
        for (const auto& fk : t->foreign_keys()) dst_->execute(add_foreign_key(fk));
    for (const Table* t : todo) reset_identities(*t);
    if (o_.verify)
      for (std::size_t i = 0; i < todo.size(); ++i) verify(*todo[i], sums[i], reports[i]);
    tx.commit();
    for (const auto& r : reports) report_progress(r.table, r.copied_rows, r.source_rows, true);
    return reports;
  }

  // resumable with truncate: every chosen table emptied first, in a transaction of its own (a
  // restart then resumes without truncating again).
  void truncate(const std::vector<const Table*>& tables) {
    auto tx = dst_->begin();
    for (const auto& sql : dst_->dialect().defer_foreign_keys_sql()) dst_->execute(text(sql));
    for (auto it = tables.rbegin(); it != tables.rend(); ++it) dst_->execute(delete_from(**it));
    tx.commit();
  }

  // resumable: the table is skipped when the target already holds what the source holds.
  bool already_copied(const Table& t, std::vector<TableReport>& reports) {
    const std::int64_t n = count_rows(*dst_, t);
    if (n == 0 && count_rows(*src_, t) > 0) return false;
    const TableChecksum a = checksum_of(*src_, t);
    if (n != a.rows() || !(a == checksum_of(*dst_, t))) return false;
    reports.push_back({.table = t.name(),
                       .source_rows = a.rows(),
                       .skipped = true,
                       .verified = true,
                       .checksum = a.hex()});
    return true;
  }

  TableReport load(const Table& t, TableChecksum& sum) {
    const auto start = Clock::now();
    TableReport r{.table = t.name(), .source_rows = count_rows(*src_, t)};
    std::vector<ColumnRef> columns;
    for (const Column* c : t.columns()) columns.emplace_back(*c);
    std::vector<std::vector<Value>> batch;
    batch.reserve(o_.batch_rows);
    for (const Row& row : src_->execute(read_all(t))) {
      sum.add(detail::hash_row(row.values()));
      batch.push_back(row.values());
      if (batch.size() >= o_.batch_rows) r.copied_rows += write(t, columns, batch, r);
    }
    r.copied_rows += write(t, columns, batch, r);
    r.checksum = sum.hex();
    r.elapsed = Clock::now() - start;
    return r;
  }

  // Writes and empties `batch` through Connection::bulk_insert (COPY on PostgreSQL), which checks
  // every value by its column's type before sending any. A batch refused (a value that does not
  // fit, a key the database rejects) is written again row by row, in a savepoint each, to name
  // the row.
  std::int64_t write(const Table& t, const std::vector<ColumnRef>& columns,
                     std::vector<std::vector<Value>>& batch, const TableReport& r) {
    if (batch.empty()) return 0;
    std::int64_t n = 0;
    auto sp = dst_->begin_nested();
    try {
      n = dst_->bulk_insert(t, columns, batch);
    } catch (const Error& e) {
      if (!names_a_row(e)) throw;
      sp.rollback();
      find_refused_row(t, columns, batch);
      throw;
    }
    sp.commit();
    batch.clear();
    report_progress(t.name(), r.copied_rows + n, r.source_rows, false);
    return n;
  }

  void find_refused_row(const Table& t, const std::vector<ColumnRef>& columns,
                        const std::vector<std::vector<Value>>& rows) {
    for (const auto& row : rows) {
      auto sp = dst_->begin_nested();
      try {
        (void)dst_->bulk_insert(t, columns, std::span<const Value>(row));
        sp.commit();
      } catch (const DatabaseError& e) {
        if (!names_a_row(e)) throw;
        sp.rollback();
        located(e.info(), t, row);
      } catch (const Error& e) {
        sp.rollback();
        ErrorInfo info;
        info.backend = dst_->dialect().name();
        info.sqlstate = "22000";  // data exception
        info.server_message = e.what();
        located(std::move(info), t, row);
      }
    }
  }

  // Rethrows the error of `info` with the table and the row's key in front (its own message
  // names the column).
  [[noreturn]] static void located(ErrorInfo info, const Table& t, const std::vector<Value>& row) {
    info.server_message =
        "transfer: table " + t.name() + ", row " + key_of(t, row) + ": " + info.server_message;
    raise_database_error(std::move(info));
  }

  void reset_identities(const Table& t) {
    for (const Column* c : t.columns())
      if (c->is_autoincrement()) {
        const std::string sql = dst_->dialect().reset_identity_sql(t.name(), c->name());
        if (!sql.empty()) (void)dst_->execute(text(sql));
      }
  }

  void verify(const Table& t, const TableChecksum& source, TableReport& r) {
    const TableChecksum target = checksum_of(*dst_, t);
    if (!(source == target) && o_.existing != Existing::append)
      mismatch(*src_, *dst_, t, source.rows(), target.rows());
    r.verified = o_.existing != Existing::append;
  }

  void report_progress(const std::string& table, std::int64_t done, std::int64_t total,
                       bool finished) {
    if (o_.progress) o_.progress({table, done, total, Clock::now() - started_, finished});
  }

  Engine& source_engine_;
  Engine& target_engine_;
  const MetaData& md_;
  const Options& o_;
  std::vector<const Table*> tables_;
  std::optional<Connection> src_, dst_;
  Clock::time_point started_ = Clock::now();
};

}  // namespace

std::int64_t Report::rows() const {
  std::int64_t n = 0;
  for (const auto& t : tables) n += t.copied_rows;
  return n;
}

Report copy(Engine& source, Engine& target, const MetaData& metadata, const Options& options) {
  if (options.batch_rows == 0) throw ArgumentError("transfer: batch_rows must be at least 1");
  return Copier(source, target, metadata, options).run();
}

Report copy(const Url& source, const Url& target, const MetaData& metadata,
            const Options& options) {
  // The source is only read: a SQLite file is opened read-only and never created.
  Url from = source;
  if (source.backend() == "sqlite" && !source.is_memory())
    from = source.without_query_keys({"mode", "create_database"})
               .with_query("mode", "ro")
               .with_query("create_database", "false");
  Engine src = create_engine(from);
  Engine dst = create_engine(target.backend() == "sqlite" && !target.query_value("create_database")
                                 ? target.with_query("create_database", "false")
                                 : target);
  return copy(src, dst, metadata, options);
}

}  // namespace sqlcore::transfer
