// The compile cache: sharded, bounded by least recent use; compilation runs outside the lock.
#include "compile_cache.hpp"

#include <stdexcept>

#include "shape.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "statement_cache.hpp"

namespace sqlcore::detail {

namespace {

#ifdef SQLCORE_CHECK_COMPILE_CACHE
bool same_slot(const BindSlot& a, const BindSlot& b) {
  if (a.source != b.source || a.literal != b.literal || a.offset_us != b.offset_us ||
      a.column != b.column || a.type.has_value() != b.type.has_value() || a.label != b.label)
    return false;
  if (a.type && !(*a.type == *b.type)) return false;
  // A fixed value that is not a literal comes from the structure: it must be the same.
  return a.source != BindSlot::Source::fixed || a.literal != BindSlot::kNoLiteral ||
         a.value == b.value;
}

void check_same(const CompiledStatement& cached, const CompiledStatement& fresh) {
  bool same = cached.sql == fresh.sql && cached.param_names == fresh.param_names &&
              cached.slots.size() == fresh.slots.size() &&
              cached.params_only == fresh.params_only &&
              cached.result_types.size() == fresh.result_types.size();
  for (std::size_t i = 0; same && i < cached.slots.size(); ++i)
    same = same_slot(cached.slots[i], fresh.slots[i]);
  for (std::size_t i = 0; same && i < cached.result_types.size(); ++i)
    same = cached.result_types[i].has_value() == fresh.result_types[i].has_value() &&
           (!cached.result_types[i] || *cached.result_types[i] == *fresh.result_types[i]);
  if (!same)
    throw std::logic_error(
        "sqlcore: compile cache: two statements of one shape compiled "
        "differently:\n  " +
        cached.sql + "\n  " + fresh.sql);
}
#endif

}  // namespace

std::shared_ptr<const CompiledStatement> CompileCache::get(const Shape& shape, const Build& build) {
  ShardData& shard = shards_[std::hash<std::string>{}(shape.key) % kShards];
  std::shared_ptr<const CompiledStatement> hit;
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.entries.find(shape.key);
    if (it != shard.entries.end()) {
      it->second.used = ++shard.clock;
      hit = it->second.compiled;
    }
  }
  if (hit) {
#ifdef SQLCORE_CHECK_COMPILE_CACHE
    check_same(*hit, *build());
#endif
    return hit;
  }
  std::shared_ptr<const CompiledStatement> made = build();
  std::lock_guard<std::mutex> lock(shard.mu);
  if (shard.entries.size() >= kPerShard) {
    // Full: forget the least recently used shape.
    auto oldest = shard.entries.begin();
    for (auto it = shard.entries.begin(); it != shard.entries.end(); ++it)
      if (it->second.used < oldest->second.used) oldest = it;
    shard.entries.erase(oldest);
  }
  // Another thread may have made it meanwhile: keep the first.
  auto it = shard.entries.try_emplace(shape.key, Entry{made, 0}).first;
  it->second.used = ++shard.clock;
  return it->second.compiled;
}

namespace {

template <class Data, class Compile>
const std::shared_ptr<const CompiledStatement>& cached(StatementCache& cache, const Data& s,
                                                       const Dialect& d, Compile compile) {
  return cache.get(d, [&] {  // under cache.mu
    Shape shape = shape_of(s);
    if (!cache.shaped) {
      cache.literals = shape.literals;
      cache.shaped = true;
    }
    return d.compile_cache().get(shape, [&] {
      const LiteralIndex index = literal_index(shape.literals);
      return compile(s, d, &index);
    });
  });
}

}  // namespace

const std::shared_ptr<const CompiledStatement>& compile_cached(StatementCache& cache,
                                                               const SelectData& s,
                                                               const Dialect& d) {
  return cached(cache, s, d, [](const SelectData& x, const Dialect& dd, const LiteralIndex* i) {
    return compile_select(x, dd, i);
  });
}

const std::shared_ptr<const CompiledStatement>& compile_cached(StatementCache& cache,
                                                               const DmlData& s, const Dialect& d) {
  return cached(cache, s, d, [](const DmlData& x, const Dialect& dd, const LiteralIndex* i) {
    return compile_dml(x, dd, i);
  });
}

}  // namespace sqlcore::detail
