// sqlcore::cli: the database commands on CLI11, their text and JSON output, and the translation
// of every failure into one line on stderr and an exit code.
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

#include "sqlcore/core/error.hpp"
#include "sqlcore/core/url.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/dialect/registry.hpp"
#include "sqlcore/inspect/inspector.hpp"
#include "sqlcore/migrate/autogenerate.hpp"
#include "sqlcore/sql/text.hpp"

namespace sqlcore::cli {

namespace {

using json = nlohmann::json;
using Rows = std::vector<std::vector<std::string>>;

// ---- output helpers ---------------------------------------------------------------------------

/// Display width of UTF-8 text (code points; good enough for names and messages).
std::size_t width_of(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string paint(bool color, const char* code, std::string_view s) {
  if (!color || s.empty()) return std::string(s);
  return std::string("\033[") + code + "m" + std::string(s) + "\033[0m";
}
std::string bold(bool color, std::string_view s) {
  return paint(color, "1", s);
}
std::string green(bool color, std::string_view s) {
  return paint(color, "32", s);
}
std::string yellow(bool color, std::string_view s) {
  return paint(color, "33", s);
}
std::string dim(bool color, std::string_view s) {
  return paint(color, "2", s);
}

/// Columns separated by two blanks, padded to the widest cell; the header bold (or underlined
/// with dashes without colour). The last column is not padded.
void print_table(std::ostream& out, bool color, const std::vector<std::string>& header,
                 const Rows& rows) {
  std::vector<std::size_t> w(header.size(), 0);
  for (std::size_t i = 0; i < header.size(); ++i) w[i] = width_of(header[i]);
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size() && i < w.size(); ++i)
      w[i] = std::max(w[i], width_of(r[i]));
  }
  auto line = [&](const std::vector<std::string>& cells, bool is_header) {
    std::string text;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      std::string cell = cells[i];
      if (i + 1 < cells.size()) cell += std::string(w[i] - width_of(cells[i]) + 2, ' ');
      text += cell;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << (is_header ? bold(color, text) : text) << '\n';
  };
  line(header, true);
  if (!color) {
    std::vector<std::string> dashes;
    for (std::size_t i = 0; i < header.size(); ++i) dashes.emplace_back(w[i], '-');
    line(dashes, false);
  }
  for (const auto& r : rows) line(r, false);
}

std::string joined(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

json opt_json(const std::optional<std::string>& s) {
  return s ? json(*s) : json(nullptr);
}

std::string message_of(const migrate::History& h, const std::string& id) {
  const migrate::Revision* r = h.find(id);
  return r ? r->message : std::string();
}

// ---- secrets ----------------------------------------------------------------------------------

/// The password in a URL that may not parse: the text between "user:" and "@" after "://".
std::string raw_password(std::string_view url) {
  auto scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  auto at = rest.rfind('@', rest.find_first_of("/?") == std::string_view::npos
                                ? std::string_view::npos
                                : rest.find_first_of("/?"));
  if (at == std::string_view::npos) return {};
  std::string_view userinfo = rest.substr(0, at);
  auto colon = userinfo.find(':');
  if (colon == std::string_view::npos) return {};
  return std::string(userinfo.substr(colon + 1));
}

void replace_all(std::string& s, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (std::size_t pos = s.find(what); pos != std::string::npos;
       pos = s.find(what, pos + with.size())) {
    s.replace(pos, what.size(), with);
  }
}

/// `url` printable: the Url's redacted form, or for a URL that does not parse the text with its
/// password replaced by ***.
std::string redacted(const std::string& url) {
  try {
    return Url::parse(url).to_string();
  } catch (const std::exception&) {
    std::string out = url;
    const std::string pw = raw_password(url);
    if (!pw.empty()) replace_all(out, ":" + pw + "@", ":***@");
    return out;
  }
}

/// `message` with the URL and its password (decoded or as written) taken out.
std::string scrub(std::string message, const std::string& url) {
  if (url.empty()) return message;
  replace_all(message, url, redacted(url));
  std::vector<std::string> secrets{raw_password(url)};
  try {
    if (auto pw = Url::parse(url).password()) secrets.push_back(*pw);
  } catch (const std::exception&) {
  }
  for (const auto& pw : secrets) {
    if (pw.size() >= 3) replace_all(message, pw, "***");
  }
  return message;
}

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

migrate::Migrator migrator(Context& ctx) {
  return migrate::Migrator(ctx.engine(), *ctx.app().history, ctx.app().migrator_options);
}

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

std::string at_text(Context& ctx, const std::optional<std::string>& current) {
  const auto& h = *ctx.app().history;
  if (!current) return "base (no revision applied)";
  std::string s = *current;
  if (current == h.head()) s += " (head)";
  return s;
}

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
    const Url url = Url::parse(ctx.url());
    const auto dialect = dialect_for(url);
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

int cmd_status(Context& ctx, const Options& o) {
  const auto& h = *ctx.app().history;
  auto m = migrator(ctx);
  const auto current = m.current();
  const auto pending = m.pending();
  const int code = o.check && !pending.empty() ? k_exit_not_current : k_exit_ok;
  if (ctx.json()) {
    json p = json::array();
    for (const auto& id : pending) p.push_back(revision_json(h, id));
    ctx.out() << json{{"url", ctx.display_url()},
                      {"current", opt_json(current)},
                      {"head", opt_json(h.head())},
                      {"at_head", pending.empty()},
                      {"pending", p}}
                     .dump(2)
              << '\n';
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

std::string fk_action(FkAction a) {
  std::string s = to_sql(a);
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return s;
}

int cmd_inspect(Context& ctx, const Options& o) {
  auto conn = ctx.engine().connect();
  Inspector insp(conn);
  if (o.table.empty()) {
    const auto names = insp.table_names();
    if (ctx.json()) {
      json a = json::array();
      for (const auto& t : names) a.push_back({{"name", t}, {"columns", insp.columns(t).size()}});
      ctx.out() << a.dump(2) << '\n';
      return k_exit_ok;
    }
    Rows rows;
    for (const auto& t : names) rows.push_back({t, std::to_string(insp.columns(t).size())});
    if (names.empty()) {
      ctx.out() << "(no tables)\n";
    } else {
      print_table(ctx.out(), ctx.color(), {"table", "columns"}, rows);
    }
    return k_exit_ok;
  }
  const std::string& t = o.table;
  const auto cols = insp.columns(t);
  const auto pk = insp.primary_key(t);
  const auto uniques = insp.unique_constraints(t);
  const auto indexes = insp.indexes(t);
  const auto fks = insp.foreign_keys(t);
  const auto checks = insp.checks(t);
  auto index_elements = [](const IndexInfo& ix) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < ix.columns.size(); ++i) {
      out.push_back(!ix.columns[i].empty() || i >= ix.expressions.size() ? ix.columns[i]
                                                                         : ix.expressions[i]);
    }
    return out;
  };
  if (ctx.json()) {
    json jc = json::array();
    for (const auto& c : cols) {
      jc.push_back({{"name", c.name},
                    {"type", c.type_sql},
                    {"nullable", c.nullable},
                    {"default", opt_json(c.default_sql)},
                    {"autoincrement", c.autoincrement}});
    }
    json ju = json::array();
    for (const auto& u : uniques) ju.push_back({{"name", u.name}, {"columns", u.columns}});
    json ji = json::array();
    for (const auto& ix : indexes) {
      ji.push_back({{"name", ix.name},
                    {"unique", ix.unique},
                    {"elements", index_elements(ix)},
                    {"where", ix.where}});
    }
    json jf = json::array();
    for (const auto& fk : fks) {
      jf.push_back({{"name", fk.name},
                    {"columns", fk.columns},
                    {"referred_table", fk.referred_table},
                    {"referred_columns", fk.referred_columns},
                    {"on_delete", fk_action(fk.on_delete)},
                    {"on_update", fk_action(fk.on_update)}});
    }
    json jk = json::array();
    for (const auto& ck : checks) jk.push_back({{"name", ck.name}, {"condition", ck.condition}});
    ctx.out() << json{{"table", t},
                      {"columns", jc},
                      {"primary_key", {{"name", pk.name}, {"columns", pk.columns}}},
                      {"unique_constraints", ju},
                      {"indexes", ji},
                      {"foreign_keys", jf},
                      {"checks", jk}}
                     .dump(2)
              << '\n';
    return k_exit_ok;
  }
  ctx.out() << bold(ctx.color(), "table " + t) << "\n\n";
  Rows rows;
  for (const auto& c : cols) {
    rows.push_back({c.name, c.type_sql, c.nullable ? "yes" : "no", c.default_sql.value_or(""),
                    c.autoincrement ? "yes" : ""});
  }
  print_table(ctx.out(), ctx.color(), {"column", "type", "nullable", "default", "autoincrement"},
              rows);
  Rows cons;
  auto cols_text = [](const std::vector<std::string>& c) { return "(" + joined(c) + ")"; };
  if (!pk.columns.empty()) cons.push_back({"primary key", pk.name, cols_text(pk.columns)});
  for (const auto& u : uniques) cons.push_back({"unique", u.name, cols_text(u.columns)});
  for (const auto& ix : indexes) {
    std::string def = cols_text(index_elements(ix));
    if (!ix.where.empty()) def += " WHERE " + ix.where;
    cons.push_back({ix.unique ? "unique index" : "index", ix.name, def});
  }
  for (const auto& fk : fks) {
    std::string def =
        cols_text(fk.columns) + " -> " + fk.referred_table + cols_text(fk.referred_columns);
    if (fk.on_delete != FkAction::no_action) def += " on delete " + fk_action(fk.on_delete);
    if (fk.on_update != FkAction::no_action) def += " on update " + fk_action(fk.on_update);
    cons.push_back({"foreign key", fk.name, def});
  }
  for (const auto& ck : checks) cons.push_back({"check", ck.name, ck.condition});
  if (!cons.empty()) {
    ctx.out() << '\n';
    print_table(ctx.out(), ctx.color(), {"constraint", "name", "definition"}, cons);
  }
  return k_exit_ok;
}

/// The message for a URL that does not parse, names no known backend or has a bad setting.
std::string bad_url(const std::exception& e, const std::string& url) {
  return scrub(e.what(), url) + " (in " + redacted(url) +
         "); fix --url or DATABASE_URL, e.g. sqlite:///app.db or "
         "postgresql://user:password@host/dbname";
}

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

Context::Context(const Application& app, std::string url, std::ostream& out, std::ostream& err,
                 bool json, bool color)
    : app_(&app), url_(std::move(url)), out_(&out), err_(&err), json_(json), color_(color) {}

std::string Context::display_url() const {
  return redacted(url_);
}

Engine& Context::engine() {
  if (engine_) return *engine_;
  std::optional<Engine> opened;
  // Commands that only look never create a database file or its folder.
  const std::string url =
      creates_database_
          ? url_
          : url_ + (url_.find('?') == std::string::npos ? "?" : "&") + "create_database=false";
  try {
    opened.emplace(app_->open_engine ? app_->open_engine(url) : create_engine(Url::parse(url)));
  } catch (const ArgumentError& ex) {
    throw ArgumentError(bad_url(ex, url_));
  }
  Engine e = std::move(*opened);
  try {
    e.connect();
  } catch (const DatabaseError& ex) {
    std::string what = scrub(ex.what(), url_);
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
  add("status", "Show the current revision, head and pending revisions", cmd_status)
      ->add_flag("--check", o.check, "Exit 2 when revisions are pending");
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
    try {
      (void)dialect_for(Url::parse(url));
    } catch (const ArgumentError& e) {
      throw ArgumentError(bad_url(e, url));
    }
    Context ctx(app, url, out, err, o.json, color);
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
