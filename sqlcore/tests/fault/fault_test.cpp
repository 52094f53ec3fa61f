// Fault injection: a driver that fails its Nth call (N = 1, 2, ...) wraps the real SQLite driver.
// Whatever call fails, the pool stays consistent (nothing leaks, nothing dead is handed out) and
// the data stays whole (a transaction lands entirely or not at all).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include <sqlcore/dialect/driver.hpp>
#include <sqlcore/sqlcore.hpp>

using namespace sqlcore;

namespace {

enum class Fault { disconnect, busy };

// Counts driver calls and fails the armed one.
struct FaultPlan {
  std::atomic<int> countdown{0};  // 0: disarmed; n: the nth call from now fails
  Fault kind = Fault::disconnect;
  std::atomic<int> injected{0};

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
    if (kind == Fault::disconnect) {
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
    check(sql);
    return inner_->execute(sql, params);
  }
  std::int64_t execute_many(const std::string& sql, std::span<const Value* const> params,
                            std::size_t rows) override {
    check(sql);
    return inner_->execute_many(sql, params, rows);
  }
  void execute_simple(const std::string& sql) override {
    check(sql);
    inner_->execute_simple(sql);
  }
  void detach_cursors() override { inner_->detach_cursors(); }
  bool ping() override { return !broken_ && inner_->ping(); }
  bool is_alive() override { return !broken_ && inner_->is_alive(); }
  bool in_transaction() const override { return inner_->in_transaction(); }

 private:
  void check(const std::string& sql) {
    if (broken_) plan().raise(sql);
    if (plan().tick()) {
      if (plan().kind == Fault::disconnect) broken_ = true;
      plan().raise(sql);
    }
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

}  // namespace
