// sqlcore_bench_json_time: reading rows that hold a TIMESTAMP and a JSON column, the way docs/
// teaches (a typed select, every column read as its type), on a SQLite file and on PostgreSQL;
// and the Timestamp text routines alone. For issue 17's JSON and timestamp work: run it before and
// after a change and compare the medians.
//
// Benchmarks (1,000 rows of (id, created_at DateTime, meta Json) per iteration):
//   read/<backend>/json_as_doc   select(t.id, t.created_at, t.meta), id as int64, created_at as
//                                Timestamp, meta as Json (one member read)
//   read/<backend>/json_unread   the same select, meta fetched but its contents never read
//   read/<backend>/json_as_text  text("SELECT id, created_at, meta ..."): meta as std::string,
//                                created_at as Timestamp
//   timestamp/format             Timestamp::to_string() of 1,000 timestamps
//   timestamp/parse_canonical    Timestamp::parse() of 1,000 `YYYY-MM-DD HH:MM:SS.ffffff`
//   timestamp/parse_postgresql   Timestamp::parse() of 1,000 `YYYY-MM-DD HH:MM:SS.ffffff+00`
//
// Environment: SQLCORE_BENCH_POSTGRES_URL (without it only SQLite runs), SQLCORE_TEST_BACKENDS.
// Every benchmark is repeated (default 15 repetitions, randomly interleaved); Google Benchmark
// prints the median, mean and spread of each. Speed is reported here, never asserted.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <sqlcore/sqlcore.hpp>

#include "bench_common.hpp"

