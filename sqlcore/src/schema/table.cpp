// Table, Column, constraints and indexes: declaration, with every check that needs no database.
#include "sqlcore/schema/table.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "sqlcore/core/error.hpp"
#include "sqlcore/schema/metadata.hpp"

namespace sqlcore {

namespace {

std::string join_names(const std::vector<const Column*>& cols) {
  std::string out;
  for (const Column* c : cols) {
    if (!out.empty()) out += ", ";
    out += c->name();
  }
  return out;
}

// Integers with integers, text with text: a key and its reference hold the same kind of value.
// Anything else must be the same type (PostgreSQL refuses a foreign key between columns of types it
// cannot compare, e.g. TEXT and BIGINT).
bool compatible_key_types(const Type& a, const Type& b) {
  auto family = [](const Type& t) {
    switch (t.kind()) {
      case TypeKind::string:
      case TypeKind::text:
      case TypeKind::enumeration:
        return 1;
      default:
        return 0;
    }
  };
  if (a.kind() == b.kind()) return a.kind() != TypeKind::numeric || a == b;
  return family(a) == 1 && family(b) == 1;
}

}  // namespace

const char* to_sql(FkAction action) {
  switch (action) {
    case FkAction::no_action:
      return "NO ACTION";
    case FkAction::restrict:
      return "RESTRICT";
    case FkAction::cascade:
      return "CASCADE";
    case FkAction::set_null:
      return "SET NULL";
    case FkAction::set_default:
      return "SET DEFAULT";
  }
  return "NO ACTION";
}

ServerDefault ServerDefault::literal(Value v) {
  ServerDefault d;
  d.kind_ = Kind::literal;
  d.value_ = std::move(v);
  return d;
}

ServerDefault ServerDefault::current_timestamp() {
  ServerDefault d;
  d.kind_ = Kind::current_timestamp;
  return d;
}

ServerDefault ServerDefault::sql(std::string expression) {
  if (expression.empty()) throw ArgumentError("ServerDefault::sql: the expression is empty");
  ServerDefault d;
  d.kind_ = Kind::sql;
  d.sql_ = std::move(expression);
  return d;
}

// ---- ColumnRef ----

ColumnRef::ColumnRef(const ColBase& c) : column_(&c.column()) {}

const Column& ColumnRef::resolve(const Table& table, std::string_view what) const {
  if (column_) {
    if (&column_->table() != &table)
      throw ArgumentError(std::string(what) + " on table '" + table.name() + "': column '" +
                          column_->qualified_name() + "' belongs to another table");
    return *column_;
  }
  if (const Column* c = table.find_column(name_)) return *c;
  std::string known;
  for (const Column* c : table.columns()) known += (known.empty() ? "" : ", ") + c->name();
  throw ArgumentError(std::string(what) + " on table '" + table.name() + "': no column '" + name_ +
                      "' (columns: " + (known.empty() ? "none" : known) + ")");
}

// ---- Column ----

std::string Column::qualified_name() const {
  return table_->name() + "." + name_;
}

bool Column::is_autoincrement() const {
  if (autoincrement_ == Autoincrement::no || !primary_key_ || !type_.is_integer()) return false;
  return table_->primary_key().columns().size() == 1;
}

Value Column::client_default() const {
  if (!client_default_) return Value();
  return type_.bind(client_default_(), qualified_name());
}

Column& Column::primary_key() {
  table_->add_to_primary_key(*this);
  return *this;
}

Column& Column::nullable(bool yes) {
  if (yes && primary_key_)
    throw ArgumentError("column '" + qualified_name() +
                        "' is part of the primary key and cannot be nullable");
  nullable_ = yes;
  return *this;
}

Column& Column::unique(std::string name) {
  table_->unique({ColumnRef(*this)}, std::move(name));
  return *this;
}

Column& Column::index(std::string name, bool unique) {
  table_->index(std::move(name), {IndexElement(*this)}).unique(unique);
  return *this;
}

Column& Column::check(RawSql condition, std::string name) {
  CheckConstraint& c = table_->check(std::move(condition), std::move(name));
  c.column_ = this;
  return *this;
}

Column& Column::server_default(Value literal) {
  if (literal.is_null())
    throw ArgumentError("column '" + qualified_name() +
                        "': a NULL server default is the default already");
  // Checked like a bound value now, so that a bad default fails at declaration, not at CREATE.
  server_default_ = ServerDefault::literal(type_.bind(std::move(literal), qualified_name()));
  return *this;
}

Column& Column::server_default(ServerDefault d) {
  if (d.kind() == ServerDefault::Kind::literal) return server_default(d.value());
  if (d.kind() == ServerDefault::Kind::current_timestamp && type_.kind() != TypeKind::date_time &&
      type_.kind() != TypeKind::date && type_.kind() != TypeKind::time)
    throw ArgumentError("column '" + qualified_name() + "' (" + type_.to_string() +
                        "): the current time is a default only for DateTime, Date and Time");
  server_default_ = std::move(d);
  return *this;
}

Column& Column::default_(Value v) {
  Value checked = type_.bind(std::move(v), qualified_name());
  client_default_ = [checked] { return checked; };
  return *this;
}

Column& Column::default_(std::function<Value()> fn) {
  if (!fn) throw ArgumentError("column '" + qualified_name() + "': empty default function");
  client_default_ = std::move(fn);
  return *this;
}

Column& Column::references(const Column& target, FkAction on_delete, FkAction on_update,
                           std::string name) {
  if (!compatible_key_types(type_, target.type()))
    throw ArgumentError("foreign key " + qualified_name() + " -> " + target.qualified_name() +
                        ": types differ (" + type_.to_string() + " vs " +
                        target.type().to_string() +
                        "); a key and its reference must have one type");
  table_->add_foreign_key({this}, target.table().name(), {target.name()}, on_delete, on_update,
                          std::move(name));
  return *this;
}

Column& Column::references(std::string_view target, FkAction on_delete, FkAction on_update,
                           std::string name) {
  auto dot = target.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == target.size())
    throw ArgumentError("column '" + qualified_name() + "': references(\"" + std::string(target) +
                        "\") wants \"table.column\"");
  table_->add_foreign_key({this}, std::string(target.substr(0, dot)),
                          {std::string(target.substr(dot + 1))}, on_delete, on_update,
                          std::move(name));
  return *this;
}

