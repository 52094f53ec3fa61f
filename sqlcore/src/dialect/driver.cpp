// DriverConnection's default bulk load: the prepared INSERTs the engine built, through
// execute_many (the backend's fastest INSERT path).
#include "sqlcore/dialect/driver.hpp"

namespace sqlcore {

std::int64_t DriverConnection::execute_batched(const std::string& sql, const std::string& batch_sql,
                                               std::size_t batch_rows,
                                               std::span<const Value* const> params,
                                               std::size_t rows) {
  if (rows == 0) return 0;
  const std::size_t n = params.size() / rows;
  const std::size_t batches = batch_sql.empty() || batch_rows < 2 ? 0 : rows / batch_rows;
  const std::size_t batched = batches * batch_rows;
  std::int64_t total = 0;
  if (batches > 0) total += execute_many(batch_sql, params.first(batched * n), batches);
  if (rows > batched) total += execute_many(sql, params.subspan(batched * n), rows - batched);
  return total;
}

std::int64_t DriverConnection::bulk_insert(const BulkInsert& load,
                                           std::span<const Value* const> values, std::size_t rows) {
  return execute_batched(load.insert_sql, load.batch_sql, load.batch_rows, values, rows);
}

}  // namespace sqlcore
