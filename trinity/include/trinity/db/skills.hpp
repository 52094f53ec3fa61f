// SkillsOperations: which skills each agent has (table agent_skills, one row per agent and skill,
// unique on the pair).
//
//   dbm.skills().assign_skill("coder", "git-review", "ada");        // the new row, or nullopt
//   dbm.skills().set_agent_skills("coder", {"git-review", "python"}, "ada");
//
// Rules (where the original left them open):
// - Skill names are trimmed before they are stored or looked up; an empty one (or one longer
//   than 255 characters, or holding a control character) is std::invalid_argument, checked
//   before any statement.
// - Skills are given only to registered agents (a row in agent_ownership not soft-deleted), as
//   permissions are: assign_skill() to an unknown agent makes nothing and returns nullopt,
//   set_agent_skills() throws NotFoundError. Reads and deletes take any name (the rows of an
//   agent that is gone can still be listed and removed).
// - Assigning a skill the agent has is not an error: assign_skill() returns nullopt and the
//   existing row (who assigned it, when) is kept. One INSERT ... ON CONFLICT DO NOTHING, so two
//   callers assigning the same skill at once make one row.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

namespace trinity::db {

class Db;

/// One skill of an agent.
struct AgentSkill {
  std::int64_t id = 0;
  std::string agent_name;
  std::string skill_name;
  /// Who assigned it (a username).
  std::string assigned_by;
  sqlcore::Timestamp assigned_at;
  std::optional<std::string> source_id;
  std::optional<std::string> delivery_status;
  /// The agent that assigned it, when an agent did.
  std::optional<std::string> assigned_by_agent;
  /// Assigned to this agent on its own (not through a group).
  bool individual = true;
};

class SkillsOperations {
 public:
  explicit SkillsOperations(Db& db) : db_(db) {}

  /// The agent's skills, ordered by skill name.
  std::vector<AgentSkill> get_agent_skills(const std::string& agent_name);
  /// The names of the agent's skills, sorted.
  std::vector<std::string> get_agent_skill_names(const std::string& agent_name);
  /// The new assignment (assigned_at = now); nullopt when the agent has the skill already (the
  /// stored row is kept) or is not registered.
  std::optional<AgentSkill> assign_skill(const std::string& agent_name,
                                         const std::string& skill_name,
                                         const std::string& assigned_by);
  /// True when the agent had the skill.
  bool unassign_skill(const std::string& agent_name, const std::string& skill_name);
  /// Makes `skill_names` (duplicates ignored) the agent's whole set in one transaction: skills
  /// it keeps keep their row, the others are removed, the new ones assigned by `assigned_by`.
  /// Returns the size of the new set. All or nothing: a bad name is std::invalid_argument and an
  /// agent that is not registered a NotFoundError, and the old set stays.
  std::int64_t set_agent_skills(const std::string& agent_name,
                                const std::vector<std::string>& skill_names,
                                const std::string& assigned_by);
  /// Removes every skill of the agent; returns how many.
  std::int64_t delete_agent_skills(const std::string& agent_name);
  bool is_skill_assigned(const std::string& agent_name, const std::string& skill_name);
  /// The agents that have the skill, sorted.
  std::vector<std::string> get_agents_with_skill(const std::string& skill_name);

 private:
  Db& db_;
};

}  // namespace trinity::db
