// History: the ordered revisions, checked when built (unique ids, order, no gaps).
#include "sqlcore/migrate/migrate.hpp"

#include <set>

#include "migrate/migrate_internal.hpp"
#include "sqlcore/core/error.hpp"

namespace sqlcore::migrate {

std::string known_ids(const History& h) {
  std::string out;
  for (const Revision& r : h.revisions()) out += (out.empty() ? "" : ", ") + r.id;
  return out.empty() ? "(none)" : out;
}

// ---- History ----------------------------------------------------------------------------------

History::History(std::vector<Revision> revisions) : revisions_(std::move(revisions)) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < revisions_.size(); ++i) {
    const Revision& r = revisions_[i];
    if (r.id.empty())
      throw ArgumentError("migration history: revision #" + std::to_string(i + 1) +
                          " has an empty id; give every revision a unique id");
    if (r.id == kBase)
      throw ArgumentError(
          "migration history: 'base' is reserved (it means: no revision); rename "
          "revision #" +
          std::to_string(i + 1));
    if (r.id.size() > 64)
      throw ArgumentError("migration history: revision id '" + r.id +
                          "' is longer than 64 characters");
    if (!seen.insert(r.id).second)
      throw ArgumentError("migration history: duplicate revision id '" + r.id +
                          "'; every revision needs its own id");
    if (!r.upgrade)
      throw ArgumentError("migration history: revision '" + r.id + "' has no upgrade function");
    if (!r.follows.empty() && i == 0)
      throw ArgumentError("migration history: revision '" + r.id + "' follows '" + r.follows +
                          "', but it is the first revision: '" + r.follows +
                          "' is missing from the history (or clear `follows`)");
    if (!r.follows.empty() && r.follows != revisions_[i - 1].id)
      throw ArgumentError("migration history: revision '" + r.id + "' follows '" + r.follows +
                          "', but the revision before it is '" + revisions_[i - 1].id + "'" +
                          (seen.count(r.follows) ? ": the order is wrong"
                                                 : ": '" + r.follows + "' is missing (a gap)") +
                          ". Restore the missing revision or fix the order.");
  }
}

std::optional<std::string> History::head() const {
  if (revisions_.empty()) return std::nullopt;
  return revisions_.back().id;
}

const Revision* History::find(std::string_view id) const {
  auto i = index_of(id);
  return i ? &revisions_[*i] : nullptr;
}

std::optional<std::size_t> History::index_of(std::string_view id) const {
  for (std::size_t i = 0; i < revisions_.size(); ++i)
    if (revisions_[i].id == id) return i;
  return std::nullopt;
}

}  // namespace sqlcore::migrate
