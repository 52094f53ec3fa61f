// transfer_bench: sqlcore::transfer::copy() of a SQLite file to PostgreSQL, beside a raw libpq
// COPY of the same rows and pgloader, in the same run against the same server.
//
// The data set (set-up, untimed): a SQLite file (WAL) with trinity-db's chat_messages and
// chat_sessions tables (their real definitions: chat_messages has a text key, 5 indexes, 2
// foreign keys, a JSON column and timestamps) and a users table; TRANSFER_BENCH_ROWS messages
// (default 1,000,000) with 32-hex-digit random ids as trinity makes them, in ROWS/20 sessions of
// 200 users; a third carry tool_calls JSON, a quarter a subscription id. The users and sessions
// are copied to the PostgreSQL database once (set-up); every run loads chat_messages alone, so
// the foreign keys always have their rows.
//
// The runs (each timed as a whole with steady_clock, one repetition = one load of every row):
//   ours/empty         transfer::copy(sqlite URL, postgresql URL, metadata,
//                      {.tables = {"chat_messages"}}), as a user calls it: verification on, into
//                      the empty table (the fast path: indexes and foreign keys dropped for the
//                      load and built after it, in the copy's transaction).
//   raw/indexed        the rows read with sqlite3 (one SELECT) and written with one libpq COPY
//                      in text format (values escaped by hand) into the empty table with its
//                      indexes and foreign keys in place, in one transaction. No checks.
//   raw/rebuilt        the same with the 5 indexes and 2 foreign keys dropped first and created
//                      again after the COPY, in the same transaction (the statements rendered by
//                      sqlcore's DDL compiler, run through libpq): what a careful hand-written
//                      load does.
//   pgloader           pgloader (the Debian package) loading the same file's chat_messages into
//                      the same empty table: "data only, drop indexes" (its own fast path; the
//                      foreign keys stay and are checked per row), with prefetch rows = 10000
//                      (with its default of 100,000 every 1M-row load failed here, its output
//                      not kept; with 10,000 it succeeds). Timed including the start of
//                      the pgloader process. Left out (with a note) when pgloader is not installed.
//   ours/append        transfer::copy with existing = append into the table already holding ROWS/4
//                      other messages (indexes kept; foreign keys dropped and added back).
//   raw/append         raw/indexed into that same non-empty table.
//   ours/noverify      ours/empty with verify = false: not a comparison, but what verification
//                      (reading the target back and comparing checksums) costs.
// Before each run (untimed) the table is dropped and created again from the metadata, refilled for
// the append runs, and the server CHECKPOINTed, so every run starts from the same state; after
// it, the row count is checked.
//
// Output: Google Benchmark's console output, then a table: per run the median rows/s over the
// repetitions (default 3), the slowest and fastest repetition, and ours / raw/indexed (and, for the
// append, ours/append / raw/append) of the medians. Figures are reported, never asserted.
//
// Environment: SQLCORE_BENCH_POSTGRES_URL (required: without it the program says so and exits 0),
// TRANSFER_BENCH_ROWS (default 1000000; e.g. 100000 for a quick run).
#include <libpq-fe.h>
#include <sqlite3.h>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>
#include <sqlcore/sqlcore.hpp>
#include <sqlcore/transfer/transfer.hpp>
#include <trinity/db/schema.hpp>

#include "bench_common.hpp"

namespace {

using sqlcore::Value;

constexpr const char* kPgDatabase = "transfer_bench";
constexpr int kDefaultRepetitions = 3;
constexpr int kUsers = 200;
constexpr std::int64_t kBatch = 10'000;

std::int64_t row_count() {
  const char* env = std::getenv("TRANSFER_BENCH_ROWS");
  return env != nullptr && *env != '\0' ? std::max<std::int64_t>(1, std::atoll(env)) : 1'000'000;
}

// The users chat_sessions and chat_messages refer to (only what they need of trinity's).
struct Users : sqlcore::Table {
  sqlcore::Col<std::int64_t> id =
      column("id", sqlcore::types::BigInteger).primary_key().autoincrement(true);
  sqlcore::Col<std::string> email = column("email", sqlcore::types::Text);
  explicit Users(sqlcore::MetaData& m) : Table(m, "users") {}
};

struct Schema {
  sqlcore::MetaData md;
  Users users{md};
  trinity::db::ChatSessions sessions{md};
  trinity::db::ChatMessages messages{md};
};

struct State {
  std::int64_t rows = 0;
  std::string sqlite_path, sqlite_url, pg_url;
  Schema schema;
  std::optional<sqlcore::Engine> pg;  // set-up and checks
};
// Built on first use (in main), not during static initialisation.
State& state() {
  static State s;
  return s;
}

// ---- the data set ------------------------------------------------------------------------------

std::uint64_t mix(std::uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
// 32 hex digits, as trinity's new_id() (random there, a function of `n` and `salt` here).
std::string hex_id(std::uint64_t n, std::uint64_t salt) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx",
                static_cast<unsigned long long>(mix(n * 2 + salt)),
                static_cast<unsigned long long>(mix(n * 2 + salt + 1'000'003)));
  return buf;
}
std::int64_t session_count() {
  return std::max<std::int64_t>(1, state().rows / 20);
}
const sqlcore::Timestamp kEpoch = sqlcore::Timestamp::from_civil(2025, 1, 1);

