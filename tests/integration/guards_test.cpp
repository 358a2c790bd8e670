// Guards: managed roles are tamper-proof (superusers included, break-glass
// aside), and an expired credential is refused for every authentication
// method, including trust.
#include "test_cluster.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace dynsec::test;

namespace
{

} // namespace

TEST(Guards, ManagedRolesAreTamperProofExceptThroughDynsec)
{
    Cluster &c = shared_cluster();
    Connection admin(c.admin_conninfo());
    std::string db = unique_name("guard_db"), grp = unique_name("guard_grp"),
                other = unique_name("guard_other");
    ASSERT_TRUE(admin.exec("CREATE DATABASE " + db).ok);
    ASSERT_TRUE(admin.exec("CREATE ROLE " + grp).ok);
    ASSERT_TRUE(admin.exec("CREATE ROLE " + other).ok);
    Connection d(c.admin_conninfo(db));
    ASSERT_TRUE(d.exec("CREATE EXTENSION dynsec").ok);
    ASSERT_TRUE(d.exec("SELECT dynsec.define_role('ro', member_of => ARRAY[$1]::name[], "
                       "default_ttl => '10 min', max_ttl => '1 hour')",
                       {grp})
                    .ok);
    QueryResult issued = d.exec("SELECT lease_id, username, password FROM dynsec.issue('ro')");
    ASSERT_TRUE(issued.ok) << issued.error;
    const std::string lease = issued.value(0, 0), user = issued.value(0, 1),
                      pass = issued.value(0, 2);
    const std::string q = "\"" + user + "\"";
    const std::string valid_until =
        d.scalar("SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1", {user});

    for (const std::string &attack :
         {"ALTER ROLE " + q + " VALID UNTIL 'infinity'",
          "ALTER ROLE " + q + " PASSWORD 'chosen-by-me'", "ALTER ROLE " + q + " SUPERUSER",
          "ALTER ROLE " + q + " RENAME TO hijacked", "ALTER ROLE " + q + " SET search_path = evil",
          "DROP ROLE " + q, "GRANT pg_read_all_data TO " + q, "REVOKE " + grp + " FROM " + q,
          "GRANT " + q + " TO " + other}) {
        QueryResult r = admin.exec(attack);
        EXPECT_FALSE(r.ok) << attack;
        EXPECT_EQ(r.sqlstate, "42501") << attack << ": " << r.error;
        EXPECT_NE(r.error.find("is managed by dynsec"), std::string::npos) << r.error;
    }
    EXPECT_EQ(d.scalar("SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1", {user}),
              valid_until);
    EXPECT_EQ(d.scalar("SELECT pg_has_role($1, 'pg_read_all_data', 'MEMBER')", {user}), "f");

    // The issued login cannot change its own password either.
    Connection self(c.tcp_conninfo(user, pass, db));
    ASSERT_TRUE(self.ok()) << self.error();
    QueryResult own = self.exec("ALTER ROLE CURRENT_USER PASSWORD 'mine-now-123456'");
    EXPECT_EQ(own.sqlstate, "42501") << own.error;
    // Nor open the break-glass.
    EXPECT_EQ(self.exec("SET dynsec.allow_manual_changes = on").sqlstate, "42501");

    // dynsec itself still can.
    EXPECT_NE(d.scalar("SELECT dynsec.renew($1, '20 min')", {lease}), "");
    // Ordinary roles are untouched.
    EXPECT_TRUE(admin.exec("ALTER ROLE " + other + " VALID UNTIL 'infinity'").ok);
    // Break-glass for a superuser.
    ASSERT_TRUE(admin.exec("SET dynsec.allow_manual_changes = on").ok);
    EXPECT_TRUE(admin.exec("ALTER ROLE " + q + " CONNECTION LIMIT 7").ok);
    ASSERT_TRUE(admin.exec("RESET dynsec.allow_manual_changes").ok);

    EXPECT_EQ(d.scalar("SELECT dynsec.revoke($1)", {lease}), "t");
    d.exec("SELECT 1");
    admin.exec("DROP DATABASE " + db + " WITH (FORCE)");
    admin.exec("DROP ROLE " + grp + ", " + other);
}

TEST(Guards, ExpiredCredentialIsRefusedEvenWithTrustAuthentication)
{
    // No reaper, so the expired role still exists: only the login guard stands in the way.
    Cluster c({"--set", "dynsec.reaper_enabled=off"});
    Connection admin(c.admin_conninfo());
    ASSERT_TRUE(admin.exec("CREATE ROLE trusted_grp").ok);
    {
        // trust for members of trusted_grp over TCP, ahead of the SCRAM lines.
        std::string path = c.dir() + "/data/pg_hba.conf";
        std::ifstream in(path);
        std::stringstream old;
        old << in.rdbuf();
        std::ofstream out(path);
        out << "host all +trusted_grp 127.0.0.1/32 trust\n" << old.str();
    }
    ASSERT_TRUE(admin.exec("SELECT pg_reload_conf()").ok);
    ASSERT_TRUE(admin.exec("CREATE EXTENSION dynsec").ok);
    ASSERT_TRUE(admin
                    .exec("SELECT dynsec.define_role('t', member_of => '{trusted_grp}', "
                          "default_ttl => '3 seconds', max_ttl => '1 hour')")
                    .ok);
    QueryResult issued = admin.exec("SELECT username, expires_at FROM dynsec.issue('t')");
    ASSERT_TRUE(issued.ok) << issued.error;
    const std::string user = issued.value(0, 0);

    const std::string no_password = "host=127.0.0.1 port=" + std::to_string(c.port()) +
                                    " user=" + user +
                                    " dbname=postgres sslmode=disable connect_timeout=5";
    {
        Connection before(no_password);
        ASSERT_TRUE(before.ok()) << "trust login before expiry should work: " << before.error();
    }
    std::string last_error;
    EXPECT_TRUE(eventually(
        [&] {
            Connection after(no_password);
            last_error = after.error();
            return !after.ok();
        },
        std::chrono::seconds(20)));
    EXPECT_NE(last_error.find("has expired"), std::string::npos) << last_error;
    EXPECT_EQ(admin.scalar("SELECT count(*) FROM pg_roles WHERE rolname = $1", {user}), "1")
        << "the role must still exist, or this test proves nothing";
    EXPECT_NE(c.log().find("dynsec credential \"" + user + "\" has expired"), std::string::npos);
}

