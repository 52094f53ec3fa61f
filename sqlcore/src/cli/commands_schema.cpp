// The schema commands: diff (database against the metadata) and check (at head, no drift).
#include "cli_internal.hpp"

#include "sqlcore/migrate/autogenerate.hpp"

namespace sqlcore::cli {

namespace {

json changes_json(const std::vector<migrate::Change>& changes) {
  json a = json::array();
  for (const auto& ch : changes) {
    a.push_back({{"kind", migrate::to_string(ch.kind)},
                 {"table", ch.table},
                 {"name", ch.name},
                 {"detail", ch.detail}});
  }
  return a;
}

void print_changes(Context& ctx, const std::vector<migrate::Change>& changes) {
  Rows rows;
  for (const auto& ch : changes) {
    rows.push_back({migrate::to_string(ch.kind), ch.table, ch.name, ch.detail});
  }
  print_table(ctx.out(), ctx.color(), {"kind", "table", "name", "detail"}, rows);
}

// The differences between the database and the metadata, and (when the application keeps tables
// it does not know) the tables that are extra rather than drift.
struct Drift {
  std::vector<migrate::Change> changes;
  std::vector<std::string> extra_tables;
};

Drift drift(Context& ctx, Connection& conn) {
  Drift d;
  for (auto& ch : migrate::compare(conn, *ctx.app().metadata, ctx.app().ignore_tables)) {
    if (ctx.app().keep_unknown_tables && ch.kind == migrate::Change::Kind::drop_table)
      d.extra_tables.push_back(ch.table);
    else
      d.changes.push_back(std::move(ch));
  }
  return d;
}

void print_extra_tables(Context& ctx, const std::vector<std::string>& extra) {
  if (extra.empty()) return;
  ctx.out() << dim(ctx.color(), "extra (kept, not part of the schema): " + joined(extra)) << '\n';
}

}  // namespace

int cmd_diff(Context& ctx, const Options& o) {
  const auto& md = *ctx.app().metadata;
  auto conn = ctx.engine().connect();
  const Drift found = drift(ctx, conn);
  const auto& changes = found.changes;
  std::vector<std::string> sql;
  if (o.diff_sql) sql = migrate::render_sql(conn, changes, md);
  if (ctx.json()) {
    json doc{{"changes", changes_json(changes)}, {"extra_tables", found.extra_tables}};
    if (o.cpp) doc["cpp"] = migrate::render_cpp(changes, md);
    if (o.diff_sql) doc["sql"] = sql;
    ctx.out() << doc.dump(2) << '\n';
    return k_exit_ok;
  }
  if (o.cpp) {
    ctx.out() << migrate::render_cpp(changes, md);
    return k_exit_ok;
  }
  if (o.diff_sql) {
    for (const auto& s : sql) ctx.out() << s << (s.ends_with(";") ? "" : ";") << '\n';
    return k_exit_ok;
  }
  if (changes.empty()) {
    ctx.out() << green(ctx.color(), "no differences: the database matches the metadata") << '\n';
  } else {
    print_changes(ctx, changes);
  }
  print_extra_tables(ctx, found.extra_tables);
  return k_exit_ok;
}

int cmd_check(Context& ctx, const Options&) {
  const auto& h = *ctx.app().history;
  auto m = migrator(ctx);
  const auto current = m.current();
  const auto pending = m.pending();
  Drift found;
  {
    auto conn = ctx.engine().connect();
    found = drift(ctx, conn);
  }
  const auto& changes = found.changes;
  const bool ok = pending.empty() && changes.empty();
  if (ctx.json()) {
    ctx.out() << json{{"ok", ok},
                      {"current", opt_json(current)},
                      {"head", opt_json(h.head())},
                      {"pending", pending},
                      {"changes", changes_json(changes)},
                      {"extra_tables", found.extra_tables}}
                     .dump(2)
              << '\n';
    return ok ? k_exit_ok : k_exit_not_current;
  }
  const bool c = ctx.color();
  if (ok) {
    ctx.out() << green(c, "ok") << ": database at " << at_text(ctx, current)
              << ", schema matches the metadata\n";
    print_extra_tables(ctx, found.extra_tables);
    return k_exit_ok;
  }
  if (!pending.empty()) {
    ctx.out() << yellow(c, "pending revisions") << " (database at " << at_text(ctx, current)
              << "): " << joined(pending) << '\n';
  }
  if (!changes.empty()) {
    ctx.out() << yellow(c, "schema drift") << ": " << changes.size()
              << " difference(s) between the database and the metadata\n";
    print_changes(ctx, changes);
  }
  ctx.out() << dim(c, pending.empty() ? "write a revision for the drift (diff --cpp drafts one)"
                                      : "run the migrate command, then check again")
            << '\n';
  return k_exit_not_current;
}

}  // namespace sqlcore::cli