std::vector<Value> session_row(std::int64_t s) {
  const std::int64_t user = s % kUsers + 1;
  const sqlcore::Timestamp at = sqlcore::Timestamp::from_micros(kEpoch.micros() + s * 60'000'000);
  return {hex_id(static_cast<std::uint64_t>(s), 7),
          "agent" + std::to_string(s % 50),
          user,
          "user" + std::to_string(user) + "@example.com",
          at,
          at,
          20,
          0.25,
          1000,
          200000,
          "active",
          s % 4 == 0 ? Value("sub-" + std::to_string(s % 10)) : Value()};
}

std::vector<Value> message_row(std::int64_t i) {
  const auto s = static_cast<std::int64_t>(mix(static_cast<std::uint64_t>(i)) %
                                           static_cast<std::uint64_t>(session_count()));
  const std::int64_t user = s % kUsers + 1;
  const sqlcore::Timestamp at =
      sqlcore::Timestamp::from_micros(kEpoch.micros() + i * 1'000'003 + (i % 7) * 111);
  const bool tools = i % 3 == 0;
  return {hex_id(static_cast<std::uint64_t>(i), 1),
          hex_id(static_cast<std::uint64_t>(s), 7),
          "agent" + std::to_string(s % 50),
          user,
          "user" + std::to_string(user) + "@example.com",
          i % 2 ? "user" : "assistant",
          "Message " + std::to_string(i) + ": " + std::string(40 + i % 160, 'x') +
              " \"quoted\", a tab\tand a newline\n, unicode 日本語.",
          at,
          i % 2 ? Value() : Value(0.0001 * static_cast<double>(i % 1000)),
          i % 2 ? Value() : Value(i % 150'000),
          i % 2 ? Value() : Value(200'000),
          tools ? Value(sqlcore::Json{{{"name", "search"}, {"args", {{"q", "x"}, {"n", i % 9}}}}})
                : Value(),
          i % 2 ? Value() : Value(i % 20'000),
          "text",
          i % 4 == 0 ? Value("sub-" + std::to_string(s % 10)) : Value(),
          i % 2 ? Value() : Value(i % 4000)};
}

std::vector<sqlcore::ColumnRef> all_columns(const sqlcore::Table& t) {
  std::vector<sqlcore::ColumnRef> out;
  for (const sqlcore::Column* c : t.columns()) out.emplace_back(*c);
  return out;
}

// Rows first..last-1 of `make` into `t`, in batches.
void write_rows(sqlcore::Connection& c, const sqlcore::Table& t, std::int64_t count,
                const std::function<std::vector<Value>(std::int64_t)>& make) {
  const auto cols = all_columns(t);
  std::vector<std::vector<Value>> batch;
  for (std::int64_t i = 0; i < count; ++i) {
    batch.push_back(make(i));
    if (static_cast<std::int64_t>(batch.size()) == kBatch || i + 1 == count) {
      c.bulk_insert(t, cols, batch);
      batch.clear();
    }
  }
}

void write_source() {
  sqlcore::Engine e = sqlcore::create_engine(state().sqlite_url);
  state().schema.md.create_all(e);
  sqlcore::Connection c = e.connect();
  auto tx = c.begin();
  write_rows(c, state().schema.users, kUsers, [](std::int64_t i) {
    return std::vector<Value>{i + 1, "user" + std::to_string(i + 1) + "@example.com"};
  });
  write_rows(c, state().schema.sessions, session_count(), session_row);
  // The indexes built after the rows are in: the fast way on SQLite too (see the dialect).
  const auto& indexes = state().schema.messages.indexes();
  for (const auto& ix : indexes) c.execute(sqlcore::drop_index(ix));
  write_rows(c, state().schema.messages, state().rows, message_row);
  for (const auto& ix : indexes) c.execute(sqlcore::create_index(ix));
  tx.commit();
}

// ---- PostgreSQL --------------------------------------------------------------------------------

void pg_run(const std::string& sql) {
  sqlcore::Connection c = state().pg->connect();
  c.execute(sqlcore::text(sql));
}

std::int64_t pg_messages() {
  sqlcore::Connection c = state().pg->connect();
  return c.execute(sqlcore::text("SELECT count(*) FROM chat_messages")).scalar<std::int64_t>();
}

constexpr const char* kOld = "transfer_bench_old";  // the rows an append run finds in the table

void set_up_target() {
  state().pg.emplace(sqlcore::create_engine(state().pg_url));
  state().schema.md.create_all(*state().pg);
  namespace tr = sqlcore::transfer;
  const auto from = sqlcore::Url::parse(state().sqlite_url),
             to = sqlcore::Url::parse(state().pg_url);
  tr::copy(from, to, state().schema.md, {.tables = {"users", "chat_sessions"}});
  // ROWS/4 messages under other ids, kept aside for the append runs.
  tr::copy(from, to, state().schema.md, {.tables = {"chat_messages"}});
  pg_run(std::string("CREATE TABLE ") + kOld + " AS SELECT * FROM chat_messages LIMIT " +
         std::to_string(std::max<std::int64_t>(1, state().rows / 4)));
  pg_run(std::string("UPDATE ") + kOld + " SET id = 'old-' || id");
  pg_run("TRUNCATE chat_messages");
}

// The table as a run expects it, whatever the run before left (a failed pgloader leaves it
// without its indexes): dropped and created again from the metadata (with its keys, indexes and
// foreign keys), holding the old rows for an append run; then a checkpoint, so that no run pays
// for the writes of the one before.
void reset_target(bool holding_rows) {
  const auto& t = state().schema.messages;
  {
    sqlcore::Connection c = state().pg->connect();
    auto tx = c.begin();
    c.execute(sqlcore::drop_table(t));
    c.execute(sqlcore::create_table(t));
    for (const auto& ix : t.indexes()) c.execute(sqlcore::create_index(ix));
    tx.commit();
  }
  if (holding_rows) pg_run(std::string("INSERT INTO chat_messages SELECT * FROM ") + kOld);
  pg_run("VACUUM ANALYZE chat_messages");
  pg_run("CHECKPOINT");
}

// ---- the raw side: sqlite3 reads, libpq COPY (text format) writes ------------------------------

std::string column_list() {
  std::string out;
  for (const sqlcore::Column* c : state().schema.messages.columns())
    out += (out.empty() ? "" : ", ") + std::string("\"") + c->name() + "\"";
  return out;
}

// One value of the current row, in COPY's text format.
void append_copy_value(std::string& buf, sqlite3_stmt* st, int col) {
  switch (sqlite3_column_type(st, col)) {
    case SQLITE_NULL:
      buf += "\\N";
      return;
    case SQLITE_INTEGER: {
      char num[24];
      auto end = std::to_chars(num, num + sizeof num, sqlite3_column_int64(st, col)).ptr;
      buf.append(num, end);
      return;
    }
    case SQLITE_FLOAT:
      buf += bench::fmt("%.17g", sqlite3_column_double(st, col));
      return;
    default: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
      bench::append_copy_text(
          buf, std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(st, col))));
    }
  }
}

