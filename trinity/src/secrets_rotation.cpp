// Key rotation: every secret column's values opened and sealed again, in one transaction.
#include "trinity/db/secrets_rotation.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <sstream>

#include <sqlcore/engine/connection.hpp>
#include <sqlcore/engine/transaction.hpp>
#include <sqlcore/sql/dml.hpp>
#include <sqlcore/sql/select.hpp>

#include "trinity/db/schema.hpp"

namespace trinity::db {

namespace {

// "id = 'abc'" or "id = 7": the row's key, for errors (a key is no secret).
std::string row_key(const SecretColumn& sc, const sqlcore::Value& key) {
  const std::string value = key.is_null() ? "NULL"
                            : key.kind() == sqlcore::Value::Kind::integer
                                ? std::to_string(key.int_unchecked())
                                : "'" + key.as<std::string>(sc.key_column) + "'";
  return std::string(sc.key_column) + " = " + value;
}

// Walks every value of every secret column on `c` (in the caller's transaction): opens it with
// `current` (or `with_new` when it names the new key) and, when `new_key` is given, stores it
// sealed under that key.
SecretRotationReport walk(sqlcore::Connection& c, const Secrets& current, const Secrets* with_new) {
  SecretRotationReport report;
  std::set<std::string> old_ids;
  for (const SecretColumn& sc : secret_columns()) {
    const sqlcore::Table& t = schema().metadata.table(sc.table);
    const sqlcore::Column& key = t.c(sc.key_column);
    const sqlcore::Column& col = t.c(sc.column);
    const std::string where = sc.qualified();
    SecretRotationReport::Column counted{where, 0};
    auto rows = c.execute(sqlcore::select(key, col)
                              .select_from(t)
                              .where(sqlcore::Expr(col).is_not_null())
                              .order_by({key})
                              .for_update())
                    .all();
    for (const sqlcore::Row& r : rows) {
      const std::string stored = r[sc.column].as<std::string>(sc.column);
      const std::string id = Secrets::key_id_of(stored);
      const bool under_new = with_new && id == with_new->current_key_id();
      std::string plain;
      try {
        plain = (under_new ? *with_new : current).open(stored, where);
      } catch (const SecretError& e) {
        throw SecretRotationError("the secret in " + where + " of the row " +
                                  row_key(sc, r[sc.key_column]) + " does not open: " + e.what() +
                                  "; nothing was changed");
      }
      old_ids.insert(id);
      if (with_new) {
        c.execute(sqlcore::update(t)
                      .set({{col, with_new->seal(plain, where)}})
                      .where(sqlcore::Expr(key) == r[sc.key_column]));
      }
      ++counted.values;
    }
    report.columns.push_back(std::move(counted));
  }
  report.old_key_ids.assign(old_ids.begin(), old_ids.end());
  return report;
}

}  // namespace

std::int64_t SecretRotationReport::total() const {
  std::int64_t n = 0;
  for (const auto& c : columns) n += c.values;
  return n;
}

std::string SecretRotationReport::summary() const {
  std::ostringstream o;
  o << (dry_run ? "checked " : "re-sealed ") << total() << " secret value(s)"
    << (dry_run ? ": every one opens with the configured keys\n"
                : " under key " + new_key_id + "\n");
  for (const auto& c : columns) o << "  " << c.column << ": " << c.values << "\n";
  o << "sealed under key(s): ";
  for (std::size_t i = 0; i < old_key_ids.size(); ++i) o << (i ? ", " : "") << old_key_ids[i];
  if (old_key_ids.empty()) o << "(none)";
  if (!dry_run) o << " -> " << new_key_id;
  o << "\n";
  if (!dry_run) {
    o << "Now set TRINITY_ENCRYPTION_KEY (or TRINITY_ENCRYPTION_KEY_FILE) to the new key and "
         "restart every instance; keep the old key in TRINITY_ENCRYPTION_OLD_KEYS until all of "
         "them run with the new key.\n";
  }
  return o.str();
}

std::string SecretRotationReport::to_json() const {
  nlohmann::json j;
  j["dry_run"] = dry_run;
  j["values"] = total();
  nlohmann::json cols = nlohmann::json::object();
  for (const auto& c : columns) cols[c.column] = c.values;
  j["columns"] = cols;
  j["old_key_ids"] = old_key_ids;
  j["new_key_id"] = new_key_id;
  return j.dump(2);
}

SecretRotationReport rotate_secrets(sqlcore::Engine& engine, const Secrets& current,
                                    const SecretKey& new_key) {
  const Secrets with_new(new_key);
  auto c = engine.connect();
  auto tx = c.begin();
  SecretRotationReport report = walk(c, current, &with_new);
  tx.commit();
  report.new_key_id = new_key.id();
  return report;
}

SecretRotationReport check_secrets(sqlcore::Engine& engine, const Secrets& current) {
  auto c = engine.connect();
  auto tx = c.begin();  // one snapshot; rolled back (nothing is written)
  SecretRotationReport report = walk(c, current, nullptr);
  report.dry_run = true;
  return report;
}

}  // namespace trinity::db
