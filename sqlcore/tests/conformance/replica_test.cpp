// Read replicas (EngineOptions::replicas, URL `replicas`; docs/engine.md, "Read replicas"):
// read-only work goes to a replica and everything else to the primary; a replica that is down is
// skipped; replication lag is visible, and the primary serves reads of one's own writes. On
// PostgreSQL against a real streaming replica (scripts/pg-test-server start-replica); on a SQLite
// file against a second file, which shows the routing.
#include <sqlcore/testing/backend.hpp>

#include <set>
#include <thread>

using namespace sqlcore;
using namespace std::chrono_literals;

namespace sqlcore_test {

using namespace sqlcore::test;

namespace {

std::int64_t rows_named(Connection& c, const std::string& name) {
  return c.execute(text("SELECT COUNT(*) FROM place WHERE name = :name"), {{"name", name}})
      .scalar<std::int64_t>();
}

class ReplicaTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (replica_url().empty()) GTEST_SKIP() << "no replica for this backend here";
    auto primary = make_engine();
    {
      auto c = primary.connect();
      exec(c, "CREATE TABLE place (name TEXT)");
      exec(c, "INSERT INTO place (name) VALUES ('primary')");
    }
    if (streaming_replica()) {
      wait_for_replica("primary");
    } else {
      // Not a replica: a file of its own, told apart by its row.
      auto replica = create_engine(replica_url());
      auto c = replica.connect();
      exec(c, "CREATE TABLE place (name TEXT)");
      exec(c, "INSERT INTO place (name) VALUES ('replica')");
    }
  }