// Every chat_messages row of the SQLite file through one COPY on `pg` (inside its transaction).
void raw_copy(PGconn* pg) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(state().sqlite_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    bench::sqlite_fail(db, "open");
  try {
    bench::RawSqliteStmt st(db, "SELECT " + column_list() + " FROM chat_messages");
    const int n = sqlite3_column_count(st.st);
    bench::PgCopy copy(pg, "COPY chat_messages (" + column_list() + ") FROM STDIN");
    std::string& buf = copy.buffer();
    while (sqlite3_step(st.st) == SQLITE_ROW) {
      for (int col = 0; col < n; ++col) {
        if (col) buf.push_back('\t');
        append_copy_value(buf, st.st, col);
      }
      buf.push_back('\n');
      copy.flush_if_full();
    }
    copy.finish();
  } catch (...) {
    sqlite3_close_v2(db);
    throw;
  }
  sqlite3_close_v2(db);
}

// raw/indexed (rebuild = false), raw/rebuilt (true) and raw/append: one transaction.
void raw_load(bool rebuild) {
  const sqlcore::Dialect& d = state().pg->dialect();
  const auto& t = state().schema.messages;
  PGconn* pg = bench::open_raw_pg(state().pg_url);
  try {
    bench::pg_exec(pg, "BEGIN");
    if (rebuild) {
      for (const auto& fk : t.foreign_keys())
        bench::pg_exec(pg, sqlcore::drop_foreign_key(fk).sql(d).c_str());
      for (const auto& ix : t.indexes()) bench::pg_exec(pg, sqlcore::drop_index(ix).sql(d).c_str());
    }
    raw_copy(pg);
    if (rebuild) {
      for (const auto& ix : t.indexes())
        bench::pg_exec(pg, sqlcore::create_index(ix).sql(d).c_str());
      for (const auto& fk : t.foreign_keys())
        bench::pg_exec(pg, sqlcore::add_foreign_key(fk).sql(d).c_str());
    }
    bench::pg_exec(pg, "COMMIT");
  } catch (...) {
    PQfinish(pg);
    throw;
  }
  PQfinish(pg);
}

