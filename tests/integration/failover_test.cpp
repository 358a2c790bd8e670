// Failover: a hot standby never runs reapers; leases are WAL-logged rows, so
// after promotion the new primary's reaper revokes them at expiry.
#include "test_cluster.hpp"

#include <gtest/gtest.h>

using namespace dynsec::test;

TEST(Failover, StandbyNeverReapsPromotedStandbyTakesOver)
{
    Cluster primary;
    Connection p(primary.admin_conninfo());
    ASSERT_TRUE(p.exec("CREATE EXTENSION dynsec").ok);
    ASSERT_TRUE(p.exec("CREATE ROLE failover_readers").ok);
    ASSERT_TRUE(p.exec("SELECT dynsec.define_role('ro', member_of => '{failover_readers}', "
                       "default_ttl => '1 hour', max_ttl => '2 hours')")
                    .ok);
    std::unique_ptr<Cluster> standby = primary.make_standby();
    Connection s(standby->admin_conninfo());
    ASSERT_TRUE(s.ok()) << s.error();
    EXPECT_EQ(s.scalar("SELECT pg_is_in_recovery()"), "t");

    // Leases that expire a few seconds from now, replicated to the standby.
    ASSERT_TRUE(p.exec("CREATE TABLE issued AS SELECT lease_id, username FROM dynsec.issue('ro', "
                       "'6 seconds') UNION ALL SELECT lease_id, username FROM dynsec.issue('ro', "
                       "'6 seconds')")
                    .ok);
    EXPECT_TRUE(eventually([&] {
        QueryResult r = s.exec("SELECT count(*) FROM dynsec.lease");
        return r.ok && r.value() == "2";
    })) << "leases did not reach the standby";
    EXPECT_EQ(s.scalar("SELECT count(*) FROM pg_stat_activity WHERE backend_type LIKE 'dynsec%'"),
              "0")
        << "a standby must not run dynsec workers";

    // The primary goes away before the leases expire.
    primary.stop();
    standby->promote();
    EXPECT_TRUE(eventually([&] {
        QueryResult r = s.exec("SELECT pg_is_in_recovery()");
        return r.ok && r.value() == "f";
    }));
    EXPECT_TRUE(eventually(
        [&] {
            return s.scalar("SELECT count(*) FROM pg_stat_activity "
                            "WHERE backend_type = 'dynsec reaper'") == "1";
        },
        std::chrono::seconds(20)));
    EXPECT_TRUE(eventually(
        [&] {
            return s.scalar(
                       "SELECT count(*) FROM pg_roles r JOIN issued i ON r.rolname = i.username") ==
                   "0";
        },
        std::chrono::seconds(40)))
        << "the promoted standby did not revoke the replicated leases";
    EXPECT_EQ(s.scalar("SELECT count(*) FROM dynsec.audit_log a JOIN issued i USING (lease_id) "
                       "WHERE a.event = 'expire'"),
              "2");
}
