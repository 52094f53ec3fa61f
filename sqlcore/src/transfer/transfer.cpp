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
#include <utility>

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
#include "transfer/batch_queue.hpp"
#include "transfer/checksum.hpp"
#include "transfer/unknown_tables.hpp"

namespace sqlcore::transfer {

namespace {

using Clock = std::chrono::steady_clock;
using detail::described;
using detail::TableChecksum;

// Batches the reader may be ahead of the writer: enough to keep both busy, little memory.
constexpr std::size_t kQueuedBatches = 3;

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

// A database without any of the schema's tables (an empty one, or another application's).
bool lacks_every_table(const std::vector<migrate::Change>& changes, const MetaData& md) {
  std::size_t missing = 0;
  for (const auto& ch : changes) missing += ch.kind == migrate::Change::Kind::add_table;
  return missing > 0 && missing == md.tables().size();
}

class Copier {
 public:
  Copier(Engine& source, Engine& target, const MetaData& md, const Options& o)
      : source_engine_(source), target_engine_(target), md_(md), o_(o) {}

  Report run() {
    const auto start = Clock::now();
    src_.emplace(source_engine_.connect());
    dst_.emplace(target_engine_.connect());
    auto snapshot = src_->begin_snapshot();
    Report report;
    refuse_same_database();
    settle_unknown_tables(report);
    tables_ = chosen_tables();
    check_schemas();
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
  // The source's tables outside the MetaData: refused by the drift check, left behind, or
  // reflected to be copied too (created on the target where it lacks them).
  void settle_unknown_tables(Report& report) {
    if (o_.unknown_tables == UnknownTables::refuse) return;
    const auto names = detail::unknown_tables(*src_, md_, o_.ignore_tables);
    ignore_.insert(ignore_.end(), names.begin(), names.end());
    if (o_.unknown_tables == UnknownTables::skip) {
      report.left_behind = names;
      return;
    }
    unknown_ = detail::reflect_tables(*src_, names, reflected_);
    std::vector<std::string> missing;
    unknown_drift_ = detail::target_differences(*dst_, reflected_, unknown_, missing);
    create_.insert(missing.begin(), missing.end());
  }

  std::vector<const Table*> chosen_tables() const {
    std::vector<const Table*> out;
    std::set<std::string> wanted(o_.tables.begin(), o_.tables.end());
    for (const Table* t : md_.sorted_tables())
      if (o_.tables.empty() || wanted.erase(t->name())) out.push_back(t);
    for (const Table* t : unknown_)
      if (o_.tables.empty() || wanted.erase(t->name())) out.push_back(t);
    if (!wanted.empty()) {
      std::string names;
      for (const auto& n : wanted) names += (names.empty() ? "" : ", ") + n;
      throw TransferRefused("transfer: no such table in the schema: " + names);
    }
    return out;
  }

  void refuse_same_database() const {
    if (identity(source_engine_) == identity(target_engine_))
      throw TransferRefused("transfer: the source and the target are the same database (" +
                            target_engine_.url().to_string() + ")");
  }

  // Tables missing, drift: refused with every reason listed.
  void check_schemas() {
    std::string problems = unknown_drift_;
    std::set<std::string> names;
    for (const Table* t : tables_) names.insert(t->name());
    for (auto [conn, side] : {std::pair{&*src_, "source"}, std::pair{&*dst_, "target"}}) {
      const auto changes = migrate::compare(*conn, md_, ignore_);
      if (lacks_every_table(changes, md_))
        throw TransferRefused(
            std::string("transfer: the ") + side + " (" +
            (side == std::string("source") ? source_engine_ : target_engine_).url().to_string() +
            ") has none of the schema's tables: create its schema first (the "
            "application's migrations)");
      for (const auto& ch : changes) {
        if (!names.count(ch.table) && ch.kind != migrate::Change::Kind::drop_table) continue;
        if (ch.kind == migrate::Change::Kind::drop_table && !o_.tables.empty()) continue;
        problems += std::string("\n  ") + side + ": " + described(ch);
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
    if (o_.verify_only && create_.count(t.name()))
      throw VerificationFailed("transfer: table " + t.name() + " is missing on the target",
                               t.name(), "");
    if (create_.count(t.name())) {
      // dry run: the table would be created on the target
    } else if (o_.verify_only) {
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
    if (create_.count(t.name())) return;  // created by the copy
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
    auto tx = dst_->begin();
    create_missing(todo);
    detach_foreign_keys(todo);
    if (o_.existing == Existing::truncate && !o_.resumable)
      for (auto it = todo.rbegin(); it != todo.rend(); ++it) dst_->execute(delete_from(**it));
    const Dropped dropped = drop_for_load(todo);
    std::vector<TableChecksum> sums;
    for (const Table* t : todo) reports.push_back(load(*t, sums.emplace_back()));
    build_dropped(dropped);
    attach_foreign_keys(todo);
    for (const Table* t : todo) reset_identities(*t);
    if (o_.verify)
      for (std::size_t i = 0; i < todo.size(); ++i) verify(*todo[i], sums[i], reports[i]);
    tx.commit();
    for (const auto& r : reports) report_progress(r.table, r.copied_rows, r.source_rows, true);
    return reports;
  }

  // The reflected tables the target lacks, created in the copy's transaction with their
  // indexes (the fast path below may drop those again for the load).
  void create_missing(const std::vector<const Table*>& tables) {
    for (const Table* t : tables) {
      if (!create_.count(t->name())) continue;
      named(*t, "create", [&] {
        dst_->execute(create_table(*t, false, true));
        for (const Index& ix : t->indexes()) dst_->execute(create_index(ix));
      });
    }
  }

  // Foreign keys are checked once the load is complete: deferred to COMMIT, or dropped here and
  // added back (validated) by attach_foreign_keys().
  void detach_foreign_keys(const std::vector<const Table*>& tables) {
    const Dialect& d = dst_->dialect();
    for (const auto& sql : d.defer_foreign_keys_sql()) dst_->execute(text(sql));
    if (d.foreign_keys_by_alter())
      for (const Table* t : tables)
        for (const auto& fk : t->foreign_keys()) dst_->execute(drop_foreign_key(fk));
  }

  void attach_foreign_keys(const std::vector<const Table*>& tables) {
    if (!dst_->dialect().foreign_keys_by_alter()) return;
    for (const Table* t : tables)
      for (const auto& fk : t->foreign_keys())
        named(*t, "foreign key " + fk.name(), [&] { dst_->execute(add_foreign_key(fk)); });
  }

  // What the empty-target fast path dropped for the load, built again after it.
  struct Dropped {
    std::vector<const Table*> primary_keys;
    std::vector<const UniqueConstraint*> uniques;
    std::vector<const Index*> indexes;
  };

  // The empty-target fast path: where the dialect says it pays, the indexes (and, where it can,
  // the primary key and unique constraints) of every table that is empty now (refused otherwise,
  // just truncated, or an append into an empty table) are dropped for the load and built after
  // it by build_dropped(). A table that holds rows keeps them all, and so does a key or unique
  // index that a foreign key refers to (the foreign key needs it).
  Dropped drop_for_load(const std::vector<const Table*>& tables) {
    Dropped out;
    if (!dst_->dialect().rebuild_indexes_after_load()) return out;
    for (const Table* t : tables)
      if (o_.existing != Existing::append || count_rows(*dst_, *t) == 0) drop_for_load(*t, out);
    return out;
  }

  void drop_for_load(const Table& t, Dropped& out) {
    for (const Index& ix : t.indexes()) {
      if (ix.is_unique() && referred_to(t, ix.columns())) continue;
      dst_->execute(drop_index(ix));
      out.indexes.push_back(&ix);
    }
    if (!dst_->dialect().rebuild_keys_after_load()) return;
    if (!t.primary_key().empty() && !referred_to(t, t.primary_key().columns())) {
      dst_->execute(drop_primary_key(t));
      out.primary_keys.push_back(&t);
    }
    for (const UniqueConstraint& u : t.unique_constraints()) {
      if (referred_to(t, u.columns())) continue;
      dst_->execute(drop_unique(u));
      out.uniques.push_back(&u);
    }
  }

  // Whether a foreign key refers to exactly `columns` of `t`.
  bool referred_to(const Table& t, const std::vector<const Column*>& columns) const {
    std::vector<std::string> names;
    for (const Column* c : columns) names.push_back(c ? c->name() : std::string());
    for (const MetaData* md : {&md_, &reflected_})
      for (const Table* other : md->tables())
        for (const auto& fk : other->foreign_keys())
          if (fk.referred_table() == t.name() && fk.referred_columns() == names) return true;
    return false;
  }

  // Keys first, then indexes. A duplicate that only a build finds (a key or unique index the
  // source did not enforce the same way) fails here, naming the table and the key or index.
  void build_dropped(const Dropped& dropped) {
    for (const Table* t : dropped.primary_keys)
      named(*t, "primary key", [&] { dst_->execute(add_primary_key(*t)); });
    for (const UniqueConstraint* u : dropped.uniques)
      named(u->table(), "unique " + u->name(), [&] { dst_->execute(add_unique(*u)); });
    for (const Index* ix : dropped.indexes)
      named(ix->table(), "index " + ix->name(), [&] { dst_->execute(create_index(*ix)); });
  }

  // Runs `step`; a database error it raises is raised again with the table and `what` in front.
  template <class Step>
  static void named(const Table& t, const std::string& what, Step&& step) {
    try {
      step();
    } catch (const DatabaseError& e) {
      ErrorInfo info = e.info();
      info.server_message = "transfer: table " + t.name() + ", " + what + ": " + e.server_message();
      raise_database_error(std::move(info));
    }
  }

  // resumable with truncate: every chosen table emptied first, in a transaction of its own (a
  // restart then resumes without truncating again).
  void truncate(const std::vector<const Table*>& tables) {
    auto tx = dst_->begin();
    for (const auto& sql : dst_->dialect().defer_foreign_keys_sql()) dst_->execute(text(sql));
    for (auto it = tables.rbegin(); it != tables.rend(); ++it)
      if (!create_.count((*it)->name())) dst_->execute(delete_from(**it));
    tx.commit();
  }

  // resumable: the table is skipped when the target already holds what the source holds.
  bool already_copied(const Table& t, std::vector<TableReport>& reports) {
    if (create_.count(t.name())) return false;
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

  // The source is read on a thread of its own (which also computes the source's checksum) while
  // this thread writes: the read of batch n+1 overlaps the write of batch n. The source
  // connection is used by that thread alone until it is joined: both drivers allow a connection
  // (and its open snapshot transaction) to move between threads, one at a time.
  TableReport load(const Table& t, TableChecksum& sum) {
    const auto start = Clock::now();
    TableReport r{.table = t.name(), .source_rows = count_rows(*src_, t)};
    std::vector<ColumnRef> columns;
    for (const Column* c : t.columns()) columns.emplace_back(*c);
    detail::BatchReader reader(kQueuedBatches,
                               [&](detail::BatchQueue& q) { read_batches(t, sum, q); });
    while (auto batch = reader.next()) r.copied_rows += write(t, columns, *batch, r);
    reader.join();
    r.checksum = sum.hex();
    r.elapsed = Clock::now() - start;
    return r;
  }

  // On the reader thread: every row of `t` from the source, hashed, in batches of batch_rows.
  void read_batches(const Table& t, TableChecksum& sum, detail::BatchQueue& queue) {
    detail::Batch batch;
    batch.reserve(o_.batch_rows);
    for (const Row& row : src_->execute(read_all(t))) {
      sum.add(detail::hash_row(row.values()));
      batch.push_back(row.values());
      if (batch.size() < o_.batch_rows) continue;
      if (!queue.push(std::exchange(batch, {}))) return;
      batch.reserve(o_.batch_rows);
    }
    if (!batch.empty()) queue.push(std::move(batch));
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

  // An append is not verified: the target also holds rows of its own (so its checksum, which
  // would read them all, is not computed either).
  void verify(const Table& t, const TableChecksum& source, TableReport& r) {
    if (o_.existing == Existing::append) return;
    const TableChecksum target = checksum_of(*dst_, t);
    if (!(source == target)) mismatch(*src_, *dst_, t, source.rows(), target.rows());
    r.verified = true;
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
  std::vector<std::string> ignore_ = o_.ignore_tables;  // the drift check's, unknown tables added
  MetaData reflected_;                                  // UnknownTables::copy: the source's
  std::vector<const Table*> unknown_;                   // ... tables outside md_, to copy
  std::set<std::string> create_;                        // ... and those the target lacks
  std::string unknown_drift_;                           // ... and how the others differ
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

namespace {

// The source is only read: a SQLite file is opened read-only and never created; nor is a target
// file (its schema must exist).
std::pair<Engine, Engine> open_engines(const Url& source, const Url& target) {
  Url from = source;
  if (source.backend() == "sqlite" && !source.is_memory())
    from = source.without_query_keys({"mode", "create_database"})
               .with_query("mode", "ro")
               .with_query("create_database", "false");
  Engine src = create_engine(from);
  Engine dst = create_engine(target.backend() == "sqlite" && !target.query_value("create_database")
                                 ? target.with_query("create_database", "false")
                                 : target);
  return {std::move(src), std::move(dst)};
}

}  // namespace

Report copy(const Url& source, const Url& target, const MetaData& metadata,
            const Options& options) {
  auto [src, dst] = open_engines(source, target);
  return copy(src, dst, metadata, options);
}

Report copy_reflected(Engine& source, Engine& target, const Options& options) {
  const MetaData none;
  Options o = options;
  o.unknown_tables = UnknownTables::copy;
  return copy(source, target, none, o);
}

Report copy_reflected(const Url& source, const Url& target, const Options& options) {
  auto [src, dst] = open_engines(source, target);
  return copy_reflected(src, dst, options);
}

}  // namespace sqlcore::transfer
