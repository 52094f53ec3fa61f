// sqlcore_bench_copy: Connection::bulk_insert and execute_many of a plain INSERT, on rows shaped
// like a chat message (text id, text, integer, double, timestamptz, jsonb; a primary key):
//
//   1. 100,000 rows in batches of 10,000 in one transaction, by each path (prepared multi-row
//      INSERTs, COPY text, COPY binary, automatic), beside a raw libpq COPY (text format, values
//      written with snprintf) and, on SQLite, a raw sqlite3 prepared-statement loop: rows/s and
//      the ratio to raw.
//   2. The crossover: execute_many of N rows (N = 10 ... 3,000), calls inside one transaction
//      (so the commit's flush stays out), by INSERT and by COPY: microseconds per call, and
//      which wins.
//
// Environment: SQLCORE_BENCH_POSTGRES_URL (without it only SQLite runs), SQLCORE_BENCH_REPEATS
// (default 5; the median is reported). Figures are printed, never asserted.
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlcore/sqlcore.hpp>

#include "bench_common.hpp"

namespace {

using sqlcore::BulkInsertMethod;
using sqlcore::Connection;
using sqlcore::Value;

constexpr int kRows = 100'000;
constexpr int kBatch = 10'000;

struct Messages : sqlcore::Table {
  explicit Messages(sqlcore::MetaData& m) : Table(m, "bench_copy_messages") {}
  sqlcore::Col<std::string> id = column("id", sqlcore::types::String(64)).primary_key();
  sqlcore::Col<std::string> body = column("body", sqlcore::types::Text);
  sqlcore::Col<std::int64_t> seq = column("seq", sqlcore::types::Integer);
  sqlcore::Col<double> score = column("score", sqlcore::types::Double);
  sqlcore::Col<sqlcore::Timestamp> created_at = column("created_at", sqlcore::types::DateTime);
  sqlcore::Col<sqlcore::Json> meta = column("meta", sqlcore::types::Json);
};

std::string id_of(int i) {
  return "msg-" + std::to_string(i) + "-0f3c9a";
}
std::string body_of(int i) {
  return "Hello, this is message number " + std::to_string(i) +
         " of the conversation: \"quoted\", a tab\tand a newline\n, some unicode — 日本語 🎉.";
}
sqlcore::Timestamp at_of(int i) {
  return sqlcore::Timestamp::from_micros(1'700'000'000'000'000 + std::int64_t{i} * 1'000'003);
}
sqlcore::Json meta_of(int i) {
  return {{"role", i % 2 ? "user" : "assistant"}, {"tokens", i % 1000}, {"tags", {"a", "b"}}};
}

// The rows, flat (6 values a row), built once before any timing.
const std::vector<Value>& flat_rows() {
  static const std::vector<Value> kRowsFlat = [] {
    std::vector<Value> v;
    v.reserve(std::size_t{kRows} * 6);
    for (int i = 0; i < kRows; ++i) {
      v.emplace_back(id_of(i));
      v.emplace_back(body_of(i));
      v.emplace_back(i);
      v.emplace_back(i * 0.25 + 0.125);
      v.emplace_back(at_of(i));
      v.emplace_back(meta_of(i));
    }
    return v;
  }();
  return kRowsFlat;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int repeats() {
  const char* env = std::getenv("SQLCORE_BENCH_REPEATS");
  return env != nullptr ? std::max(1, std::atoi(env)) : 5;
}

// The median of `repeats()` timings of `body`, each after `reset` (untimed).
double median_seconds(const std::function<void()>& reset, const std::function<void()>& body) {
  std::vector<double> times;
  for (int r = 0; r < repeats(); ++r) {
    reset();
    const auto t0 = std::chrono::steady_clock::now();
    body();
    times.push_back(seconds_since(t0));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

const char* method_name(BulkInsertMethod m) {
  switch (m) {
    case BulkInsertMethod::automatic:
      return "bulk_insert automatic";
    case BulkInsertMethod::insert:
      return "bulk_insert insert";
    case BulkInsertMethod::copy_text:
      return "bulk_insert copy_text";
    case BulkInsertMethod::copy_binary:
      return "bulk_insert copy_binary";
  }
  return "?";
}

// ---- raw sides ----------------------------------------------------------------------------------

void raw_pg_copy(PGconn* pg) {
  auto exec = [&](const char* sql, ExecStatusType want) {
    PGresult* r = PQexec(pg, sql);
    const bool ok = PQresultStatus(r) == want;
    PQclear(r);
    if (!ok) throw std::runtime_error(std::string("libpq: ") + sql + ": " + PQerrorMessage(pg));
  };
  exec("BEGIN", PGRES_COMMAND_OK);
  std::string buf;
  auto escape = [&](const std::string& s) { bench::append_copy_text(buf, s); };
  for (int start = 0; start < kRows; start += kBatch) {
    exec("COPY bench_copy_messages (id, body, seq, score, created_at, meta) FROM STDIN",
         PGRES_COPY_IN);
    for (int i = start; i < start + kBatch; ++i) {
      char num[96];
      escape(id_of(i));
      buf.push_back('\t');
      escape(body_of(i));
      std::snprintf(num, sizeof num, "\t%d\t%.17g\t", i, i * 0.25 + 0.125);
      buf += num;
      buf += at_of(i).to_string() + "+00\t";
      escape(meta_of(i).dump());
      buf.push_back('\n');
      if (buf.size() > 256 * 1024) {
        PQputCopyData(pg, buf.data(), static_cast<int>(buf.size()));
        buf.clear();
      }
    }
    PQputCopyData(pg, buf.data(), static_cast<int>(buf.size()));
    buf.clear();
    PQputCopyEnd(pg, nullptr);
    while (PGresult* r = PQgetResult(pg)) {
      const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
      if (!ok) throw std::runtime_error(std::string("COPY: ") + PQerrorMessage(pg));
    }
  }
  exec("COMMIT", PGRES_COMMAND_OK);
}

void raw_sqlite_loop(sqlite3* db) {
  sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO bench_copy_messages (id, body, seq, score, created_at, meta) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                     -1, &st, nullptr);
  for (int i = 0; i < kRows; ++i) {
    const std::string id = id_of(i), body = body_of(i), at = at_of(i).to_string(),
                      meta = meta_of(i).dump();
    sqlite3_bind_text(st, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, i);
    sqlite3_bind_double(st, 4, i * 0.25 + 0.125);
    sqlite3_bind_text(st, 5, at.data(), static_cast<int>(at.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, meta.data(), static_cast<int>(meta.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
}

// ---- the runs -----------------------------------------------------------------------------------

void bulk(sqlcore::Engine& engine, const Messages& t, const std::string& backend,
          const std::function<double()>& raw, const char* raw_name) {
  Connection c = engine.connect();
  auto reset = [&] {
    c.execute(sqlcore::text(backend == "postgresql" ? "TRUNCATE bench_copy_messages"
                                                    : "DELETE FROM bench_copy_messages"));
  };
  const std::vector<sqlcore::ColumnRef> cols = {t.id, t.body, t.seq, t.score, t.created_at, t.meta};
  const auto& flat = flat_rows();
  const double raw_s = raw();
  std::printf("\n%s: %d rows in batches of %d, one transaction (median of %d)\n", backend.c_str(),
              kRows, kBatch, repeats());
  std::printf("  %-26s %12s %10s\n", "path", "rows/s", "vs raw");
  std::printf("  %-26s %12.0f %10s\n", raw_name, kRows / raw_s, "1.00");
  for (BulkInsertMethod m : {BulkInsertMethod::insert, BulkInsertMethod::copy_text,
                             BulkInsertMethod::copy_binary, BulkInsertMethod::automatic}) {
    const double s = median_seconds(reset, [&] {
      auto tx = c.begin();
      for (int start = 0; start < kRows; start += kBatch)
        c.bulk_insert(
            t, cols,
            std::span<const Value>(flat.data() + std::size_t(start) * 6, std::size_t{kBatch} * 6),
            m);
      tx.commit();
    });
    std::printf("  %-26s %12.0f %10.2f\n", method_name(m), kRows / s, raw_s / s);
  }
}

void crossover(sqlcore::Engine& engine, const Messages& t, const std::string& backend) {
  Connection c = engine.connect();
  auto stmt = sqlcore::insert(t).values({{t.id, sqlcore::bindparam("id")},
                                         {t.body, sqlcore::bindparam("body")},
                                         {t.seq, sqlcore::bindparam("seq")},
                                         {t.score, sqlcore::bindparam("score")},
                                         {t.created_at, sqlcore::bindparam("at")},
                                         {t.meta, sqlcore::bindparam("meta")}});
  c.execute(sqlcore::text("TRUNCATE bench_copy_messages"));
  std::printf("\n%s: execute_many of N rows, calls in one transaction (median us/call)\n",
              backend.c_str());
  std::printf("  %8s %12s %12s %12s  %s\n", "N", "insert", "copy_text", "copy_binary", "faster");
  for (int n : {10, 30, 60, 100, 200, 300, 1000, 3000}) {
    // Each call writes new keys (no cleanup between calls); the table is emptied, untimed,
    // before each repetition.
    const int calls = std::max(5, 6000 / n);
    std::vector<std::vector<sqlcore::Params>> sets(static_cast<std::size_t>(calls));
    for (int call = 0; call < calls; ++call)
      for (int i = 0; i < n; ++i)
        sets[static_cast<std::size_t>(call)].push_back({{"id", id_of(call * n + i)},
                                                        {"body", body_of(i)},
                                                        {"seq", i},
                                                        {"score", i * 0.25 + 0.125},
                                                        {"at", at_of(i)},
                                                        {"meta", meta_of(i)}});
    double us[3];
    int k = 0;
    for (BulkInsertMethod m :
         {BulkInsertMethod::insert, BulkInsertMethod::copy_text, BulkInsertMethod::copy_binary}) {
      // In one transaction, so that the commit's flush (the same for every path, and noisy on
      // a shared disk) stays out of the figures.
      const double s =
          median_seconds([&] { c.execute(sqlcore::text("TRUNCATE bench_copy_messages")); },
                         [&] {
                           auto tx = c.begin();
                           for (const auto& rows : sets) c.execute_many(stmt, rows, m);
                           tx.commit();
                         });
      us[k++] = s / calls * 1e6;
    }
    const double copy = std::min(us[1], us[2]);
    std::printf("  %8d %12.1f %12.1f %12.1f  %s\n", n, us[0], us[1], us[2],
                copy < us[0] ? "copy" : "insert");
  }
}

}  // namespace

int main() {
  try {
    sqlcore::MetaData md;
    const Messages t(md);
    const auto dir = std::filesystem::temp_directory_path() / "sqlcore_bench_copy";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string file = (dir / "bench.db").string();
    {
      sqlcore::Engine sqlite = sqlcore::create_engine("sqlite:///" + file);
      md.create_all(sqlite);
      bulk(
          sqlite, t, "sqlite (file)",
          [&] {
            sqlite3* db = nullptr;
            sqlite3_open(file.c_str(), &db);
            sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", nullptr,
                         nullptr, nullptr);
            const double s = median_seconds(
                [&] {
                  sqlite3_exec(db, "DELETE FROM bench_copy_messages", nullptr, nullptr, nullptr);
                },
                [&] { raw_sqlite_loop(db); });
            sqlite3_close(db);
            return s;
          },
          "raw sqlite3 loop");
    }
    const char* url = std::getenv("SQLCORE_BENCH_POSTGRES_URL");
    if (url == nullptr || *url == '\0') {
      std::fprintf(stderr, "SQLCORE_BENCH_POSTGRES_URL is not set: PostgreSQL left out\n");
      return 0;
    }
    sqlcore::Engine pg = sqlcore::create_engine(url);
    {
      Connection c = pg.connect();
      c.execute(sqlcore::text("DROP TABLE IF EXISTS bench_copy_messages"));
    }
    md.create_all(pg);
    bulk(
        pg, t, "postgresql",
        [&] {
          PGconn* raw = PQconnectdb(url);
          const double s =
              median_seconds([&] { PQclear(PQexec(raw, "TRUNCATE bench_copy_messages")); },
                             [&] { raw_pg_copy(raw); });
          PQfinish(raw);
          return s;
        },
        "raw libpq COPY text");
    crossover(pg, t, "postgresql");
    Connection c = pg.connect();
    c.execute(sqlcore::text("DROP TABLE bench_copy_messages"));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sqlcore_bench_copy: %s\n", e.what());
    return 1;
  }
  return 0;
}
