// sqlcore::cli: the Context and run(): the commands on CLI11, and the translation of every failure
// into one line on stderr and an exit code.
#include "sqlcore/cli/cli.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

#include "cli_internal.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/core/url.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/dialect/registry.hpp"

namespace sqlcore::cli {

namespace {

/// The failure's message on one line (server messages span lines), without secrets.
std::string describe(const std::exception& e, const std::string& url) {
  std::string out;
  bool blank = false;
  for (char c : scrub(e.what(), url)) {
    if (c == '\n' || c == '\r' || c == '\t') {
      blank = true;
      continue;
    }
    if (blank && !out.empty() && out.back() != ' ') out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

}  // namespace

// ---- Context ----------------------------------------------------------------------------------

Context::Context(const Application& app, Url url, std::ostream& out, std::ostream& err, bool json,
                 bool color)
    : app_(&app), url_(std::move(url)), out_(&out), err_(&err), json_(json), color_(color) {}

std::string Context::display_url() const {
  return url_.to_string();
}

Engine& Context::engine() {
  if (engine_) return *engine_;
  std::optional<Engine> opened;
  // Commands that only look never create a database file or its folder.
  const Url url = creates_database_ ? url_ : url_.with_query("create_database", "false");
  try {
    opened.emplace(app_->open_engine ? app_->open_engine(url) : create_engine(url));
  } catch (const ArgumentError& ex) {
    throw ArgumentError(bad_url(ex, url_.render(false)));
  }
  Engine e = std::move(*opened);
  try {
    (void)e.connect();  // reachable? (the connection goes back to the pool)
  } catch (const DatabaseError& ex) {
    std::string what = scrub(ex.what(), url_.render(false));
    if (what.find(display_url()) == std::string::npos) {
      what = "cannot connect to the database at " + display_url() + ": " + what;
    }
    // A database with a server, or a file: say what to check for the one it is.
    const bool server = !e.dialect().embedded();
    if (ex.sqlstate() == "3D000" && !creates_database_ && !server)
      throw Error(what + " (the migrate command creates it)");
    throw Error(what + (server ? " (check --url or DATABASE_URL, and that the server is running)"
                               : " (check --url or DATABASE_URL, and the file and its folder)"));
  }
  engine_.emplace(std::move(e));
  if (app_->on_open) app_->on_open(*engine_);
  return *engine_;
}

// ---- run --------------------------------------------------------------------------------------

int run(const Application& app, int argc, const char* const* argv, std::ostream& out,
        std::ostream& err) {
  if (!app.metadata || !app.history) {
    err << "error: sqlcore::cli::Application needs both metadata and history\n";
    return k_exit_error;
  }
  Options o;
  CLI::App cli{app.description, app.name.empty() ? std::string("db") : app.name};
  cli.fallthrough();
  cli.require_subcommand(0, 1);
  CLI::Option* url_option = cli.add_option(
      "--url", o.url,
      "Database URL (default: $DATABASE_URL, then " +
          (app.default_url.empty() ? std::string("none") : redacted(app.default_url)) + ")");
  cli.add_flag("--json", o.json, "Machine-readable JSON output");

  using Handler = int (*)(Context&, const Options&);
  std::vector<std::pair<CLI::App*, Handler>> builtins;
  auto add = [&](const char* name, const char* help, Handler h) {
    CLI::App* sub = cli.add_subcommand(name, help);
    builtins.emplace_back(sub, h);
    return sub;
  };
  {
    CLI::App* s = add("migrate", "Apply pending revisions (up to head or --to)", cmd_migrate);
    s->add_option("--to", o.to, "Stop at this revision (default: head)");
    s->add_flag("--sql", o.sql,
                "Print the SQL script instead of running it (no database connection)");
    s->add_option("--from", o.from, "With --sql: the revision the database is at (default: base)");
  }
  {
    CLI::App* s = add("downgrade", "Undo revisions down to REV (or base)", cmd_downgrade);
    s->add_option("REV", o.revision, "Target revision id, or base")->required();
    s->add_flag("--yes", o.yes,
                "Go ahead when the downgrade drops tables that hold rows (else it asks on a "
                "terminal, and refuses otherwise)");
  }
  {
    CLI::App* s =
        add("status", "Show the current revision, head and pending revisions", cmd_status);
    s->add_flag("--check", o.check, "Exit 2 when revisions are pending");
    s->add_flag("--verbose,-v", o.verbose, "Also print the connection pool's metrics");
  }
  add("check", "Exit 0 at head with no schema drift, 2 otherwise (listing what)", cmd_check);
  add("history", "List every revision, which are applied and which can be undone", cmd_history);
  add("stamp", "Record REV (or base) as the current revision without running anything", cmd_stamp)
      ->add_option("REV", o.revision, "Revision id, or base")
      ->required();
  {
    CLI::App* s = add("diff", "Show how the database differs from the metadata", cmd_diff);
    s->add_flag("--cpp", o.cpp, "Print the changes as a C++ revision body");
    s->add_flag("--sql", o.diff_sql, "Print the SQL that would apply the changes");
  }
  add("inspect", "List the tables, or describe TABLE", cmd_inspect)
      ->add_option("TABLE", o.table, "Table to describe");
  {
    CLI::App* s = add("copy",
                      "Copy every table's rows to another database whose schema exists, verified "
                      "(exit 2: mismatch, 3: refused)",
                      cmd_copy);
    s->add_option("--from", o.copy_from, "Source URL (default: --url, DATABASE_URL, the default)");
    s->add_option("--to", o.copy_to, "Target URL (its schema made by migrate)")->required();
    s->add_option("--tables", o.copy_tables, "Only these tables (comma-separated)")->delimiter(',');
    s->add_option("--ignore-table", o.copy_ignore,
                  "A table outside the schema to leave behind (repeatable)")
        ->delimiter(',');
    s->add_option("--unknown-tables", o.unknown_tables,
                  "Source tables outside the schema: refuse (default), skip (leave behind) or "
                  "copy (create them on the target from the source's definition)")
        ->check(CLI::IsMember({"refuse", "skip", "copy"}));
    s->add_flag("--truncate", o.truncate,
                "Empty the target tables first (in the copy's transaction)");
    s->add_flag("--append", o.append, "Keep the target's rows and add the source's");
    s->add_flag("--dry-run", o.dry_run, "Check everything and count the rows; write nothing");
    s->add_flag("--verify-only", o.verify_only,
                "Compare counts and checksums of an earlier copy; write nothing");
    s->add_flag("--resumable", o.resumable,
                "Commit per table; a rerun skips the tables already copied");
    s->add_option("--batch", o.batch, "Rows per batch (default 5000)");
    s->add_flag("--no-progress", o.no_progress, "No progress display on stderr");
  }

  std::vector<std::pair<CLI::App*, const Command*>> extras;
  try {
    for (const Command& c : app.extra_commands) {
      CLI::App* sub = cli.add_subcommand(c.name, c.help);
      // Everything after the command's name is its own (global options come before it).
      sub->fallthrough(false);
      sub->prefix_command();
      extras.emplace_back(sub, &c);
    }
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return cli.exit(e, out, err);
    // A URL given where it does not belong is echoed back: without its password.
    std::string message = e.what();
    for (int i = 1; i < argc; ++i) message = scrub(message, argv[i]);
    err << "error: " << message << " (run with --help for usage)\n";
    return k_exit_error;
  } catch (const CLI::Error& e) {
    err << "error: " << e.what() << '\n';
    return k_exit_error;
  }

  if (url_option->count() > 0 && o.url.empty()) {
    err << "error: --url is empty: give a database URL, or leave --url out to use "
           "DATABASE_URL or the default\n";
    return k_exit_error;
  }
  std::string url = o.url;
  if (url.empty()) url = database_url_from_env(app.default_url);
  const bool color = &out == &std::cout && ::isatty(1) == 1 && std::getenv("NO_COLOR") == nullptr;

  try {
    if (url.empty()) {
      throw ArgumentError("no database URL: give --url or set DATABASE_URL");
    }
    // Parsed once, here; everything after takes the Url.
    std::optional<Url> parsed;
    try {
      parsed = Url::parse(url);
      (void)dialect_for(*parsed);
    } catch (const ArgumentError& e) {
      throw ArgumentError(bad_url(e, url));
    }
    Context ctx(app, std::move(*parsed), out, err, o.json, color);
    for (const auto& [sub, handler] : builtins) {
      if (!sub->parsed()) continue;
      // Only the commands that write a schema may create the database.
      ctx.creates_database(handler == &cmd_migrate || handler == &cmd_stamp);
      return handler(ctx, o);
    }
    for (const auto& [sub, command] : extras) {
      if (sub->parsed()) {
        if (!command->run) throw ArgumentError("command " + command->name + " has no run function");
        return command->run(ctx, sub->remaining());
      }
    }
    err << cli.help();
    return k_exit_error;
  } catch (const std::exception& e) {
    err << "error: " << describe(e, url) << '\n';
    return k_exit_error;
  }
}

}  // namespace sqlcore::cli
