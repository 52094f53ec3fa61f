// The copy command: sqlcore::transfer::copy() between two URLs over the application's metadata,
// with a progress display, a summary (or --json) and exit codes that tell a script what happened:
// 0 copied and verified, 1 error, 2 verification mismatch, 3 refused (nothing written).
#include <unistd.h>

#include <iostream>

#include "cli_internal.hpp"
#include "sqlcore/core/url.hpp"

namespace sqlcore::cli {

namespace {

std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

transfer::Options options_of(const Options& o) {
  if (o.truncate && o.append) throw ArgumentError("copy: give --truncate or --append, not both");
  if (o.dry_run && o.verify_only) throw ArgumentError("copy: give --dry-run or --verify-only");
  if (o.batch == 0) throw ArgumentError("copy: --batch must be at least 1");
  transfer::Options t;
  t.tables = o.copy_tables;
  t.ignore_tables.insert(t.ignore_tables.end(), o.copy_ignore.begin(), o.copy_ignore.end());
  t.existing = o.truncate ? transfer::Existing::truncate
               : o.append ? transfer::Existing::append
                          : transfer::Existing::refuse;
  t.unknown_tables = o.unknown_tables == "copy"   ? transfer::UnknownTables::copy
                     : o.unknown_tables == "skip" ? transfer::UnknownTables::skip
                                                  : transfer::UnknownTables::refuse;
  t.batch_rows = o.batch;
  t.dry_run = o.dry_run;
  t.verify_only = o.verify_only;
  t.resumable = o.resumable;
  return t;
}

std::string mode_of(const Options& o) {
  return o.dry_run ? "dry_run" : o.verify_only ? "verify_only" : "copy";
}

json report_json(const Options& o, const Url& from, const Url& to, const transfer::Report& r) {
  json tables = json::array();
  for (const auto& t : r.tables)
    tables.push_back({{"table", t.table},
                      {"source_rows", t.source_rows},
                      {"copied_rows", t.copied_rows},
                      {"skipped", t.skipped},
                      {"verified", t.verified},
                      {"checksum", t.checksum},
                      {"seconds", seconds(t.elapsed)}});
  return {{"from", from.to_string()},
          {"to", to.to_string()},
          {"mode", mode_of(o)},
          {"tables", tables},
          {"rows", r.rows()},
          {"seconds", seconds(r.elapsed)},
          {"left_behind", r.left_behind}};
}

void print_report(Context& ctx, const Options& o, const transfer::Report& r) {
  Rows rows;
  for (const auto& t : r.tables) {
    if (o.dry_run) {
      rows.push_back({t.table, std::to_string(t.source_rows)});
      continue;
    }
    const std::string state = t.skipped ? "already copied" : t.verified ? "verified" : "";
    const std::int64_t n = o.verify_only || t.skipped ? t.source_rows : t.copied_rows;
    rows.push_back({t.table, std::to_string(n), state, fixed(seconds(t.elapsed), 2) + " s"});
  }
  if (o.dry_run)
    print_table(ctx.out(), ctx.color(), {"table", "rows to copy"}, rows);
  else
    print_table(ctx.out(), ctx.color(), {"table", "rows", "state", "time"}, rows);
  if (!r.left_behind.empty())
    ctx.out() << yellow(ctx.color(), "left behind (not part of the schema): ")
              << joined(r.left_behind) << '\n';
  std::int64_t source_rows = 0;
  for (const auto& t : r.tables) source_rows += t.source_rows;
  const std::string tables = std::to_string(r.tables.size()) + " table(s)";
  if (o.dry_run)
    ctx.out() << "dry run: " << source_rows << " row(s) in " << tables
              << " would be copied; nothing written\n";
  else if (o.verify_only)
    ctx.out() << green(ctx.color(), "verified") << ": the target holds the source's " << source_rows
              << " row(s) in " << tables << "\n";
  else
    ctx.out() << green(ctx.color(), "copied") << " " << r.rows() << " row(s) in " << tables
              << " in " << fixed(seconds(r.elapsed), 1) << " s (" << rate_text(r.rows(), r.elapsed)
              << ")" << (o.append ? "" : ", verified") << "\n";
}

// The failure for stderr: the message without either URL's password; a refusal keeps its list
// of reasons, one per line.
int fail(Context& ctx, const std::exception& e, const Options& o, const std::string& from,
         int code) {
  std::string what = scrub(scrub(scrub(e.what(), from), o.copy_to), ctx.url().render(false));
  if (code != k_exit_refused)
    for (char& c : what)
      if (c == '\n' || c == '\r') c = ' ';
  ctx.err() << "error: " << what << '\n';
  return code;
}

}  // namespace

int cmd_copy(Context& ctx, const Options& o) {
  const std::string from = o.copy_from.empty() ? ctx.url().render(false) : o.copy_from;
  try {
    transfer::Options t = options_of(o);
    const Url source = Url::parse(from), target = Url::parse(o.copy_to);
    const bool terminal = &ctx.err() == &std::cerr && ::isatty(2) == 1;
    ProgressDisplay display(ctx.err(), terminal && !o.no_progress, !o.json && !o.no_progress);
    t.progress = [&display](const transfer::Progress& p) { display(p); };
    const transfer::Report report = transfer::copy(source, target, *ctx.app().metadata, t);
    if (ctx.json())
      ctx.out() << report_json(o, source, target, report).dump(2) << '\n';
    else
      print_report(ctx, o, report);
    return k_exit_ok;
  } catch (const transfer::TransferRefused& e) {
    return fail(ctx, e, o, from, k_exit_refused);
  } catch (const transfer::VerificationFailed& e) {
    return fail(ctx, e, o, from, k_exit_mismatch);
  } catch (const std::exception& e) {
    return fail(ctx, e, o, from, k_exit_error);
  }
}

}  // namespace sqlcore::cli
