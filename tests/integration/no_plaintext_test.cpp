// No plaintext anywhere: with every statement logged, errors logged with
// their statements, and pg_stat_statements tracking nested and utility
// statements, no issued password appears in the server log or in
// pg_stat_statements; every PASSWORD literal dynsec sends is a SCRAM verifier,
// also when a Vault template fails half-way.
#include "test_cluster.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <vector>

using namespace dynsec::test;

TEST(NoPlaintext, PasswordsNeverReachLogsStatsOrErrors)
{
    Cluster c({"--set", "shared_preload_libraries='dynsec,pg_stat_statements'", "--set",
               "log_statement=all", "--set", "log_min_error_statement=debug5", "--set",
               "log_min_messages=debug1", "--set", "pg_stat_statements.track=all", "--set",
               "pg_stat_statements.track_utility=on"});
    Connection admin(c.admin_conninfo());
    ASSERT_TRUE(admin.exec("CREATE EXTENSION pg_stat_statements").ok);
    ASSERT_TRUE(admin.exec("CREATE EXTENSION dynsec").ok);
    ASSERT_TRUE(admin.exec("CREATE ROLE np_readers").ok);
    ASSERT_TRUE(admin.exec("SELECT dynsec.define_role('decl', member_of => '{np_readers}')").ok);
    ASSERT_TRUE(admin
                    .exec("SELECT dynsec.define_role('vault', creation_statements => ARRAY["
                          "'CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD ''{{password}}'' "
                          "VALID UNTIL ''{{expiration}}''; GRANT np_readers TO \"{{name}}\";'])")
                    .ok);
    // Fails after the password was used: the error and its CONTEXT must not leak it.
    ASSERT_TRUE(admin
                    .exec("SELECT dynsec.define_role('vault_fails', creation_statements => ARRAY["
                          "'CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD ''{{password}}''; "
                          "SELECT 1/0;'])")
                    .ok);

    std::vector<std::string> passwords;
    for (const char *role : {"decl", "vault"}) {
        for (int i = 0; i < 3; ++i) {
            QueryResult r = admin.exec("SELECT lease_id, password FROM dynsec.issue($1)", {role});
            ASSERT_TRUE(r.ok) << r.error;
            passwords.push_back(r.value(0, 1));
            ASSERT_TRUE(admin.exec("SELECT dynsec.renew($1)", {r.value(0, 0)}).ok);
            if (i == 0) {
                ASSERT_TRUE(admin.exec("SELECT dynsec.revoke($1)", {r.value(0, 0)}).ok);
            }
        }
    }
    QueryResult failed = admin.exec("SELECT * FROM dynsec.issue('vault_fails')");
    ASSERT_FALSE(failed.ok);
    EXPECT_EQ(failed.sqlstate, "22012");

    std::string stats;
    QueryResult q = admin.exec("SELECT string_agg(query, E'\\n') FROM pg_stat_statements");
    ASSERT_TRUE(q.ok) << q.error;
    stats = q.value();
    const std::string log = c.log();

    // The instruments really saw dynsec's statements; otherwise this test would prove nothing.
    EXPECT_NE(log.find("dynsec.issue"), std::string::npos);
    EXPECT_NE(log.find("division by zero"), std::string::npos);
    EXPECT_NE(stats.find("CREATE ROLE"), std::string::npos)
        << "nested utility statements not tracked";

    for (const std::string &p : passwords) {
        ASSERT_EQ(p.size(), 32u);
        EXPECT_EQ(log.find(p), std::string::npos) << "password in the server log";
        EXPECT_EQ(stats.find(p), std::string::npos) << "password in pg_stat_statements";
        EXPECT_EQ(failed.error.find(p), std::string::npos);
    }
    // Whatever PASSWORD literal appears anywhere is a verifier (or the template placeholder
    // in the logged define_role call), never a plaintext.
    std::regex plaintext_literal(R"(PASSWORD\s+'+(?!['{]|SCRAM-SHA-256\$))", std::regex::icase);
    auto context_of = [&](const std::string &text) {
        std::smatch m;
        if (!std::regex_search(text, m, plaintext_literal))
            return std::string();
        auto at = static_cast<std::size_t>(m.position(0));
        return text.substr(at > 200 ? at - 200 : 0, 300);
    };
    EXPECT_EQ(context_of(log), "");
    EXPECT_EQ(context_of(stats), "");
    EXPECT_FALSE(std::regex_search(failed.error, plaintext_literal));
}
