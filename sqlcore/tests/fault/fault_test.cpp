// Fault injection: a driver that fails its Nth call (N = 1, 2, ...) wraps the real SQLite driver.
// Whatever call fails, the pool stays consistent (nothing leaks, nothing dead is handed out) and
// the data stays whole (a transaction lands entirely or not at all). transfer::copy() is run with
// a fault at every call in turn (its bulk_insert batches among them): a failed copy leaves the
// target as it was, and the copy that gets through is complete and verified.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sqlcore/dialect/driver.hpp>
#include <sqlcore/sqlcore.hpp>
#include <sqlcore/transfer/transfer.hpp>

using namespace sqlcore;

namespace {

// disconnect: the call fails before it reaches the database; disconnect_after: it runs, then the
// connection fails before the answer arrives (the server did the work, the client cannot know).
enum class Fault { disconnect, busy, disconnect_after };

// Counts driver calls and fails the armed one.
struct FaultPlan {
  std::atomic<int> countdown{0};  // 0: disarmed; n: the nth call from now fails
  Fault kind = Fault::disconnect;
  std::atomic<int> injected{0};
  std::string failed_call;  // what the last injected fault failed (SQL, or "bulk_insert ...")

  void arm(int n, Fault k) {
    kind = k;
    countdown = n;
  }
  void disarm() { countdown = 0; }
  // True when this call must fail.
  bool tick() {
    int c = countdown.load();
    while (c > 0) {
      if (countdown.compare_exchange_weak(c, c - 1)) {
        if (c == 1) {
          ++injected;
          return true;
        }
        return false;
      }
    }
    return false;
  }
  [[noreturn]] void raise(const std::string& sql) const {
    ErrorInfo info;
    info.backend = "sqlite";
    info.sql = sql;
    if (kind == Fault::disconnect || kind == Fault::disconnect_after) {
      info.sqlstate = "08006";
      info.server_message = "injected fault: connection lost";
    } else {
      info.sqlstate = "55P03";
      info.server_message = "injected fault: database is locked";
    }
    raise_database_error(std::move(info));
  }
};

FaultPlan& plan() {
  static FaultPlan p;
  return p;
}

class FaultConnection final : public DriverConnection {
 public:
  explicit FaultConnection(std::unique_ptr<DriverConnection> inner) : inner_(std::move(inner)) {}

  Execution execute(const std::string& sql, std::span<const Value* const> params) override {
    if (check(sql)) {
      inner_->execute(sql, params);
      plan().raise(sql);
    }
    return inner_->execute(sql, params);
  }
  std::int64_t execute_many(const std::string& sql, std::span<const Value* const> params,
                            std::size_t rows) override {
    if (check(sql)) {
      inner_->execute_many(sql, params, rows);
      plan().raise(sql);
    }
    return inner_->execute_many(sql, params, rows);
  }
  // One call, whatever the inner driver does with it (its own bulk path, or execute_many).
  std::int64_t bulk_insert(const BulkInsert& load, std::span<const Value* const> values,
                           std::size_t rows) override {
    if (check("bulk_insert " + load.table)) {
      inner_->bulk_insert(load, values, rows);
      plan().raise(load.insert_sql);
    }
    return inner_->bulk_insert(load, values, rows);
  }
  void execute_simple(const std::string& sql) override {
    if (check(sql)) {
      inner_->execute_simple(sql);
      plan().raise(sql);
    }
    inner_->execute_simple(sql);
  }
  void detach_cursors() override { inner_->detach_cursors(); }
  bool ping() override { return !broken_ && inner_->ping(); }
  bool is_alive() override { return !broken_ && inner_->is_alive(); }
  bool in_transaction() const override { return inner_->in_transaction(); }

