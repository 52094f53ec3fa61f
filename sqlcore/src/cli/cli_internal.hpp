// Internal declarations shared by the files of sqlcore::cli (src/cli). Internal: not installed.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "sqlcore/cli/cli.hpp"
#include "sqlcore/migrate/migrate.hpp"
#include "sqlcore/transfer/transfer.hpp"

namespace sqlcore::cli {

using json = nlohmann::json;
using Rows = std::vector<std::vector<std::string>>;

// ---- output (output.cpp) ----------------------------------------------------------------------

std::size_t width_of(std::string_view s);
std::string bold(bool color, std::string_view s);
std::string green(bool color, std::string_view s);
std::string yellow(bool color, std::string_view s);
std::string dim(bool color, std::string_view s);
void print_table(std::ostream& out, bool color, const std::vector<std::string>& header,
                 const Rows& rows);
std::string joined(const std::vector<std::string>& items, std::string_view sep = ", ");
json opt_json(const std::optional<std::string>& s);
std::string message_of(const migrate::History& h, const std::string& id);
/// The current revision as the commands print it ("base (no revision applied)", "<id> (head)").
std::string at_text(Context& ctx, const std::optional<std::string>& current);

// ---- progress (progress.cpp) -----------------------------------------------------------------

/// A duration in seconds.
double seconds(std::chrono::steady_clock::duration d);
/// "54321 rows/s".
std::string rate_text(std::int64_t rows, std::chrono::steady_clock::duration elapsed);

/// transfer::Options::progress for the copy command: on a terminal a bar per table redrawn in
/// place (rows, rows/s, ETA), at most ten times a second; otherwise, when `lines`, a plain line
/// when a table's first batch is written, every five seconds while it loads, and when it is done.
class ProgressDisplay {
 public:
  ProgressDisplay(std::ostream& out, bool terminal, bool lines);
  void operator()(const transfer::Progress& p);

 private:
  std::string bar(const transfer::Progress& p, std::chrono::steady_clock::duration elapsed) const;

  std::ostream& out_;
  bool terminal_;
  bool lines_;
  std::string table_;
  std::chrono::steady_clock::time_point table_start_{}, last_draw_{};
};

// ---- secrets (secrets.cpp) --------------------------------------------------------------------

std::string redacted(const std::string& url);
std::string scrub(std::string message, const std::string& url);
std::string bad_url(const std::exception& e, const std::string& url);

// ---- the commands -----------------------------------------------------------------------------

struct Options {
  std::string url;
  bool json = false;
  // migrate
  std::string to, from;
  bool sql = false;
  // downgrade, stamp
  std::string revision;
  bool yes = false;  // downgrade: drop tables that hold rows without asking
  // status
  bool check = false;
  bool verbose = false;  // status: the engine's pool metrics too
  // diff
  bool cpp = false, diff_sql = false;
  // inspect
  std::string table;
  // copy
  std::string copy_from, copy_to;
  std::vector<std::string> copy_tables, copy_ignore;
  std::string unknown_tables = "refuse";
  bool truncate = false, append = false, dry_run = false, verify_only = false, resumable = false;
  bool no_progress = false;
  std::size_t batch = 5000;
};

/// A Migrator on the context's engine, history and options (commands_revisions.cpp).
migrate::Migrator migrator(Context& ctx);

// commands_revisions.cpp
int cmd_migrate(Context& ctx, const Options& o);
int cmd_downgrade(Context& ctx, const Options& o);
int cmd_status(Context& ctx, const Options& o);
int cmd_history(Context& ctx, const Options&);
int cmd_stamp(Context& ctx, const Options& o);
// commands_schema.cpp
int cmd_diff(Context& ctx, const Options& o);
int cmd_check(Context& ctx, const Options&);
// commands_inspect.cpp
int cmd_inspect(Context& ctx, const Options& o);
// commands_copy.cpp
int cmd_copy(Context& ctx, const Options& o);

}  // namespace sqlcore::cli
