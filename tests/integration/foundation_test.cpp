// Foundation: the throwaway cluster runs with dynsec preloaded, the
// extension installs, and a client reaches it over TCP with SCRAM.
#include "test_cluster.hpp"

#include <gtest/gtest.h>

using namespace dynsec::test;

TEST(Foundation, ExtensionInstallsInPreloadedCluster)
{
    Cluster &c = shared_cluster();
    Connection admin(c.admin_conninfo());
    ASSERT_TRUE(admin.ok()) << admin.error();
    EXPECT_EQ(admin.scalar("SHOW shared_preload_libraries"), "dynsec");
    admin.exec("DROP DATABASE IF EXISTS foundation");
    ASSERT_TRUE(admin.exec("CREATE DATABASE foundation").ok);
    Connection db(c.admin_conninfo("foundation"));
    ASSERT_TRUE(db.exec("CREATE EXTENSION dynsec").ok);
    EXPECT_EQ(db.scalar("SELECT dynsec.version()"), "0.1.0");
}

TEST(Foundation, ClusterListensOnLoopbackOnlyAndNeverOn5432)
{
    Cluster &c = shared_cluster();
    Connection admin(c.admin_conninfo());
    EXPECT_EQ(admin.scalar("SHOW listen_addresses"), "127.0.0.1");
    EXPECT_NE(c.port(), 5432);
    EXPECT_EQ(admin.scalar("SHOW unix_socket_directories"), c.socket_dir());
}

TEST(Foundation, ScramLoginOverTcp)
{
    Cluster &c = shared_cluster();
    Connection admin(c.admin_conninfo());
    admin.exec("DROP ROLE IF EXISTS foundation_user");
    ASSERT_TRUE(admin.exec("CREATE ROLE foundation_user LOGIN PASSWORD 'secret-pass-123'").ok);
    Connection good(c.tcp_conninfo("foundation_user", "secret-pass-123"));
    EXPECT_TRUE(good.ok()) << good.error();
    Connection bad(c.tcp_conninfo("foundation_user", "wrong"));
    EXPECT_FALSE(bad.ok());
    EXPECT_NE(bad.error().find("password authentication failed"), std::string::npos) << bad.error();
}
