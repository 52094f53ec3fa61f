// Offline mode: the revisions run on a schema model instead of a database, and the SQL script.
#include "sqlcore/migrate/migrate.hpp"

#include <algorithm>

#include "migrate/migrate_internal.hpp"
#include "migrate/model.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"

namespace sqlcore::migrate {

// ---- offline mode ----------------------------------------------------------------------------

std::vector<std::string> tables_at(const History& history, const Dialect& dialect,
                                   std::optional<std::string> revision) {
  if (!revision || *revision == kBase) return {};
  auto target = history.index_of(*revision);
  if (!target)
    throw ArgumentError("unknown revision '" + *revision + "' (known: " + known_ids(history) + ")");
  detail::SchemaModel model;
  for (std::size_t i = 0; i <= *target; ++i) {
    const Revision& rev = history.revisions()[i];
    std::vector<std::string> statements;
    MigrationContext ctx(dialect, model, statements, rev.id);
    rev.upgrade(ctx);
  }
  return model.table_names();
}

std::vector<OfflineRevision> offline_upgrade(const History& history, const Dialect& dialect,
                                             std::optional<std::string> from,
                                             std::optional<std::string> to) {
  long start = -1;
  if (from && *from != kBase) {
    auto i = history.index_of(*from);
    if (!i)
      throw ArgumentError("offline upgrade: unknown start revision '" + *from +
                          "' (known: " + known_ids(history) + ", or 'base' for none)");
    start = static_cast<long>(*i);
  }
  long target = static_cast<long>(history.size()) - 1;
  if (to) {
    auto i = history.index_of(*to);
    if (!i)
      throw ArgumentError("offline upgrade: unknown revision '" + *to +
                          "' (known: " + known_ids(history) + ")");
    target = static_cast<long>(*i);
  }
  if (target < start)
    throw ArgumentError("offline upgrade: '" + to.value_or("head") + "' comes before '" +
                        from.value_or("base") + "'");
  // The revisions up to `from` run too, unrecorded: they build the model the later ones read.
  detail::SchemaModel model;
  std::vector<OfflineRevision> out;
  for (long i = 0; i <= target; ++i) {
    const Revision& rev = history.revisions()[static_cast<std::size_t>(i)];
    std::vector<std::string> statements;
    try {
      MigrationContext ctx(dialect, model, statements, rev.id);
      rev.upgrade(ctx);
    } catch (const MigrationError&) {
      throw;
    } catch (const std::exception& e) {
      throw MigrationError(
          rev.id, "offline upgrade of revision '" + rev.id + "' (" + rev.message +
                      ") failed: " + e.what() +
                      (dynamic_cast<const ArgumentError*>(&e)
                           ? " (offline, the schema is a model that follows the MigrationContext "
                             "operations only: a table made or changed through execute(sql) is "
                             "not in it)"
                           : ""));
    }
    if (i > start) out.push_back({rev.id, rev.message, std::move(statements)});
  }
  return out;
}

std::string upgrade_script(const History& history, const Dialect& dialect,
                           std::optional<std::string> from, std::optional<std::string> to,
                           const MigratorOptions& options) {
  const auto revisions = offline_upgrade(history, dialect, from, to);
  const std::string vt = dialect.quote_identifier(options.version_table);
  std::string out = "-- sqlcore offline upgrade (" + std::string(dialect.name()) +
                    "): " + from.value_or(std::string(kBase)) + " -> " +
                    to.value_or(history.head().value_or(std::string(kBase))) + "\n";
  out += "CREATE TABLE IF NOT EXISTS " + vt + " (" + dialect.quote_identifier("version_num") +
         " VARCHAR(64) NOT NULL);\n";
  for (const OfflineRevision& r : revisions) {
    std::string message = r.message;
    std::replace(message.begin(), message.end(), '\n', ' ');
    out += "\n-- revision " + r.id + ": " + message + "\n";
    for (const std::string& sql : dialect.migration_prepare_sql()) out += sql + ";\n";
    out += "BEGIN;\n";
    for (const std::string& sql : r.statements) out += sql + ";\n";
    out += "DELETE FROM " + vt + ";\n";
    out += "INSERT INTO " + vt + " (" + dialect.quote_identifier("version_num") + ") VALUES (" +
           dialect.literal_sql(Value(r.id), types::Text) + ");\nCOMMIT;\n";
    for (const std::string& sql : dialect.migration_finish_sql()) out += sql + ";\n";
  }
  return out;
}

}  // namespace sqlcore::migrate