 private:
  // Throws for a failure before the call; true when the call is to run and then fail.
  bool check(const std::string& sql) {
    if (broken_) plan().raise(sql);
    if (plan().tick()) {
      plan().failed_call = sql;
      if (plan().kind != Fault::busy) broken_ = true;
      if (plan().kind == Fault::disconnect_after) return true;
      plan().raise(sql);
    }
    return false;
  }
  std::unique_ptr<DriverConnection> inner_;
  bool broken_ = false;
};

class FaultDriver final : public Driver {
 public:
  explicit FaultDriver(std::shared_ptr<Driver> inner) : inner_(std::move(inner)) {}
  std::string_view name() const override { return inner_->name(); }
  bool shares_one_connection(const Url& url) const override {
    return inner_->shares_one_connection(url);
  }
  std::unique_ptr<DriverConnection> connect(const Url& url, const DriverOptions& options) override {
    if (plan().tick()) {
      ErrorInfo info;
      info.backend = "sqlite";
      info.sqlstate = "08001";
      info.server_message = "injected fault: cannot connect";
      raise_database_error(std::move(info));
    }
    return std::make_unique<FaultConnection>(inner_->connect(url, options));
  }

 private:
  std::shared_ptr<Driver> inner_;
};

class FaultInjectionTest : public ::testing::TestWithParam<Fault> {
 protected:
  static void SetUpTestSuite() {
    static bool installed = false;
    if (!installed) {
      auto real = driver_for(Url::parse("sqlite://"));
      register_driver("sqlite", std::make_shared<FaultDriver>(real));
      installed = true;
    }
  }
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sqlcore-fault-" + std::to_string(::getpid()) + "-" +
            std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    url_ = "sqlite:///" + (dir_ / "fault.db").string();
  }
  void TearDown() override {
    plan().disarm();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::filesystem::path dir_;
  std::string url_;
};

TEST_P(FaultInjectionTest, EveryFailingCallLeavesPoolAndDataWhole) {
  auto engine = create_engine(url_, {.pool_size = 2, .max_overflow = 0});
  engine.connect().execute(text("CREATE TABLE f (id INTEGER PRIMARY KEY, v BIGINT NOT NULL)"));
  std::int64_t expected = 0;
  int failures = 0;
  for (int n = 1; n <= 12; ++n) {
    plan().arm(n, GetParam());
    bool ok = false;
    try {
      engine.begin([](Connection& c) {
        auto ins = text("INSERT INTO f (v) VALUES (:v)");
        c.execute(ins, {{"v", 1}});
        c.execute(ins, {{"v", 2}});
        c.execute_many(ins, {{{"v", 3}}, {{"v", 4}}});
        auto sp = c.begin_nested();
        c.execute(ins, {{"v", 5}});
        sp.commit();
      });
      ok = true;
    } catch (const DatabaseError& e) {
      ++failures;
      EXPECT_NE(std::string(e.what()).find("injected fault"), std::string::npos) << e.what();
    }
    plan().disarm();
    if (ok) expected += 5;
    auto status = engine.pool_status();
    EXPECT_EQ(status.checked_out, 0) << "call " << n;
    EXPECT_LE(status.open, 2) << "call " << n;
    auto c = engine.connect();
    EXPECT_EQ(c.execute(text("SELECT COUNT(*) FROM f")).scalar<std::int64_t>(), expected)
        << "call " << n << (ok ? " (succeeded)" : " (failed)");
    EXPECT_FALSE(c.in_transaction());
  }
  EXPECT_GE(failures, 8) << "the workload makes at least eight driver calls";
}

TEST_P(FaultInjectionTest, ConnectionRecoversOutsideATransaction) {
  auto engine = create_engine(url_, {.pool_size = 1, .max_overflow = 0});
  auto c = engine.connect();
  c.execute(text("CREATE TABLE g (x BIGINT)"));
  plan().arm(1, GetParam());
  EXPECT_THROW(c.execute(text("INSERT INTO g VALUES (1)")), DatabaseError);
  plan().disarm();
  c.execute(text("INSERT INTO g VALUES (2)"));
  EXPECT_EQ(c.execute(text("SELECT COUNT(*) FROM g")).scalar<std::int64_t>(), 1);
}

INSTANTIATE_TEST_SUITE_P(Faults, FaultInjectionTest,
                         ::testing::Values(Fault::disconnect, Fault::busy), [](const auto& p) {
                           return std::string(p.param == Fault::disconnect ? "disconnect" : "busy");
                         });

// transfer::copy() between two SQLite files opened through the fault driver: owners <- pets (a
// self-reference) <- visits, in batches of 7 rows so that every table takes several bulk_insert
// calls. The fault is armed at call 1, 2, ... until a copy gets through; every failed copy leaves
// the target exactly as it was: empty, or holding only its own rows when appending, and fails
// with the injected error itself (not one raised while cleaning up after it). The last call of a
// copy ends the source's read snapshot after the target committed: a fault there must not fail
// the copy, which is complete (the run that gets through).
struct Owners : Table {
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key().autoincrement(true);
  Col<std::string> name = column("name", types::Text);
  Col<std::optional<bool>> flag = column("flag", types::Boolean);
  explicit Owners(MetaData& m) : Table(m, "owners") {}
};
struct Pets : Table {
  Col<std::string> id = column("id", types::Text).primary_key();
  Col<std::int64_t> owner_id = column("owner_id", types::BigInteger).references("owners.id");
  Col<std::optional<std::string>> friend_id =
      column("friend_id", types::Text).references("pets.id");
  explicit Pets(MetaData& m) : Table(m, "pets") { index("ix_pets_owner", {owner_id}); }
};
struct Visits : Table {
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key().autoincrement(true);
  Col<std::string> pet_id = column("pet_id", types::Text).references("pets.id");
  Col<Timestamp> at = column("at", types::DateTime);
  Col<std::optional<Json>> notes = column("notes", types::Json);
  explicit Visits(MetaData& m) : Table(m, "visits") {}
};

class TransferFaultTest : public FaultInjectionTest {
 protected:
  // `n` rows in each table, keys from `first` (owners and visits) and "p<first + i>" (pets).
  void fill(Engine& e, int first, int n) {
    auto c = e.connect();
    auto tx = c.begin();
    for (int i = first; i < first + n; ++i) {
      const std::string pet = "p" + std::to_string(i);
      c.execute(insert(owners).values({{owners.id, i},
                                       {owners.name, "o'wner \"" + std::to_string(i) + "\" ü"},
                                       {owners.flag, i % 3 == 0 ? Value() : Value(i % 2 == 0)}}));
      c.execute(insert(pets).values(
          {{pets.id, pet},
           {pets.owner_id, i},
           {pets.friend_id, i == first ? Value() : Value("p" + std::to_string(i - 1))}}));
      c.execute(insert(visits).values(
          {{visits.id, (std::int64_t{1} << 40) + i},
           {visits.pet_id, pet},
           {visits.at, Timestamp::from_micros(1'700'000'000'000'000 + i * 1'000'001LL)},
           {visits.notes, Json{{"i", i}, {"tags", Json::array({"a", nullptr, 1.5})}}}}));
    }
    tx.commit();
  }
  // The source (through the fault driver) holding 20 rows per table, and an empty target file,
  // both with the schema.
  std::pair<Engine, Engine> source_and_target() {
    auto source = create_engine(url_, {.pool_size = 2, .max_overflow = 0});
    auto target = create_engine("sqlite:///" + (dir_ / "target.db").string(),
                                {.pool_size = 2, .max_overflow = 0});
    md_.create_all(source);
    md_.create_all(target);
    fill(source, 1, 20);
    return {std::move(source), std::move(target)};
  }
  // Every row of the three tables, in key order, as text.
  std::vector<std::string> rows(Engine& e) {
    std::vector<std::string> out;
    auto c = e.connect();
    auto add = [&](const Row& r) {
      std::string line;
      for (const Value& v : r.values()) line += v.debug_string() + " | ";
      out.push_back(line);
    };
    for (const Row& r :
         c.execute(select(owners.id, owners.name, owners.flag).order_by({owners.id})))
      add(r);
    for (const Row& r :
         c.execute(select(pets.id, pets.owner_id, pets.friend_id).order_by({pets.id})))
      add(r);
    for (const Row& r :
         c.execute(select(visits.id, visits.pet_id, visits.at, visits.notes).order_by({visits.id})))
      add(r);
    return out;
  }
  // Copies with a fault at every call in turn until a copy succeeds; returns its report. Each
  // run opens its own engines, so that every run makes the same calls (a connection discarded by
  // the previous run would add a connect) and call n is the same call each time.
  transfer::Report copy_through_faults(const std::string& source_url, Engine& target,
                                       transfer::Existing existing) {
    const auto before = rows(target);
    int bulk_faults = 0;
    for (int n = 1; n <= 1000; ++n) {
      std::optional<transfer::Report> report;
      std::string error;
      {
        auto source = create_engine(source_url, {.pool_size = 2, .max_overflow = 0});
        auto into = create_engine(target.url(), {.pool_size = 2, .max_overflow = 0});
        plan().arm(n, GetParam());
        try {
          report = transfer::copy(source, into, md_, {.existing = existing, .batch_rows = 7});
        } catch (const Error& e) {
          error = e.what();
        }
        plan().disarm();
        EXPECT_EQ(into.pool_status().checked_out, 0) << "call " << n;
        EXPECT_EQ(source.pool_status().checked_out, 0) << "call " << n;
      }
      const std::string failed = plan().failed_call;
      plan().failed_call.clear();
      if (report) {
        EXPECT_GE(bulk_faults, 9) << "3 tables of 20 rows in batches of 7: 9 bulk_insert calls";
        return *report;
      }
      EXPECT_NE(error.find("injected fault"), std::string::npos) << "call " << n << ": " << error;
      EXPECT_EQ(rows(target), before) << "call " << n << " (" << failed << ") changed the target";
      if (failed.rfind("bulk_insert ", 0) == 0) ++bulk_faults;
    }
    ADD_FAILURE() << "no copy got through";
    return {};
  }

  MetaData md_;
  Owners owners{md_};
  Pets pets{md_};
  Visits visits{md_};
};

TEST_P(TransferFaultTest, EveryFailingCallLeavesTheTargetAsItWas) {
  auto [source, target] = source_and_target();
  const auto report = copy_through_faults(url_, target, transfer::Existing::refuse);
  ASSERT_EQ(report.tables.size(), 3u);
  for (const auto& t : report.tables) {
    EXPECT_TRUE(t.verified) << t.table;
    EXPECT_EQ(t.copied_rows, 20) << t.table;
  }
  EXPECT_EQ(rows(target), rows(source));
}

TEST_P(TransferFaultTest, EveryFailingAppendKeepsOnlyThePreviousRows) {
  auto [source, target] = source_and_target();
  fill(target, 101, 5);
  const auto report = copy_through_faults(url_, target, transfer::Existing::append);
  ASSERT_EQ(report.tables.size(), 3u);
  EXPECT_EQ(report.rows(), 60);
  // The previous rows and the copied ones, nothing else.
  auto expected = create_engine("sqlite:///" + (dir_ / "expected.db").string());
  md_.create_all(expected);
  fill(expected, 1, 20);
  fill(expected, 101, 5);
  EXPECT_EQ(rows(target), rows(expected));
}

INSTANTIATE_TEST_SUITE_P(Faults, TransferFaultTest,
                         ::testing::Values(Fault::disconnect, Fault::busy), [](const auto& p) {
                           return std::string(p.param == Fault::disconnect ? "disconnect" : "busy");
                         });

// A connection that fails during COMMIT leaves the outcome unknown: the server may have committed
// (disconnect_after) or not (disconnect). Either way the error says so and is not transient, so
// a caller that retries transient errors does not write twice.
class InDoubtTest : public FaultInjectionTest {};

// Counts the rows of table `t` on a fresh connection.
std::int64_t rows_in(Engine& engine, const char* t) {
  return engine.connect()
      .execute(text(std::string("SELECT COUNT(*) FROM ") + t))
      .scalar<std::int64_t>();
}

TEST_P(InDoubtTest, ConnectionLostDuringCommitIsInDoubtNotTransient) {
  auto engine = create_engine(url_, {.pool_size = 2, .max_overflow = 0});
  engine.connect().execute(text("CREATE TABLE d (id INTEGER PRIMARY KEY, v BIGINT NOT NULL)"));
  // The calls of engine.begin(): BEGIN, INSERT, COMMIT. Fail the third.
  plan().arm(3, GetParam());
  try {
    engine.begin([](Connection& c) { c.execute(text("INSERT INTO d (v) VALUES (1)")); });
    FAIL() << "expected InDoubtError";
  } catch (const InDoubtError& e) {
    EXPECT_TRUE(e.is_in_doubt());
    EXPECT_FALSE(e.is_transient()) << "retrying could write twice";
    EXPECT_TRUE(e.is_disconnect());
    EXPECT_EQ(e.sqlstate(), "08007");
    EXPECT_NE(std::string(e.what()).find("COMMIT"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("unknown"), std::string::npos) << e.what();
  }
  plan().disarm();
  // What happened is what the server did; the caller finds out by looking.
  EXPECT_EQ(rows_in(engine, "d"), GetParam() == Fault::disconnect_after ? 1 : 0);
  EXPECT_EQ(engine.pool_status().checked_out, 0);
}

TEST_P(InDoubtTest, ExecuteManyLosingItsConnectionAtCommitIsInDoubt) {
  auto engine = create_engine(url_, {.pool_size = 1, .max_overflow = 0});
  auto c = engine.connect();
  c.execute(text("CREATE TABLE d (v BIGINT NOT NULL)"));
  // execute_many's own transaction: BEGIN, the rows (one call), COMMIT.
  plan().arm(3, GetParam());
  EXPECT_THROW(c.execute_many(text("INSERT INTO d (v) VALUES (:v)"), {{{"v", 1}}, {{"v", 2}}}),
               InDoubtError);
  plan().disarm();
  EXPECT_EQ(rows_in(engine, "d"), GetParam() == Fault::disconnect_after ? 2 : 0);
}

TEST_P(InDoubtTest, AnAutocommitWriteIsInDoubtAndAReadIsNot) {
  auto engine = create_engine(url_, {.pool_size = 1, .max_overflow = 0});
  auto c = engine.connect();
  c.execute(text("CREATE TABLE d (v BIGINT NOT NULL)"));
  plan().arm(1, GetParam());
  EXPECT_THROW(c.execute(text("INSERT INTO d (v) VALUES (1)")), InDoubtError);
  plan().disarm();
  EXPECT_EQ(rows_in(engine, "d"), GetParam() == Fault::disconnect_after ? 1 : 0);
  plan().arm(1, GetParam());
  try {
    c.execute(text("SELECT COUNT(*) FROM d"));
    FAIL() << "expected OperationalError";
  } catch (const OperationalError& e) {
    EXPECT_FALSE(e.is_in_doubt()) << "a read leaves nothing in doubt";
    EXPECT_TRUE(e.is_disconnect());
  }
  plan().disarm();
  // Inside a transaction a lost connection took the work with it: a plain disconnect error.
  plan().arm(2, GetParam());
  try {
    engine.begin([](Connection& tx) { tx.execute(text("INSERT INTO d (v) VALUES (2)")); });
    FAIL() << "expected OperationalError";
  } catch (const OperationalError& e) {
    EXPECT_FALSE(e.is_in_doubt()) << e.what();
  }
  plan().disarm();
}

INSTANTIATE_TEST_SUITE_P(Faults, InDoubtTest,
                         ::testing::Values(Fault::disconnect, Fault::disconnect_after),
                         [](const auto& p) {
                           return std::string(p.param == Fault::disconnect ? "before_the_server"
                                                                           : "after_the_server");
                         });

}  // namespace
