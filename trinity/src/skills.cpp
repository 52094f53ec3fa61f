// SkillsOperations: agent_skills (unique agent_name, skill_name).
//
// Agent existence is read from agent_ownership directly (as PermissionOperations does): an agent
// counts as registered while its row exists and is not soft-deleted (deleted_at IS NULL).
#include "trinity/db/skills.hpp"

#include "operation.hpp"

#include <set>

#include "agent_rules.hpp"
#include "text.hpp"

namespace trinity::db {

namespace {

std::string checked_skill(const std::string& skill_name) {
  return checked_name(skill_name, "skill name");
}

// INSERT ... ON CONFLICT DO NOTHING RETURNING the assignment: no row when the agent has it.
std::optional<AgentSkill> insert_skill(Connection& c, const Db& db, const std::string& agent,
                                       const std::string& skill, const std::string& assigned_by) {
  const auto& [k, m] = std::tie(db.schema().agent_skills, db.models().agent_skill);
  return m.insert_new(c,
                      {{k.agent_name, agent},
                       {k.skill_name, skill},
                       {k.assigned_by, assigned_by},
                       {k.assigned_at, now()}},
                      {k.agent_name, k.skill_name});
}

}  // namespace

std::vector<AgentSkill> SkillsOperations::get_agent_skills(const std::string& agent_name) {
  const auto& [k, m] = std::tie(db_.schema().agent_skills, db_.models().agent_skill);
  return db_.all(m, m.select().where(k.agent_name == agent_name).order_by({k.skill_name}));
}

std::vector<std::string> SkillsOperations::get_agent_skill_names(const std::string& agent_name) {
  const auto& k = db_.schema().agent_skills;
  return db_.read([&](Connection& c) {
    return c
        .execute(select(k.skill_name).where(k.agent_name == agent_name).order_by({k.skill_name}))
        .scalars<std::string>();
  });
}

std::optional<AgentSkill> SkillsOperations::assign_skill(const std::string& agent_name,
                                                         const std::string& skill_name,
                                                         const std::string& assigned_by) {
  const std::string skill = checked_skill(skill_name);
  return db_.run([&](Connection& c) -> std::optional<AgentSkill> {
    if (!is_registered(c, db_.schema(), agent_name)) return std::nullopt;
    return insert_skill(c, db_, agent_name, skill, assigned_by);  // nullopt: assigned already
  });
}

bool SkillsOperations::unassign_skill(const std::string& agent_name,
                                      const std::string& skill_name) {
  const std::string skill = checked_skill(skill_name);
  return db_.run([&](Connection& c) {
    const auto& k = db_.schema().agent_skills;
    return c.execute(delete_from(k).where(k.agent_name == agent_name && k.skill_name == skill))
               .rowcount() > 0;
  });
}

std::int64_t SkillsOperations::set_agent_skills(const std::string& agent_name,
                                                const std::vector<std::string>& skill_names,
                                                const std::string& assigned_by) {
  std::set<std::string> skills;
  for (const auto& name : skill_names) skills.insert(checked_skill(name));
  return db_.run([&](Connection& c) {
    const auto& k = db_.schema().agent_skills;
    if (!is_registered(c, db_.schema(), agent_name))
      throw NotFoundError("trinity-db: cannot set the skills of '" + agent_name +
                          "': no such agent");
    // The skills that go are deleted, the kept ones keep their row, the new ones are assigned.
    std::vector<Value> keep(skills.begin(), skills.end());
    c.execute(delete_from(k).where(k.agent_name == agent_name && k.skill_name.not_in(keep)));
    for (const auto& skill : skills) (void)insert_skill(c, db_, agent_name, skill, assigned_by);
    return static_cast<std::int64_t>(skills.size());
  });
}

std::int64_t SkillsOperations::delete_agent_skills(const std::string& agent_name) {
  return db_.run([&](Connection& c) {
    const auto& k = db_.schema().agent_skills;
    const auto n = c.execute(delete_from(k).where(k.agent_name == agent_name)).rowcount();
    return n > 0 ? n : std::int64_t{0};
  });
}

bool SkillsOperations::is_skill_assigned(const std::string& agent_name,
                                         const std::string& skill_name) {
  const std::string skill = checked_skill(skill_name);
  const auto& k = db_.schema().agent_skills;
  return db_.read([&](Connection& c) {
    return c.execute(select(k.id).where(k.agent_name == agent_name && k.skill_name == skill))
        .first()
        .has_value();
  });
}

std::vector<std::string> SkillsOperations::get_agents_with_skill(const std::string& skill_name) {
  const std::string skill = checked_skill(skill_name);
  const auto& k = db_.schema().agent_skills;
  return db_.read([&](Connection& c) {
    return c.execute(select(k.agent_name).where(k.skill_name == skill).order_by({k.agent_name}))
        .scalars<std::string>();
  });
}

}  // namespace trinity::db
