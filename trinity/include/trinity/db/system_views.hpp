// SystemViewOperations: saved views of the agent list, each a set of tags filtering the agents
// (table system_views), owned by a user and optionally shared with every user.
//
//   auto v = dbm.system_views().create_view(ada.id, {.name = "Prod", .filter_tags = {"prod"}});
//   dbm.system_views().list_user_views(bob.id);     // bob's own views and the shared ones
//
// Rules (where the original left them open):
// - The name is trimmed and required (std::invalid_argument when empty, longer than 255
//   characters or holding a control character); filter tags are normalised as TagOperations
//   stores tags (trimmed, lower-cased, an empty one refused), kept sorted and without
//   duplicates. Bad input is refused before any statement.
// - Who may do what: the owner and admins edit a view; the owner and every user (when it is
//   shared) see it. An unknown view is false for both, admins included.
// - agent_count is how many registered agents (not soft-deleted) carry at least one of the
//   view's tags, computed for all the views a call returns with one more query.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sqlcore/core/time.hpp>

namespace trinity::db {

class Db;

struct SystemViewCreate {
  std::string name;
  std::optional<std::string> description = std::nullopt;
  std::optional<std::string> icon = std::nullopt;
  std::optional<std::string> color = std::nullopt;
  std::vector<std::string> filter_tags = {};
  bool is_shared = false;
};

/// The fields to change; the ones left nullopt keep their stored value.
struct SystemViewUpdate {
  std::optional<std::string> name = std::nullopt;
  std::optional<std::string> description = std::nullopt;
  std::optional<std::string> icon = std::nullopt;
  std::optional<std::string> color = std::nullopt;
  std::optional<std::vector<std::string>> filter_tags = std::nullopt;
  std::optional<bool> is_shared = std::nullopt;
};

struct SystemView {
  std::string id;
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> icon;
  std::optional<std::string> color;
  /// Stored as a JSON array of strings.
  std::vector<std::string> filter_tags;
  /// users.id of the owner.
  std::int64_t owner_id = 0;
  bool is_shared = false;
  std::optional<sqlcore::Timestamp> created_at;
  std::optional<sqlcore::Timestamp> updated_at;
  /// Registered agents carrying at least one of filter_tags (computed, not stored).
  std::int64_t agent_count = 0;
};

class SystemViewOperations {
 public:
  explicit SystemViewOperations(Db& db) : db_(db) {}

  /// The new view of `owner_id` (a new id, created_at = updated_at = now). An owner that is not
  /// a user is a NotFoundError.
  SystemView create_view(std::int64_t owner_id, const SystemViewCreate& data);
  std::optional<SystemView> get_view(const std::string& view_id);
  /// The views of `user_id` and every shared view, ordered by name (then id).
  std::vector<SystemView> list_user_views(std::int64_t user_id);
  /// Every view, ordered by name (then id).
  std::vector<SystemView> list_all_views();
  /// Changes the fields given in `data` (updated_at = now) and returns the view as stored;
  /// nullopt when there is no such view.
  std::optional<SystemView> update_view(const std::string& view_id, const SystemViewUpdate& data);
  /// True when the view existed.
  bool delete_view(const std::string& view_id);
  /// The owner's users.id; nullopt when there is no such view.
  std::optional<std::int64_t> get_view_owner(const std::string& view_id);
  /// True when the view exists and `user_id` owns it or `is_admin`.
  bool can_user_edit_view(std::int64_t user_id, const std::string& view_id, bool is_admin = false);
  /// True when the view exists and `user_id` owns it or it is shared.
  bool can_user_view(std::int64_t user_id, const std::string& view_id);

 private:
  Db& db_;
};

}  // namespace trinity::db
