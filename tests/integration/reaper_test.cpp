// The in-server reaper: expiry happens by itself, in every database with the
// extension, failed revocations are retried, and it never blocks DROP DATABASE.
#include "test_cluster.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <unistd.h>

using namespace dynsec::test;

namespace
{

struct Issued {
    std::string lease_id, username, password;
};

// A fresh database with the extension and a credential role of the given TTL.
std::string make_database(Cluster &c, const std::string &group, const std::string &ttl)
{
    Connection admin(c.admin_conninfo());
    std::string db = unique_name("reaper_db");
    EXPECT_TRUE(admin.exec("CREATE DATABASE " + db).ok);
    Connection d(c.admin_conninfo(db));
    EXPECT_TRUE(d.exec("CREATE EXTENSION dynsec").ok);
    EXPECT_TRUE(d.exec("SELECT dynsec.define_role('short', member_of => ARRAY[$1]::name[], "
                       "default_ttl => $2::interval, max_ttl => '1 hour')",
                       {group, ttl})
                    .ok);
    return db;
}

Issued issue(Connection &db, const std::string &ttl = "")
{
    QueryResult r = ttl.empty()
                        ? db.exec("SELECT lease_id, username, password FROM dynsec.issue('short')")
                        : db.exec("SELECT lease_id, username, password FROM "
                                  "dynsec.issue('short', $1::interval)",
                                  {ttl});
    EXPECT_TRUE(r.ok) << r.error;
    return {r.value(0, 0), r.value(0, 1), r.value(0, 2)};
}

bool role_exists(Connection &c, const std::string &name)
{
    return c.scalar("SELECT count(*) FROM pg_roles WHERE rolname = $1", {name}) != "0";
}

bool reaper_running_in(Connection &admin, const std::string &db)
{
    return admin.scalar(
               "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'dynsec reaper' "
               "AND datname = $1",
               {db}) == "1";
}

class Reaper : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        group = unique_name("reaper_grp");
        Connection admin(cluster.admin_conninfo());
        ASSERT_TRUE(admin.exec("CREATE ROLE " + group).ok);
    }
    Cluster &cluster = shared_cluster();
    std::string group;
};

} // namespace

TEST_F(Reaper, ExpiredLeaseIsRevokedWithoutAnyoneCallingReap)
{
    std::string db = make_database(cluster, group, "2 seconds");
    Connection d(cluster.admin_conninfo(db));
    Issued lease = issue(d);
    Connection session(cluster.tcp_conninfo(lease.username, lease.password, db));
    ASSERT_TRUE(session.ok()) << session.error();
    ASSERT_TRUE(session.alive());

    EXPECT_TRUE(eventually([&] { return !session.alive(); }, std::chrono::seconds(30)))
        << "the issued login's session was not terminated";
    EXPECT_TRUE(
        eventually([&] { return !role_exists(d, lease.username); }, std::chrono::seconds(30)));
    EXPECT_EQ(d.scalar("SELECT count(*) FROM dynsec.lease"), "0");
    EXPECT_EQ(
        d.scalar("SELECT count(*) FROM dynsec.audit_log WHERE event = 'expire' AND lease_id = $1",
                 {lease.lease_id}),
        "1");
    Connection again(cluster.tcp_conninfo(lease.username, lease.password, db));
    EXPECT_FALSE(again.ok());
}

TEST_F(Reaper, EveryDatabaseWithTheExtensionIsReapedIncludingNewOnes)
{
    Connection admin(cluster.admin_conninfo());
    std::string a = make_database(cluster, group, "1 hour");
    std::string b = make_database(cluster, group, "1 hour");
    EXPECT_TRUE(
        eventually([&] { return reaper_running_in(admin, a) && reaper_running_in(admin, b); }));

    // A database created later gets a reaper once the extension is created there.
    std::string c = make_database(cluster, group, "1 hour");
    EXPECT_TRUE(eventually([&] { return reaper_running_in(admin, c); }, std::chrono::seconds(10)));

    for (const std::string &db : {a, b, c}) {
        Connection d(cluster.admin_conninfo(db));
        Issued lease = issue(d, "1 second");
        EXPECT_TRUE(eventually([&] { return !role_exists(d, lease.username); }))
            << "lease in " << db << " was not reaped";
    }

    // DROP EXTENSION lets the reaper go.
    Connection dc(cluster.admin_conninfo(c));
    ASSERT_TRUE(dc.exec("DROP EXTENSION dynsec").ok);
    EXPECT_TRUE(eventually([&] { return !reaper_running_in(admin, c); }, std::chrono::seconds(30)));
}

