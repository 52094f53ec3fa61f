// TagOperations: agent_tags (primary key agent_name, tag), written with the portable upsert.
#include "trinity/db/tags.hpp"

#include "operation.hpp"

#include <set>

#include "text.hpp"

namespace trinity::db {

namespace {

std::set<std::string> normalize_all(const std::vector<std::string>& tags) {
  std::set<std::string> out;
  for (const auto& t : tags) out.insert(checked_tag(t));
  return out;
}

std::vector<Value> values_of(const std::set<std::string>& s) {
  return std::vector<Value>(s.begin(), s.end());
}

std::vector<std::string> tags_of(Connection& c, const AgentTags& t, const std::string& agent) {
  return c.execute(select(t.tag).where(t.agent_name == agent).order_by({t.tag}))
      .scalars<std::string>();
}

// Adds `tags` to `agent` (ON CONFLICT DO NOTHING keeps the ones it has). In a savepoint: an agent
// that is not registered (the foreign key to agent_ownership) is a NotFoundError.
void insert_tags(Connection& c, const AgentTags& t, const std::string& agent,
                 const std::set<std::string>& tags) {
  if (tags.empty()) return;
  try {
    Db::savepoint(c, [&](Connection& sc) {
      for (const auto& tag : tags)
        sc.execute(insert(t)
                       .values({{t.agent_name, agent}, {t.tag, tag}, {t.created_at, now()}})
                       .on_conflict({t.agent_name, t.tag})
                       .do_nothing());
    });
  } catch (const IntegrityError& e) {
    if (e.kind() != IntegrityKind::foreign_key) throw;
    throw NotFoundError("trinity-db: cannot tag agent '" + agent + "': no such agent");
  }
}

}  // namespace

std::vector<std::string> TagOperations::get_agent_tags(const std::string& agent_name) {
  return db_.read([&](Connection& c) { return tags_of(c, db_.schema().agent_tags, agent_name); });
}

std::vector<std::string> TagOperations::set_agent_tags(const std::string& agent_name,
                                                       const std::vector<std::string>& tags) {
  const auto wanted = normalize_all(tags);
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().agent_tags;
    // Only the tags that go are deleted; the kept ones keep their row (and created_at).
    c.execute(delete_from(t).where(t.agent_name == agent_name && t.tag.not_in(values_of(wanted))));
    insert_tags(c, t, agent_name, wanted);
    return tags_of(c, t, agent_name);
  });
}

std::vector<std::string> TagOperations::add_tag(const std::string& agent_name,
                                                const std::string& tag) {
  const std::string norm = checked_tag(tag);
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().agent_tags;
    insert_tags(c, t, agent_name, {norm});
    return tags_of(c, t, agent_name);
  });
}

std::vector<std::string> TagOperations::remove_tag(const std::string& agent_name,
                                                   const std::string& tag) {
  const std::string norm = checked_tag(tag);
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().agent_tags;
    c.execute(delete_from(t).where(t.agent_name == agent_name && t.tag == norm));
    return tags_of(c, t, agent_name);
  });
}

std::vector<TagWithCount> TagOperations::list_all_tags() {
  const auto& t = db_.schema().agent_tags;
  const Expr agents = count();
  std::vector<TagWithCount> out;
  db_.read([&](Connection& c) {
    for (const Row& r : c.execute(select(t.tag, agents.label("agent_count"))
                                      .group_by({t.tag})
                                      .order_by({agents.desc(), t.tag})))
      out.push_back({.tag = r.get(t.tag), .count = r.get<std::int64_t>("agent_count")});
  });
  return out;
}

std::vector<std::string> TagOperations::get_agents_by_tag(const std::string& tag) {
  const std::string norm = checked_tag(tag);
  const auto& t = db_.schema().agent_tags;
  return db_.read([&](Connection& c) {
    return c.execute(select(t.agent_name).where(t.tag == norm).order_by({t.agent_name}))
        .scalars<std::string>();
  });
}

std::vector<std::string> TagOperations::get_agents_by_tags(const std::vector<std::string>& tags) {
  const auto wanted = normalize_all(tags);
  if (wanted.empty()) return {};
  const auto& t = db_.schema().agent_tags;
  // Every tag (AND): the agents that have as many of the wanted tags as there are.
  return db_.read([&](Connection& c) {
    return c
        .execute(select(t.agent_name)
                     .where(t.tag.in_(values_of(wanted)))
                     .group_by({t.agent_name})
                     .having(count_distinct(t.tag) == static_cast<std::int64_t>(wanted.size()))
                     .order_by({t.agent_name}))
        .scalars<std::string>();
  });
}

void TagOperations::delete_agent_tags(const std::string& agent_name) {
  db_.run([&](Connection& c) {
    const auto& t = db_.schema().agent_tags;
    c.execute(delete_from(t).where(t.agent_name == agent_name));
  });
}

std::map<std::string, std::vector<std::string>> TagOperations::get_tags_for_agents(
    const std::vector<std::string>& agent_names) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& name : agent_names) out[name];
  if (out.empty()) return out;
  return db_.run([&](Connection& c) {
    const auto& t = db_.schema().agent_tags;
    std::vector<Value> names;
    for (const auto& [name, tags] : out) names.emplace_back(name);
    for (const Row& r : c.execute(select(t.agent_name, t.tag)
                                      .where(t.agent_name.in_(names))
                                      .order_by({t.agent_name, t.tag})))
      out[r.get(t.agent_name)].push_back(r.get(t.tag));
    return out;
  });
}

}  // namespace trinity::db
