// Compiling expression statements (internal): a SelectData or DmlData through its dialect's
// SqlCompiler, and the per-statement cache that keeps one compilation per dialect.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "nodes.hpp"
#include "sqlcore/sql/compiler.hpp"
#include "sqlcore/sql/text.hpp"

namespace sqlcore::detail {

std::shared_ptr<const CompiledStatement> compile_select(const SelectData& s, const Dialect& d,
                                                        const LiteralIndex* literals = nullptr);
/// `fresh_binds_per_row`: each INSERT row gets its own placeholders even for a bindparam name
/// another row uses (the batch form of a one-row INSERT, see Dml::compile_batch).
std::shared_ptr<const CompiledStatement> compile_dml(const DmlData& s, const Dialect& d,
                                                     const LiteralIndex* literals = nullptr,
                                                     bool fresh_binds_per_row = false);

/// One compilation per dialect, built on first use. The first dialect's is readable without a
/// lock once published (most programs use one dialect).
struct StatementCache {
  /// The statement's literals (Shape::literals), set by the first compilation, which runs under
  /// `mu` (get()'s build) and is published with it. A plain flag under that lock, not a
  /// std::call_once: glibc's pthread_once makes a futex system call each time it runs, and a
  /// statement built per call compiles (here: looks its shape up) once per call.
  bool shaped = false;
  std::vector<const Value*> literals;
  std::mutex mu;
  // A deque: references to entries stay valid as entries are added.
  std::deque<std::pair<const Dialect*, std::shared_ptr<const CompiledStatement>>> entries;
  std::shared_ptr<const CompiledStatement> first;
  std::atomic<const Dialect*> first_dialect{nullptr};

  template <class Build>
  const std::shared_ptr<const CompiledStatement>& get(const Dialect& d, Build&& build) {
    if (first_dialect.load(std::memory_order_acquire) == &d) return first;
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& [dialect, compiled] : entries)
      if (dialect == &d) return compiled;
    entries.emplace_back(&d, build());
    if (first_dialect.load(std::memory_order_relaxed) == nullptr) {
      first = entries.back().second;
      first_dialect.store(&d, std::memory_order_release);
    }
    return entries.back().second;
  }
};

/// A select's or DML statement's compilation for `d` through `cache` (the statement's own, one
/// per dialect) and the dialect's compile cache (one per shape); records the statement's
/// literals in `cache` on first use.
const std::shared_ptr<const CompiledStatement>& compile_cached(StatementCache& cache,
                                                               const SelectData& s,
                                                               const Dialect& d);
const std::shared_ptr<const CompiledStatement>& compile_cached(StatementCache& cache,
                                                               const DmlData& s, const Dialect& d);

}  // namespace sqlcore::detail
