// MetaData: registration, naming convention, dependency order, create_all and drop_all.
#include "sqlcore/schema/metadata.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>

#include "sqlcore/core/error.hpp"

namespace sqlcore {

namespace {

const char* const kTokens[] = {
    "table_name",          "column_0_name",          "column_0_N_name", "column_0N_name",
    "referred_table_name", "referred_column_0_name", "constraint_name",
};

void check_pattern(std::string_view what, const std::string& pattern) {
  if (pattern.empty())
    throw ArgumentError("naming convention for " + std::string(what) + " is empty");
  std::size_t pos = 0;
  while ((pos = pattern.find("%(", pos)) != std::string::npos) {
    auto end = pattern.find(")s", pos);
    if (end == std::string::npos)
      throw ArgumentError("naming convention for " + std::string(what) + ": '%(' without ')s'");
    std::string token = pattern.substr(pos + 2, end - pos - 2);
    bool known = false;
    for (const char* t : kTokens) known = known || token == t;
    if (!known)
      throw ArgumentError("naming convention for " + std::string(what) + ": unknown token '%(" +
                          token + ")s'");
    pos = end + 2;
  }
}

// Cuts a generated name to the identifier limit, keeping it unique with a hash of the whole.
std::string shorten(std::string name) {
  if (name.size() <= kMaxIdentifierLength) return name;
  std::uint32_t h = 2166136261u;
  for (unsigned char ch : name) h = (h ^ ch) * 16777619u;
  std::size_t keep = kMaxIdentifierLength - 9;
  // Do not cut a UTF-8 sequence in half.
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xc0) == 0x80) --keep;
  char buf[10];
  std::snprintf(buf, sizeof buf, "_%08x", h);
  return name.substr(0, keep) + buf;
}

}  // namespace

MetaData::MetaData(NamingConvention convention) : convention_(std::move(convention)) {
  check_pattern("primary keys", convention_.primary_key);
  check_pattern("unique constraints", convention_.unique);
  check_pattern("checks", convention_.check);
  check_pattern("foreign keys", convention_.foreign_key);
  check_pattern("indexes", convention_.index);
}

MetaData::~MetaData() {
  destroying_ = true;
  // Struct tables that outlive us must not call back; the tables we own go with us.
  for (const Table* t : tables_) {
    bool owned = std::any_of(owned_.begin(), owned_.end(),
                             [t](const std::unique_ptr<Table>& o) { return o.get() == t; });
    if (!owned) const_cast<Table*>(t)->metadata_ = nullptr;
  }
  owned_.clear();
}

void MetaData::register_table(Table* t) {
  if (find_table(t->name()))
    throw ArgumentError("table '" + t->name() + "' is declared twice in one MetaData");
  tables_.push_back(t);
}

void MetaData::forget_table(Table* t) {
  if (destroying_) return;
  tables_.erase(std::remove(tables_.begin(), tables_.end(), t), tables_.end());
}

Table& MetaData::add_table(std::string name) {
  owned_.push_back(std::make_unique<Table>(*this, std::move(name)));
  return *owned_.back();
}

const Table* MetaData::find_table(std::string_view name) const {
  for (const Table* t : tables_)
    if (t->name() == name) return t;
  return nullptr;
}

const Table& MetaData::table(std::string_view name) const {
  if (const Table* t = find_table(name)) return *t;
  std::string known;
  for (const Table* t : tables_) known += (known.empty() ? "" : ", ") + t->name();
  throw ArgumentError("no table '" + std::string(name) +
                      "' in this MetaData (tables: " + (known.empty() ? "none" : known) + ")");
}

std::vector<const Table*> MetaData::sorted_tables() const {
  // Depth-first, visiting tables in declaration order so the result is stable.
  std::map<const Table*, int> state;  // 0 new, 1 on the path, 2 done
  std::vector<const Table*> out;
  std::vector<const Table*> path;
  std::function<void(const Table*)> visit = [&](const Table* t) {
    int& s = state[t];
    if (s == 2) return;
    if (s == 1) {
      std::string cycle;
      auto it = std::find(path.begin(), path.end(), t);
      for (; it != path.end(); ++it) cycle += (*it)->name() + " -> ";
      cycle += t->name();
      throw ArgumentError("foreign keys form a cycle: " + cycle +
                          "; mark one of them .use_alter() so it is added after the tables");
    }
    s = 1;
    path.push_back(t);
    for (const ForeignKey& fk : t->foreign_keys()) {
      if (fk.is_use_alter() || fk.referred_table() == t->name()) continue;
      if (const Table* target = find_table(fk.referred_table())) visit(target);
    }
    path.pop_back();
    state[t] = 2;
    out.push_back(t);
  };
  for (const Table* t : tables_) visit(t);
  return out;
}

void MetaData::validate() const {
  for (const Table* t : tables_) t->validate();
  (void)sorted_tables();
  // Constraint and index names share one namespace per schema on PostgreSQL (indexes) and per
  // database on SQLite (indexes): a clash would fail half-way through create_all.
  std::map<std::string, std::string> index_names;
  for (const Table* t : tables_)
    for (const Index& ix : t->indexes()) {
      auto [it, fresh] = index_names.emplace(ix.name(), t->name());
      if (!fresh)
        throw ArgumentError("index name '" + ix.name() + "' is used twice (tables '" + it->second +
                            "' and '" + t->name() + "')");
    }
}

std::string MetaData::apply_convention(const std::string& pattern, const Table& table,
                                       const std::vector<const Column*>& columns,
                                       std::string_view referred_table,
                                       std::string_view referred_column,
                                       std::string_view constraint_name) const {
  std::string out;
  std::size_t pos = 0;
  while (pos < pattern.size()) {
    auto start = pattern.find("%(", pos);
    if (start == std::string::npos) {
      out.append(pattern, pos, std::string::npos);
      break;
    }
    out.append(pattern, pos, start - pos);
    auto end = pattern.find(")s", start);
    std::string token = pattern.substr(start + 2, end - start - 2);
    if (token == "table_name") {
      out += table.name();
    } else if (token == "column_0_name") {
      if (!columns.empty()) out += columns[0]->name();
    } else if (token == "column_0_N_name" || token == "column_0N_name") {
      for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i && token == "column_0_N_name") out += '_';
        out += columns[i]->name();
      }
    } else if (token == "referred_table_name") {
      out += referred_table;
    } else if (token == "referred_column_0_name") {
      out += referred_column;
    } else if (token == "constraint_name") {
      out += constraint_name;
    }
    pos = end + 2;
  }
  return shorten(std::move(out));
}

}  // namespace sqlcore
