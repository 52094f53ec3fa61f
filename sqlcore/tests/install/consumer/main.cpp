// Uses an installed sqlcore: opens in-memory SQLite, round-trips a row, checks the postgresql
// dialect and driver are registered too, and runs a sqlcore::cli command. Built both through
// CMake (find_package) and through pkg-config (run_install_test.cmake).
#include <cstdio>
#include <sqlcore/cli/cli.hpp>
#include <sqlcore/sqlcore.hpp>
#include <sstream>

int main() {
  using namespace sqlcore;
  Engine engine = create_engine("sqlite://");
  Connection c = engine.connect();
  c.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"));
  c.execute(text("INSERT INTO t (name) VALUES (:name)"), {{"name", "installed"}});
  auto name = c.execute(text("SELECT name FROM t")).scalar<std::string>();
  bool pg = find_dialect("postgresql") != nullptr;
  try {
    // create_engine opens no connection; without the driver linked it throws ArgumentError.
    (void)create_engine("postgresql://nobody@127.0.0.1:1/none");
  } catch (const ArgumentError& e) {
    std::printf("consumer: %s\n", e.what());
    pg = false;
  }
  MetaData md;
  migrate::History history(std::vector<migrate::Revision>{});
  cli::Application app{.name = "consumer", .metadata = &md, .history = &history};
  const char* argv[] = {"consumer", "--url", "sqlite://", "status", "--check"};
  std::ostringstream out, err;
  const int cli_rc = cli::run(app, 5, argv, out, err);
  std::printf("consumer: %s, postgresql dialect and driver %s, cli status exit %d\n", name.c_str(),
              pg ? "found" : "missing", cli_rc);
  return name == "installed" && pg && cli_rc == 0 ? 0 : 1;
}
