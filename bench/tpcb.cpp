// tpcb_bench: pgbench's built-in TPC-B-like transaction through sqlcore, for comparison with
// `pgbench -M prepared` on the same database (scripts/bench-tpcb runs the two in interleaved
// pairs and prints the ratios).
//
// Each client is a thread with one sqlcore Connection of one Engine (opened before the clock
// starts, as pgbench reports tps without the initial connection time) and runs, until the time is
// up, the transaction of pgbench's script "tpcb-like":
//
//   aid = random(1, 100000 * scale), bid = random(1, scale), tid = random(1, 10 * scale),
//   delta = random(-5000, 5000)                      (uniform, as pgbench's \set random() draws)
//   BEGIN
//   UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid
//   SELECT abalance FROM pgbench_accounts WHERE aid = :aid
//   UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid
//   UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid
//   INSERT INTO pgbench_history (tid, bid, aid, delta, mtime)
//     VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP)
//   COMMIT
//
// as a user writes it with sqlcore: text() statements with named binds, one Params per statement
// kept and assigned per transaction (docs/engine.md, "Speed"), Connection::begin() and
// Transaction::commit(); the SELECT's balance is read as std::int64_t. Before the clock starts it
// does what pgbench does before a run: VACUUM pgbench_branches and pgbench_tellers, TRUNCATE
// pgbench_history. The scale is read from pgbench_branches, as pgbench reads it.
//
// Usage: tpcb_bench [-c CLIENTS] [-T SECONDS] [-r] [--raw] [URL]
//   -c   clients (threads, one connection each; default 1)
//   -T   seconds to run (default 10)
//   -r   also print the mean latency of each statement, in milliseconds (pgbench's -r)
//   --raw  run the same transaction through libpq directly (every statement prepared, BEGIN
//        and COMMIT too, as pgbench -M prepared does): the floor sqlcore's figures are read
//        against when looking for where the time goes
//   URL  the database, initialised with `pgbench -i` (default: SQLCORE_BENCH_POSTGRES_URL)
// Prints "tps = N (without initial connection time)" as pgbench does, so scripts can read both.
// A transaction that fails with a transient error (deadlock, serialization failure) is rolled
// back and counted as failed; any other error ends the run with exit status 1.
#include <libpq-fe.h>

#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <latch>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <sqlcore/sqlcore.hpp>

#include "bench_common.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int clients = 1;
  double seconds = 10;
  bool per_statement = false;
  bool raw = false;
  std::string url;
};

// The seven steps of a transaction, for -r.
constexpr std::array<const char*, 7> kSteps = {
    "BEGIN;",
    "UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;",
    "SELECT abalance FROM pgbench_accounts WHERE aid = :aid;",
    "UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid;",
    "UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid;",
    "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (:tid, :bid, :aid, :delta, "
    "CURRENT_TIMESTAMP);",
    "END;"};

// The random values of one transaction, drawn as pgbench's script draws them.
struct Draw {
  std::int64_t aid = 0, bid = 0, tid = 0, delta = 0;
};
class Draws {
 public:
  Draws(std::uint64_t seed, std::int64_t scale)
      : rng_(seed),
        aid_(1, 100000 * scale),
        bid_(1, scale),
        tid_(1, 10 * scale),
        delta_(-5000, 5000) {}
  Draw next() {
    Draw d;
    d.aid = aid_(rng_);
    d.bid = bid_(rng_);
    d.tid = tid_(rng_);
    d.delta = delta_(rng_);
    return d;
  }

 private:
  std::mt19937_64 rng_;
  std::uniform_int_distribution<std::int64_t> aid_, bid_, tid_, delta_;
};

struct ClientResult {
  std::int64_t transactions = 0, failed = 0;
  std::array<std::int64_t, kSteps.size()> step_ns{};
  std::string error;
};

// Times step k of a transaction when -r asks for it.
class StepTimer {
 public:
  StepTimer(bool on, ClientResult& out) : on_(on), out_(out) {}
  template <class F>
  auto operator()(std::size_t k, F&& f) {
    if (!on_) return f();
    const auto t0 = Clock::now();
    struct Add {
      Clock::time_point t0;
      std::int64_t& ns;
      ~Add() {
        ns += std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
      }
    } add{t0, out_.step_ns[k]};
    return f();
  }

 private:
  bool on_;
  ClientResult& out_;
};

