// Internal declarations shared by the files of sqlcore::cli (src/cli). Internal: not installed.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "sqlcore/cli/cli.hpp"
#include "sqlcore/migrate/migrate.hpp"

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
  // diff
  bool cpp = false, diff_sql = false;
  // inspect
  std::string table;
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

}  // namespace sqlcore::cli