namespace {

using bench::Backend;

constexpr int kRows = 1000;
constexpr int kRepetitions = 15;

struct Rows : sqlcore::Table {
  explicit Rows(sqlcore::MetaData& m) : Table(m, "hjt_bench_rows") {}
  sqlcore::Col<std::int64_t> id =
      column("id", sqlcore::types::BigInteger).primary_key().autoincrement(false);
  sqlcore::Col<sqlcore::Timestamp> created_at = column("created_at", sqlcore::types::DateTime);
  sqlcore::Col<sqlcore::Json> meta = column("meta", sqlcore::types::Json);
};

struct Schema {
  sqlcore::MetaData md;
  Rows rows{md};
};
const Schema& schema() {
  static const Schema kSchema;
  return kSchema;
}

// Message metadata as an agent platform keeps it: about 250 bytes of JSON.
sqlcore::Json meta_of(int i) {
  return {{"model", "claude-sonnet"},
          {"tokens", {{"in", 1000 + i}, {"out", 200 + i % 97}}},
          {"tools", {"read_file", "write_file", "search"}},
          {"latency_ms", 12.5 + i % 13},
          {"session", "5f0c9a2e-7d1b-4c3a-9e8f-" + std::to_string(100000000000 + i)},
          {"flags", {{"cached", i % 2 == 0}, {"streamed", true}}}};
}
sqlcore::Timestamp time_of(int i) {
  return sqlcore::Timestamp::from_micros(1'733'000'000'000'000 + std::int64_t{i} * 1'234'567);
}

struct Config {
  std::filesystem::path sqlite_dir;
  std::optional<sqlcore::Engine> sqlite, pg;
  sqlcore::Engine& engine(Backend b) { return b == Backend::sqlite ? *sqlite : *pg; }
};
Config g_config;

void fill(sqlcore::Engine& engine) {
  const Rows& t = schema().rows;
  auto c = engine.connect();
  c.execute(sqlcore::text("DROP TABLE IF EXISTS hjt_bench_rows"));
  schema().md.create_all(engine);
  std::vector<std::vector<sqlcore::Value>> rows;
  for (int i = 0; i < kRows; ++i) rows.push_back({i, time_of(i), meta_of(i)});
  c.bulk_insert(t, {"id", "created_at", "meta"}, rows);
}

using bench::guarded;

enum class Read { json_as_doc, json_unread, json_as_text };

void read_rows(benchmark::State& state, Backend b, Read how) {
  guarded(state, [&] {
    const Rows& t = schema().rows;
    auto c = g_config.engine(b).connect();
    const auto typed = sqlcore::select(t.id, t.created_at, t.meta).order_by({t.id});
    const auto raw = sqlcore::text("SELECT id, created_at, meta FROM hjt_bench_rows ORDER BY id");
    for (auto _ : state) {
      std::int64_t sum = 0;
      int n = 0;
      if (how == Read::json_as_text) {
        for (const sqlcore::Row& r : c.execute(raw)) {
          sum += r.get<std::int64_t>("id") + r.get<sqlcore::Timestamp>("created_at").micros() +
                 static_cast<std::int64_t>(r.get<std::string>("meta").size());
          ++n;
        }
      } else {
        for (const sqlcore::Row& r : c.execute(typed)) {
          sum += r.get(t.id) + r.get(t.created_at).micros();
          if (how == Read::json_as_doc) sum += r.get(t.meta)["tokens"]["in"].get<std::int64_t>();
          ++n;
        }
      }
      if (n != kRows) throw std::runtime_error("read " + std::to_string(n) + " rows");
      benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(state.iterations() * kRows);
  });
}

void timestamp_format(benchmark::State& state) {
  std::vector<sqlcore::Timestamp> ts;
  for (int i = 0; i < kRows; ++i) ts.push_back(time_of(i * 7919));
  for (auto _ : state) {
    std::size_t bytes = 0;
    for (const auto& t : ts) bytes += t.to_string().size();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void timestamp_parse(benchmark::State& state, const char* suffix) {
  std::vector<std::string> texts;
  for (int i = 0; i < kRows; ++i) texts.push_back(time_of(i * 7919).to_string() + suffix);
  for (auto _ : state) {
    std::int64_t sum = 0;
    for (const auto& s : texts) sum += sqlcore::Timestamp::parse(s)->micros();
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

}  // namespace

int main(int argc, char** argv) {
  bench::Args args;
  if (!bench::initialize(args, argc, argv, kRepetitions)) return 2;
  try {
    std::vector<Backend> backends;
    if (bench::wanted("sqlite")) {
      g_config.sqlite_dir = bench::temp_dir("/tmp/sqlcore-bench-json-time");
      g_config.sqlite.emplace(
          sqlcore::create_engine("sqlite:///" + (g_config.sqlite_dir / "bench.db").string()));
      fill(*g_config.sqlite);
      backends.push_back(Backend::sqlite);
    }
    const char* url = std::getenv("SQLCORE_BENCH_POSTGRES_URL");
    if (bench::wanted("postgresql") && url != nullptr && *url != '\0') {
      g_config.pg.emplace(sqlcore::create_engine(url));
      fill(*g_config.pg);
      backends.push_back(Backend::postgresql);
    } else if (bench::wanted("postgresql")) {
      std::cerr << "SQLCORE_BENCH_POSTGRES_URL is not set: PostgreSQL is left out\n";
    }
    for (Backend b : backends) {
      const std::string prefix = std::string("read/") + bench::backend_name(b) + "/";
      benchmark::RegisterBenchmark((prefix + "json_as_doc").c_str(), read_rows, b,
                                   Read::json_as_doc);
      benchmark::RegisterBenchmark((prefix + "json_unread").c_str(), read_rows, b,
                                   Read::json_unread);
      benchmark::RegisterBenchmark((prefix + "json_as_text").c_str(), read_rows, b,
                                   Read::json_as_text);
    }
    benchmark::RegisterBenchmark("timestamp/format", timestamp_format);
    benchmark::RegisterBenchmark("timestamp/parse_canonical", timestamp_parse, "");
    benchmark::RegisterBenchmark("timestamp/parse_postgresql", timestamp_parse, "+00");
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (g_config.pg) g_config.pg->connect().execute(sqlcore::text("DROP TABLE hjt_bench_rows"));
    g_config.sqlite.reset();
    g_config.pg.reset();
    if (!g_config.sqlite_dir.empty()) std::filesystem::remove_all(g_config.sqlite_dir);
  } catch (const std::exception& e) {
    std::cerr << "sqlcore_bench_json_time: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
