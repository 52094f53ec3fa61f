// docs/trinity-tables.md is generated from the metadata (`trinity-db reference`): the committed
// file must be what the code declares, and every table must be in exactly one domain, the one
// whose header declares it.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "tool.hpp"
#include "trinity/db/reference.hpp"
#include "trinity/db/schema.hpp"

#ifndef TRINITY_SOURCE_DIR
#error "TRINITY_SOURCE_DIR: the repository's root (set by trinity/tests/CMakeLists.txt)"
#endif

namespace {

constexpr const char* kRegenerate =
    "Regenerate it from the repository's root with\n"
    "  build/dev/apps/trinity-db/trinity-db reference > docs/trinity-tables.md\n"
    "(any build's trinity-db will do) and commit it.";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Where `want` and `got` first differ, line by line.
std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream w(want), g(got);
  std::string lw, lg;
  for (int n = 1;; ++n) {
    const bool more_w = static_cast<bool>(std::getline(w, lw));
    const bool more_g = static_cast<bool>(std::getline(g, lg));
    if (!more_w && !more_g) return "they differ only in line endings";
    if (!more_w) lw = "<end of file>";
    if (!more_g) lg = "<end of file>";
    if (lw != lg || !more_w || !more_g)
      return "first difference at line " + std::to_string(n) + ":\n  generated: " + lw +
             "\n  committed: " + lg;
  }
}

}  // namespace

TEST(TrinityTablesReference, EveryTableIsInOneDomainDeclaredInItsHeader) {
  const auto& s = trinity::db::schema();
  std::set<std::string> seen;
  for (const auto& d : trinity::db::table_domains()) {
    const std::string header =
        read_file(std::string(TRINITY_SOURCE_DIR) + "/trinity/include/trinity/db/tables/" +
                  std::string(d.name) + ".hpp");
    ASSERT_FALSE(header.empty()) << "no header for domain " << d.name;
    EXPECT_FALSE(d.tables.empty()) << d.name;
    for (std::string_view t : d.tables) {
      EXPECT_NE(s.metadata.find_table(t), nullptr) << t;
      EXPECT_TRUE(seen.insert(std::string(t)).second) << t << " is in two domains";
      EXPECT_NE(header.find("Table(m, \"" + std::string(t) + "\")"), std::string::npos)
          << t << " is not declared in tables/" << d.name << ".hpp";
    }
  }
  EXPECT_EQ(seen.size(), trinity::db::Schema::kTableCount);
  EXPECT_EQ(s.metadata.tables().size(), trinity::db::Schema::kTableCount);
}

TEST(TrinityTablesReference, MatchesTheCommittedFile) {
  const std::string path = std::string(TRINITY_SOURCE_DIR) + "/docs/trinity-tables.md";
  const std::string committed = read_file(path);
  const std::string generated = trinity::db::tables_reference();
  ASSERT_FALSE(committed.empty()) << path << " is missing. " << kRegenerate;
  EXPECT_TRUE(committed == generated)
      << "docs/trinity-tables.md is out of date (the table declarations changed); "
      << first_difference(generated, committed) << "\n"
      << kRegenerate;
}

TEST(TrinityTablesReference, TrinityDbReferencePrintsIt) {
  const auto r = trinity_test::trinity_db("reference");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(r.out == trinity::db::tables_reference()) << r.out.substr(0, 400);
  EXPECT_EQ(trinity_test::trinity_db("reference extra").code, 1);
}