TEST_F(Reaper, RunningReaperNeverBlocksDropOrCopyOfItsDatabase)
{
    Connection admin(cluster.admin_conninfo());
    std::string db = make_database(cluster, group, "1 hour");
    ASSERT_TRUE(eventually([&] { return reaper_running_in(admin, db); }));
    std::string copy = unique_name("reaper_copy");
    QueryResult created = admin.exec("CREATE DATABASE " + copy + " TEMPLATE " + db);
    EXPECT_TRUE(created.ok) << created.error;
    QueryResult dropped = admin.exec("DROP DATABASE " + db);
    EXPECT_TRUE(dropped.ok) << dropped.error;
    // The copy has the extension too, so it gets its own reaper.
    EXPECT_TRUE(eventually([&] { return reaper_running_in(admin, copy); }));
    QueryResult dropped_copy = admin.exec("DROP DATABASE " + copy);
    EXPECT_TRUE(dropped_copy.ok) << dropped_copy.error;
}

TEST_F(Reaper, FailedRevocationStaysNologinIsRetriedAndDoesNotBlockOthers)
{
    Connection admin(cluster.admin_conninfo());
    std::string db = make_database(cluster, group, "1 hour");
    std::string other_db = unique_name("reaper_other");
    ASSERT_TRUE(admin.exec("CREATE DATABASE " + other_db).ok);
    Connection other(cluster.admin_conninfo(other_db));
    ASSERT_TRUE(other.exec("GRANT CREATE ON SCHEMA public TO " + group).ok);

    Connection d(cluster.admin_conninfo(db));
    Issued stuck = issue(d, "3 seconds");
    {
        // The login owns a table in another database: DROP ROLE there will fail.
        Connection login(cluster.tcp_conninfo(stuck.username, stuck.password, other_db));
        ASSERT_TRUE(login.ok()) << login.error();
        ASSERT_TRUE(login.exec("CREATE TABLE owned_elsewhere (x int)").ok);
    }
    Issued fine = issue(d, "3 seconds");

    EXPECT_TRUE(eventually([&] {
        return d.scalar("SELECT state FROM dynsec.leases WHERE lease_id = $1", {stuck.lease_id}) ==
               "failed";
    }));
    EXPECT_TRUE(eventually([&] { return !role_exists(d, fine.username); }))
        << "one failing lease blocked another";
    QueryResult st =
        d.exec("SELECT l.attempts >= 1, l.last_error, r.rolcanlogin FROM dynsec.leases l "
               "JOIN pg_roles r ON r.rolname = l.username WHERE l.lease_id = $1",
               {stuck.lease_id});
    ASSERT_TRUE(st.ok) << st.error;
    EXPECT_EQ(st.value(0, 0), "t");
    EXPECT_NE(st.value(0, 1).find("cannot be dropped"), std::string::npos) << st.value(0, 1);
    EXPECT_EQ(st.value(0, 2), "f") << "a failed lease must stay NOLOGIN";
    Connection refused(cluster.tcp_conninfo(stuck.username, stuck.password, db));
    EXPECT_FALSE(refused.ok());

    // Remove the obstacle: the retry succeeds.
    ASSERT_TRUE(other.exec("DROP TABLE owned_elsewhere").ok);
    EXPECT_TRUE(
        eventually([&] { return !role_exists(d, stuck.username); }, std::chrono::seconds(30)));
    EXPECT_EQ(
        d.scalar("SELECT count(*) FROM dynsec.audit_log WHERE event = 'failure' AND lease_id = $1",
                 {stuck.lease_id}) != "0",
        true);
    admin.exec("DROP DATABASE " + other_db + " WITH (FORCE)");
}
