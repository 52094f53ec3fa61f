// The revision commands: migrate (online, or --sql offline), downgrade, status, history, stamp.
#include "cli_internal.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>

#include "sqlcore/core/error.hpp"
#include "sqlcore/core/url.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/dialect/registry.hpp"
#include "sqlcore/inspect/inspector.hpp"
#include "sqlcore/sql/text.hpp"

namespace sqlcore::cli {

migrate::Migrator migrator(Context& ctx) {
  return migrate::Migrator(ctx.engine(), *ctx.app().history, ctx.app().migrator_options);
}

namespace {

json revision_json(const migrate::History& h, const std::string& id) {
  return {{"id", id}, {"message", message_of(h, id)}};
}

/// Lines "<verb> <id>  <message>" with the ids aligned.
void print_revisions(Context& ctx, std::string_view verb, const std::vector<std::string>& ids) {
  std::size_t w = 0;
  for (const auto& id : ids) w = std::max(w, width_of(id));
  for (const auto& id : ids) {
    ctx.out() << green(ctx.color(), verb) << ' ' << id << std::string(w - width_of(id) + 2, ' ')
              << message_of(*ctx.app().history, id) << '\n';
  }
}

// Before a downgrade: the tables it would drop that hold rows, with their counts. A downgrade
// that loses rows goes ahead only when confirmed: --yes, or "yes" typed at a terminal.
void confirm_dropped_rows(Context& ctx, const Options& o, const std::optional<std::string>& from) {
  const auto& h = *ctx.app().history;
  const Dialect& d = ctx.engine().dialect();
  std::vector<std::string> kept;
  try {
    kept = migrate::tables_at(h, d, o.revision);
  } catch (const ArgumentError&) {
    return;  // an unknown revision: downgrade() says so
  }
  std::vector<std::string> dropped;
  std::int64_t total = 0;
  std::string counts;
  auto conn = ctx.engine().connect();
  Inspector insp(conn);
  for (const auto& t : migrate::tables_at(h, d, from)) {
    if (std::find(kept.begin(), kept.end(), t) != kept.end() || !insp.has_table(t)) continue;
    const auto n =
        conn.execute(text("SELECT COUNT(*) FROM " + d.quote_identifier(t))).scalar<std::int64_t>();
    if (n == 0) continue;
    total += n;
    counts += (counts.empty() ? "" : ", ") + t + ": " + std::to_string(n);
  }
  if (total == 0 || o.yes) return;
  const std::string what = "downgrade to " + o.revision + " drops tables holding " +
                           std::to_string(total) + " row(s) (" + counts + ")";
  if (!ctx.json() && ::isatty(0) == 1 && &ctx.out() == &std::cout) {
    ctx.out() << what << ". Type yes to go ahead: " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer == "yes") return;
    throw Error("downgrade cancelled: nothing was changed");
  }
  throw Error(what + "; nothing was changed. Run again with --yes to drop them");
}

}  // namespace

