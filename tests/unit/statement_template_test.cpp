// Unit tests of Vault-style statement templates.
#include "core/error.hpp"
#include "core/statement_template.hpp"

#include <gtest/gtest.h>

using namespace dynsec;

TEST(StatementTemplate, RendersVaultVariables)
{
    StatementValues v{"v-app-ro-abc", "SCRAM-SHA-256$1:c2FsdA==$a:b", "2026-11-23 10:00:00+0000"};
    EXPECT_EQ(
        render_statement_template("CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' "
                                  "VALID UNTIL '{{expiration}}';",
                                  v),
        "CREATE ROLE \"v-app-ro-abc\" WITH LOGIN PASSWORD 'SCRAM-SHA-256$1:c2FsdA==$a:b' "
        "VALID UNTIL '2026-11-23 10:00:00+0000';");
    EXPECT_EQ(render_statement_template("GRANT r TO \"{{ username }}\"", v),
              "GRANT r TO \"v-app-ro-abc\"");
    // $$ bodies and semicolons pass through untouched.
    EXPECT_EQ(render_statement_template("DO $$BEGIN PERFORM 1; END$$; SELECT '{{name}}'", v),
              "DO $$BEGIN PERFORM 1; END$$; SELECT 'v-app-ro-abc'");
}

TEST(StatementTemplate, ValidationNamesTheProblem)
{
    EXPECT_NO_THROW(validate_statement_template("GRANT x TO \"{{name}}\"", "creation_statements"));
    try {
        validate_statement_template("GRANT x TO \"{{nmae}}\"", "creation_statements");
        FAIL();
    } catch (const Error &e) {
        EXPECT_STREQ(e.sqlstate(), "22023");
        EXPECT_STREQ(e.what(), "unknown template variable \"{{nmae}}\" in creation_statements");
        EXPECT_FALSE(e.hint().empty());
    }
    EXPECT_THROW(validate_statement_template("GRANT x TO {{name", "c"), Error);
    EXPECT_THROW(validate_statement_template("   ", "c"), Error);
}

TEST(StatementTemplate, DetectsDirectObjectGrants)
{
    EXPECT_TRUE(grants_object_privileges_to_login(
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{{name}}\";"));
    EXPECT_TRUE(grants_object_privileges_to_login("grant usage on schema s to {{username}}"));
    EXPECT_FALSE(grants_object_privileges_to_login("GRANT readers TO \"{{name}}\";"));
    EXPECT_FALSE(grants_object_privileges_to_login(
        "CREATE ROLE \"{{name}}\" LOGIN PASSWORD '{{password}}'"));
}

TEST(StatementTemplate, SplitsVaultSemicolonStrings)
{
    auto parts = split_vault_statements(" CREATE ROLE a; GRANT b TO a ;; ");
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0], "CREATE ROLE a");
    EXPECT_EQ(parts[1], "GRANT b TO a");
    EXPECT_TRUE(split_vault_statements("  ").empty());
}
