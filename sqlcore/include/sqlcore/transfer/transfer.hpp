// Transfer: copies the rows of a database into another one whose schema exists, on any pair of
// backends (a SQLite file to PostgreSQL when an application grows, PostgreSQL to a SQLite file
// for local debugging), converting every value to the target column's portable type and
// verifying the copy.
//
//   sqlcore::transfer::Options o;                       // every table, refuse a non-empty target
//   auto report = sqlcore::transfer::copy(sqlcore::Url::parse("sqlite:///data/app.db"),
//                                         sqlcore::Url::parse(postgres_url), app_metadata, o);
//   for (const auto& t : report.tables) std::cout << t.table << ": " << t.rows << "\n";
//
// What copy() does, in this order:
//  1. Opens the source read-only (SQLite: mode=ro) and reads it in one snapshot transaction
//     (Connection::begin_snapshot()): the source is never changed and a copy taken while the
//     application writes is still consistent.
//  2. Refuses (TransferRefused, nothing written) a source that is the target, a table missing on
//     either side, a schema on either side that differs from the MetaData (the differences are
//     listed, as migrate::compare() finds them), and a target table that holds rows unless
//     Options::existing says truncate or append.
//  3. Loads the tables in foreign-key order (referenced tables first) in ONE transaction on the
//     target: foreign keys are checked once the load is complete (SQLite: deferred to COMMIT;
//     PostgreSQL: dropped for the load and added back, validated, before COMMIT), so cycles and
//     self-references load in any order. Every value is checked and converted by the target
//     column's type (0/1 and BOOLEAN, timestamp text in its legacy forms and TIMESTAMPTZ, JSON
//     text and JSONB, integer widths): a value that cannot be stored exactly fails the copy with
//     a DataError naming the table, the row's primary key and the column (never the value).
//     A table that is empty on the target (or was just truncated) is loaded without its indexes
//     where the backend gains from it (TransferRules::rebuild_indexes_after_load(); on PostgreSQL
//     without its primary key and unique constraints too, unless a foreign key refers to them):
//     they are built once its rows are in, inside the same transaction, so a duplicate found by
//     a build fails the copy and restores everything. A table that holds rows keeps them.
//     Each table is read on a thread of its own (which also computes the source's checksum)
//     while the calling thread writes the batch read before; Progress is reported on the calling
//     thread.
//  4. Moves every identity column past the largest copied id (PostgreSQL's sequences; SQLite's
//     AUTOINCREMENT follows by itself), so the next insert succeeds.
//  5. Verifies (Options::verify): per table, the row count and a checksum over the canonical
//     values (the portable value each side reads, so 1 and TRUE, or a timestamp as text and as
//     TIMESTAMPTZ, compare equal) on both sides, inside the loading transaction. A mismatch rolls
//     everything back and throws VerificationFailed naming the table and the first differing key.
//  6. Commits. Any error before rolls the target back to what it was.
//
// Options::resumable trades the single transaction for one per table (for copies too large to
// hold in one): a table is committed once loaded and verified, and a later run with the same
// options skips every table whose target already matches the source (count and checksum), so an
// interrupted copy restarts where it stopped.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sqlcore/core/error.hpp"
#include "sqlcore/core/url.hpp"

