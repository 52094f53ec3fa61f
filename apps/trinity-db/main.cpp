// trinity-db: the agent platform's database tool. The sqlcore::cli commands (migrate, downgrade,
// status, check, history, stamp, diff, inspect) over trinity-db's schema and migration history.
//
//   trinity-db migrate                      # DATABASE_URL, else sqlite:///data/trinity.db
//   trinity-db --url postgresql://trinity@db/trinity status
//   trinity-db check                        # exit 2 when revisions are pending or the schema
//   drifted
//   trinity-db reference > docs/trinity-tables.md   # the tables reference, from the metadata
//   trinity-db rotate-key --generate                # a new encryption key, no database
//   trinity-db rotate-key --new-key-file new.key    # every secret re-sealed under that key
#include <sqlcore/cli/cli.hpp>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trinity/db/legacy.hpp"
#include "trinity/db/manager.hpp"
#include "trinity/db/migrations.hpp"
#include "trinity/db/reference.hpp"
#include "trinity/db/schema.hpp"
#include "trinity/db/secrets.hpp"
#include "trinity/db/secrets_rotation.hpp"

namespace {

constexpr const char* kRotateUsage =
    "usage: trinity-db rotate-key --new-key-file PATH | --dry-run | --generate\n"
    "  the keys in use come from TRINITY_ENCRYPTION_KEY (or _FILE) and "
    "TRINITY_ENCRYPTION_OLD_KEYS;\n"
    "  the new key is read from a file, never given on the command line\n";

struct RotateArgs {
  bool generate = false;
  bool dry_run = false;
  std::optional<std::string> new_key_file;
};

// nullopt (after saying why on err) for words that are not rotate-key's options.
std::optional<RotateArgs> parse_rotate_args(const std::vector<std::string>& args,
                                            std::ostream& err) {
  RotateArgs out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--generate") {
      out.generate = true;
    } else if (args[i] == "--dry-run") {
      out.dry_run = true;
    } else if (args[i] == "--new-key-file" && i + 1 < args.size()) {
      out.new_key_file = args[++i];
    } else {
      err << "error: rotate-key: unexpected '" << (args[i].starts_with("--") ? args[i] : "...")
          << "' (a key is never given on the command line: put it in a file)\n"
          << kRotateUsage;
      return std::nullopt;
    }
  }
  if (out.generate && (out.dry_run || out.new_key_file)) {
    err << "error: rotate-key: --generate takes no other option\n" << kRotateUsage;
    return std::nullopt;
  }
  if (!out.generate && !out.dry_run && !out.new_key_file) {
    err << "error: rotate-key: say --new-key-file PATH, --dry-run or --generate\n" << kRotateUsage;
    return std::nullopt;
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw trinity::db::SecretError("--new-key-file: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// `trinity-db rotate-key`: see docs/trinity.md, "Secrets at rest".
int rotate_key(sqlcore::cli::Context& ctx, const std::vector<std::string>& words) {
  const auto args = parse_rotate_args(words, ctx.err());
  if (!args) return sqlcore::cli::k_exit_error;
  if (args->generate) {
    const std::string key = trinity::db::SecretKey::generate().hex();
    if (ctx.json())
      ctx.out() << nlohmann::json{{"key", key}}.dump(2) << "\n";
    else
      ctx.out() << key << "\n";
    return sqlcore::cli::k_exit_ok;
  }
  try {
    const auto current = trinity::db::Secrets::from_env();
    std::optional<trinity::db::SecretKey> new_key;
    if (args->new_key_file)
      new_key = trinity::db::SecretKey::parse(read_file(*args->new_key_file), *args->new_key_file);
    if (!current.has_key())
      throw trinity::db::SecretError(
          "no encryption key is configured: set TRINITY_ENCRYPTION_KEY (or _FILE) to the key in "
          "use, and TRINITY_ENCRYPTION_OLD_KEYS to any older one");
    const auto report = args->dry_run || !new_key
                            ? trinity::db::check_secrets(ctx.engine(), current)
                            : trinity::db::rotate_secrets(ctx.engine(), current, *new_key);
    ctx.out() << (ctx.json() ? report.to_json() + "\n" : report.summary());
    return sqlcore::cli::k_exit_ok;
  } catch (const trinity::db::SecretError& e) {
    ctx.err() << "error: rotate-key: " << e.what() << "\n";
    return sqlcore::cli::k_exit_error;
  }
}

}  // namespace

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
  // Secrets at rest under a new key, all or nothing; the keys come from the environment and a
  // file, never from the command line.
  app.extra_commands.push_back(
      {"rotate-key",
       "Re-seal every stored secret under the key in --new-key-file (all or nothing); --dry-run "
       "checks every secret opens; --generate prints a new key",
       rotate_key});
  return sqlcore::cli::run(app, argc, argv);
}
