// Test helper: the DataError a piece of code throws, for tests of refused values.
#pragma once

#include <gtest/gtest.h>

#include <exception>
#include <functional>
#include <string>

#include <sqlcore/core/error.hpp>

namespace sqlcore::test {

/// The message of the DataError `fn` throws, and its SQLSTATE in `*sqlstate` when given. Empty,
/// with a test failure, when `fn` throws something else or nothing.
inline std::string data_error_of(const std::function<void()>& fn, std::string* sqlstate = nullptr) {
  try {
    fn();
  } catch (const DataError& e) {
    if (sqlstate != nullptr) *sqlstate = e.sqlstate();
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected DataError, got: " << e.what();
    return {};
  }
  ADD_FAILURE() << "expected DataError";
  return {};
}

}  // namespace sqlcore::test