int cmd_migrate(Context& ctx, const Options& o) {
  const auto& h = *ctx.app().history;
  std::optional<std::string> to;
  if (!o.to.empty()) to = o.to;
  if (o.sql) {
    std::optional<std::string> from;
    if (!o.from.empty() && o.from != "base") from = o.from;
    if (from && !h.find(*from)) {
      throw ArgumentError("migrate --sql: unknown revision '" + *from +
                          "' for --from; see the ids with the history command");
    }
    if (to && !h.find(*to)) {
      throw ArgumentError("migrate --sql: unknown revision '" + *to +
                          "' for --to; see the ids with the history command");
    }
    const auto dialect = dialect_for(ctx.url());
    if (ctx.json()) {
      json revs = json::array();
      for (const auto& r : migrate::offline_upgrade(h, *dialect, from, to)) {
        revs.push_back({{"id", r.id}, {"message", r.message}, {"statements", r.statements}});
      }
      ctx.out() << json{{"dialect", std::string(dialect->name())}, {"revisions", revs}}.dump(2)
                << '\n';
    } else {
      ctx.out() << migrate::upgrade_script(h, *dialect, from, to, ctx.app().migrator_options);
    }
    return k_exit_ok;
  }
  if (!o.from.empty()) throw ArgumentError("migrate: --from is only for --sql (offline mode)");
  if (ctx.app().before_migrate) ctx.app().before_migrate(ctx);
  auto m = migrator(ctx);
  const auto before = m.pending();
  std::exception_ptr failure;  // reported after what was applied before it
  std::vector<std::string> applied;
  try {
    // What this run applied: another run that held the migration lock first may have applied
    // everything, and then this one says there was nothing to apply.
    applied = m.upgrade(to);
  } catch (const std::exception&) {
    failure = std::current_exception();
  }
  const auto current = m.current();
  if (failure) {
    for (const auto& id : before) {
      if (current && h.index_of(id) <= h.index_of(*current)) applied.push_back(id);
    }
  }
  if (ctx.json() && !failure) {
    json a = json::array();
    for (const auto& id : applied) a.push_back(revision_json(h, id));
    json doc{{"applied", a}, {"current", opt_json(current)}, {"head", opt_json(h.head())}};
    for (const auto& [key, text] : ctx.reports()) doc[key] = json::parse(text);
    ctx.out() << doc.dump(2) << '\n';
    return k_exit_ok;
  }
  if (!ctx.json() && (!failure || !applied.empty())) {
    print_revisions(ctx, "applied", applied);
    if (!failure && applied.empty()) ctx.out() << "nothing to apply\n";
    ctx.out() << "database at revision " << at_text(ctx, current) << '\n';
  }
  if (failure) std::rethrow_exception(failure);
  return k_exit_ok;
}

int cmd_downgrade(Context& ctx, const Options& o) {
  const auto& h = *ctx.app().history;
  auto m = migrator(ctx);
  const auto before = m.current();
  confirm_dropped_rows(ctx, o, before);
  m.downgrade(o.revision);
  const auto after = m.current();
  std::vector<std::string> reverted;
  if (before) {
    const std::size_t hi = *h.index_of(*before);
    for (std::size_t i = hi + 1; i-- > 0;) {
      const auto& id = h.revisions()[i].id;
      if (after && id == *after) break;
      reverted.push_back(id);
    }
  }
  if (ctx.json()) {
    json r = json::array();
    for (const auto& id : reverted) r.push_back(revision_json(h, id));
    ctx.out() << json{{"reverted", r}, {"current", opt_json(after)}}.dump(2) << '\n';
    return k_exit_ok;
  }
  print_revisions(ctx, "reverted", reverted);
  if (reverted.empty()) ctx.out() << "nothing to revert\n";
  ctx.out() << "database at revision " << at_text(ctx, after) << '\n';
  return k_exit_ok;
}

namespace {

std::int64_t us_of(std::chrono::microseconds d) {
  return d.count();
}

json pool_json(const PoolStatus& s) {
  return json{{"pool_size", s.pool_size},
              {"max_overflow", s.max_overflow},
              {"open", s.open},
              {"idle", s.idle},
              {"checked_out", s.checked_out},
              {"overflow", s.overflow},
              {"waiting", s.waiting},
              {"connects", s.connects},
              {"discarded", s.discarded},
              {"checkouts", s.checkouts},
              {"waited", s.waited},
              {"timeouts", s.timeouts},
              {"wait_p50_us", us_of(s.wait_p50)},
              {"wait_p95_us", us_of(s.wait_p95)},
              {"wait_p99_us", us_of(s.wait_p99)},
              {"wait_max_us", us_of(s.wait_max)}};
}

// The pool's metrics, as `status --verbose` prints them.
void print_pool(std::ostream& out, const PoolStatus& s) {
  auto ms = [](std::chrono::microseconds d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(d.count()) / 1000.0);
    return std::string(buf);
  };
  out << "pool      size " << s.pool_size << " + overflow " << s.max_overflow << "; open " << s.open
      << " (idle " << s.idle << ", checked out " << s.checked_out << ", overflow " << s.overflow
      << "), waiting " << s.waiting << '\n';
  out << "          connects " << s.connects << ", replaced " << s.discarded << ", checkouts "
      << s.checkouts << ", waited " << s.waited << ", timed out " << s.timeouts << '\n';
  out << "          wait p50 " << ms(s.wait_p50) << ", p95 " << ms(s.wait_p95) << ", p99 "
      << ms(s.wait_p99) << ", max " << ms(s.wait_max) << " (last 1,024 checkouts)" << '\n';
}

}  // namespace

