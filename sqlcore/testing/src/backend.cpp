// sqlcore::testing: the backend fixture and the run's entry, which decides which backends run
// (SQLCORE_TEST_BACKENDS, and SQLCORE_TEST_ONLY from each CTest entry) and fails when PostgreSQL
// is requested but unreachable.
#include "sqlcore/testing/backend.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <sstream>
#include <string_view>
#include <thread>

namespace sqlcore::test {

std::vector<std::string>& active_backends() {
  static std::vector<std::string> v;
  return v;
}

// The environment variable `name`, or "" when unset.
static std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

static bool via_pooler() {
  return env("SQLCORE_TEST_POSTGRES_VIA") == "pooler";
}

const std::string& postgres_url() {
  static const std::string url = env("SQLCORE_TEST_POSTGRES_URL");
  return url;
}

const std::string& postgres_pooler_url() {
  static const std::string url = via_pooler() ? env("SQLCORE_TEST_POSTGRES_POOLER_URL") : "";
  return url;
}

const std::string& postgres_replica_url() {
  static const std::string url = env("SQLCORE_TEST_POSTGRES_REPLICA_URL");
  return url;
}

std::string backend_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  for (char& c : n)
    if (c == '-') c = '_';
  return n;
}

namespace {

std::string unique_suffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  std::ostringstream s;
  s << std::hex << (rng() & 0xffffffffffULL);
  return s.str();
}

std::string current_test_slug() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string n = info != nullptr ? std::string(info->test_suite_name()) + "_" + info->name() : "t";
  std::string out;
  for (char c : n)
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c))
                                                              : '_');
  if (out.size() > 40) out.resize(40);
  return out;
}

}  // namespace

void BackendTest::SetUp() {
  if (backend() == "postgresql" && via_pooler()) {
    // Behind a pooler a session cannot choose its schema (no startup options): each test has a
    // database of its own instead, reached through the pooler by its name.
    database_ = "t_" + unique_suffix() + "_" + current_test_slug();
    auto c = admin_engine().connect();
    c.execute(text("CREATE DATABASE \"" + database_ + "\""));
  } else if (backend() == "postgresql") {
    schema_ = "t_" + unique_suffix() + "_" + current_test_slug();
    auto admin = admin_engine();
    auto c = admin.connect();
    c.execute(text("CREATE SCHEMA \"" + schema_ + "\""));
  } else if (backend() == "sqlite-file") {
    file_dir_ =
        (std::filesystem::temp_directory_path() / ("sqlcore-test-" + unique_suffix())).string();
  }
}

void BackendTest::TearDown() {
  if (!schema_.empty()) {
    try {
      auto c = admin_engine().connect();
      c.execute(text("DROP SCHEMA \"" + schema_ + "\" CASCADE"));
    } catch (const std::exception& e) {
      std::cerr << "teardown: " << e.what() << '\n';
    }
  }
  if (!database_.empty()) {
    try {
      // FORCE: the pooler still holds server sessions on it.
      auto c = admin_engine().connect();
      c.execute(text("DROP DATABASE \"" + database_ + "\" WITH (FORCE)"));
    } catch (const std::exception& e) {
      std::cerr << "teardown: " << e.what() << '\n';
    }
  }
  if (!file_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(file_dir_, ec);
  }
}

// `base` with `query` ("k=v&...") appended.
static std::string with_query(std::string base, const std::string& query) {
  if (!query.empty()) base += (base.find('?') == std::string::npos ? "?" : "&") + query;
  return base;
}

std::string BackendTest::postgres_query(const std::string& query) const {
  std::string q = "options=-c%20search_path%3D" + schema_;
  if (!query.empty()) q += "&" + query;
  // Settings for every test's URL (before the test's own, which a driver key then overrides).
  if (const char* extra = std::getenv("SQLCORE_TEST_POSTGRES_QUERY"); extra && *extra != '\0')
    q = std::string(extra) + "&" + q;
  return q;
}

std::string BackendTest::url(const std::string& query) const {
  if (backend() == "sqlite-memory") return with_query("sqlite://", query);
  // A nested folder that does not exist yet: the driver creates it.
  if (backend() == "sqlite-file")
    return with_query("sqlite:///" + file_dir_ + "/db/test.db", query);
  if (!database_.empty()) {
    // The pooler's URL with this test's database.
    const std::string& p = postgres_pooler_url();
    const auto q = p.find('?');
    const auto slash = p.rfind('/', q);
    return with_query(
        p.substr(0, slash + 1) + database_ + (q == std::string::npos ? "" : p.substr(q)),
        query.empty() ? "pooler=transaction" : "pooler=transaction&" + query);
  }
  return with_query(postgres_url(), postgres_query(query));
}

std::string BackendTest::replica_url(const std::string& query) const {
  if (backend() == "sqlite-file")
    return with_query("sqlite:///" + file_dir_ + "/replica/test.db", query);
  if (backend() == "postgresql" && database_.empty() && !postgres_replica_url().empty())
    return with_query(postgres_replica_url(), postgres_query(query));
  return "";
}