namespace sqlcore {

class Engine;
class MetaData;

namespace transfer {

/// What to do with a target table that already holds rows.
enum class Existing {
  refuse,    // TransferRefused (the default: a copy never mixes data by accident)
  truncate,  // delete its rows first (in the copy's transaction)
  append     // keep them; a key copied twice is an IntegrityError
};

/// What to do with the source's tables that the MetaData does not describe (and ignore_tables
/// does not name): another tool's tables, or data an application keeps aside.
enum class UnknownTables {
  refuse,  // TransferRefused listing them (the default: nothing is left behind unnoticed)
  skip,    // leave them behind, listed in Report::left_behind
  copy     // reflect them from the source (Inspector) and copy them too, creating each one the
           // target lacks (in the copy's transaction); a column whose type has no portable
           // equivalent is refused rather than guessed
};

/// How far the copy of one table has come, for a progress display.
struct Progress {
  std::string table{};
  std::int64_t rows_done = 0;
  std::int64_t rows_total = 0;  // the source's count
  std::chrono::steady_clock::duration elapsed{};
  bool finished = false;  // the table is loaded (and verified, when verifying)
};

struct Options {
  /// The tables to copy (names); empty: every table of the MetaData. The tables they refer to
  /// must be copied too or hold the referenced rows already.
  std::vector<std::string> tables{};
  /// Tables of the databases that the MetaData does not describe and that the drift check
  /// ignores (never copied): an application's own bookkeeping, sqlcore's migration version.
  std::vector<std::string> ignore_tables = {"sqlcore_version"};
  Existing existing = Existing::refuse;
  UnknownTables unknown_tables = UnknownTables::refuse;
  /// Rows read and written per batch.
  std::size_t batch_rows = 5000;
  /// Compare counts and checksums on both sides before committing.
  bool verify = true;
  /// Count the rows that would be copied and run every check, but write nothing.
  bool dry_run = false;
  /// Verify an earlier copy (counts and checksums) without writing anything.
  bool verify_only = false;
  /// One transaction per table, and tables already copied are skipped (see above). With
  /// truncate, every chosen table is emptied first in a transaction of its own: restart an
  /// interrupted copy without truncate.
  bool resumable = false;
  /// Called after every batch and when a table is finished.
  std::function<void(const Progress&)> progress{};
};

/// What happened to one table.
struct TableReport {
  std::string table{};
  std::int64_t source_rows = 0;
  std::int64_t copied_rows = 0;  // 0 for a dry run, a verification or a skipped table
  bool skipped = false;          // resumable: already complete on the target
  bool verified = false;         // counts and checksums compared equal
  std::string checksum{};        // of the source's canonical values (hex), when computed
  std::chrono::steady_clock::duration elapsed{};
};

struct Report {
  std::vector<TableReport> tables;
  /// UnknownTables::skip: the source's tables outside the MetaData, not copied.
  std::vector<std::string> left_behind;
  std::chrono::steady_clock::duration elapsed{};
  std::int64_t rows() const;
};

/// The copy was refused before anything was written: the reason is the message (several lines
/// when several things are wrong).
class TransferRefused : public Error {
 public:
  using Error::Error;
};

/// The target does not hold what the source holds (after a copy, or for verify_only): names the
/// table and the first key whose row differs or is missing on one side.
class VerificationFailed : public Error {
 public:
  VerificationFailed(std::string message, std::string table, std::string key)
      : Error(std::move(message)), table_(std::move(table)), key_(std::move(key)) {}
  const std::string& table() const { return table_; }
  /// The primary key of the first differing row ("id=42", "agent_name=a, tag=b"); empty when
  /// only the counts differ and no row could be singled out.
  const std::string& key() const { return key_; }

 private:
  std::string table_;
  std::string key_;
};

/// Copies the tables of `metadata` from `source` to `target` (see the top of this file).
Report copy(const Url& source, const Url& target, const MetaData& metadata,
            const Options& options = {});

/// The same on engines the caller opened (the source engine should be read-only: copy() reads
/// it in a snapshot transaction and never writes to it).
Report copy(Engine& source, Engine& target, const MetaData& metadata, const Options& options = {});

/// Without a MetaData: every table of the source as its catalog describes it (Inspector), each
/// one the target lacks created there from that description (UnknownTables::copy for all of
/// them); a table the target has must match it. For databases no application's MetaData
/// describes; everything else (order, conversion, verification, one transaction) is as above.
Report copy_reflected(const Url& source, const Url& target, const Options& options = {});
Report copy_reflected(Engine& source, Engine& target, const Options& options = {});

}  // namespace transfer
}  // namespace sqlcore