int cmd_status(Context& ctx, const Options& o) {
  const auto& h = *ctx.app().history;
  auto m = migrator(ctx);
  const auto current = m.current();
  const auto pending = m.pending();
  const int code = o.check && !pending.empty() ? k_exit_not_current : k_exit_ok;
  if (ctx.json()) {
    json p = json::array();
    for (const auto& id : pending) p.push_back(revision_json(h, id));
    json out{{"url", ctx.display_url()},
             {"current", opt_json(current)},
             {"head", opt_json(h.head())},
             {"at_head", pending.empty()},
             {"pending", p}};
    if (o.verbose) {
      out["pool"] = pool_json(ctx.engine().pool_status());
      json replicas = json::array();
      for (const auto& r : ctx.engine().replica_status())
        replicas.push_back({{"url", r.url}, {"up", r.up}, {"pool", pool_json(r.pool)}});
      out["replicas"] = std::move(replicas);
    }
    ctx.out() << out.dump(2) << '\n';
    return code;
  }
  const bool c = ctx.color();
  ctx.out() << "database  " << ctx.display_url() << '\n';
  ctx.out() << "current   " << (current ? *current + "  " + message_of(h, *current) : "base")
            << '\n';
  ctx.out() << "head      " << (h.head() ? *h.head() + "  " + message_of(h, *h.head()) : "base")
            << '\n';
  if (pending.empty()) {
    ctx.out() << green(c, "up to date") << '\n';
  } else {
    ctx.out() << yellow(c, std::to_string(pending.size()) + " pending revision" +
                               (pending.size() == 1 ? "" : "s") + ":")
              << '\n';
    std::size_t w = 0;
    for (const auto& id : pending) w = std::max(w, width_of(id));
    for (const auto& id : pending) {
      ctx.out() << "  " << id << std::string(w - width_of(id) + 2, ' ') << message_of(h, id)
                << '\n';
    }
    ctx.out() << dim(c, "run the migrate command to apply them") << '\n';
  }
  if (o.verbose) {
    print_pool(ctx.out(), ctx.engine().pool_status());
    for (const auto& r : ctx.engine().replica_status()) {
      ctx.out() << "replica   " << r.url << (r.up ? "" : "  (skipped: its connect failed)") << '\n';
      print_pool(ctx.out(), r.pool);
    }
  }
  return code;
}

int cmd_history(Context& ctx, const Options&) {
  auto m = migrator(ctx);
  const auto entries = m.history();
  if (ctx.json()) {
    json a = json::array();
    for (const auto& r : entries) {
      a.push_back({{"id", r.id},
                   {"message", r.message},
                   {"applied", r.applied},
                   {"current", r.current},
                   {"has_downgrade", r.has_downgrade}});
    }
    ctx.out() << a.dump(2) << '\n';
    return k_exit_ok;
  }
  Rows rows;
  for (const auto& r : entries) {
    rows.push_back({r.current ? "*" : "", r.id, r.applied ? "yes" : "no",
                    r.has_downgrade ? "yes" : "no", r.message});
  }
  print_table(ctx.out(), ctx.color(), {"", "id", "applied", "downgrade", "message"}, rows);
  if (entries.empty()) ctx.out() << "(no revisions)\n";
  return k_exit_ok;
}

int cmd_stamp(Context& ctx, const Options& o) {
  auto m = migrator(ctx);
  m.stamp(o.revision);
  const auto current = m.current();
  if (ctx.json()) {
    ctx.out() << json{{"current", opt_json(current)}}.dump(2) << '\n';
  } else {
    ctx.out() << "stamped: database at revision " << at_text(ctx, current) << '\n';
  }
  return k_exit_ok;
}

}  // namespace sqlcore::cli
