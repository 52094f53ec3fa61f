// Running the trinity-db command as a separate process, for the tests that use it as a person
// would.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#ifndef TRINITY_DB_EXE
#error "TRINITY_DB_EXE: the path of the trinity-db executable (set by trinity/tests/CMakeLists.txt)"
#endif

namespace trinity_test {

struct ToolRun {
  int code = -1;
  std::string out;  // stdout and stderr
};

/// Runs trinity-db with `args` (shell words), DATABASE_URL and the TRINITY_ENCRYPTION_* keys
/// unset, and then the variables `env` sets (shell words NAME=value).
inline ToolRun trinity_db(const std::string& args, const std::string& env = "") {
  const std::string cmd =
      "env -u DATABASE_URL -u TRINITY_ENCRYPTION_KEY -u TRINITY_ENCRYPTION_KEY_FILE "
      "-u TRINITY_ENCRYPTION_OLD_KEYS " +
      env + " " TRINITY_DB_EXE " " + args + " 2>&1";
  ToolRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

/// `s` as one shell word.
inline std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace trinity_test