  /// Waits (up to 20 s) until the streaming replica has a row named `name`; false if it never does.
  bool wait_for_replica(const std::string& name) {
    auto replica = create_engine(replica_url());
    for (int i = 0; i < 2000; ++i) {
      try {
        auto c = replica.connect();
        if (rows_named(c, name) > 0) return true;
      } catch (const DatabaseError&) {
        // The table has not arrived yet.
      }
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "the replica did not receive '" << name << "' within 20 s";
    return false;
  }

  /// A replica URL where no database answers.
  std::string dead_replica() const {
    if (streaming_replica()) return "postgresql://postgres@127.0.0.1:1/nowhere";
    return "sqlite:///" + file_dir_ + "/nowhere/test.db?mode=rw";
  }
};

TEST_P(ReplicaTest, ReadOnlyWorkGoesToTheReplicaAndEverythingElseToThePrimary) {
  auto engine = make_engine({.replicas = {replica_url()}});
  engine.read([&](Connection& c) { EXPECT_TRUE(on_replica(c)); });
  engine.begin(TransactionAccess::read_only, [&](Connection& c) { EXPECT_TRUE(on_replica(c)); });
  {
    auto c = engine.connect(ReadFrom::replica);
    EXPECT_TRUE(on_replica(c));
  }
  engine.begin([&](Connection& c) {
    EXPECT_FALSE(on_replica(c));
    exec(c, "INSERT INTO place (name) VALUES ('written')");
  });
  {
    auto c = engine.connect();
    EXPECT_FALSE(on_replica(c));
  }
  engine.read(ReadFrom::primary, [&](Connection& c) { EXPECT_FALSE(on_replica(c)); });

  // A replica's read-only transaction refuses writes (and so does the server of a real one).
  EXPECT_THROW(engine.read([](Connection& c) { exec(c, "INSERT INTO place VALUES ('x')"); }),
               Error);

  const auto status = engine.replica_status();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_TRUE(status[0].up);
  EXPECT_GE(status[0].pool.checkouts, 4u);
  EXPECT_EQ(status[0].pool.checked_out, 0);
  if (auto pw = Url::parse(replica_url()).password()) {
    EXPECT_EQ(status[0].url.find(*pw), std::string::npos);
  }
  EXPECT_GE(engine.pool_status().checkouts, 3u);
}

TEST_P(ReplicaTest, EventsAndTheLogSayWhichServerRanAStatement) {
  std::vector<std::string> lines;
  auto engine = make_engine({.echo = true,
                             .logger = [&](const LogRecord& r) { lines.emplace_back(r.message); },
                             .replicas = {replica_url()}});
  std::set<std::uint64_t> on_primary, on_replica_ids;
  engine.listen(EventKind::before_execute, [&](const Event& e) {
    (e.replica == 0 ? on_primary : on_replica_ids).insert(e.connection_id);
    if (e.replica != 0) {
      EXPECT_EQ(e.replica, 1u);
    }
  });
  engine.read([](Connection& c) { (void)c.execute(text("SELECT 1")).all(); });
  engine.begin([](Connection& c) { (void)c.execute(text("SELECT 2")).all(); });
  ASSERT_FALSE(on_primary.empty());
  ASSERT_FALSE(on_replica_ids.empty());
  // One numbering for the connections of every pool of the engine.
  for (std::uint64_t id : on_replica_ids) EXPECT_EQ(on_primary.count(id), 0u) << id;
  auto logged = [&](const std::string& sql, bool replica) {
    for (const auto& l : lines)
      if (l.find(sql) != std::string::npos)
        return (l.find(" replica 1]") != std::string::npos) == replica;
    ADD_FAILURE() << sql << " was not logged";
    return false;
  };
  EXPECT_TRUE(logged("SELECT 1", true));
  EXPECT_TRUE(logged("SELECT 2", false));
}

TEST_P(ReplicaTest, ReplicasTakeTurns) {
  // The same replica twice: two pools, used in turn.
  auto engine = make_engine({.replicas = {replica_url(), replica_url()}});
  for (int i = 0; i < 6; ++i) engine.read([&](Connection& c) { EXPECT_TRUE(on_replica(c)); });
  const auto status = engine.replica_status();
  ASSERT_EQ(status.size(), 2u);
  EXPECT_EQ(status[0].pool.checkouts, 3u);
  EXPECT_EQ(status[1].pool.checkouts, 3u);
}

TEST_P(ReplicaTest, AReplicaThatIsDownIsSkippedAndTriedAgainLater) {
  auto engine = make_engine({.replicas = {dead_replica(), replica_url()}, .replica_retry = 60s});
  for (int i = 0; i < 4; ++i) engine.read([&](Connection& c) { EXPECT_TRUE(on_replica(c)); });
  auto status = engine.replica_status();
  ASSERT_EQ(status.size(), 2u);
  EXPECT_FALSE(status[0].up);
  EXPECT_TRUE(status[1].up);
  EXPECT_EQ(status[0].pool.open, 0);
  EXPECT_EQ(status[1].pool.checkouts, 4u);

  // With no replica up, the primary serves reads.
  auto lone = make_engine({.replicas = {dead_replica()}, .replica_retry = 1s});
  lone.read([&](Connection& c) { EXPECT_FALSE(on_replica(c)); });
  EXPECT_FALSE(lone.replica_status()[0].up);
  // After replica_retry it is tried again (and found down again).
  std::this_thread::sleep_for(1100ms);
  EXPECT_TRUE(lone.replica_status()[0].up);
  lone.read([&](Connection& c) { EXPECT_FALSE(on_replica(c)); });
  EXPECT_FALSE(lone.replica_status()[0].up);
}

TEST_P(ReplicaTest, AReplicaLostDuringAReadFailsThatReadAndIsSkippedAfter) {
  if (!streaming_replica()) GTEST_SKIP() << "this replica has no server sessions to end";
  auto engine = make_engine({.replicas = {replica_url()}, .replica_retry = 60s});
  auto c = engine.connect(ReadFrom::replica);
  ASSERT_TRUE(on_replica(c));
  const auto pid = c.execute(text("SELECT pg_backend_pid()")).scalar<std::int64_t>();
  auto replica_admin = create_engine(postgres_replica_url(), {.pool_size = 1});
  end_server_session(replica_admin, pid);
  EXPECT_THROW(c.execute(text("SELECT 1")), OperationalError);
  EXPECT_FALSE(engine.replica_status()[0].up);
  // The next read goes to the primary while the replica is skipped.
  engine.read([&](Connection& p) { EXPECT_FALSE(on_replica(p)); });
}

TEST_P(ReplicaTest, ReplicationLagIsVisibleAndThePrimaryReadsItsOwnWrites) {
  if (!streaming_replica()) GTEST_SKIP() << "this replica does not replicate";
  auto engine = make_engine({.replicas = {replica_url()}});
  // Replay paused on the replica: the lag every replica has for a moment, made certain.
  auto replica_admin = create_engine(postgres_replica_url(), {.pool_size = 1});
  struct Resume {
    Engine& e;
    ~Resume() {
      try {
        e.connect().execute(text("SELECT pg_wal_replay_resume()"));
      } catch (...) {
      }
    }
  } resume{replica_admin};
  replica_admin.connect().execute(text("SELECT pg_wal_replay_pause()"));

  engine.begin([](Connection& c) { exec(c, "INSERT INTO place (name) VALUES ('fresh')"); });
  // Read at once from a replica: the write is not there yet.
  EXPECT_EQ(engine.read([](Connection& c) { return rows_named(c, "fresh"); }), 0);
  // Read from the primary: it is.
  EXPECT_EQ(engine.read(ReadFrom::primary, [](Connection& c) { return rows_named(c, "fresh"); }),
            1);
  replica_admin.connect().execute(text("SELECT pg_wal_replay_resume()"));
  EXPECT_TRUE(wait_for_replica("fresh"));
  EXPECT_EQ(engine.read([](Connection& c) { return rows_named(c, "fresh"); }), 1);
}

TEST_P(ReplicaTest, TheReplicasUrlKeyNamesHostsThatShareEverythingElse) {
  if (!streaming_replica()) GTEST_SKIP() << "replicas= names servers";
  const Url::Host host = Url::parse(postgres_replica_url()).hosts().at(0);
  auto engine = make_engine(
      {}, "replicas=" + host.name + ":" + std::to_string(*host.port) + "&replica_retry=2s");
  EXPECT_EQ(engine.read([](Connection& c) { return rows_named(c, "primary"); }), 1);
  engine.read([&](Connection& c) { EXPECT_TRUE(on_replica(c)); });
  ASSERT_EQ(engine.replica_status().size(), 1u);
  EXPECT_EQ(engine.replica_status()[0].url.find("replicas="), std::string::npos);
}

SQLCORE_BACKEND_TEST_SUITE(ReplicaTest);

// Settings that cannot work are refused when the engine is made, on every backend.
class ReplicaSettingsTest : public BackendTest {
 protected:
  void expect_refused(const EngineOptions& options, const std::string& query,
                      const std::string& says) {
    try {
      (void)create_engine(url(query), options);
      ADD_FAILURE() << "accepted: " << query;
    } catch (const ArgumentError& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  }
};

TEST_P(ReplicaSettingsTest, BadReplicaSettingsAreRefusedAtCreateEngine) {
  const std::string other =
      server_sessions() ? "sqlite:///tmp/replica.db" : "postgresql://u@127.0.0.1:1/db";
  if (in_memory()) {
    expect_refused({.replicas = {"sqlite:///tmp/replica.db"}}, "", "in-memory");
  } else {
    expect_refused({.replicas = {other}}, "", "backend");
    expect_refused({.replicas = {"not a url"}}, "", "");
    if (!replica_url().empty())
      expect_refused({.replicas = {replica_url("pool_size=3")}}, "", "pool_size");
  }
  expect_refused({}, "replica_retry=0", "replica_retry");
  expect_refused({.replica_retry = -1s}, "", "replica_retry");
  if (server_sessions()) {
    expect_refused({}, "replicas=,", "replicas");
    expect_refused({}, "replicas=u@host/db", "replicas");
  } else {
    expect_refused({}, "replicas=localhost", "replicas");
  }
}

SQLCORE_BACKEND_TEST_SUITE(ReplicaSettingsTest);

}  // namespace
}  // namespace sqlcore_test
