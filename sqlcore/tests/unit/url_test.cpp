// Unit tests for Url: parsing every DATABASE_URL form, rendering, masking and the error messages.
#include "sqlcore/core/url.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sqlcore/core/error.hpp"

namespace sqlcore {
namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

// The message of the ArgumentError that parsing `text` throws; fails the test when none is thrown.
std::string parse_error(std::string_view text) {
  try {
    Url::parse(text);
  } catch (const ArgumentError& e) {
    return e.what();
  }
  ADD_FAILURE() << "Url::parse accepted '" << text << "'";
  return {};
}

// ---- SQLite ---------------------------------------------------------------------------------

TEST(UrlParseTest, SqliteWithNothingAfterSchemeIsInMemory) {
  Url u = Url::parse("sqlite://");
  EXPECT_EQ(u.backend(), "sqlite");
  EXPECT_EQ(u.scheme(), "sqlite");
  EXPECT_EQ(u.driver(), "");
  EXPECT_EQ(u.database(), "");
  EXPECT_TRUE(u.is_memory());
  EXPECT_TRUE(u.hosts().empty());
  EXPECT_FALSE(u.username().has_value());
}

TEST(UrlParseTest, SqliteMemoryKeywordIsInMemory) {
  Url u = Url::parse("sqlite:///:memory:");
  EXPECT_EQ(u.database(), ":memory:");
  EXPECT_TRUE(u.is_memory());
}

TEST(UrlParseTest, SqliteThreeSlashesGiveARelativePath) {
  Url u = Url::parse("sqlite:///rel.db");
  EXPECT_EQ(u.database(), "rel.db");
  EXPECT_FALSE(u.is_memory());
}

TEST(UrlParseTest, SqliteFourSlashesGiveAnAbsolutePath) {
  EXPECT_EQ(Url::parse("sqlite:////abs/path.db").database(), "/abs/path.db");
}

TEST(UrlParseTest, SqliteRelativePathKeepsItsDirectories) {
  EXPECT_EQ(Url::parse("sqlite:///data/sub/x.db").database(), "data/sub/x.db");
}

TEST(UrlParseTest, SqlitePathIsPercentDecoded) {
  EXPECT_EQ(Url::parse("sqlite:///my%20data%3F%23.db").database(), "my data?#.db");
}

TEST(UrlParseTest, SqliteQueryParametersAreSeparatedFromThePath) {
  Url u = Url::parse("sqlite:///app.db?busy_timeout=100&journal_mode=wal");
  EXPECT_EQ(u.database(), "app.db");
  EXPECT_EQ(u.query(), (Query{{"busy_timeout", "100"}, {"journal_mode", "wal"}}));
  EXPECT_EQ(u.query_value("busy_timeout"), "100");
}

TEST(UrlParseTest, SqliteMemoryWithQueryParametersIsStillInMemory) {
  Url u = Url::parse("sqlite://?busy_timeout=5");
  EXPECT_TRUE(u.is_memory());
  EXPECT_EQ(u.query_value("busy_timeout"), "5");
}

// ---- PostgreSQL -----------------------------------------------------------------------------

TEST(UrlParseTest, PostgresqlFullFormFillsEveryComponent) {
  Url u = Url::parse("postgresql://alice:pw@db.example.com:6543/shop?sslmode=require");
  EXPECT_EQ(u.backend(), "postgresql");
  EXPECT_EQ(u.scheme(), "postgresql");
  EXPECT_EQ(u.username(), "alice");
  EXPECT_EQ(u.password(), "pw");
  EXPECT_EQ(u.hosts(), (std::vector<Url::Host>{{"db.example.com", 6543}}));
  EXPECT_EQ(u.database(), "shop");
  EXPECT_EQ(u.query(), (Query{{"sslmode", "require"}}));
}

TEST(UrlParseTest, PostgresSchemeMapsToThePostgresqlBackend) {
  Url u = Url::parse("postgres://u@h/db");
  EXPECT_EQ(u.backend(), "postgresql");
  EXPECT_EQ(u.scheme(), "postgres");
}

TEST(UrlParseTest, PasswordIsPercentDecodedIncludingReservedCharacters) {
  Url u = Url::parse("postgresql://bob:p%40ss%3Aw%2Ford%25@h/db");
  EXPECT_EQ(u.username(), "bob");
  EXPECT_EQ(u.password(), "p@ss:w/ord%");
  EXPECT_EQ(u.hosts(), (std::vector<Url::Host>{{"h", std::nullopt}}));
}

TEST(UrlParseTest, UserNameIsPercentDecoded) {
  EXPECT_EQ(Url::parse("postgresql://a%40b%3Ac@h/db").username(), "a@b:c");
}

TEST(UrlParseTest, DatabaseNameIsPercentDecoded) {
  EXPECT_EQ(Url::parse("postgresql://h/my%20db%2Fx").database(), "my db/x");
}

TEST(UrlParseTest, HostWithoutPortHasNoPort) {
  Url u = Url::parse("postgresql://h/db");
  ASSERT_EQ(u.hosts().size(), 1u);
  EXPECT_EQ(u.hosts()[0].name, "h");
  EXPECT_FALSE(u.hosts()[0].port.has_value());
}

TEST(UrlParseTest, PortAtTheEdgesOfItsRangeIsAccepted) {
  EXPECT_EQ(Url::parse("postgresql://h:1/db").hosts()[0].port, 1);
  EXPECT_EQ(Url::parse("postgresql://h:65535/db").hosts()[0].port, 65535);
}

TEST(UrlParseTest, NoUserLeavesUserAndPasswordUnset) {
  Url u = Url::parse("postgresql://h:5432/db");
  EXPECT_FALSE(u.username().has_value());
  EXPECT_FALSE(u.password().has_value());
}

TEST(UrlParseTest, UserWithoutPasswordHasNoPassword) {
  Url u = Url::parse("postgresql://u@h/db");
  EXPECT_EQ(u.username(), "u");
  EXPECT_FALSE(u.password().has_value());
}

TEST(UrlParseTest, EmptyPasswordIsPresentButEmpty) {
  Url u = Url::parse("postgresql://user:@h/db");
  EXPECT_EQ(u.username(), "user");
  ASSERT_TRUE(u.password().has_value());
  EXPECT_EQ(*u.password(), "");
}

TEST(UrlParseTest, QueryParametersKeepTheirOrder) {
  Url u = Url::parse("postgresql://h/db?b=2&a=1&c=3");
  EXPECT_EQ(u.query(), (Query{{"b", "2"}, {"a", "1"}, {"c", "3"}}));
}

TEST(UrlParseTest, DuplicateQueryKeysAreKeptAndTheLastWins) {
  Url u = Url::parse("postgresql://h/db?a=1&b=2&a=3");
  EXPECT_EQ(u.query(), (Query{{"a", "1"}, {"b", "2"}, {"a", "3"}}));
  EXPECT_EQ(u.query_value("a"), "3");
  EXPECT_EQ(u.query_value("b"), "2");
}

TEST(UrlParseTest, QueryValueOfAMissingKeyIsNullopt) {
  EXPECT_EQ(Url::parse("postgresql://h/db?a=1").query_value("b"), std::nullopt);
  EXPECT_EQ(Url::parse("postgresql://h/db").query_value("a"), std::nullopt);
}

TEST(UrlParseTest, QueryKeyWithoutValueHasAnEmptyValue) {
  EXPECT_EQ(Url::parse("postgresql://h/db?flag").query_value("flag"), "");
}

TEST(UrlParseTest, QueryKeysAndValuesArePercentDecoded) {
  Url u = Url::parse("postgresql://h/db?options=-c%20search_path%3Dapp&a%26b=x%3Dy");
  EXPECT_EQ(u.query_value("options"), "-c search_path=app");
  EXPECT_EQ(u.query_value("a&b"), "x=y");
}

TEST(UrlParseTest, EmptyQueryItemsAreSkipped) {
  Url u = Url::parse("postgresql://h/db?&a=1&&b=2&");
  EXPECT_EQ(u.query(), (Query{{"a", "1"}, {"b", "2"}}));
}

TEST(UrlParseTest, MultiHostListKeepsEachHostAndPort) {
  Url u = Url::parse("postgresql://u@h1:5432,h2:5433,h3/db");
  EXPECT_EQ(u.hosts(), (std::vector<Url::Host>{{"h1", 5432}, {"h2", 5433}, {"h3", std::nullopt}}));
  EXPECT_EQ(u.database(), "db");
}

TEST(UrlParseTest, Ipv6HostIsWrittenInBracketsAndStoredWithout) {
  Url u = Url::parse("postgresql://u@[::1]:5432/db");
  EXPECT_EQ(u.hosts(), (std::vector<Url::Host>{{"::1", 5432}}));
}

TEST(UrlParseTest, Ipv6HostWithoutPortHasNoPort) {
  Url u = Url::parse("postgresql://[fe80::1%eth0]/db");
  EXPECT_EQ(u.hosts(), (std::vector<Url::Host>{{"fe80::1%eth0", std::nullopt}}));
}

TEST(UrlParseTest, Ipv6HostsMixWithNamedHostsInAList) {
  Url u = Url::parse("postgresql://[::1]:5432,h2:5433/db");
  EXPECT_EQ(u.hosts(), (std::vector<Url::Host>{{"::1", 5432}, {"h2", 5433}}));
}

TEST(UrlParseTest, PercentEncodedUnixSocketDirectoryIsTheHost) {
  Url u = Url::parse("postgresql://u@%2Fvar%2Frun%2Fpostgresql/db");
  EXPECT_EQ(u.hosts(), (std::vector<Url::Host>{{"/var/run/postgresql", std::nullopt}}));
  EXPECT_EQ(u.database(), "db");
}

TEST(UrlParseTest, LibpqStyleHostQueryParameterLeavesTheHostListEmpty) {
  Url u = Url::parse("postgresql:///db?host=/tmp");
  EXPECT_TRUE(u.hosts().empty());
  EXPECT_EQ(u.database(), "db");
  EXPECT_EQ(u.query_value("host"), "/tmp");
}

TEST(UrlParseTest, NoDatabaseGivesAnEmptyDatabaseName) {
  Url u = Url::parse("postgresql://u@h:5432");
  EXPECT_EQ(u.database(), "");
  EXPECT_EQ(u.hosts(), (std::vector<Url::Host>{{"h", 5432}}));
}

TEST(UrlParseTest, DriverSuffixIsSplitFromTheScheme) {
  Url u = Url::parse("postgresql+libpq://u@h/db");
  EXPECT_EQ(u.scheme(), "postgresql");
  EXPECT_EQ(u.backend(), "postgresql");
  EXPECT_EQ(u.driver(), "libpq");
}

TEST(UrlParseTest, SchemeAndDriverAreCaseInsensitive) {
  Url u = Url::parse("PostgreSQL+LibPQ://u@h/db");
  EXPECT_EQ(u.backend(), "postgresql");
  EXPECT_EQ(u.driver(), "libpq");
  EXPECT_EQ(Url::parse("POSTGRES://h/db").backend(), "postgresql");
  EXPECT_EQ(Url::parse("SQLite:///x.db").backend(), "sqlite");
  EXPECT_EQ(Url::parse("SQLite:///x.db").database(), "x.db");
}

TEST(UrlParseTest, UnknownSchemeParsesSinceOnlySyntaxIsChecked) {
  Url u = Url::parse("mysql://u@h/db");
  EXPECT_EQ(u.backend(), "mysql");
  EXPECT_EQ(u.database(), "db");
}

// ---- Query helpers --------------------------------------------------------------------------

TEST(UrlQueryTest, WithoutQueryKeysRemovesEveryOccurrenceAndKeepsTheRestInOrder) {
  Url u = Url::parse("postgresql://h/db?pool_size=5&sslmode=require&pool_size=6&x=1&echo=1");
  Url stripped = u.without_query_keys({"pool_size", "echo"});
  EXPECT_EQ(stripped.query(), (Query{{"sslmode", "require"}, {"x", "1"}}));
  EXPECT_EQ(stripped.query_value("pool_size"), std::nullopt);
  EXPECT_EQ(stripped.hosts(), u.hosts());
  EXPECT_EQ(stripped.database(), "db");
}

TEST(UrlQueryTest, WithoutQueryKeysLeavesTheOriginalUnchanged) {
  Url u = Url::parse("sqlite:///x.db?busy_timeout=100");
  Url stripped = u.without_query_keys({"busy_timeout"});
  EXPECT_TRUE(stripped.query().empty());
  EXPECT_EQ(u.query_value("busy_timeout"), "100");
  EXPECT_EQ(stripped.render(false), "sqlite:///x.db");
}

TEST(UrlQueryTest, WithoutQueryKeysOfAbsentKeysIsEqualToTheOriginal) {
  Url u = Url::parse("postgresql://h/db?a=1");
  EXPECT_EQ(u.without_query_keys({"b", "c"}), u);
  EXPECT_EQ(u.without_query_keys({}), u);
}

TEST(UrlQueryTest, WithQueryAppendsAParameterThatThenWins) {
  Url u = Url::parse("postgresql://h/db?a=1").with_query("a", "2");
  EXPECT_EQ(u.query(), (Query{{"a", "1"}, {"a", "2"}}));
  EXPECT_EQ(u.query_value("a"), "2");
}

TEST(UrlQueryTest, WithDatabaseReplacesOnlyTheDatabase) {
  Url u = Url::parse("postgresql://u:pw@h:5432/db?a=1");
  Url other = u.with_database("other");
  EXPECT_EQ(other.database(), "other");
  EXPECT_EQ(other.hosts(), u.hosts());
  EXPECT_EQ(other.password(), u.password());
  EXPECT_EQ(other.render(false), "postgresql://u:pw@h:5432/other?a=1");
}

TEST(UrlQueryTest, WithHostsReplacesOnlyTheHosts) {
  Url u = Url::parse("postgresql://u:pw@h:5432/db?a=1");
  Url replica = u.with_hosts(Url::parse("postgresql://r1:5433,[::1]/").hosts());
  EXPECT_EQ(replica.render(false), "postgresql://u:pw@r1:5433,[::1]/db?a=1");
  EXPECT_EQ(replica.database(), u.database());
}

// ---- Rendering ------------------------------------------------------------------------------

TEST(UrlRenderTest, CanonicalUrlsRenderExactlyAsWritten) {
  for (const char* text :
       {"sqlite://", "sqlite:///:memory:", "sqlite:///rel.db", "sqlite:////abs/path.db",
        "sqlite:///data/sub/x.db?busy_timeout=100", "postgresql://u:pw@h:5432/db?sslmode=require",
        "postgres://u@h1:5432,h2:5433/db", "postgresql://u@[::1]:5432/db",
        "postgresql://u@%2Fvar%2Frun%2Fpostgresql/db", "postgresql:///db?host=/tmp",
        "postgresql+libpq://h/db"}) {
    EXPECT_EQ(Url::parse(text).render(false), text);
  }
}

TEST(UrlRenderTest, SchemeIsRenderedInLowerCase) {
  EXPECT_EQ(Url::parse("PostgreSQL+LibPQ://h/db").render(false), "postgresql+libpq://h/db");
}

TEST(UrlRenderTest, ReservedCharactersInComponentsArePercentEncoded) {
  Url u = Url::parse("postgresql://a%40b:p%40ss%3Aw%2Ford%25@h/my%20db?app=a%26b");
  EXPECT_EQ(u.render(false), "postgresql://a%40b:p%40ss%3Aw%2Ford%25@h/my%20db?app=a%26b");
}

TEST(UrlRenderTest, RenderThenParseGivesBackTheSameUrl) {
  for (const char* text : {
           "sqlite://",
           "sqlite:///",
           "sqlite:///:memory:",
           "sqlite:///rel.db",
           "sqlite:////abs/path.db",
           "sqlite:///data/sub/x.db?busy_timeout=100&a=b",
           "sqlite:///my%20file%3F%23%25.db",
           "postgresql://u:p%40%3A%2F%25w@h:5432/db?sslmode=require&application_name=x",
           "postgres://u@h1:5432,h2:5433/db",
           "postgresql://u@[::1]:5432/db",
           "postgresql://[2001:db8::1]/db",
           "postgresql://u@%2Fvar%2Frun%2Fpostgresql/db",
           "postgresql:///db?host=/tmp",
           "postgresql://u:@h/db",
           "postgresql://:pw@h/db",
           "postgresql+libpq://h/db",
           "postgresql://h/db?options=-c%20search_path%3Dx&a=1&a=2&flag",
           "postgresql://h/my%20db%2Fx",
           "postgresql://u@h:5432",
           "PostgreSQL://U@H/DB",
       }) {
    Url original = Url::parse(text);
    std::string rendered = original.render(false);
    EXPECT_EQ(Url::parse(rendered), original) << text << " rendered as " << rendered;
  }
}

TEST(UrlRenderTest, ToStringMasksThePassword) {
  Url u = Url::parse("postgresql://u:s3cret@h:5432/db");
  EXPECT_EQ(u.to_string(), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(u.render(true), u.to_string());
  EXPECT_EQ(u.render(false), "postgresql://u:s3cret@h:5432/db");
}

TEST(UrlRenderTest, ToStringNeverContainsAnEncodedPassword) {
  Url u = Url::parse("postgresql://u:p%40ss%2Fword@h/db");
  std::string s = u.to_string();
  EXPECT_EQ(s.find("p@ss"), std::string::npos) << s;
  EXPECT_EQ(s.find("p%40ss"), std::string::npos) << s;
  EXPECT_EQ(s.find("word"), std::string::npos) << s;
  EXPECT_NE(s.find("***"), std::string::npos) << s;
}

TEST(UrlRenderTest, ToStringMasksAPasswordQueryParameter) {
  Url u = Url::parse("postgresql://u@h/db?sslmode=require&password=s3cret&x=1");
  std::string s = u.to_string();
  EXPECT_EQ(s, "postgresql://u@h/db?sslmode=require&password=***&x=1");
  EXPECT_EQ(s.find("s3cret"), std::string::npos);
  EXPECT_NE(u.render(false).find("password=s3cret"), std::string::npos);
}

TEST(UrlRenderTest, ToStringWithoutPasswordShowsNoMask) {
  EXPECT_EQ(Url::parse("postgresql://u@h/db").to_string(), "postgresql://u@h/db");
}

TEST(UrlRenderTest, ToStringMasksAnEmptyPasswordToo) {
  EXPECT_EQ(Url::parse("postgresql://u:@h/db").to_string(), "postgresql://u:***@h/db");
}

// ---- Malformed URLs -------------------------------------------------------------------------

struct MalformedUrl {
  const char* url;
  const char* message_part;  // what the error message must say
};

class UrlMalformedTest : public ::testing::TestWithParam<MalformedUrl> {};

TEST_P(UrlMalformedTest, ThrowsArgumentErrorNamingTheProblem) {
  std::string msg = parse_error(GetParam().url);
  EXPECT_NE(msg.find("malformed database URL"), std::string::npos) << msg;
  EXPECT_NE(msg.find(GetParam().message_part), std::string::npos)
      << "url: " << GetParam().url << "\nmessage: " << msg;
}

INSTANTIATE_TEST_SUITE_P(
    AllProblems, UrlMalformedTest,
    ::testing::Values(
        MalformedUrl{"", "the URL is empty"}, MalformedUrl{"localhost/db", "expected '<scheme>://"},
        MalformedUrl{"postgresql:/h/db", "expected '<scheme>://"},
        MalformedUrl{"://h/db", "missing scheme"},
        MalformedUrl{"1pg://h/db", "invalid scheme '1pg'"},
        MalformedUrl{"post gres://h/db", "invalid scheme"},
        MalformedUrl{"postgresql+://h/db", "empty driver name"},
        MalformedUrl{"postgresql://h:abc/db", "invalid port"},
        MalformedUrl{"postgresql://h:123456/db", "invalid port"},
        MalformedUrl{"postgresql://h:-1/db", "invalid port"},
        MalformedUrl{"postgresql://h:0/db", "out of range"},
        MalformedUrl{"postgresql://h:70000/db", "out of range"},
        MalformedUrl{"postgresql://h:/db", "empty port"},
        MalformedUrl{"postgresql://h1:5432,h2:/db", "empty port"},
        MalformedUrl{"postgresql://u:p%zz@h/db", "invalid percent-escape in the password"},
        MalformedUrl{"postgresql://u%zz@h/db", "invalid percent-escape in the user name"},
        MalformedUrl{"postgresql://h/db%4", "invalid percent-escape in the database name"},
        MalformedUrl{"postgresql://h/db%", "invalid percent-escape in the database name"},
        MalformedUrl{"postgresql://%zzhost/db", "invalid percent-escape in the host"},
        MalformedUrl{"postgresql://h/db?a=%4", "invalid percent-escape in the query"},
        MalformedUrl{"sqlite:///x%zz.db", "invalid percent-escape in the path"},
        MalformedUrl{"postgresql://[::1/db", "unterminated '['"},
        MalformedUrl{"postgresql://[::1:5432/db", "unterminated '['"},
        MalformedUrl{"postgresql://[]:5432/db", "empty IPv6 host"},
        MalformedUrl{"postgresql://[::1]5432/db", "unexpected characters after an IPv6 host"},
        MalformedUrl{"postgresql://[::1]:0/db", "out of range"},
        MalformedUrl{"postgresql://h1,,h2/db", "empty host in the host list"},
        MalformedUrl{"postgresql://h1,/db", "empty host in the host list"},
        MalformedUrl{"postgresql://,h1/db", "empty host in the host list"},
        MalformedUrl{"sqlite://host/x.db", "a sqlite URL takes no host"},
        MalformedUrl{"postgresql://h/db#frag", "'#' is not allowed"},
        MalformedUrl{"sqlite:///x.db#1", "'#' is not allowed"},
        MalformedUrl{"postgresql://h/db?=x", "a query parameter has no name"},
        MalformedUrl{"postgresql://h/db?a=1&=x", "a query parameter has no name"},
        MalformedUrl{"postgresql://h/a/b", "the database name contains '/'"}));

TEST(UrlErrorMessageTest, BadPortMessageNamesTheHostAndTheValidRange) {
  std::string msg = parse_error("postgresql://db1:5432,db2:abc/db");
  EXPECT_NE(msg.find("host 'db2'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("1 to 65535"), std::string::npos) << msg;
  msg = parse_error("postgresql://[::1]:99999/db");
  EXPECT_NE(msg.find("host '[::1]'"), std::string::npos) << msg;
}

TEST(UrlErrorMessageTest, ErrorMessagesNeverContainThePassword) {
  for (const char* text : {
           "postgresql://u:s3cret@h:badport/db",
           "postgresql://u:s3cret@h:0/db",
           "postgresql://u:s3cret@h:/db",
           "postgresql://u:s3cret@h1,,h2/db",
           "postgresql://u:s3cret@[::1/db",
           "postgresql://u:s3cret@h/db#x",
           "postgresql://u:s3cret@h/db?=x",
           "postgresql://u:s3cret%zz@h/db",
           "postgresql://u:s3cret@h/a/b",
           "postgresql+://u:s3cret@h/db",
       }) {
    std::string msg = parse_error(text);
    EXPECT_FALSE(msg.empty()) << text;
    EXPECT_EQ(msg.find("s3cret"), std::string::npos) << text << " -> " << msg;
  }
}

// A password with an unencoded '/', '?' or '@' makes the parser take part of it for a port: the
// message must not show that text either.
TEST(UrlErrorMessageTest, ErrorMessagesNeverContainAnUnencodedPassword) {
  for (const char* text : {
           "postgresql://u:s3cret/x@h/db",
           "postgresql://u:s3cret?x@h/db",
           "postgresql://u:s3cret/x@h",
           "postgresql://u:70000/x@h",
       }) {
    std::string msg = parse_error(text);
    EXPECT_FALSE(msg.empty()) << text;
    EXPECT_EQ(msg.find("s3cret"), std::string::npos) << text << " -> " << msg;
    EXPECT_EQ(msg.find("70000"), std::string::npos) << text << " -> " << msg;
  }
}

// ---- database_url_from_env ------------------------------------------------------------------

class DatabaseUrlFromEnvTest : public ::testing::Test {
 protected:
  static constexpr const char* kVar = "SQLCORE_URL_TEST_DATABASE_URL";
  void SetUp() override { ::unsetenv(kVar); }
  void TearDown() override { ::unsetenv(kVar); }
};

TEST_F(DatabaseUrlFromEnvTest, ReturnsTheVariableWhenSet) {
  ASSERT_EQ(::setenv(kVar, "postgresql://u@h/db", 1), 0);
  EXPECT_EQ(database_url_from_env("sqlite://", kVar), "postgresql://u@h/db");
}

TEST_F(DatabaseUrlFromEnvTest, ReturnsTheDefaultWhenUnset) {
  EXPECT_EQ(database_url_from_env("sqlite:///default.db", kVar), "sqlite:///default.db");
}

TEST_F(DatabaseUrlFromEnvTest, ReturnsTheDefaultWhenEmpty) {
  ASSERT_EQ(::setenv(kVar, "", 1), 0);
  EXPECT_EQ(database_url_from_env("sqlite:///default.db", kVar), "sqlite:///default.db");
}

TEST_F(DatabaseUrlFromEnvTest, ReturnsTheValueVerbatimWithoutParsingIt) {
  ASSERT_EQ(::setenv(kVar, "not a url", 1), 0);
  EXPECT_EQ(database_url_from_env("sqlite://", kVar), "not a url");
}

}  // namespace
}  // namespace sqlcore

namespace {

// Found by the parser fuzz test: a URL missing its '@' put "user:password" into the host.
TEST(UrlRegression, HostWithAColonIsRejectedWithoutQuotingIt) {
  try {
    sqlcore::Url::parse("postgresql://user:s3cret:5432/db");
    FAIL() << "expected ArgumentError";
  } catch (const sqlcore::ArgumentError& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'@' missing"), std::string::npos) << e.what();
  }
}

TEST(UrlRegression, EncodedColonInASocketPathRoundTrips) {
  auto u = sqlcore::Url::parse("postgresql://u@%2Ftmp%3Ax/db");
  EXPECT_EQ(u.hosts().at(0).name, "/tmp:x");
  EXPECT_EQ(sqlcore::Url::parse(u.render(false)), u);
}

}  // namespace
