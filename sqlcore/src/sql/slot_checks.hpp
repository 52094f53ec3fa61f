// The execute path's per-slot checks (internal): for each placeholder of a compiled expression
// statement, the Value kind its type takes unchanged with nothing to check, so that execute()
// binds ordinary values without calling into the type. Filled when a statement is compiled
// (index_slot_checks), read by Connection::execute.
#pragma once

#include <cstdint>

#include "sqlcore/core/value.hpp"
#include "sqlcore/schema/types.hpp"
#include "sqlcore/sql/text.hpp"

namespace sqlcore::detail {

/// slot_pass values besides a Value::Kind: no type (anything goes), unbounded text (valid UTF-8
/// without NUL is all it needs), and "Type::accepts() decides".
inline constexpr std::uint8_t kTextKind = 0xfd, kAnyKind = 0xfe, kCheckKind = 0xff;

/// The Value kind a column of type kind `t` takes unchanged, or kCheckKind.
inline std::uint8_t pass_kind(TypeKind t) {
  switch (t) {
    case TypeKind::big_integer:
      return static_cast<std::uint8_t>(Value::Kind::integer);
    case TypeKind::boolean:
      return static_cast<std::uint8_t>(Value::Kind::boolean);
    case TypeKind::double_:
      return static_cast<std::uint8_t>(Value::Kind::real);
    case TypeKind::date_time:
      return static_cast<std::uint8_t>(Value::Kind::timestamp);
    case TypeKind::date:
      return static_cast<std::uint8_t>(Value::Kind::date);
    case TypeKind::large_binary:
      return static_cast<std::uint8_t>(Value::Kind::blob);
    case TypeKind::json:
      return static_cast<std::uint8_t>(Value::Kind::json);
    default:
      return kCheckKind;
  }
}

/// Fills c.slot_types and c.slot_pass from c.slots.
inline void index_slot_checks(CompiledStatement& c) {
  c.slot_types.clear();
  c.slot_pass.clear();
  for (const BindSlot& s : c.slots) {
    c.slot_types.push_back(s.type ? &*s.type : nullptr);
    c.slot_pass.push_back(!s.type ? kAnyKind
                          : s.type->kind() == TypeKind::text ||
                                  (s.type->kind() == TypeKind::string && s.type->length() == 0)
                              ? kTextKind
                              : pass_kind(s.type->kind()));
  }
}

}  // namespace sqlcore::detail
