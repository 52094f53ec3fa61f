// Uses an installed sqlcore: opens in-memory SQLite, round-trips a row, checks the postgresql
// driver is registered too.
#include <cstdio>
#include <sqlcore/sqlcore.hpp>

int main() {
  using namespace sqlcore;
  Engine engine = create_engine("sqlite://");
  Connection c = engine.connect();
  c.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"));
  c.execute(text("INSERT INTO t (name) VALUES (:name)"), {{"name", "installed"}});
  auto name = c.execute(text("SELECT name FROM t")).scalar<std::string>();
  bool pg = find_dialect("postgresql") != nullptr;
  std::printf("consumer: %s, postgresql dialect %s\n", name.c_str(), pg ? "found" : "missing");
  return name == "installed" && pg ? 0 : 1;
}
