// The error hierarchy: message formatting and the one SQLSTATE -> exception mapping.
#include "sqlcore/core/error.hpp"

namespace sqlcore {

const char* to_string(IntegrityKind k) {
  switch (k) {
    case IntegrityKind::unique:
      return "unique";
    case IntegrityKind::foreign_key:
      return "foreign_key";
    case IntegrityKind::not_null:
      return "not_null";
    case IntegrityKind::check:
      return "check";
    case IntegrityKind::other:
      return "other";
  }
  return "other";
}

std::string abbreviate_sql(std::string_view sql) {
  constexpr std::size_t kMax = 2000;
  if (sql.size() <= kMax) return std::string(sql);
  std::string out(sql.substr(0, kMax));
  out += " ... [" + std::to_string(sql.size() - kMax) + " more characters]";
  return out;
}

namespace {

std::string format_message(const ErrorInfo& info) {
  std::string msg = "(" + info.backend + ") " + info.server_message;
  if (!info.sqlstate.empty()) msg += " [SQLSTATE " + info.sqlstate + "]";
  if (!info.sql.empty()) msg += "\n[SQL: " + abbreviate_sql(info.sql) + "]";
  return msg;
}

}  // namespace

DatabaseError::DatabaseError(ErrorInfo info)
    : Error(format_message(info)), info_(std::move(info)) {}

void raise_database_error(ErrorInfo info) {
  const std::string& s = info.sqlstate;
  const std::string cls = s.size() >= 2 ? s.substr(0, 2) : std::string();
  if (cls == "23") {
    IntegrityKind kind = IntegrityKind::other;
    if (s == "23505")
      kind = IntegrityKind::unique;
    else if (s == "23503")
      kind = IntegrityKind::foreign_key;
    else if (s == "23502")
      kind = IntegrityKind::not_null;
    else if (s == "23514")
      kind = IntegrityKind::check;
    throw IntegrityError(std::move(info), kind);
  }
  if (s == "08007" || info.in_doubt) {
    // Transaction resolution unknown: the connection is gone and retrying might repeat work.
    info.sqlstate = "08007";
    info.in_doubt = true;
    info.disconnect = true;
    info.transient = false;
    throw InDoubtError(std::move(info));
  }
  if (info.timed_out) {
    info.sqlstate = "57014";
    info.transient = true;
    throw TimeoutError(std::move(info));
  }
  if (cls == "40") info.transient = true;   // serialization failure, deadlock
  if (s == "55P03") info.transient = true;  // lock not available / database busy
  if (cls == "08" || s == "57P01" || s == "57P02" || s == "57P03") info.disconnect = true;
  if (info.disconnect || info.transient || cls == "08" || cls == "28" || cls == "3D" ||
      cls == "53" || cls == "54" || cls == "55" || cls == "57" || cls == "58" || cls == "25" ||
      cls == "40" || cls == "HV" || cls == "XX")
    throw OperationalError(std::move(info));
  if (cls == "22") throw DataError(std::move(info));
  if (cls == "42" || cls == "0A" || cls == "26" || cls == "34" || cls == "2B" || cls == "3F")
    throw ProgrammingError(std::move(info));
  throw DatabaseError(std::move(info));
}

}  // namespace sqlcore
