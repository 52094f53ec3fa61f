// The shape walk: every field of the statement tree that the compiler reads, in one fixed order.
// A field the compiler reads and this walk leaves out would let two statements of different SQL
// share a compilation; builds with SQLCORE_CHECK_COMPILE_CACHE recompile on every cache hit and
// compare, so the test suite catches such a miss.
#include "shape.hpp"

#include <cstring>
#include <type_traits>
#include <variant>

namespace sqlcore::detail {

namespace {

class Walker {
 public:
  explicit Walker(Shape& out) : out_(out) {}

  void select(const SelectData& s) {
    tag('S');
    nodes(s.columns);
    num(s.from.size());
    for (const auto& f : s.from) from(f.get());
    num(s.joins.size());
    for (const JoinData& j : s.joins) {
      num(static_cast<int>(j.kind));
      from(j.target.get());
      node(j.on.get());
    }
    node(s.where.get());
    nodes(s.group_by);
    node(s.having.get());
    nodes(s.order_by);
    optional(s.limit);
    optional(s.offset);
    flag(s.distinct);
    num(static_cast<int>(s.lock));
    num(static_cast<int>(s.lock_wait));
    num(s.ctes.size());
    for (const auto& c : s.ctes) from(c.get());
    num(static_cast<int>(s.compound));
    num(s.parts.size());
    for (const auto& p : s.parts) select(*p);
  }

  void dml(const DmlData& d) {
    tag('D');
    num(static_cast<int>(d.kind));
    table(d.table);
    num(d.rows.size());
    for (const auto& row : d.rows) assignments(row);
    num(d.select_columns.size());
    for (const Column* c : d.select_columns) column(c);
    if (d.select) {
      select(*d.select);
    } else {
      tag('-');
    }
    node(d.where.get());
    nodes(d.returning);
    flag(d.on_conflict);
    num(d.conflict_columns.size());
    for (const Column* c : d.conflict_columns) column(c);
    str(d.conflict_target_where);
    flag(d.do_nothing);
    assignments(d.conflict_set);
    node(d.conflict_where.get());
  }

 private:
  void tag(char c) { out_.key += c; }
  void flag(bool b) { out_.key += b ? '1' : '0'; }
  template <class T>
  void num(T v) {
    static_assert(std::is_integral_v<T>);
    const auto w = static_cast<std::int64_t>(v);
    char buf[sizeof w];
    std::memcpy(buf, &w, sizeof w);
    out_.key.append(buf, sizeof w);
  }
  void optional(const std::optional<std::int64_t>& v) {
    flag(v.has_value());
    if (v) num(*v);
  }
  void str(const std::string& s) {
    num(s.size());
    out_.key += s;
  }
  void table(const Table* t) { num(t ? t->uid() : 0); }
  // A column by its table and position: stable while the table lives, and a table's uid is
  // never reused.
  void column(const Column* c) {
    if (!c) return tag('-');
    table(&c->table());
    num(c->index());
  }
  void type(const std::optional<Type>& t) {
    flag(t.has_value());
    if (!t) return;
    num(static_cast<int>(t->kind()));
    num(t->length());
    num(t->precision());
    num(t->scale());
    // Enumerations: the interned value list (immortal, one per distinct list).
    if (t->kind() == TypeKind::enumeration)
      num(reinterpret_cast<std::uintptr_t>(&t->enum_values()));
  }
  void from(const FromData* f) {
    if (!f) return tag('-');
    tag('F');
    num(static_cast<int>(f->kind));
    table(f->table);
    str(f->name);
    flag(f->recursive);
    if (f->select) {
      select(*f->select);
    } else {
      tag('-');
    }
  }
  void assignments(const std::vector<std::pair<const Column*, NodePtr>>& list) {
    num(list.size());
    for (const auto& [c, v] : list) {
      column(c);
      node(v.get());
    }
  }
  void nodes(const std::vector<NodePtr>& list) {
    num(list.size());
    for (const NodePtr& n : list) node(n.get());
  }
  void node(const Node* n) {
    if (!n) return tag('-');
    tag('N');
    num(static_cast<int>(n->kind));
    type(n->type);
    str(n->text);
    column(n->column);
    from(n->from.get());
    if (n->kind == NodeKind::bind) literal(&n->value);
    num(n->offset_us);
    if (n->select) {
      select(*n->select);
    } else {
      tag('-');
    }
    nodes(n->partition_by);
    nodes(n->order_by);
    num(n->path.size());
    for (const JsonPathStep& step : n->path) {
      if (const auto* name = std::get_if<std::string>(&step)) {
        tag('m');
        str(*name);
      } else {
        tag('i');
        num(std::get<std::int64_t>(step));
      }
    }
    num(static_cast<int>(n->json_as));
    num(n->escape);
    flag(n->negated);
    flag(n->insensitive);
    flag(n->distinct);
    flag(n->has_else);
    flag(n->descending);
    num(n->nulls);
    num(n->precedence);
    nodes(n->args);
  }
  // A value written into the statement: its place, not its contents (values never enter the SQL).
  // A value node met again (an Expr used twice) is a reference to its first place. Statements
  // hold few literals, so a scan finds it without allocating; long IN lists switch to a map.
  void literal(const Value* v) {
    std::vector<const Value*>& lits = out_.literals;
    const auto n = static_cast<std::uint32_t>(lits.size());
    std::uint32_t at = n;
    if (n < kScanLimit) {
      for (std::uint32_t i = 0; i < n; ++i)
        if (lits[i] == v) {
          at = i;
          break;
        }
    } else {
      if (seen_.empty())
        for (std::uint32_t i = 0; i < n; ++i) seen_.emplace(lits[i], i);
      at = seen_.emplace(v, n).first->second;
    }
    if (at == n) {
      lits.push_back(v);
      tag('L');
    } else {
      tag('A');  // the same value node again: the same literal
      num(at);
    }
  }

  static constexpr std::uint32_t kScanLimit = 32;
  Shape& out_;
  std::unordered_map<const Value*, std::uint32_t> seen_;  // only past kScanLimit literals
};

}  // namespace

std::unordered_map<const Value*, std::uint32_t> literal_index(
    const std::vector<const Value*>& literals) {
  std::unordered_map<const Value*, std::uint32_t> out;
  for (std::uint32_t i = 0; i < literals.size(); ++i) out.emplace(literals[i], i);
  return out;
}

Shape shape_of(const SelectData& s) {
  Shape out;
  out.key.reserve(256);
  Walker(out).select(s);
  return out;
}

Shape shape_of(const DmlData& s) {
  Shape out;
  out.key.reserve(256);
  Walker(out).dml(s);
  return out;
}

}  // namespace sqlcore::detail
