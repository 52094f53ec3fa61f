// SqlCompiler: the standard SQL spelling of every construct a dialect may override, and the entry
// points that run the renderer (renderer.hpp) with this compiler's hooks.
#include "sqlcore/sql/compiler.hpp"

#include "renderer.hpp"
#include "sqlcore/core/error.hpp"
#include "sqlcore/dialect/dialect.hpp"
#include "sqlcore/schema/table.hpp"
#include "statement_cache.hpp"

namespace sqlcore {

namespace {
// The renderer the hooks' render_ helpers reach, for the length of one compilation.
struct Rendering {
  Rendering(detail::Renderer*& slot, detail::Renderer& r) : slot_(slot) { slot_ = &r; }
  ~Rendering() { slot_ = nullptr; }
  Rendering(const Rendering&) = delete;
  Rendering& operator=(const Rendering&) = delete;
  detail::Renderer*& slot_;
};
}  // namespace

SqlCompiler::SqlCompiler(const Dialect& dialect) : dialect_(dialect) {}
SqlCompiler::~SqlCompiler() = default;

std::shared_ptr<const CompiledStatement> SqlCompiler::compile(
    const detail::SelectData& select, const detail::LiteralIndex* literals) {
  detail::Renderer r(*this);
  r.literal_index = literals;
  Rendering during(renderer_, r);
  return r.select_statement(select);
}

std::shared_ptr<const CompiledStatement> SqlCompiler::compile(const detail::DmlData& dml,
                                                              const detail::LiteralIndex* literals,
                                                              bool fresh_binds_per_row) {
  detail::Renderer r(*this);
  r.literal_index = literals;
  r.fresh_binds_per_row = fresh_binds_per_row;
  Rendering during(renderer_, r);
  return r.dml_statement(dml);
}

std::string SqlCompiler::quote(std::string_view ident) const {
  return dialect_.quote_identifier(ident);
}

void SqlCompiler::render_value(std::string& out, const Column& column,
                               const std::shared_ptr<const detail::Node>& value) {
  renderer_->value_for(out, column, value);
}

void SqlCompiler::render_where(std::string& out,
                               const std::shared_ptr<const detail::Node>& condition) {
  renderer_->where(out, condition, {});
}

void SqlCompiler::visit_limit_offset(std::string& out, std::optional<std::int64_t> limit,
                                     std::optional<std::int64_t> offset) {
  if (limit) out += " LIMIT " + std::to_string(*limit);
  if (offset) out += " OFFSET " + std::to_string(*offset);
}

void SqlCompiler::visit_row_lock(std::string& out, RowLock lock, LockWait wait) {
  out += lock == RowLock::share ? " FOR SHARE" : " FOR UPDATE";
  if (wait == LockWait::nowait) out += " NOWAIT";
  if (wait == LockWait::skip_locked) out += " SKIP LOCKED";
}

void SqlCompiler::visit_upsert(std::string& out, const UpsertClause& u) {
  out += " ON CONFLICT (";
  for (std::size_t i = 0; i < u.conflict_columns.size(); ++i) {
    if (i) out += ", ";
    out += quote(u.conflict_columns[i]->name());
  }
  out += ')';
  if (!u.target_where.empty()) out += " WHERE " + u.target_where;
  if (u.do_nothing) {
    out += " DO NOTHING";
    return;
  }
  out += " DO UPDATE SET ";
  for (std::size_t i = 0; i < u.set.size(); ++i) {
    if (i) out += ", ";
    out += quote(u.set[i].first->name()) + " = ";
    render_value(out, *u.set[i].first, u.set[i].second);
  }
  render_where(out, u.where);
}

void SqlCompiler::visit_excluded(std::string& out, const Column& column) {
  out += "excluded.";
  out += quote(column.name());
}

void SqlCompiler::visit_string_agg(std::string& out, const std::string& expr,
                                   const std::string& separator) {
  out += "string_agg(CAST(" + expr + " AS TEXT), " + separator + ")";
}

void SqlCompiler::visit_datetime_add(std::string& out, const std::string& expr,
                                     std::int64_t seconds) {
  out += "(" + expr + " + INTERVAL '" + std::to_string(seconds) + "' SECOND)";
}

void SqlCompiler::visit_json_extract(std::string& out, const std::string& doc,
                                     const std::vector<std::string>& path) {
  out += "JSON_VALUE(" + doc + ", " + path.at(0) + ")";
}

namespace detail {

std::shared_ptr<const CompiledStatement> compile_select(const SelectData& s, const Dialect& d,
                                                        const LiteralIndex* literals) {
  return d.make_compiler()->compile(s, literals);
}

std::shared_ptr<const CompiledStatement> compile_dml(const DmlData& s, const Dialect& d,
                                                     const LiteralIndex* literals,
                                                     bool fresh_binds_per_row) {
  return d.make_compiler()->compile(s, literals, fresh_binds_per_row);
}

}  // namespace detail

}  // namespace sqlcore
