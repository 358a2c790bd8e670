// Security suite: each case is an attack that must fail and leave nothing
// changed. Attackers are an issued login and an ordinary application login.
#include "test_cluster.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <unistd.h>

using namespace dynsec::test;

namespace
{

class Security : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        Connection admin(c.admin_conninfo());
        db = unique_name("sec_db");
        grp = unique_name("sec_grp");
        app = unique_name("sec_app");
        ASSERT_TRUE(admin.exec("CREATE DATABASE " + db).ok);
        ASSERT_TRUE(admin.exec("CREATE ROLE " + grp).ok);
        ASSERT_TRUE(admin.exec("CREATE ROLE " + app + " LOGIN PASSWORD 'app-password-123'").ok);
        d = std::make_unique<Connection>(c.admin_conninfo(db));
        ASSERT_TRUE(d->exec("CREATE EXTENSION dynsec").ok);
        ASSERT_TRUE(d->exec("CREATE TABLE secret (x int); INSERT INTO secret VALUES (42)").ok);
        ASSERT_TRUE(
            d->exec("SELECT dynsec.define_role('ro', member_of => ARRAY[$1]::name[], "
                    "issuers => ARRAY[$2]::name[], default_ttl => '10 min', max_ttl => '1 hour')",
                    {grp, app})
                .ok);
        QueryResult a = d->exec("SELECT lease_id, username, password FROM dynsec.issue('ro')");
        QueryResult b = d->exec("SELECT lease_id, username, password FROM dynsec.issue('ro')");
        ASSERT_TRUE(a.ok && b.ok);
        mine = {a.value(0, 0), a.value(0, 1), a.value(0, 2)};
        theirs = {b.value(0, 0), b.value(0, 1), b.value(0, 2)};
        login = std::make_unique<Connection>(c.tcp_conninfo(mine[1], mine[2], db));
        ASSERT_TRUE(login->ok()) << login->error();
    }
    void TearDown() override
    {
        login.reset();
        d.reset();
        Connection admin(c.admin_conninfo());
        admin.exec("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        for (auto &u : {mine[1], theirs[1]}) {
            admin.exec("SET dynsec.allow_manual_changes = on");
            admin.exec("DROP ROLE IF EXISTS \"" + u + "\"");
        }
        admin.exec("DROP ROLE IF EXISTS " + grp + ", " + app);
    }
    std::string lease_state(const std::string &lease_id)
    {
        return d->scalar("SELECT coalesce((SELECT state || ':' || renew_count FROM dynsec.lease "
                         "WHERE lease_id = $1), 'gone')",
                         {lease_id});
    }

    Cluster &c = shared_cluster();
    std::string db, grp, app;
    std::array<std::string, 3> mine, theirs; // lease_id, username, password
    std::unique_ptr<Connection> d, login;
};

} // namespace

TEST_F(Security, IssuedLoginCannotActOnOtherLeases)
{
    const std::string before = lease_state(theirs[0]);
    EXPECT_EQ(login->exec("SELECT dynsec.issue('ro')").sqlstate, "42501");
    EXPECT_EQ(login->exec("SELECT dynsec.renew($1)", {theirs[0]}).sqlstate, "42704");
    EXPECT_EQ(login->exec("SELECT dynsec.revoke($1)", {theirs[0]}).sqlstate, "42704");
    EXPECT_EQ(login->exec("SELECT dynsec.revoke_role('ro')").sqlstate, "42501");
    EXPECT_EQ(login->exec("SELECT dynsec.reap()").sqlstate, "42501");
    EXPECT_EQ(lease_state(theirs[0]), before);
    // It sees only its own lease, and not the audit log or the lease table.
    EXPECT_EQ(login->scalar("SELECT string_agg(lease_id, ',') FROM dynsec.leases"), mine[0]);
    EXPECT_EQ(login->exec("SELECT * FROM dynsec.audit_log").sqlstate, "42501");
    EXPECT_EQ(login->exec("SELECT * FROM dynsec.lease").sqlstate, "42501");
    EXPECT_EQ(login->exec("UPDATE dynsec.lease SET expires_at = 'infinity'").sqlstate, "42501");
    EXPECT_EQ(login->exec("INSERT INTO dynsec.roles (name) VALUES ('mine')").sqlstate, "42501");
    // It may renew its own lease, within the cap.
    EXPECT_TRUE(login->exec("SELECT dynsec.renew()").ok);
}

TEST_F(Security, IssuedLoginCannotEscalate)
{
    EXPECT_EQ(login->exec("SELECT * FROM secret").sqlstate, "42501");
    EXPECT_EQ(login->exec("SET ROLE postgres").sqlstate, "42501");
    EXPECT_EQ(login->exec("SET ROLE " + app).sqlstate, "42501");
    EXPECT_EQ(login->exec("ALTER ROLE CURRENT_USER VALID UNTIL 'infinity'").sqlstate, "42501");
    EXPECT_EQ(login->exec("CREATE ROLE minion").sqlstate, "42501");
    EXPECT_EQ(d->scalar("SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls "
                        "FROM pg_roles WHERE rolname = $1",
                        {mine[1]}),
              "f");
}