// ---- pgloader ----------------------------------------------------------------------------------

bool have_pgloader() {
  return std::system("command -v pgloader > /dev/null 2>&1") == 0;
}

void run_pgloader() {
  const auto dir = std::filesystem::path(state().sqlite_path).parent_path();
  const auto load = dir / "chat_messages.load", log = dir / "pgloader.log";
  {
    std::ofstream f(load);
    f << "LOAD DATABASE\n  FROM sqlite://" << state().sqlite_path << "\n  INTO " << state().pg_url
      << "\n  WITH data only, drop indexes, reset no sequences, prefetch rows = 10000\n"
      << "  INCLUDING ONLY TABLE NAMES LIKE 'chat_messages';\n";
  }
  const std::string cmd = "pgloader --no-ssl-cert-verification --logfile " + log.string() + " " +
                          load.string() + " > " + (dir / "pgloader.out").string() + " 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    char text[2000] = {};
    if (std::FILE* f = std::fopen((dir / "pgloader.out").c_str(), "r")) {
      (void)std::fread(text, 1, sizeof text - 1, f);
      std::fclose(f);
    }
    throw std::runtime_error(std::string("pgloader failed: ") + text);
  }
}

// ---- the benchmarks ----------------------------------------------------------------------------

struct Run {
  const char* name;
  bool holding_rows;  // the table holds the old rows before the load
  std::function<void()> load;
};

std::int64_t expected_rows(const Run& r) {
  return state().rows + (r.holding_rows ? std::max<std::int64_t>(1, state().rows / 4) : 0);
}

bench::Timings g_timings;

// Where a copy's time goes, from its progress reports (elapsed since copy() began): until the
// first batch is written (opening, schema checks, counting, the first read), the load (to the
// last batch written), and after it (keys, indexes, foreign keys, sequences, verification,
// COMMIT).
class PhaseClock {
 public:
  std::function<void(const sqlcore::transfer::Progress&)> callback() {
    return [this](const sqlcore::transfer::Progress& p) {
      if (p.finished) return;
      if (first_ == 0) first_ = seconds(p.elapsed);
      last_ = seconds(p.elapsed);
    };
  }
  void record(const std::string& name, std::chrono::steady_clock::duration total) const {
    g_timings.add(name + " start", first_);
    g_timings.add(name + " load", last_ - first_);
    g_timings.add(name + " after", seconds(total) - last_);
  }

 private:
  static double seconds(std::chrono::steady_clock::duration d) {
    return std::chrono::duration<double>(d).count();
  }
  double first_ = 0, last_ = 0;
};

std::vector<Run> runs() {
  namespace tr = sqlcore::transfer;
  auto ours = [](const char* name, tr::Existing existing, bool verify = true) {
    return [name, existing, verify] {
      PhaseClock phases;
      const auto report = tr::copy(sqlcore::Url::parse(state().sqlite_url),
                                   sqlcore::Url::parse(state().pg_url), state().schema.md,
                                   {.tables = {"chat_messages"},
                                    .existing = existing,
                                    .verify = verify,
                                    .progress = phases.callback()});
      if (report.rows() != state().rows)
        throw std::runtime_error("transfer copied a wrong row count");
      phases.record(name, report.elapsed);
    };
  };
  std::vector<Run> out = {
      {"ours/empty", false, ours("ours/empty", tr::Existing::refuse)},
      {"raw/indexed", false, [] { raw_load(false); }},
      {"raw/rebuilt", false, [] { raw_load(true); }},
      {"ours/append", true, ours("ours/append", tr::Existing::append)},
      // Not a comparison: what the verification (reading the target back) costs ours/empty.
      {"ours/noverify", false, ours("ours/noverify", tr::Existing::refuse, false)},
      {"raw/append", true, [] { raw_load(false); }},
  };
  if (have_pgloader())
    out.push_back({"pgloader", false, run_pgloader});
  else
    std::fprintf(stderr, "transfer_bench: pgloader is not installed; its run is left out\n");
  return out;
}