bool BackendTest::on_replica(Connection& c) const {
  if (streaming_replica()) return c.execute(text("SELECT pg_is_in_recovery()")).scalar<bool>();
  const auto file = c.execute(text("SELECT file FROM pragma_database_list WHERE name = 'main'"))
                        .scalar<std::string>();
  return file.find("/replica/") != std::string::npos;
}

Engine BackendTest::make_engine(const EngineOptions& options, const std::string& query) const {
  return create_engine(url(query), options);
}

Engine BackendTest::admin_engine() const {
  if (backend() == "postgresql") return create_engine(postgres_url(), {.pool_size = 1});
  return make_engine();
}

void BackendTest::end_server_session(Engine& admin, std::int64_t pid) {
  auto c = admin.connect();
  c.execute(text("SELECT pg_terminate_backend(:pid)"), {{"pid", pid}});
  for (int i = 0; i < 200; ++i) {
    if (c.execute(text("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = :pid"), {{"pid", pid}})
            .scalar<std::int64_t>() == 0)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string BackendTest::t_pk() const {
  return backend() == "postgresql" ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
                                   : "INTEGER PRIMARY KEY";
}
std::string BackendTest::t_double() const {
  return backend() == "postgresql" ? "DOUBLE PRECISION" : "REAL";
}
std::string BackendTest::t_blob() const {
  return backend() == "postgresql" ? "BYTEA" : "BLOB";
}
std::string BackendTest::t_timestamp() const {
  return backend() == "postgresql" ? "TIMESTAMPTZ" : "TIMESTAMP";
}
std::string BackendTest::t_json() const {
  return backend() == "postgresql" ? "JSONB" : "JSON";
}

namespace {

std::vector<std::string> split_backends(const std::string& spec) {
  std::vector<std::string> out;
  std::stringstream ss(spec);
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    if (tok.empty()) continue;
    if (tok == "sqlite") {
      out.push_back("sqlite-memory");
      out.push_back("sqlite-file");
    } else {
      out.push_back(tok);
    }
  }
  return out;
}

}  // namespace

int run_all_tests(int argc, char** argv) {
  const char* spec = std::getenv("SQLCORE_TEST_BACKENDS");
  auto requested = split_backends(spec != nullptr && *spec != '\0' ? spec : "sqlite,postgresql");
  for (const auto& b : requested) {
    if (b != "sqlite-memory" && b != "sqlite-file" && b != "postgresql") {
      std::cerr << "unknown backend '" << b
                << "' in SQLCORE_TEST_BACKENDS (known: sqlite, sqlite-memory, sqlite-file, "
                   "postgresql)\n";
      return 2;
    }
  }
  auto& active = active_backends();
  if (const char* only = std::getenv("SQLCORE_TEST_ONLY"); only != nullptr && *only != '\0') {
    if (std::find(requested.begin(), requested.end(), only) == requested.end()) {
      std::cout << "backend " << only
                << " not requested (SQLCORE_TEST_BACKENDS=" << (spec != nullptr ? spec : "")
                << "): skipped on purpose\n";
      return 77;
    }
    active = {only};
  } else {
    active = requested;
  }
  if (std::find(active.begin(), active.end(), "postgresql") != active.end()) {
    // Each server the run needs must be named and answer; a missing one fails the run.
    struct Needed {
      const std::string& url;
      const char* variable;
      const char* what;
      const char* how;
      std::string query;
    };
    std::vector<Needed> needed{{postgres_url(), "SQLCORE_TEST_POSTGRES_URL",
                                "the PostgreSQL test server",
                                "Set it to a server's URL (in sqlcore's repository, `make test` "
                                "starts one), or test SQLite only on purpose: "
                                "SQLCORE_TEST_BACKENDS=sqlite",
                                ""}};
    if (via_pooler())
      needed.push_back({postgres_pooler_url(), "SQLCORE_TEST_POSTGRES_POOLER_URL",
                        "the PostgreSQL test server through the pooler",
                        "scripts/pg-test-server start-pooler prints it", "?pooler=transaction"});
    else if (std::getenv("SQLCORE_TEST_REQUIRE_REPLICA") != nullptr)
      needed.push_back({postgres_replica_url(), "SQLCORE_TEST_POSTGRES_REPLICA_URL",
                        "the PostgreSQL replica", "scripts/pg-test-server start-replica prints it",
                        ""});
    for (const Needed& n : needed) {
      if (n.url.empty()) {
        std::cerr << "FAIL: the postgresql tests need " << n.what << " but " << n.variable
                  << " is not set. " << n.how << '\n';
        return 1;
      }
      try {
        auto e = create_engine(n.url + n.query);
        e.connect().execute(text("SELECT 1"));
      } catch (const std::exception& ex) {
        std::cerr << "FAIL: cannot reach " << n.what << ": " << ex.what() << '\n';
        return 1;
      }
    }
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

}  // namespace sqlcore::test