Column& Column::autoincrement(bool on) {
  if (on && !type_.is_integer())
    throw ArgumentError("column '" + qualified_name() + "' (" + type_.to_string() +
                        "): only an integer column can autoincrement");
  autoincrement_ = on ? Autoincrement::yes : Autoincrement::no;
  return *this;
}

// ---- constraint names ----

std::string PrimaryKey::name() const {
  if (!name_.empty()) return name_;
  const Table& t = *table_;
  return t.metadata().apply_convention(t.metadata().naming_convention().primary_key, t, columns_,
                                       {}, {}, {});
}

std::string UniqueConstraint::name() const {
  if (!name_.empty()) return name_;
  const Table& t = *table_;
  return t.metadata().apply_convention(t.metadata().naming_convention().unique, t, columns_, {}, {},
                                       {});
}

std::string CheckConstraint::name() const {
  if (!name_.empty()) return name_;
  const Table& t = *table_;
  std::string label;
  std::vector<const Column*> cols;
  if (column_) {
    label = column_->name();
    cols.push_back(column_);
  } else {
    // A short, stable hash of the condition: the name changes only when the condition does.
    std::uint32_t h = 2166136261u;
    for (unsigned char ch : sql_) h = (h ^ ch) * 16777619u;
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", h);
    label = buf;
  }
  return t.metadata().apply_convention(t.metadata().naming_convention().check, t, cols, {}, {},
                                       label);
}

std::string ForeignKey::name() const {
  if (!name_.empty()) return name_;
  const Table& t = *table_;
  return t.metadata().apply_convention(t.metadata().naming_convention().foreign_key, t, columns_,
                                       referred_table_,
                                       referred_columns_.empty() ? "" : referred_columns_[0], {});
}

std::string Index::name() const {
  if (!name_.empty()) return name_;
  const Table& t = *table_;
  std::vector<const Column*> cols;
  for (const Column* c : columns_)
    if (c) cols.push_back(c);
  return t.metadata().apply_convention(t.metadata().naming_convention().index, t, cols, {}, {}, {});
}

