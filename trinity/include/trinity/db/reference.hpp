// The tables reference: docs/trinity-tables.md, generated from the metadata. `trinity-db
// reference` prints it; a test fails when the committed file differs from it.
//
//   trinity-db reference > docs/trinity-tables.md
#pragma once

#include <string>

namespace trinity::db {

/// The reference of schema() as Markdown, grouped by table_domains(): per table its columns (the
/// portable type, the type SQLite's and PostgreSQL's DDL write, nullability, default), primary
/// key, unique constraints, checks, foreign keys and indexes, with the names the database gives
/// them. Deterministic: the same declarations give the same text. Throws std::logic_error when a
/// table is in no domain or in two, or a domain names a table the schema does not have.
std::string tables_reference();

}  // namespace trinity::db
