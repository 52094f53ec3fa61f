// sqlcore::testing: sets an environment variable for one scope and restores what was there.
//
//   sqlcore::test::ScopedEnv url("DATABASE_URL", "sqlite://");  // nullptr unsets it
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace sqlcore::test {

/// Sets (or, for a null `value`, unsets) the variable `name` until the end of the scope, then puts
/// back its previous state: unset stays unset, and a variable set to "" is set to "" again. The
/// environment is process-wide: tests that use this must not run it from several threads at once.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const char* value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = old;
    if (value != nullptr) {
      ::setenv(name_.c_str(), value, 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace sqlcore::test
