// A dialect's compilations of expression statements, by shape (internal): the SQL and slots of a
// select() or insert()/update()/delete_from() built on every call are made once per shape and
// reused, with each execution's own literals (see shape.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "sqlcore/sql/text.hpp"

namespace sqlcore::detail {

struct Shape;

class CompileCache {
 public:
  /// Bounded: each of kShards shards keeps its kPerShard most recently used shapes.
  static constexpr std::size_t kShards = 8;
  static constexpr std::size_t kPerShard = 128;

  using Build = std::function<std::shared_ptr<const CompiledStatement>()>;
  /// The compilation for `shape`, made by `build` when the shape is new. In builds with
  /// SQLCORE_CHECK_COMPILE_CACHE every hit is compiled again and compared (a logic_error on a
  /// difference: the shape walk missed something the compiler reads).
  std::shared_ptr<const CompiledStatement> get(const Shape& shape, const Build& build);

 private:
  struct Entry {
    std::shared_ptr<const CompiledStatement> compiled;
    std::uint64_t used = 0;
  };
  struct ShardData {
    mutable std::mutex mu;
    std::unordered_map<std::string, Entry> entries;
    std::uint64_t clock = 0;
  };
  ShardData shards_[kShards];
};

}  // namespace sqlcore::detail
