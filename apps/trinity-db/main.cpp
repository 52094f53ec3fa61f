// trinity-db: the agent platform's database tool. The sqlcore::cli commands (migrate, downgrade,
// status, check, history, stamp, diff, inspect) over trinity-db's schema and migration history.
//
//   trinity-db migrate                      # DATABASE_URL, else sqlite:///data/trinity.db
//   trinity-db --url postgresql://trinity@db/trinity status
//   trinity-db check                        # exit 2 when revisions are pending or the schema
//   drifted
//   trinity-db reference > docs/trinity-tables.md   # the tables reference, from the metadata
#include <sqlcore/cli/cli.hpp>

#include <string>
#include <vector>

#include "trinity/db/legacy.hpp"
#include "trinity/db/manager.hpp"
#include "trinity/db/migrations.hpp"
#include "trinity/db/reference.hpp"
#include "trinity/db/schema.hpp"

int main(int argc, char** argv) {
  sqlcore::cli::Application app;
  app.name = "trinity-db";
  app.description =
      "trinity-db: the agent platform's database. The URL comes from --url, else DATABASE_URL, "
      "else " +
      std::string(trinity::db::kDefaultUrl) + ".";
  app.metadata = &trinity::db::schema().metadata;
  app.history = &trinity::db::history();
  app.default_url = trinity::db::kDefaultUrl;
  // DB_POOL_SIZE / DB_MAX_OVERFLOW, and the SQLite file's folder made when missing.
  app.open_engine = [](const sqlcore::Url& url) { return trinity::db::open_engine(url); };
  // A database the original system wrote is adopted (converted to revision 0001, every row
  // kept) before the revisions after it run.
  app.before_migrate = [](sqlcore::cli::Context& ctx) {
    bool legacy = false;
    {
      auto c = ctx.engine().connect();
      // Another application's database with a schema_migrations table: refuse, change nothing.
      trinity::db::refuse_foreign_database(c, ctx.display_url());
      legacy = trinity::db::is_legacy_database(c);
    }
    if (!legacy) return;
    const auto report = trinity::db::adopt_legacy_database(ctx.engine());
    if (ctx.json())
      ctx.add_report("adoption", report.to_json());
    else
      ctx.out() << report.summary() << "now at revision "
                << trinity::db::history().revisions().front().id << "\n";
  };
  // Tables trinity-db does not know (another tool's, or kept by adoption) are never dropped:
  // check and diff list them as extra instead of as drift.
  app.keep_unknown_tables = true;
  // docs/trinity-tables.md is this command's output; a test fails when the file is out of date.
  // Needs no database.
  app.extra_commands.push_back(
      {"reference", "Print the tables reference (docs/trinity-tables.md) generated from the schema",
       [](sqlcore::cli::Context& ctx, const std::vector<std::string>& args) {
         if (!args.empty()) {
           ctx.err() << "error: reference takes no arguments (redirect its output to a file)\n";
           return sqlcore::cli::k_exit_error;
         }
         ctx.out() << trinity::db::tables_reference();
         return sqlcore::cli::k_exit_ok;
       }});
  return sqlcore::cli::run(app, argc, argv);
}