// ---- Table ----

namespace {
std::uint64_t next_table_uid() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

Table::Table(MetaData& metadata, std::string name)
    : metadata_(&metadata), uid_(next_table_uid()), name_(std::move(name)) {
  check_name("table name", name_);
  primary_key_.table_ = this;
  metadata_->register_table(this);
}

Table::~Table() {
  if (metadata_) metadata_->forget_table(this);
}

void Table::check_name(std::string_view what, std::string_view name) const {
  if (name.empty()) throw ArgumentError(std::string(what) + " is empty");
  if (name.size() > kMaxIdentifierLength)
    throw ArgumentError(std::string(what) + " '" + std::string(name) + "' is " +
                        std::to_string(name.size()) + " bytes long; the limit is " +
                        std::to_string(kMaxIdentifierLength) +
                        " (PostgreSQL would silently cut it)");
  if (name.find('\0') != std::string_view::npos)
    throw ArgumentError(std::string(what) + " contains a NUL byte");
}

const Column& Table::c(std::string_view name) const {
  if (const Column* col = find_column(name)) return *col;
  std::string known;
  for (const Column* col : column_ptrs_) known += (known.empty() ? "" : ", ") + col->name();
  throw ArgumentError("table '" + name_ + "' has no column '" + std::string(name) +
                      "' (columns: " + (known.empty() ? "none" : known) + ")");
}

const Column* Table::find_column(std::string_view name) const {
  for (const Column* col : column_ptrs_)
    if (col->name() == name) return col;
  return nullptr;
}

const Column* Table::autoincrement_column() const {
  for (const Column* col : primary_key_.columns())
    if (col->is_autoincrement()) return col;
  return nullptr;
}

Column& Table::column(std::string name, const Type& type) {
  check_name("column name in table '" + name_ + "'", name);
  if (find_column(name))
    throw ArgumentError("table '" + name_ + "': column '" + name + "' is declared twice");
  columns_.push_back(
      std::unique_ptr<Column>(new Column(*this, std::move(name), type, columns_.size())));
  column_ptrs_.push_back(columns_.back().get());
  return *columns_.back();
}

void Table::add_to_primary_key(const Column& c) {
  auto& col = const_cast<Column&>(c);
  if (col.nullable_)
    throw ArgumentError("column '" + c.qualified_name() +
                        "' is nullable and cannot be part of the primary key");
  if (col.primary_key_) return;
  col.primary_key_ = true;
  primary_key_.columns_.push_back(&c);
}

void Table::primary_key(std::vector<ColumnRef> columns, std::string name) {
  if (columns.empty()) throw ArgumentError("table '" + name_ + "': a primary key needs columns");
  if (!primary_key_.columns_.empty())
    throw ArgumentError("table '" + name_ + "' has a primary key already (" +
                        join_names(primary_key_.columns_) + ")");
  if (!name.empty()) check_name("primary key name", name);
  for (const ColumnRef& ref : columns) add_to_primary_key(ref.resolve(*this, "primary key"));
  primary_key_.name_ = std::move(name);
}

UniqueConstraint& Table::unique(std::vector<ColumnRef> columns, std::string name) {
  if (columns.empty())
    throw ArgumentError("table '" + name_ + "': a unique constraint needs columns");
  if (!name.empty()) check_name("constraint name", name);
  UniqueConstraint u;
  u.table_ = this;
  u.name_ = std::move(name);
  for (const ColumnRef& ref : columns) {
    const Column* c = &ref.resolve(*this, "unique constraint");
    if (std::find(u.columns_.begin(), u.columns_.end(), c) != u.columns_.end())
      throw ArgumentError("table '" + name_ + "': column '" + c->name() +
                          "' appears twice in one unique constraint");
    u.columns_.push_back(c);
  }
  uniques_.push_back(std::move(u));
  return uniques_.back();
}

CheckConstraint& Table::check(RawSql condition, std::string name) {
  if (condition.sql.empty()) throw ArgumentError("table '" + name_ + "': empty CHECK condition");
  if (!name.empty()) check_name("constraint name", name);
  CheckConstraint c;
  c.table_ = this;
  c.name_ = std::move(name);
  c.sql_ = std::move(condition.sql);
  checks_.push_back(std::move(c));
  return checks_.back();
}

ForeignKey& Table::foreign_key(std::vector<ColumnRef> columns, std::string referred_table,
                               std::vector<std::string> referred_columns, FkAction on_delete,
                               FkAction on_update, std::string name) {
  std::vector<const Column*> cols;
  for (const ColumnRef& ref : columns) cols.push_back(&ref.resolve(*this, "foreign key"));
  return add_foreign_key(std::move(cols), std::move(referred_table), std::move(referred_columns),
                         on_delete, on_update, std::move(name));
}

ForeignKey& Table::add_foreign_key(std::vector<const Column*> columns, std::string referred_table,
                                   std::vector<std::string> referred_columns, FkAction on_delete,
                                   FkAction on_update, std::string name) {
  if (columns.empty() || columns.size() != referred_columns.size())
    throw ArgumentError("table '" + name_ + "': a foreign key needs as many columns (" +
                        std::to_string(columns.size()) + ") as it refers to (" +
                        std::to_string(referred_columns.size()) + ")");
  if (!name.empty()) check_name("constraint name", name);
  check_name("referred table name", referred_table);
  ForeignKey fk;
  fk.table_ = this;
  fk.name_ = std::move(name);
  fk.columns_ = std::move(columns);
  fk.referred_table_ = std::move(referred_table);
  fk.referred_columns_ = std::move(referred_columns);
  fk.on_delete_ = on_delete;
  fk.on_update_ = on_update;
  foreign_keys_.push_back(std::move(fk));
  // When the target is known already, check it now: the error then points at this declaration.
  const ForeignKey& added = foreign_keys_.back();
  if (const Table* target = metadata_->find_table(added.referred_table())) {
    for (std::size_t i = 0; i < added.referred_columns().size(); ++i) {
      const Column* rc = target->find_column(added.referred_columns()[i]);
      if (!rc)
        throw ArgumentError("foreign key on table '" + name_ + "': table '" + target->name() +
                            "' has no column '" + added.referred_columns()[i] + "'");
      if (!compatible_key_types(added.columns()[i]->type(), rc->type()))
        throw ArgumentError(
            "foreign key " + added.columns()[i]->qualified_name() + " -> " + rc->qualified_name() +
            ": types differ (" + added.columns()[i]->type().to_string() + " vs " +
            rc->type().to_string() + "); a key and its reference must have one type");
    }
  }
  return foreign_keys_.back();
}

Index& Table::index(std::string name, std::vector<IndexElement> elements) {
  if (elements.empty()) throw ArgumentError("table '" + name_ + "': an index needs elements");
  if (!name.empty()) check_name("index name", name);
  Index ix;
  ix.table_ = this;
  ix.name_ = std::move(name);
  bool any_column = false;
  for (IndexElement& e : elements) {
    if (!e.expression_.empty()) {
      ix.columns_.push_back(nullptr);
      ix.expressions_.push_back(std::move(e.expression_));
    } else {
      ix.columns_.push_back(&e.ref_.resolve(*this, "index"));
      ix.expressions_.emplace_back();
      any_column = true;
    }
  }
  if (ix.name_.empty() && !any_column)
    throw ArgumentError("table '" + name_ +
                        "': an index on expressions only needs an explicit name");
  indexes_.push_back(std::move(ix));
  return indexes_.back();
}

void Table::validate() const {
  for (const ForeignKey& fk : foreign_keys_) {
    for (const Column* c : fk.columns())
      if ((fk.on_delete() == FkAction::set_null || fk.on_update() == FkAction::set_null) &&
          !c->is_nullable()) {
        // Valid SQL, but it could only fail later, at run time: say so now.
        throw ArgumentError("foreign key '" + fk.name() + "': SET NULL needs column '" +
                            c->qualified_name() + "' to be nullable");
      }
    const Table* target = metadata_->find_table(fk.referred_table());
    if (!target)
      throw ArgumentError("foreign key '" + fk.name() + "' on table '" + name_ +
                          "' refers to table '" + fk.referred_table() +
                          "', which is not in this MetaData");
    std::vector<const Column*> referred;
    for (std::size_t i = 0; i < fk.referred_columns().size(); ++i) {
      const Column* rc = target->find_column(fk.referred_columns()[i]);
      if (!rc)
        throw ArgumentError("foreign key '" + fk.name() + "' on table '" + name_ + "': table '" +
                            target->name() + "' has no column '" + fk.referred_columns()[i] + "'");
      if (!compatible_key_types(fk.columns()[i]->type(), rc->type()))
        throw ArgumentError("foreign key " + fk.columns()[i]->qualified_name() + " -> " +
                            rc->qualified_name() + ": types differ (" +
                            fk.columns()[i]->type().to_string() + " vs " + rc->type().to_string() +
                            "); a key and its reference must have one type");
      referred.push_back(rc);
    }
    // The referenced columns must be a key of the target: PostgreSQL refuses the constraint
    // otherwise, and SQLite fails every later write with "foreign key mismatch".
    auto same_set = [&](const std::vector<const Column*>& key) {
      if (key.size() != referred.size()) return false;
      for (const Column* c : referred)
        if (std::find(key.begin(), key.end(), c) == key.end()) return false;
      return true;
    };
    bool keyed = same_set(target->primary_key().columns());
    for (const UniqueConstraint& u : target->unique_constraints())
      keyed = keyed || same_set(u.columns());
    for (const Index& ix : target->indexes())
      if (ix.is_unique() && ix.where().empty()) {
        bool plain =
            std::find(ix.columns().begin(), ix.columns().end(), nullptr) == ix.columns().end();
        keyed = keyed || (plain && same_set(ix.columns()));
      }
    if (!keyed)
      throw ArgumentError("foreign key '" + fk.name() + "' on table '" + name_ + "' refers to " +
                          target->name() + " (" + join_names(referred) +
                          "), which is neither its primary key nor a unique key");
  }
  for (const Column* c : column_ptrs_) {
    if (c->autoincrement_setting() == Autoincrement::yes && !c->is_autoincrement())
      throw ArgumentError("column '" + c->qualified_name() +
                          "': autoincrement needs it to be the table's only primary key column");
  }
}

// ---- ColBase ----

ColBase::ColBase(Column& column, detail::CppType type, bool optional, const char* type_name)
    : column_(&column) {
  using C = detail::CppType;
  const TypeKind k = column.type().kind();
  bool ok = false;
  switch (type) {
    case C::any:
      ok = true;
      break;
    case C::boolean:
      ok = k == TypeKind::boolean;
      break;
    case C::int16:
      ok = k == TypeKind::small_integer;
      break;
    case C::int32:
      ok = k == TypeKind::small_integer || k == TypeKind::integer;
      break;
    case C::int64:
      ok = column.type().is_integer();
      break;
    case C::float32:
      ok = k == TypeKind::float_;
      break;
    case C::float64:
      ok = k == TypeKind::float_ || k == TypeKind::double_ || k == TypeKind::numeric;
      break;
    case C::string:
      ok = k == TypeKind::string || k == TypeKind::text || k == TypeKind::enumeration ||
           k == TypeKind::uuid || k == TypeKind::numeric;
      break;
    case C::blob:
      ok = k == TypeKind::large_binary;
      break;
    case C::timestamp:
      ok = k == TypeKind::date_time;
      break;
    case C::date:
      ok = k == TypeKind::date;
      break;
    case C::time_of_day:
      ok = k == TypeKind::time;
      break;
    case C::json:
      ok = k == TypeKind::json;
      break;
    case C::decimal:
      ok = k == TypeKind::numeric;
      break;
    case C::uuid:
      ok = k == TypeKind::uuid;
      break;
  }
  if (!ok)
    throw ArgumentError("column '" + column.qualified_name() + "' (" + column.type().to_string() +
                        ") cannot be read as " + type_name);
  if (optional) {
    column.nullable(true);
  } else if (column.is_nullable()) {
    throw ArgumentError("column '" + column.qualified_name() +
                        "' is nullable: declare its handle as Col<std::optional<" + type_name +
                        ">>");
  }
}

}  // namespace sqlcore
