// quickstart: opens $DATABASE_URL (default: a SQLite file), creates a table, writes rows in one
// transaction and reads them back. The same program runs unchanged on PostgreSQL.
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>

#include <sqlcore/sqlcore.hpp>

using namespace sqlcore;

int main() {
  try {
    Engine engine = create_engine(database_url_from_env("sqlite:///data/quickstart.db"));
    std::cout << "database: " << engine.url().to_string() << " (" << engine.dialect().name()
              << ")\n";

    Connection conn = engine.connect();
    conn.execute(
        text("CREATE TABLE IF NOT EXISTS quickstart_notes ("
             " id BIGINT PRIMARY KEY,"
             " author VARCHAR(100) NOT NULL,"
             " body TEXT,"
             " created_at TIMESTAMP NOT NULL)"));

    // Writes are all-or-nothing: the rows land together or not at all.
    auto next_id = conn.execute(text("SELECT COALESCE(MAX(id), 0) + 1 FROM quickstart_notes"))
                       .scalar<std::int64_t>();
    {
      Transaction tx = conn.begin();
      auto insert = text(
          "INSERT INTO quickstart_notes (id, author, body, created_at) "
          "VALUES (:id, :author, :body, :created_at)");
      conn.execute(insert, {{"id", next_id},
                            {"author", "ada"},
                            {"body", "first note"},
                            {"created_at", Timestamp::now()}});
      conn.execute(insert, {{"id", next_id + 1},
                            {"author", "grace"},
                            {"body", std::nullopt},
                            {"created_at", Timestamp::now()}});
      tx.commit();
    }

    for (const Row& row : conn.execute(
             text("SELECT id, author, body, created_at FROM quickstart_notes ORDER BY id"))) {
      auto body = row.get<std::optional<std::string>>("body");
      std::cout << row.get<std::int64_t>("id") << "  " << row.get<std::string>("author") << "  "
                << (body ? *body : "(no body)") << "  "
                << row.get<Timestamp>("created_at").to_iso8601() << '\n';
    }
    auto count = conn.execute(text("SELECT COUNT(*) FROM quickstart_notes")).scalar<std::int64_t>();
    std::cout << count << " notes stored\n";
    return 0;
  } catch (const Error& e) {
    std::cerr << "quickstart: " << e.what() << '\n';
    return 1;
  }
}
