// The source's tables that the MetaData does not describe (Options::unknown_tables and
// copy_reflected()): found and reflected from the source's catalog, and compared with the
// target's. Internal to transfer.
#pragma once

#include <string>
#include <vector>

#include "sqlcore/engine/connection.hpp"
#include "sqlcore/migrate/autogenerate.hpp"
#include "sqlcore/schema/metadata.hpp"

namespace sqlcore::transfer::detail {

/// One difference between a database and a MetaData, as an operator reads it.
std::string described(const migrate::Change& ch);

/// The tables of the database behind `conn` that `md` lacks and `ignore` does not name, sorted.
std::vector<std::string> unknown_tables(Connection& conn, const MetaData& md,
                                        const std::vector<std::string>& ignore);

/// Reflects the source's tables into `into` and returns those named by `names`, referenced
/// tables first. Refuses (TransferRefused, every one listed) a column whose type has no portable
/// equivalent: its values could change on the way.
std::vector<const Table*> reflect_tables(Connection& source, const std::vector<std::string>& names,
                                         MetaData& into);

/// How the target's copies of `tables` differ from them ("target: ..." lines, as the drift
/// check words them); the tables the target lacks are added to `missing` instead.
std::string target_differences(Connection& target, const MetaData& reflected,
                               const std::vector<const Table*>& tables,
                               std::vector<std::string>& missing);

}  // namespace sqlcore::transfer::detail