TEST(Guards, BoundAndOneTimeCredentialsAreEnforcedAndCounted)
{
    Cluster &c = shared_cluster();
    Connection admin(c.admin_conninfo());
    std::string db = unique_name("bind_db"), grp = unique_name("bind_grp"),
                app = unique_name("bind_app");
    ASSERT_TRUE(admin.exec("CREATE DATABASE " + db).ok);
    ASSERT_TRUE(admin.exec("CREATE ROLE " + grp).ok);
    ASSERT_TRUE(admin.exec("CREATE ROLE " + app + " LOGIN PASSWORD 'bind-app-pass-1'").ok);
    Connection d(c.admin_conninfo(db));
    ASSERT_TRUE(d.exec("CREATE EXTENSION dynsec").ok);
    ASSERT_TRUE(d.exec("SELECT dynsec.define_role('ro', member_of => ARRAY[$1]::name[], "
                       "issuers => ARRAY[$2]::name[])",
                       {grp, app})
                    .ok);
    auto issue = [&](Connection &conn, const std::string &args) {
        QueryResult r =
            conn.exec("SELECT lease_id, username, password FROM dynsec.issue('ro'" + args + ")");
        EXPECT_TRUE(r.ok) << r.error;
        return std::array<std::string, 3>{r.value(0, 0), r.value(0, 1), r.value(0, 2)};
    };
    auto stats = [&](const std::string &lease) {
        return d.scalar("SELECT logins || '/' || refusals FROM dynsec.leases WHERE lease_id = $1",
                        {lease});
    };

    // Bound to another network: refused from 127.0.0.1, and counted.
    auto elsewhere = issue(d, ", bind_to => '10.0.0.0/8'");
    Connection e(c.tcp_conninfo(elsewhere[1], elsewhere[2], db));
    EXPECT_FALSE(e.ok());
    EXPECT_NE(e.error().find("is not valid from this address"), std::string::npos) << e.error();
    EXPECT_EQ(stats(elsewhere[0]), "0/1");
    // Bound to loopback: allowed.
    auto here = issue(d, ", bind_to => '127.0.0.1/32'");
    Connection h(c.tcp_conninfo(here[1], here[2], db));
    EXPECT_TRUE(h.ok()) << h.error();
    EXPECT_EQ(stats(here[0]), "1/0");

    // One-time credential: the second login is refused.
    auto once = issue(d, ", max_logins => 1");
    {
        Connection first(c.tcp_conninfo(once[1], once[2], db));
        EXPECT_TRUE(first.ok()) << first.error();
    }
    Connection second(c.tcp_conninfo(once[1], once[2], db));
    EXPECT_FALSE(second.ok());
    EXPECT_NE(second.error().find("has no logins left"), std::string::npos) << second.error();
    EXPECT_EQ(stats(once[0]), "1/1");
    EXPECT_EQ(d.exec("SELECT dynsec.issue('ro', max_logins => 0)").sqlstate, "22023");

    // bind_client_addr: bound to where the issuer was. Issued over the Unix
    // socket, the login is then refused over TCP.
    ASSERT_TRUE(d.exec("UPDATE dynsec.roles SET bind_client_addr = true").ok);
    auto local = issue(d, "");
    Connection l(c.tcp_conninfo(local[1], local[2], db));
    EXPECT_FALSE(l.ok());
    EXPECT_NE(l.error().find("is not valid from this address"), std::string::npos) << l.error();
    Connection app_conn(c.tcp_conninfo(app, "bind-app-pass-1", db));
    ASSERT_TRUE(app_conn.ok()) << app_conn.error();
    auto via_tcp = issue(app_conn, "");
    EXPECT_EQ(d.scalar("SELECT bind_to FROM dynsec.leases WHERE lease_id = $1", {via_tcp[0]}),
              "127.0.0.1");
    Connection t(c.tcp_conninfo(via_tcp[1], via_tcp[2], db));
    EXPECT_TRUE(t.ok()) << t.error();
    // Bound logins carry the fail-closed marker.
    EXPECT_EQ(d.scalar("SELECT pg_has_role($1, 'dynsec_bound', 'MEMBER')", {via_tcp[1]}), "t");

    EXPECT_NE(c.log().find("\"" + elsewhere[1] + "\" is not valid from this address"),
              std::string::npos);
    d.exec("SELECT dynsec.revoke_role('ro')");
    admin.exec("DROP DATABASE " + db + " WITH (FORCE)");
    admin.exec("DROP ROLE " + grp + ", " + app);
}
