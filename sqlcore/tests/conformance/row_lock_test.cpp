// Row locks: for_update() with NOWAIT and SKIP LOCKED, for_share(). On PostgreSQL they lock rows
// and several workers claim different rows; on SQLite they render nothing and writers are
// serialised by BEGIN IMMEDIATE, so the same claiming code hands out each row once there too.
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/select.hpp>
#include <sqlcore/testing/backend.hpp>

using namespace sqlcore;
using namespace std::chrono_literals;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

struct Jobs : Table {
  explicit Jobs(MetaData& m) : Table(m, "jobs") {}
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key();
  Col<std::string> state = column("state", types::Text);
  Col<std::optional<std::int64_t>> worker = column("worker", types::BigInteger);
};

class RowLockTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    engine_.emplace(make_engine({.pool_size = 9, .pool_timeout = 60s}));
    md_.create_all(*engine_);
  }
  void add_jobs(std::int64_t n) {
    auto c = engine_->connect();
    std::vector<Params> rows;
    for (std::int64_t i = 1; i <= n; ++i) rows.push_back({{"id", i}, {"state", "new"}});
    c.execute_many(
        insert(jobs).values({{jobs.id, bindparam("id")}, {jobs.state, bindparam("state")}}), rows);
  }
  // What a worker runs: one transaction that locks up to `n` new jobs, oldest first, skipping
  // those other workers hold, and claims exactly those.
  std::vector<std::int64_t> claim(Connection& c, std::int64_t worker, std::int64_t n) const {
    std::vector<Value> ids;
    for (auto id : c.execute(select(jobs.id)
                                 .where(jobs.state == "new")
                                 .order_by({jobs.id})
                                 .limit(n)
                                 .for_update(LockWait::skip_locked))
                       .scalars<std::int64_t>())
      ids.emplace_back(id);
    return c
        .execute(update(jobs)
                     .set({{jobs.state, "claimed"}, {jobs.worker, worker}})
                     .where(jobs.id.in_(ids))
                     .returning({jobs.id}))
        .scalars<std::int64_t>();
  }

  MetaData md_;
  Jobs jobs{md_};
  std::optional<Engine> engine_;
};

TEST_P(RowLockTest, EightWorkersClaimEachOfAThousandJobsExactlyOnce) {
  add_jobs(1000);
  std::mutex mu;
  std::multiset<std::int64_t> claimed;
  std::atomic<int> failures{0}, over_limit{0};
  std::vector<std::thread> workers;
  for (std::int64_t w = 1; w <= 8; ++w)
    workers.emplace_back([&, w] {
      try {
        for (;;) {
          std::vector<std::int64_t> got;
          engine_->begin([&](Connection& c) { got = claim(c, w, 10); });
          if (got.empty()) return;
          if (got.size() > 10u) ++over_limit;
          std::lock_guard lock(mu);
          claimed.insert(got.begin(), got.end());
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << "worker " << w << ": " << e.what();
        ++failures;
      }
    });
  for (auto& t : workers) t.join();
  ASSERT_EQ(failures.load(), 0);
  EXPECT_EQ(over_limit.load(), 0);  // no call claimed more than it asked for
  EXPECT_EQ(claimed.size(), 1000u);
  EXPECT_EQ(std::set<std::int64_t>(claimed.begin(), claimed.end()).size(), 1000u);
  auto c = engine_->connect();
  EXPECT_EQ(c.execute(select(sqlcore::count()).select_from(jobs).where(jobs.state == "new"))
                .scalar<std::int64_t>(),
            0);
  // Every claimed row names its worker.
  EXPECT_EQ(c.execute(select(sqlcore::count()).select_from(jobs).where(jobs.worker.is_null()))
                .scalar<std::int64_t>(),
            0);
}

TEST_P(RowLockTest, SkipLockedLeavesOutRowsAnotherTransactionHolds) {
  add_jobs(10);
  auto holder = engine_->connect();
  auto held = holder.begin();
  auto first_five = select(jobs.id).where(jobs.id <= 5).order_by({jobs.id});
  EXPECT_EQ(holder.execute(Select(first_five).for_update()).scalars<std::int64_t>().size(), 5u);
  if (!server_sessions()) {
    // SQLite: one writer at a time, so a second worker waits for the transaction instead; the
    // statements run and lock nothing.
    EXPECT_EQ(holder.execute(select(jobs.id).for_update(LockWait::skip_locked))
                  .scalars<std::int64_t>()
                  .size(),
              10u);
    EXPECT_EQ(
        holder.execute(select(jobs.id).for_share(LockWait::nowait)).scalars<std::int64_t>().size(),
        10u);
    held.commit();
    return;
  }
  auto other = engine_->connect();
  {
    auto t = other.begin();
    auto free = other.execute(select(jobs.id).order_by({jobs.id}).for_update(LockWait::skip_locked))
                    .scalars<std::int64_t>();
    EXPECT_EQ(free, (std::vector<std::int64_t>{6, 7, 8, 9, 10}));
    t.rollback();
  }
  {
    auto t = other.begin();
    const auto start = std::chrono::steady_clock::now();
    try {
      (void)other.execute(select(jobs.id).where(jobs.id == 1).for_update(LockWait::nowait));
      ADD_FAILURE() << "NOWAIT on a locked row did not fail";
    } catch (const OperationalError& e) {
      EXPECT_EQ(e.sqlstate(), "55P03");
      EXPECT_TRUE(e.is_transient());
    }
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    t.rollback();
  }
  {
    // A shared lock does not conflict with another shared lock, and does with FOR UPDATE.
    auto t = other.begin();
    EXPECT_NO_THROW(other.execute(select(jobs.id).where(jobs.id == 6).for_share()));
    auto t2 = holder.begin_nested();
    EXPECT_THROW(holder.execute(select(jobs.id).where(jobs.id == 6).for_update(LockWait::nowait)),
                 OperationalError);
    t.rollback();
  }
  held.rollback();
  // Once the holder ends, the rows are free.
  auto t = other.begin();
  EXPECT_EQ(
      other.execute(select(jobs.id).for_update(LockWait::nowait)).scalars<std::int64_t>().size(),
      10u);
  t.commit();
}

SQLCORE_BACKEND_TEST_SUITE(RowLockTest);

}  // namespace
}  // namespace sqlcore_test
