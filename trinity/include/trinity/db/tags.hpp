// TagOperations: free-form labels on agents (table agent_tags).
//
//   dbm.tags().set_agent_tags("agent-1", {"Prod", "team-a"});    // {"prod", "team-a"}
//   dbm.tags().get_agents_by_tags({"prod", "team-a"});           // agents with both
//
// Tags are normalised before they are stored or looked up: surrounding white space is trimmed
// and ASCII letters are lower-cased, so "Prod " and "prod" are one tag; an empty tag is
// std::invalid_argument. Lists of tags come back sorted and without duplicates. Tagging an agent
// that is not registered (agent_tags.agent_name is a foreign key to agent_ownership) is a
// NotFoundError (errors.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "trinity/db/db.hpp"
#include "trinity/db/errors.hpp"

namespace trinity::db {

/// A tag and how many agents carry it.
struct TagWithCount {
  std::string tag;
  std::int64_t count = 0;
};

class TagOperations {
 public:
  explicit TagOperations(Db& db) : db_(db) {}

  /// The agent's tags, sorted.
  std::vector<std::string> get_agent_tags(const std::string& agent_name);
  /// Makes `tags` the agent's whole set in one transaction (tags it keeps keep their
  /// created_at); returns the new set, sorted.
  std::vector<std::string> set_agent_tags(const std::string& agent_name,
                                          const std::vector<std::string>& tags);
  /// Adds one tag (already there: nothing changes); returns the agent's tags.
  std::vector<std::string> add_tag(const std::string& agent_name, const std::string& tag);
  /// Removes one tag (not there: nothing changes); returns the agent's tags.
  std::vector<std::string> remove_tag(const std::string& agent_name, const std::string& tag);
  /// Every tag in use with its number of agents, most used first (ties by tag).
  std::vector<TagWithCount> list_all_tags();
  /// The agents carrying `tag`, sorted.
  std::vector<std::string> get_agents_by_tag(const std::string& tag);
  /// The agents carrying every one of `tags` (AND), sorted; none for an empty list.
  std::vector<std::string> get_agents_by_tags(const std::vector<std::string>& tags);
  /// Removes every tag of the agent.
  void delete_agent_tags(const std::string& agent_name);
  /// agent -> its sorted tags, for each agent asked about (an agent without tags maps to an
  /// empty list), in one query.
  std::map<std::string, std::vector<std::string>> get_tags_for_agents(
      const std::vector<std::string>& agent_names);

 private:
  Db& db_;
};

}  // namespace trinity::db
