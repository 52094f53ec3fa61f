// The errors trinity-db operations throw for expected failures, shared by every *Operations class.
// Database failures that are not expected (a lost connection, a bug) arrive as sqlcore errors.
#pragma once

#include <stdexcept>

namespace trinity::db {

/// A row with this key already exists (a duplicate username, email, permission, ...). The message
/// names the field and the value that collided.
class DuplicateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Something the operation needs does not exist (an agent, a user). The message names it.
class NotFoundError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace trinity::db