// One client through sqlcore.
void client_sqlcore(sqlcore::Engine& engine, std::int64_t scale, std::uint64_t seed,
                    bool per_statement, std::latch& ready, const std::atomic<bool>& stop,
                    ClientResult& out) {
  using sqlcore::text;
  std::optional<sqlcore::Connection> opened;
  try {
    opened.emplace(engine.connect());
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  ready.arrive_and_wait();
  if (!opened) return;
  sqlcore::Connection& conn = *opened;
  const auto update_account =
      text("UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid");
  const auto select_balance = text("SELECT abalance FROM pgbench_accounts WHERE aid = :aid");
  const auto update_teller =
      text("UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid");
  const auto update_branch =
      text("UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid");
  const auto insert_history = text(
      "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
      "VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP)");
  sqlcore::Params account = {{"delta", 0}, {"aid", 0}};
  sqlcore::Params balance = {{"aid", 0}};
  sqlcore::Params teller = {{"delta", 0}, {"tid", 0}};
  sqlcore::Params branch = {{"delta", 0}, {"bid", 0}};
  sqlcore::Params history = {{"tid", 0}, {"bid", 0}, {"aid", 0}, {"delta", 0}};
  Draws draws(seed, scale);
  StepTimer step(per_statement, out);
  std::int64_t sum = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    const Draw d = draws.next();
    account[0].second = d.delta;
    account[1].second = d.aid;
    balance[0].second = d.aid;
    teller[0].second = d.delta;
    teller[1].second = d.tid;
    branch[0].second = d.delta;
    branch[1].second = d.bid;
    history[0].second = d.tid;
    history[1].second = d.bid;
    history[2].second = d.aid;
    history[3].second = d.delta;
    try {
      sqlcore::Transaction tx = step(0, [&] { return conn.begin(); });
      step(1, [&] { conn.execute(update_account, account); });
      sum += step(2, [&] { return conn.execute(select_balance, balance).scalar<std::int64_t>(); });
      step(3, [&] { conn.execute(update_teller, teller); });
      step(4, [&] { conn.execute(update_branch, branch); });
      step(5, [&] { conn.execute(insert_history, history); });
      step(6, [&] { tx.commit(); });
      ++out.transactions;
    } catch (const sqlcore::DatabaseError& e) {
      if (!e.is_transient()) {
        out.error = e.what();
        return;
      }
      ++out.failed;
    } catch (const std::exception& e) {
      out.error = e.what();
      return;
    }
  }
  benchmark::DoNotOptimize(sum);
}

