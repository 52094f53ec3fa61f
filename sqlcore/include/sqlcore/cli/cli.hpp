// Command-line building blocks: an application gives its MetaData, its migration History and a
// default URL, and gets the database commands (migrate, downgrade, status, check, history, stamp,
// diff, inspect, copy) with aligned text output, --json for scripts and meaningful exit codes.
//
//   int main(int argc, char** argv) {
//     sqlcore::cli::Application app{.name = "trinity-db", .description = "Trinity's database",
//                                   .metadata = &metadata, .history = &history,
//                                   .default_url = "sqlite:///data/trinity.db"};
//     return sqlcore::cli::run(app, argc, argv);
//   }
//
// The URL comes from --url, else the environment variable DATABASE_URL, else default_url.
// Exit codes: 0 ok, 1 error (one line on stderr saying what to do), 2 "not up to date"
// (`status --check` with revisions pending; `check` with revisions pending or schema drift) or,
// for `copy`, a verification mismatch; 3 `copy` refused, nothing written.
// The command-line parser is an implementation detail: this header does not include it.
#pragma once

#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "sqlcore/core/url.hpp"
#include "sqlcore/engine/engine.hpp"
#include "sqlcore/migrate/migrate.hpp"
#include "sqlcore/schema/metadata.hpp"

namespace sqlcore::cli {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_error = 1;
/// Revisions pending or the schema drifted (status --check, check).
inline constexpr int k_exit_not_current = 2;
/// copy: the target does not hold what the source holds (verification failed).
inline constexpr int k_exit_mismatch = 2;
/// copy: refused before anything was written (non-empty target, schema drift, source = target).
inline constexpr int k_exit_refused = 3;

struct Application;

/// What a command runs with: the resolved URL, the engine (opened on first use), the output
/// streams and the global flags. Not thread-safe; lives for one run().
class Context {
 public:
  Context(const Application& app, Url url, std::ostream& out, std::ostream& err, bool json,
          bool color);

  const Application& app() const { return *app_; }
  /// The resolved URL, parsed once by run(), password included: pass it on, never print its
  /// render(false); print display_url().
  const Url& url() const { return url_; }
  /// The URL with the password shown as `***`: safe to print.
  std::string display_url() const;
  /// The engine for url(), created (and checked with one connection) on first call; then
  /// Application::on_open runs. Only commands that write a schema (migrate, stamp; see
  /// creates_database()) may create a SQLite file; for every other command a missing file is
  /// "no database at PATH" and nothing is created. Throws ArgumentError for a malformed URL or
  /// unknown backend, sqlcore::Error (naming the URL without its password) when the database cannot
  /// be reached.
  Engine& engine();
  std::ostream& out() { return *out_; }
  std::ostream& err() { return *err_; }
  /// Lets engine() create a missing database (migrate and stamp, before their first engine()).
  void creates_database(bool yes) { creates_database_ = yes; }
  /// --json was given: print one JSON document on out().
  bool json() const { return json_; }
  /// Colour is allowed (out() is a terminal and NO_COLOR is unset).
  bool color() const { return color_; }
  /// With --json: adds `key` (a JSON document given as text) to the document the command
  /// prints, so a hook such as before_migrate can report without printing a second document.
  void add_report(std::string key, std::string json_text) {
    reports_.emplace_back(std::move(key), std::move(json_text));
  }
  const std::vector<std::pair<std::string, std::string>>& reports() const { return reports_; }

 private:
  const Application* app_;
  Url url_;
  std::ostream* out_;
  std::ostream* err_;
  bool json_;
  bool color_;
  std::optional<Engine> engine_;
  std::vector<std::pair<std::string, std::string>> reports_;
  bool creates_database_ = false;
};

/// An application's own subcommand. `args` are the words after the command name, options
/// included, unparsed (so the global --url and --json go before the command name). Returns the
/// exit code; an exception is reported like those of the built-in commands (exit 1).
struct Command {
  std::string name;
  std::string help;
  std::function<int(Context&, const std::vector<std::string>& args)> run;
};

struct Application {
  /// Program name for the help text, e.g. "trinity-db".
  std::string name;
  std::string description;
  /// Required: the schema the code expects (diff, check).
  const MetaData* metadata = nullptr;
  /// Required: the revisions (migrate, downgrade, status, history, stamp, check).
  const migrate::History* history = nullptr;
  /// Used when neither --url nor DATABASE_URL is given.
  std::string default_url;
  migrate::MigratorOptions migrator_options{};
  /// Tables in the database that diff and check leave alone (passed to migrate::compare).
  std::vector<std::string> ignore_tables{"sqlcore_version"};
  /// The application never drops a table it does not know (another tool's, or data it kept):
  /// diff and check list such tables as "extra" instead of as drift to drop, and check passes.
  bool keep_unknown_tables = false;
  /// Optional: runs once after the engine is created.
  std::function<void(Engine&)> on_open = {};
  /// Optional: opens the engine for the resolved URL instead of create_engine(url) (engine
  /// options, or one in-memory database shared with the caller).
  std::function<Engine(const Url& url)> open_engine = {};
  /// Optional: runs before `migrate` applies revisions (not with --sql), e.g. to adopt a
  /// database an older system wrote. An exception fails the command (exit 1).
  std::function<void(Context&)> before_migrate = {};
  /// The application's own subcommands, listed after the built-in ones.
  std::vector<Command> extra_commands{};
};

/// Runs the command line (argv[0] is the program) and returns the exit code; never calls exit().
/// Output goes to `out`, errors to `err`. Colour only when `out` is std::cout, stdout is a
/// terminal and NO_COLOR is unset. A missing metadata or history is an error (exit 1).
int run(const Application& app, int argc, const char* const* argv, std::ostream& out = std::cout,
        std::ostream& err = std::cerr);

}  // namespace sqlcore::cli
