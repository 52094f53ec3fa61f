// The one exception hierarchy of sqlcore, modelled on DB-API and the same on every backend.
//
//   Error
//   ├── ArgumentError        misuse: malformed URL, missing bind, wrong type read from a row
//   ├── CompileError         a construct the dialect cannot express
//   ├── ResultError          one() found no row or several
//   └── DatabaseError        the database refused or failed; carries backend, SQLSTATE, SQL...
//       ├── IntegrityError   a constraint was violated (kind(): unique, foreign_key, ...)
//       ├── OperationalError connection lost, busy/locked, pool timeout, serialization failure
//       │   └── InDoubtError the connection failed during COMMIT (or an autocommit write): the
//       │                    work may or may not have been committed
//       ├── ProgrammingError syntax error, unknown table or column
//       └── DataError        a value out of range or of the wrong form for its column
//
// Messages name the backend, show the SQL (placeholders only: bound values are never printed) and
// the server's own words. Passwords never appear.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace sqlcore {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

class ArgumentError : public Error {
 public:
  using Error::Error;
};

class CompileError : public Error {
 public:
  using Error::Error;
};

class ResultError : public Error {
 public:
  using Error::Error;
};

/// Which constraint an IntegrityError violated.
enum class IntegrityKind { unique, foreign_key, not_null, check, other };
const char* to_string(IntegrityKind k);

/// Everything a driver knows about a failure, gathered in one place and turned into the right
/// exception by raise_database_error().
struct ErrorInfo {
  std::string backend;         // "sqlite", "postgresql"
  std::string sqlstate;        // five characters; SQLite codes are mapped to the nearest SQLSTATE
  int native_code = 0;         // SQLite extended result code; 0 for PostgreSQL
  std::string server_message;  // the server's own words (primary message, detail, hint)
  std::string sql;             // the statement, with placeholders; empty for connection errors
  std::string constraint;      // the constraint name when the server reports it
  bool transient = false;      // retrying the transaction may succeed (busy, deadlock, ...)
  bool disconnect = false;     // the connection is unusable and must be discarded
  bool in_doubt = false;       // the outcome of a commit is unknown (SQLSTATE 08007)
  bool timed_out = false;      // cancelled by the statement timeout (SQLSTATE 57014)
};

class DatabaseError : public Error {
 public:
  explicit DatabaseError(ErrorInfo info);

  const std::string& backend() const { return info_.backend; }
  const std::string& sqlstate() const { return info_.sqlstate; }
  int native_code() const { return info_.native_code; }
  const std::string& sql() const { return info_.sql; }
  const std::string& server_message() const { return info_.server_message; }
  const std::string& constraint_name() const { return info_.constraint; }
  /// True when the same transaction may succeed if retried (lock busy, deadlock, serialization).
  bool is_transient() const { return info_.transient; }
  /// True when the connection is gone; the pool discards it. This says nothing of the work: a
  /// connection lost inside a transaction took the work with it, but one lost during COMMIT may
  /// not have (see is_in_doubt()). Retry on is_transient(), not on this.
  bool is_disconnect() const { return info_.disconnect; }
  /// True when nobody can know whether the work was committed: the connection failed while
  /// COMMIT (or a single statement outside a transaction that may write) was under way. Never
  /// transient: retrying could do the work twice. Check whether it landed (look for the row an
  /// app-generated id names) before doing it again.
  bool is_in_doubt() const { return info_.in_doubt; }
  const ErrorInfo& info() const { return info_; }

 private:
  ErrorInfo info_;
};

class IntegrityError : public DatabaseError {
 public:
  IntegrityError(ErrorInfo info, IntegrityKind kind)
      : DatabaseError(std::move(info)), kind_(kind) {}
  IntegrityKind kind() const { return kind_; }

 private:
  IntegrityKind kind_;
};

class OperationalError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

/// The connection failed during COMMIT, or during a single statement that may write and ran
/// outside a transaction: the work may or may not have been committed (SQLSTATE 08007,
/// "transaction resolution unknown"; libpqxx calls it in_doubt_error). is_transient() is false,
/// is_disconnect() and is_in_doubt() are true.
class InDoubtError : public OperationalError {
 public:
  using OperationalError::OperationalError;
};

/// The statement ran longer than its statement timeout and was cancelled (SQLSTATE 57014).
/// Transient: the transaction may succeed when retried. The connection stays usable (inside a
/// transaction, PostgreSQL has aborted the transaction: roll it back).
class TimeoutError : public OperationalError {
 public:
  using OperationalError::OperationalError;
};

class ProgrammingError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

class DataError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

/// Throws the DatabaseError subclass that `info.sqlstate` calls for. The single place where a
/// SQLSTATE becomes an exception type; drivers fill ErrorInfo and call this.
[[noreturn]] void raise_database_error(ErrorInfo info);

/// `sql` cut to a length fit for a message.
std::string abbreviate_sql(std::string_view sql);

}  // namespace sqlcore