TEST_F(Security, SearchPathHijackDoesNotReachDynsecInternals)
{
    // An attacker who may create objects plants look-alikes of functions and
    // tables that dynsec's own queries use, and puts its schema first.
    ASSERT_TRUE(d->exec("GRANT CREATE ON SCHEMA public TO " + app).ok);
    Connection attacker(c.tcp_conninfo(app, "app-password-123", db));
    ASSERT_TRUE(attacker.ok()) << attacker.error();
    ASSERT_TRUE(attacker
                    .exec("CREATE TABLE public.pg_roles (oid oid, rolname name, rolcanlogin bool);"
                          "CREATE FUNCTION public.quote_ident(text) RETURNS text LANGUAGE sql AS "
                          "$$ SELECT 'hijacked' $$;"
                          "CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE sql AS "
                          "$$ SELECT 'infinity'::timestamptz $$;"
                          "CREATE FUNCTION public.inet_client_addr() RETURNS inet LANGUAGE sql AS "
                          "$$ SELECT '6.6.6.6'::inet $$;")
                    .ok);
    ASSERT_TRUE(attacker.exec("SET search_path = public, pg_catalog").ok);
    QueryResult r =
        attacker.exec("SELECT lease_id, username, expires_at < 'infinity' FROM dynsec.issue('ro')");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.value(0, 2), "t");
    EXPECT_EQ(
        d->scalar("SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = $1", {r.value(0, 1)}),
        "1");
    EXPECT_NE(d->scalar("SELECT client_addr::text FROM dynsec.lease WHERE lease_id = $1",
                        {r.value(0, 0)}),
              "6.6.6.6/32");
    EXPECT_EQ(d->scalar("SELECT count(*) FROM public.pg_roles"), "0");
}

TEST_F(Security, InjectionThroughArgumentsFailsCleanly)
{
    const std::string roles_before = d->scalar("SELECT count(*) FROM pg_roles");
    Connection app_conn(c.tcp_conninfo(app, "app-password-123", db));
    ASSERT_TRUE(app_conn.ok());
    for (const std::string &evil :
         {std::string("ro'; DROP TABLE secret; --"), std::string("ro\"; DROP TABLE secret; --"),
          std::string("$$; DROP TABLE secret; $$"), std::string(5000, 'r'),
          std::string("r\xc3\xb6le-\xe2\x98\x83")}) {
        EXPECT_EQ(app_conn.exec("SELECT dynsec.issue($1)", {evil}).sqlstate, "42704");
        EXPECT_EQ(app_conn.exec("SELECT dynsec.renew($1)", {evil}).sqlstate, "42704");
        EXPECT_EQ(app_conn.exec("SELECT dynsec.revoke($1)", {evil}).sqlstate, "42704");
        EXPECT_EQ(d->exec("SELECT dynsec.define_role($1)", {evil}).sqlstate, "22023");
        EXPECT_EQ(d->exec("SELECT dynsec.define_role('x', member_of => ARRAY[$1]::name[])", {evil})
                      .sqlstate,
                  "42704");
    }
    EXPECT_EQ(
        app_conn
            .exec("SELECT dynsec.issue('ro', $1::interval)", {"1 hour'); DROP TABLE secret; --"})
            .sqlstate,
        "22007");
    EXPECT_EQ(d->exec("SELECT dynsec.define_role('x', username_template => $1)",
                      {"v-\"; DROP TABLE secret; --{{random 8}}"})
                  .sqlstate,
              "22023");
    EXPECT_EQ(d->scalar("SELECT count(*) FROM secret"), "1");
    EXPECT_EQ(d->scalar("SELECT count(*) FROM pg_roles"), roles_before);
    EXPECT_EQ(d->scalar("SELECT count(*) FROM dynsec.roles"), "1");
}

TEST_F(Security, NonIssuerCannotIssueAndCannotWriteTemplates)
{
    ASSERT_TRUE(d->exec("SELECT dynsec.define_role('ro', member_of => ARRAY[$1]::name[], "
                        "issuers => '{pg_monitor}')",
                        {grp})
                    .ok);
    Connection app_conn(c.tcp_conninfo(app, "app-password-123", db));
    EXPECT_EQ(app_conn.exec("SELECT dynsec.issue('ro')").sqlstate, "42501");
    ASSERT_TRUE(d->exec("GRANT INSERT, UPDATE ON dynsec.roles TO " + app).ok);
    EXPECT_EQ(app_conn
                  .exec("INSERT INTO dynsec.roles (name, creation_statements) VALUES ('evil', "
                        "'{\"CREATE ROLE \\\"{{name}}\\\" SUPERUSER LOGIN\"}')")
                  .sqlstate,
              "42501");
    EXPECT_EQ(
        app_conn.exec("UPDATE dynsec.roles SET member_of = '{pg_write_server_files}'").sqlstate,
        "42501");
    EXPECT_EQ(d->scalar("SELECT count(*) FROM dynsec.roles WHERE name = 'evil' OR "
                        "'pg_write_server_files' = ANY(member_of)"),
              "0");
}