// One client through libpq, every statement prepared (as pgbench -M prepared).
void client_raw(const std::string& url, std::int64_t scale, std::uint64_t seed, bool per_statement,
                std::latch& ready, const std::atomic<bool>& stop, ClientResult& out) {
  PGconn* conn = nullptr;
  const char* sql[kSteps.size()] = {
      "BEGIN",
      "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2",
      "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
      "UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2",
      "UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2",
      "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
      "VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)",
      "END"};
  const int nparams[kSteps.size()] = {0, 2, 1, 2, 2, 4, 0};
  const char* names[kSteps.size()] = {"P0", "P1", "P2", "P3", "P4", "P5", "P6"};
  try {
    conn = bench::open_raw_pg(url);
    for (std::size_t k = 0; k < kSteps.size(); ++k) {
      bench::PgResult r(PQprepare(conn, names[k], sql[k], nparams[k], nullptr));
      bench::pg_check(conn, r, PGRES_COMMAND_OK, sql[k]);
    }
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  ready.arrive_and_wait();
  if (!out.error.empty()) {
    PQfinish(conn);
    return;
  }
  Draws draws(seed, scale);
  StepTimer step(per_statement, out);
  char aid[24], bid[24], tid[24], delta[24];
  auto put = [](char* buf, std::int64_t v) { *std::to_chars(buf, buf + 23, v).ptr = '\0'; };
  const char* params[kSteps.size()][4] = {{},           {delta, aid},           {aid}, {delta, tid},
                                          {delta, bid}, {tid, bid, aid, delta}, {}};
  std::int64_t sum = 0;
  bool ok = true;
  while (ok && !stop.load(std::memory_order_relaxed)) {
    const Draw d = draws.next();
    put(aid, d.aid);
    put(bid, d.bid);
    put(tid, d.tid);
    put(delta, d.delta);
    for (std::size_t k = 0; k < kSteps.size() && ok; ++k) {
      step(k, [&] {
        PGresult* res = PQexecPrepared(conn, names[k], nparams[k], params[k], nullptr, nullptr, 0);
        const ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_TUPLES_OK) {
          sum += bench::pg_int(res, 0, 0);
        } else if (st != PGRES_COMMAND_OK) {
          out.error = PQerrorMessage(conn);
          ok = false;
        }
        PQclear(res);
      });
    }
    if (ok) ++out.transactions;
  }
  benchmark::DoNotOptimize(sum);
  PQfinish(conn);
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "tpcb_bench: %s\nusage: tpcb_bench [-c CLIENTS] [-T SECONDS] [-r] [--raw] [URL]\n"
               "  URL defaults to SQLCORE_BENCH_POSTGRES_URL; the database must have been "
               "initialised with pgbench -i\n",
               why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) usage(("missing value after " + std::string(a)).c_str());
      return argv[++i];
    };
    if (a == "-c") {
      o.clients = std::atoi(std::string(value()).c_str());
    } else if (a == "-T") {
      o.seconds = std::atof(std::string(value()).c_str());
    } else if (a == "-r") {
      o.per_statement = true;
    } else if (a == "--raw") {
      o.raw = true;
    } else if (!a.empty() && a[0] == '-') {
      usage(("unknown option " + std::string(a)).c_str());
    } else {
      o.url = a;
    }
  }
  if (o.url.empty()) {
    const char* env = std::getenv("SQLCORE_BENCH_POSTGRES_URL");
    if (env == nullptr || *env == '\0') usage("no URL given and SQLCORE_BENCH_POSTGRES_URL unset");
    o.url = env;
  }
  if (o.clients < 1) usage("-c must be at least 1");
  if (o.seconds <= 0) usage("-T must be positive");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  try {
    sqlcore::EngineOptions eo;
    eo.pool_size = o.clients;
    sqlcore::Engine engine = sqlcore::create_engine(o.url, eo);
    std::int64_t scale = 0;
    {
      // What pgbench does before a run: read the scale, vacuum the small tables, empty history.
      sqlcore::Connection c = engine.connect();
      scale = c.execute(sqlcore::text("SELECT count(*) AS n FROM pgbench_branches"))
                  .scalar<std::int64_t>();
      if (scale < 1) throw std::runtime_error("pgbench_branches is empty: run pgbench -i first");
      c.execute(sqlcore::text("VACUUM pgbench_branches"));
      c.execute(sqlcore::text("VACUUM pgbench_tellers"));
      c.execute(sqlcore::text("TRUNCATE pgbench_history"));
    }
    std::vector<ClientResult> results(static_cast<std::size_t>(o.clients));
    std::latch ready(o.clients + 1);
    std::atomic<bool> stop{false};
    std::random_device seeds;
    std::vector<std::thread> threads;
    for (int i = 0; i < o.clients; ++i) {
      const std::uint64_t seed = (std::uint64_t{seeds()} << 32) ^ seeds();
      ClientResult& out = results[static_cast<std::size_t>(i)];
      if (o.raw)
        threads.emplace_back(client_raw, std::cref(o.url), scale, seed, o.per_statement,
                             std::ref(ready), std::cref(stop), std::ref(out));
      else
        threads.emplace_back(client_sqlcore, std::ref(engine), scale, seed, o.per_statement,
                             std::ref(ready), std::cref(stop), std::ref(out));
    }
    ready.arrive_and_wait();  // every client connected
    const Clock::time_point start = Clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
    stop = true;
    for (std::thread& t : threads) t.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

    ClientResult total;
    std::string error;
    for (const ClientResult& r : results) {
      total.transactions += r.transactions;
      total.failed += r.failed;
      for (std::size_t k = 0; k < kSteps.size(); ++k) total.step_ns[k] += r.step_ns[k];
      if (error.empty() && !r.error.empty()) error = r.error;
    }
    std::printf("transaction type: <builtin: TPC-B (sort of)> through %s\n",
                o.raw ? "libpq (prepared)" : "sqlcore (text(), named binds)");
    std::printf("scaling factor: %lld\nnumber of clients: %d\nnumber of threads: %d\n",
                static_cast<long long>(scale), o.clients, o.clients);
    std::printf("duration: %.0f s\nnumber of transactions actually processed: %lld\n", o.seconds,
                static_cast<long long>(total.transactions));
    std::printf("number of failed transactions: %lld\n", static_cast<long long>(total.failed));
    if (total.transactions > 0)
      std::printf("latency average = %.3f ms\n",
                  elapsed * 1000.0 * o.clients / static_cast<double>(total.transactions));
    std::printf("tps = %f (without initial connection time)\n",
                static_cast<double>(total.transactions) / elapsed);
    if (o.per_statement && total.transactions > 0) {
      std::printf("statement latencies in milliseconds:\n");
      const double n = static_cast<double>(total.transactions + total.failed);
      for (std::size_t k = 0; k < kSteps.size(); ++k)
        std::printf("   %9.3f  %s\n", static_cast<double>(total.step_ns[k]) / n / 1e6, kSteps[k]);
    }
    if (!error.empty()) {
      std::fprintf(stderr, "tpcb_bench: a client stopped: %s\n", error.c_str());
      return 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tpcb_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
