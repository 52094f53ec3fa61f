// Identifiers that need quoting: reserved words, mixed case, a quote inside a name.
#include <nlohmann/json.hpp>

#include "conformance/schema_fixture.hpp"

using namespace sqlcore;

namespace sqlcore_test {
namespace {

// ---- 8. identifiers that need quoting -------------------------------------------------------

TEST_P(SchemaTest, ReservedMixedCaseAndQuotedIdentifiers) {
  Table& order = md_.add_table("order");
  order.column("id", types::BigInteger).primary_key();
  order.column("user", types::String(50)).check(raw_sql(q("user") + " <> ''"));
  order.column("group", types::Enum({"a", "b"})).server_default("a");
  order.column("Mixed Case", types::Integer).nullable().index();
  order.column("we\"ird", types::Json).nullable();
  order.unique({"user", "Mixed Case"});
  Table& sel = md_.add_table("select");
  sel.column("id", types::BigInteger).primary_key();
  sel.column("order", types::BigInteger).references(order.c("id"), FkAction::cascade);
  sel.column("Where", types::Text).server_default("x");
  md_.create_all(engine());

  {
    auto c = engine().connect();
    ASSERT_TRUE(table_exists(c, "order"));
    ASSERT_TRUE(table_exists(c, "select"));
    expect_columns_match(c, order);
    expect_columns_match(c, sel);
    auto k = read_constraints(c, "order");
    const CatalogConstraint* uq = find_constraint(k, 'u', "uq_order_user_Mixed Case");
    ASSERT_NE(uq, nullptr);
    EXPECT_EQ(uq->columns, (Strings{"user", "Mixed Case"}));
    EXPECT_EQ(constraint_names(k, 'c'), expected_checks(order));
    auto ix = read_indexes(c, "order");
    ASSERT_EQ(ix.size(), 1u);
    EXPECT_EQ(ix[0].name, "ix_order_Mixed Case");
    EXPECT_EQ(ix[0].columns, Strings{"Mixed Case"});
    const auto sel_constraints = read_constraints(c, "select");
    const CatalogConstraint* fk = find_constraint(sel_constraints, 'f', "fk_select_order_order");
    ASSERT_NE(fk, nullptr);
    EXPECT_EQ(fk->columns, Strings{"order"});
    EXPECT_EQ(fk->ref_table, "order");

    Json doc = {{"k", "v"}};
    Value id = insert(c, order, {{"user", "u1"}, {"Mixed Case", 7}, {"we\"ird", doc}});
    auto row = c.execute(text("SELECT " + q("user") + ", " + q("group") + ", " + q("Mixed Case") +
                              ", " + q("we\"ird") + " FROM " + q("order") + " WHERE " +
                              q("Mixed Case") + " = :m"),
                         {{"m", 7}})
                   .one();
    EXPECT_EQ(row.column_names(), (Strings{"user", "group", "Mixed Case", "we\"ird"}));
    EXPECT_VALUE_EQ(order.c("user").type().result(row["user"]), Value("u1"));
    EXPECT_VALUE_EQ(order.c("group").type().result(row["group"]), Value("a"));
    EXPECT_VALUE_EQ(order.c("Mixed Case").type().result(row["Mixed Case"]), Value(7));
    EXPECT_EQ(order.c("we\"ird").type().result(row["we\"ird"]).as<Json>(), doc);

    Value child = insert(c, sel, {{"order", id}});
    EXPECT_VALUE_EQ(fetch(c, sel, child)["Where"], Value("x"));

    // The constraints on quoted columns work.
    for (const auto& [col, v] :
         std::vector<std::pair<std::string, Value>>{{"user", ""}, {"group", "c"}}) {
      SCOPED_TRACE(col);
      try {
        c.execute(text("INSERT INTO " + q("order") + " (" + q("user") + ", " + q("group") +
                       ") VALUES (:u, :g)"),
                  {{"u", col == "user" ? v : Value("u2")}, {"g", col == "group" ? v : Value("a")}});
        ADD_FAILURE() << "expected IntegrityError";
      } catch (const IntegrityError& e) {
        EXPECT_EQ(e.kind(), IntegrityKind::check) << e.what();
      }
    }
    try {
      insert(c, order, {{"user", "u1"}, {"Mixed Case", 7}});
      ADD_FAILURE() << "expected IntegrityError";
    } catch (const IntegrityError& e) {
      EXPECT_EQ(e.kind(), IntegrityKind::unique) << e.what();
    }
    c.execute(text("DELETE FROM " + q("order")));
    EXPECT_EQ(count(c, q("select")), 0) << "ON DELETE CASCADE through quoted names";
  }
  md_.drop_all(engine());
  auto c = engine().connect();
  EXPECT_FALSE(table_exists(c, "order"));
  EXPECT_FALSE(table_exists(c, "select"));
  EXPECT_EQ(schema_object_count(c), 0);
}

}  // namespace
}  // namespace sqlcore_test
