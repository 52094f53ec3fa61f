// The SQLite driver's errors: SQLite result codes mapped to SQLSTATEs, in one place.
#include "sqlite_internal.hpp"

namespace sqlcore::sqlite_driver {

// The SQLSTATE closest to a SQLite extended result code (and, for the generic SQLITE_ERROR, to
// its message).
std::string sqlstate_for(int rc, std::string_view msg) {
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return "23505";
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return "23503";
    case SQLITE_CONSTRAINT_NOTNULL:
      return "23502";
    case SQLITE_CONSTRAINT_CHECK:
      return "23514";
    case SQLITE_CONSTRAINT_TRIGGER:
      // ON DELETE/UPDATE RESTRICT is enforced by an internal trigger in SQLite.
      if (contains(msg, "FOREIGN KEY constraint failed")) return "23503";
      break;
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return "23000";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "55P03";
    case SQLITE_INTERRUPT:
      return "57014";
    case SQLITE_NOMEM:
      return "53200";
    case SQLITE_FULL:
      return "53100";
    case SQLITE_READONLY:
      return "25006";
    case SQLITE_AUTH:
    case SQLITE_PERM:
      return "42501";
    case SQLITE_TOOBIG:
      return "54000";
    case SQLITE_MISMATCH:
      return "22000";
    case SQLITE_RANGE:
      return "22023";
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return "58030";
    case SQLITE_MISUSE:
      return "42000";
    case SQLITE_ERROR:
      if (contains(msg, "no such table")) return "42P01";
      if (contains(msg, "no such column")) return "42703";
      if (contains(msg, "no such function")) return "42883";
      if (contains(msg, "already exists")) return "42P07";
      if (contains(msg, "syntax error") || contains(msg, "incomplete input") ||
          contains(msg, "unrecognized token"))
        return "42601";
      return "42000";
    default:
      return "HY000";
  }
}

// Builds the ErrorInfo for SQLite code `code` and throws. The one place SQLite errors are mapped.
[[noreturn]] void raise_code(int code, std::string message, std::string_view sql) {
  ErrorInfo info;
  info.backend = "sqlite";
  info.native_code = code;
  info.server_message = std::move(message);
  info.sql = std::string(sql);
  info.sqlstate = sqlstate_for(code, info.server_message);
  // A Json column's CHECK (named <column>_json) is json_valid(): say what it refused, and
  // refuse it as PostgreSQL refuses text that is not JSON (a DataError, 22P02), so that a string
  // that is not JSON meets the same error on every backend.
  if (code == SQLITE_CONSTRAINT_CHECK && info.server_message.ends_with("_json")) {
    info.server_message +=
        " (the value is not JSON that SQLite accepts: malformed text, or nested deeper than "
        "SQLite's own limit)";
    info.sqlstate = "22P02";
  }
  // "attempt to write a readonly database": say which of the two ways that happens.
  if (code == SQLITE_READONLY)
    info.server_message += " (inside a read-only transaction, or on a database opened read-only)";
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
    info.transient = true;
    info.server_message += " (waited for busy_timeout)";
  }
  if ((code & 0xff) == SQLITE_INTERRUPT) {
    if (t_timed_out_ms != 0) {
      info.timed_out = true;
      info.server_message = "the statement ran longer than its statement timeout (" +
                            std::to_string(t_timed_out_ms) + " ms) and was interrupted";
      t_timed_out_ms = 0;
    } else {
      info.server_message += " (cancelled by Connection::cancel())";
    }
  }
  raise_database_error(std::move(info));
}

// Throws for result code `rc` of a call on `db`; call before anything resets the error state.
[[noreturn]] void raise_sqlite(sqlite3* db, int rc, std::string_view sql) {
  int ext = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  if ((ext & 0xff) != (rc & 0xff)) ext = rc;  // errcode may be stale; trust rc's primary code
  raise_code(ext, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc), sql);
}

}  // namespace sqlcore::sqlite_driver
