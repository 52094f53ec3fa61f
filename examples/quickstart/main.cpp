// quickstart: opens $DATABASE_URL (default: a SQLite file), creates its table from metadata,
// writes rows in one transaction and reads them back. The same program runs unchanged on
// PostgreSQL.
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>

#include <sqlcore/sqlcore.hpp>

using namespace sqlcore;

namespace {

// The table, declared once: sqlcore writes the right DDL for whichever backend the URL picks.
struct Notes : Table {
  explicit Notes(MetaData& m) : Table(m, "notes") {}
  Col<std::int64_t> id = column("id", types::BigInteger).primary_key();  // generated
  Col<std::string> author = column("author", types::String(100)).index();
  Col<std::optional<std::string>> body = column("body", types::Text);
  Col<Timestamp> created_at = column("created_at", types::DateTime).server_default(now());
};

}  // namespace

int main() {
  try {
    MetaData metadata;
    Notes notes(metadata);

    Engine engine = create_engine(database_url_from_env("sqlite:///data/quickstart.db"));
    std::cout << "database: " << engine.url().to_string() << " (" << engine.dialect().name()
              << ")\n";
    metadata.create_all(engine);  // CREATE TABLE and indexes, unless they exist already

    Connection conn = engine.connect();
    // Writes are all-or-nothing: the rows land together or not at all.
    {
      Transaction tx = conn.begin();
      auto insert = text("INSERT INTO notes (author, body) VALUES (:author, :body) RETURNING id");
      auto first =
          conn.execute(insert, {{"author", "ada"}, {"body", "first note"}}).scalar<std::int64_t>();
      conn.execute(insert, {{"author", "grace"}, {"body", std::nullopt}});
      std::cout << "inserted from id " << first << '\n';
      tx.commit();
    }

    for (const Row& row :
         conn.execute(text("SELECT id, author, body, created_at FROM notes ORDER BY id"))) {
      auto body = row.get<std::optional<std::string>>("body");
      std::cout << row.get<std::int64_t>("id") << "  " << row.get<std::string>("author") << "  "
                << (body ? *body : "(no body)") << "  "
                << row.get<Timestamp>("created_at").to_iso8601() << '\n';
    }
    auto count = conn.execute(text("SELECT COUNT(*) FROM notes")).scalar<std::int64_t>();
    std::cout << count << " notes stored\n";
    return 0;
  } catch (const Error& e) {
    std::cerr << "quickstart: " << e.what() << '\n';
    return 1;
  }
}