void run_once(benchmark::State& st, const Run& r) {
  for (auto _ : st) {
    try {
      reset_target(r.holding_rows);
      const auto t0 = std::chrono::steady_clock::now();
      r.load();
      const double s = bench::seconds_since(t0);
      if (pg_messages() != expected_rows(r)) throw std::runtime_error("wrong row count after load");
      st.SetIterationTime(s);
      g_timings.add(r.name, s);
    } catch (const std::exception& e) {
      st.SkipWithError(e.what());
    }
  }
  st.SetItemsProcessed(state().rows);
}

void print_table(const std::vector<Run>& all) {
  std::printf(
      "\n%lld chat_messages rows (5 indexes, 2 foreign keys, text key, jsonb, timestamptz), "
      "SQLite file -> PostgreSQL; rows/s of the median, slowest and fastest repetition\n\n",
      static_cast<long long>(state().rows));
  std::printf("%-14s %5s %12s %12s %12s %10s\n", "run", "reps", "median r/s", "slowest r/s",
              "fastest r/s", "median s");
  const double n = static_cast<double>(state().rows);
  for (const Run& r : all)
    if (const auto sp = g_timings.spread(r.name))
      std::printf("%-14s %5zu %12.0f %12.0f %12.0f %10.2f\n", r.name, sp->count, n / sp->median,
                  n / sp->max, n / sp->min, sp->median);
  std::printf("\n");
  for (auto [ours, other] :
       {std::pair{"ours/empty", "raw/indexed"}, std::pair{"ours/empty", "raw/rebuilt"},
        std::pair{"ours/empty", "pgloader"}, std::pair{"ours/append", "raw/append"}}) {
    const auto a = g_timings.spread(ours), b = g_timings.spread(other);
    if (a && b) std::printf("%s / %s (median rows/s): %.2f\n", ours, other, b->median / a->median);
  }
  std::printf(
      "\nWhere ours spends it (median seconds): start = until the first batch is "
      "written, load = to the last batch, after = keys, indexes, foreign keys, "
      "verification, COMMIT\n");
  for (const char* name : {"ours/empty", "ours/noverify", "ours/append"}) {
    const auto a = g_timings.spread(std::string(name) + " start"),
               b = g_timings.spread(std::string(name) + " load"),
               c = g_timings.spread(std::string(name) + " after");
    if (a && b && c)
      std::printf("%-14s start %.2f  load %.2f  after %.2f\n", name, a->median, b->median,
                  c->median);
  }
  std::printf("\nFigures are reported, never asserted.\n");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  bench::Args args;
  if (!bench::initialize(args, argc, argv, kDefaultRepetitions)) return 2;
  const char* url = std::getenv("SQLCORE_BENCH_POSTGRES_URL");
  if (url == nullptr || *url == '\0') {
    std::fprintf(stderr, "transfer_bench: SQLCORE_BENCH_POSTGRES_URL is not set; nothing to do\n");
    return 0;
  }
  int status = 0;
  {
    bench::FreshDatabases databases("transfer_bench", kPgDatabase);
    try {
      state().rows = row_count();
      state().sqlite_url = databases.sqlite_url().value_or("");
      state().pg_url = databases.postgresql_url().value_or("");
      if (state().sqlite_url.empty() || state().pg_url.empty())
        throw std::runtime_error("needs both SQLite and PostgreSQL (SQLCORE_TEST_BACKENDS)");
      state().sqlite_path = sqlcore::Url::parse(state().sqlite_url).database();
      write_source();
      set_up_target();
      const std::vector<Run> all = runs();
      for (const Run& r : all)
        benchmark::RegisterBenchmark(r.name, [r](benchmark::State& s) { run_once(s, r); })
            ->Unit(benchmark::kSecond)
            ->UseManualTime()
            ->Iterations(1);
      benchmark::ConsoleReporter reporter(bench::console_options(args.argc, args.argv.data()));
      benchmark::RunSpecifiedBenchmarks(&reporter);
      print_table(all);
    } catch (const std::exception& e) {
      std::cerr << "transfer_bench: " << e.what() << '\n';
      status = 1;
    }
    state().pg.reset();  // closes its connections before the database is dropped
  }
  benchmark::Shutdown();
  return status;
}
