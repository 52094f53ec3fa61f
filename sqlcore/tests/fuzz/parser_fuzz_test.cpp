// Fuzzing what parses input: URLs and text() binds get random and mutated inputs (fixed seeds, so
// a failure reproduces). Parsers may reject input only with ArgumentError, never crash (ASan and
// UBSan watch), and what they accept must render back consistently.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include <sqlcore/sqlcore.hpp>

using namespace sqlcore;

namespace {

constexpr int kRounds = 20000;

const char* kUrlSeeds[] = {
    "sqlite://",
    "sqlite:///:memory:",
    "sqlite:///data/app.db?busy_timeout=100",
    "sqlite:////abs/path.db",
    "postgresql://user:p%40ss@host:5432/db?sslmode=require&application_name=x",
    "postgres://u@h1:1,h2:2,[::1]:3/db",
    "postgresql://u@%2Fvar%2Frun%2Fpostgresql/db",
    "postgresql+libpq:///db?host=/tmp&pool_size=3",
};

const char* kSqlSeeds[] = {
    "SELECT * FROM t WHERE id = :id AND name = :name",
    "SELECT ':x', \"col:y\", $$ :z $$, $tag$ :w $tag$ FROM t -- :c\n WHERE a = :a::int",
    "SELECT E'\\' :q', arr[lo:hi], /* :b */ :v, \\:lit FROM t",
    "INSERT INTO t (a, b) VALUES (:a, :b) RETURNING :a",
};

std::string mutate(std::string s, std::mt19937& rng) {
  static const std::string alphabet = ":/@?&=%#[],.+-_'\"$\\*\n abcXYZ019";
  std::uniform_int_distribution<int> op(0, 3);
  int edits = std::uniform_int_distribution<int>(1, 6)(rng);
  for (int e = 0; e < edits; ++e) {
    std::size_t pos = s.empty() ? 0 : std::uniform_int_distribution<std::size_t>(0, s.size())(rng);
    char c =
        std::uniform_int_distribution<int>(0, 9)(rng) == 0
            ? static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng))
            : alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
    switch (op(rng)) {
      case 0:
        s.insert(pos, 1, c);
        break;
      case 1:
        if (pos < s.size()) s.erase(pos, 1);
        break;
      case 2:
        if (pos < s.size()) s[pos] = c;
        break;
      default:
        if (!s.empty()) s = s.substr(0, pos) + s.substr(pos / 2);
        break;
    }
  }
  return s;
}

TEST(ParserFuzz, UrlParseAcceptsOrRejectsCleanlyAndRendersStably) {
  std::mt19937 rng(20261122);
  int accepted = 0;
  for (int i = 0; i < kRounds; ++i) {
    std::string input = mutate(kUrlSeeds[i % std::size(kUrlSeeds)], rng);
    try {
      Url u = Url::parse(input);
      ++accepted;
      // What parses renders to text that parses to the same URL.
      std::string again = u.render(false);
      Url v = Url::parse(again);
      ASSERT_EQ(u, v) << "input: " << input << "\nrendered: " << again;
      (void)u.to_string();
    } catch (const ArgumentError&) {
      // rejected with a message: fine
    }
  }
  EXPECT_GT(accepted, kRounds / 10);
}

TEST(ParserFuzz, TextBindsNeverCrashAndNumberEveryBind) {
  std::mt19937 rng(7);
  auto sqlite = find_dialect("sqlite");
  auto pg = find_dialect("postgresql");
  for (int i = 0; i < kRounds; ++i) {
    std::string input = mutate(kSqlSeeds[i % std::size(kSqlSeeds)], rng);
    TextClause t(input);
    auto a = t.compile(*sqlite);
    auto b = t.compile(*pg);
    ASSERT_EQ(a->param_names, t.bind_names());
    ASSERT_EQ(b->param_names, t.bind_names());
    // Every placeholder number refers to a known name.
    for (std::size_t k = 1; k <= t.bind_names().size(); ++k) {
      EXPECT_NE(a->sql.find("?" + std::to_string(k)), std::string::npos) << input;
      EXPECT_NE(b->sql.find("$" + std::to_string(k)), std::string::npos) << input;
    }
  }
}

const char* kInsertSeeds[] = {
    "INSERT INTO t (a, b) VALUES (:a, lower(:b)::text) ON CONFLICT (a) DO NOTHING",
    "INSERT INTO \"s\".\"t\" AS x VALUES (:a, 'x)', E'\\')', $$)$$, CAST(:b AS varchar(3))) -- )",
    "/* ( */ INSERT INTO t VALUES (:b, :a, :b, now(), CASE WHEN :a IS NULL THEN (1) END);",
};

TEST(ParserFuzz, TextBatchFormsNeverCrashAndRepeatEveryBindPerRow) {
  std::mt19937 rng(11);
  auto sqlite = find_dialect("sqlite");
  auto pg = find_dialect("postgresql");
  int batched = 0;
  for (int i = 0; i < kRounds; ++i) {
    std::string input = mutate(kInsertSeeds[i % std::size(kInsertSeeds)], rng);
    TextClause t(input);
    auto b = t.compile_batch(*pg, 3);
    auto a = t.compile_batch(*sqlite, 3);
    ASSERT_EQ(a == nullptr, b == nullptr) << input;
    if (!b) continue;
    ++batched;
    const std::size_t n = t.bind_names().size();
    ASSERT_EQ(b->param_names.size(), 3 * n) << input;
    for (std::size_t k = 0; k < 3 * n; ++k) {
      ASSERT_EQ(b->param_names[k], t.bind_names()[k % n]) << input;
      EXPECT_NE(b->sql.find("$" + std::to_string(k + 1)), std::string::npos) << input;
      EXPECT_NE(a->sql.find("?" + std::to_string(k + 1)), std::string::npos) << input;
    }
  }
  EXPECT_GT(batched, 0);
}

}  // namespace
