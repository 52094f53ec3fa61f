// SystemViewOperations: system_views (filter_tags a JSON array of tags), with each view's
// agent_count read from agent_tags (one query for all the views a call returns).
#include "trinity/db/system_views.hpp"

#include "operation.hpp"

#include <map>
#include <set>

#include "agent_rules.hpp"
#include "text.hpp"

namespace trinity::db {

namespace {

// The tags normalised (as TagOperations stores them), sorted, without duplicates, as a JSON
// array.
Json checked_tags(const std::vector<std::string>& tags) {
  std::set<std::string> out;
  for (const auto& tag : tags) out.insert(checked_tag(tag));
  return Json(std::vector<std::string>(out.begin(), out.end()));
}

// The view a stored row holds: its filter tags read from the JSON array (strings only).
SystemView view_of(StoredSystemView row) {
  SystemView out = std::move(static_cast<SystemView&>(row));
  if (row.filter_tags_json.is_array())
    for (const Json& tag : row.filter_tags_json)
      if (tag.is_string()) out.filter_tags.push_back(tag.get<std::string>());
  return out;
}

// tag -> the registered agents carrying it, for each of `tags` that any agent carries (one query).
std::map<std::string, std::vector<std::string>> agents_by_tag(Connection& c, const Schema& s,
                                                              const std::set<std::string>& tags) {
  const auto& [t, a] = std::tie(s.agent_tags, s.agent_ownership);
  std::map<std::string, std::vector<std::string>> out;
  if (tags.empty()) return out;
  std::vector<Value> wanted(tags.begin(), tags.end());
  for (const Row& r : c.execute(select(t.tag, t.agent_name)
                                    .select_from(t)
                                    .join(a, a.agent_name == t.agent_name)
                                    .where(t.tag.in_(wanted) && registered(a))))
    out[r.get(t.tag)].push_back(r.get(t.agent_name));
  return out;
}

// The views of `rows` with their agent_count: the registered agents carrying any of a view's
// tags, read for all the views' tags in one query.
std::vector<SystemView> counted(Connection& c, const Db& db, std::vector<StoredSystemView> rows) {
  std::vector<SystemView> views;
  std::set<std::string> tags;
  for (auto& row : rows) {
    views.push_back(view_of(std::move(row)));
    tags.insert(views.back().filter_tags.begin(), views.back().filter_tags.end());
  }
  const auto agents = agents_by_tag(c, db.schema(), tags);
  for (auto& view : views) {
    std::set<std::string> names;
    for (const auto& tag : view.filter_tags)
      if (auto it = agents.find(tag); it != agents.end())
        names.insert(it->second.begin(), it->second.end());
    view.agent_count = static_cast<std::int64_t>(names.size());
  }
  return views;
}

// The one view `stmt` yields, with its agent_count; nullopt when none.
std::optional<SystemView> one_view(Db& db, const sqlcore::Executable& stmt) {
  return db.run([&](Connection& c) -> std::optional<SystemView> {
    auto row = db.models().system_view.optional(c, stmt);
    if (!row) return std::nullopt;
    return counted(c, db, {std::move(*row)}).front();
  });
}

std::vector<SystemView> all_views(Db& db, const Select& q) {
  return db.run([&](Connection& c) { return counted(c, db, db.models().system_view.all(c, q)); });
}

// Whether a view matching `where` exists.
bool any_view(Db& db, const Expr& where) {
  const auto& v = db.schema().system_views;
  return db.read(
      [&](Connection& c) { return c.execute(select(v.id).where(where)).first().has_value(); });
}

}  // namespace

SystemView SystemViewOperations::create_view(std::int64_t owner_id, const SystemViewCreate& data) {
  StoredSystemView row;
  row.id = new_id();
  row.name = checked_name(data.name, "view name");
  row.description = data.description;
  row.icon = data.icon;
  row.color = data.color;
  row.filter_tags_json = checked_tags(data.filter_tags);
  row.owner_id = owner_id;
  row.is_shared = data.is_shared;
  row.created_at = row.updated_at = Timestamp::now();
  return db_.run([&](Connection& c) {
    const auto& [u, m] = std::tie(db_.schema().users, db_.models().system_view);
    if (!c.execute(select(u.id).where(u.id == owner_id)).first())
      throw NotFoundError("trinity-db: cannot create a view for user " + std::to_string(owner_id) +
                          ": no such user");
    return counted(c, db_, {m.one(c, m.insert(m.values(row)))}).front();
  });
}

std::optional<SystemView> SystemViewOperations::get_view(const std::string& view_id) {
  const auto& v = db_.schema().system_views;
  return one_view(db_, db_.models().system_view.select().where(v.id == view_id));
}

std::vector<SystemView> SystemViewOperations::list_user_views(std::int64_t user_id) {
  const auto& v = db_.schema().system_views;
  return all_views(db_, db_.models()
                            .system_view.select()
                            .where(v.owner_id == user_id || v.is_shared == true)
                            .order_by({v.name, v.id}));
}

std::vector<SystemView> SystemViewOperations::list_all_views() {
  const auto& v = db_.schema().system_views;
  return all_views(db_, db_.models().system_view.select().order_by({v.name, v.id}));
}

std::optional<SystemView> SystemViewOperations::update_view(const std::string& view_id,
                                                            const SystemViewUpdate& data) {
  const auto& [v, m] = std::tie(db_.schema().system_views, db_.models().system_view);
  SystemViewUpdate checked = data;
  if (data.name) checked.name = checked_name(*data.name, "view name");
  auto set = db_.models().system_view_update.changes(checked);
  if (data.filter_tags) set.emplace_back(v.filter_tags, checked_tags(*data.filter_tags));
  set.emplace_back(v.updated_at, now());
  return one_view(db_, m.update(std::move(set)).where(v.id == view_id));
}

bool SystemViewOperations::delete_view(const std::string& view_id) {
  return db_.run([&](Connection& c) {
    const auto& v = db_.schema().system_views;
    return c.execute(delete_from(v).where(v.id == view_id)).rowcount() > 0;
  });
}

std::optional<std::int64_t> SystemViewOperations::get_view_owner(const std::string& view_id) {
  const auto& v = db_.schema().system_views;
  return db_.read([&](Connection& c) {
    return c.execute(select(v.owner_id).where(v.id == view_id))
        .scalar<std::optional<std::int64_t>>();
  });
}

bool SystemViewOperations::can_user_edit_view(std::int64_t user_id, const std::string& view_id,
                                              bool is_admin) {
  const auto& v = db_.schema().system_views;
  return any_view(db_, is_admin ? Expr(v.id == view_id) : v.id == view_id && v.owner_id == user_id);
}

bool SystemViewOperations::can_user_view(std::int64_t user_id, const std::string& view_id) {
  const auto& v = db_.schema().system_views;
  return any_view(db_, v.id == view_id && (v.owner_id == user_id || v.is_shared == true));
}

}  // namespace trinity::db
