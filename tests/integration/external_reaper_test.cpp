// dynsec-reaper, the external daemon, against a cluster without the library
// preloaded: reaps at expiry as a non-superuser, survives a server restart,
// and exits 0 on SIGTERM.
#include "test_cluster.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace dynsec::test;

namespace
{

std::string reaper_binary()
{
    const char *src = std::getenv("DYNSEC_SOURCE_DIR");
    return std::string(src ? src : ".") + "/build/dynsec-reaper";
}

// Starts dynsec-reaper with its stderr in log_path; returns its pid.
pid_t start_reaper(const std::string &conninfo, const std::string &log_path)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        execl(reaper_binary().c_str(), "dynsec-reaper", "--naptime", "2", conninfo.c_str(),
              static_cast<char *>(nullptr));
        _exit(127);
    }
    return pid;
}

std::string read_file(const std::string &path)
{
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

} // namespace

TEST(ExternalReaper, ReapsWithoutPreloadSurvivesRestartAndStopsCleanly)
{
    Cluster c({"--no-preload"});
    Connection admin(c.admin_conninfo());
    ASSERT_TRUE(admin.exec("CREATE EXTENSION dynsec").ok);
    ASSERT_EQ(
        admin.scalar("SELECT count(*) FROM pg_stat_activity WHERE backend_type LIKE 'dynsec%'"),
        "0");
    ASSERT_TRUE(admin.exec("CREATE ROLE ext_readers").ok);
    ASSERT_TRUE(admin
                    .exec("SELECT dynsec.define_role('short', member_of => '{ext_readers}', "
                          "default_ttl => '2 seconds', max_ttl => '1 hour')")
                    .ok);
    // The daemon's login: no superuser, only what the documentation says.
    ASSERT_TRUE(admin.exec("CREATE ROLE reaper LOGIN PASSWORD 'reaper-pass-123'").ok);
    ASSERT_TRUE(admin.exec("GRANT USAGE ON SCHEMA dynsec TO reaper").ok);
    ASSERT_TRUE(
        admin
            .exec(
                "GRANT EXECUTE ON FUNCTION dynsec.reap(integer), dynsec.next_deadline() TO reaper")
            .ok);

    std::string log = c.dir() + "/dynsec-reaper.log";
    pid_t pid = start_reaper(c.tcp_conninfo("reaper", "reaper-pass-123"), log);
    ASSERT_GT(pid, 0);

    auto issue = [&](Connection &conn) {
        QueryResult r = conn.exec("SELECT username, password FROM dynsec.issue('short')");
        EXPECT_TRUE(r.ok) << r.error;
        return std::make_pair(r.value(0, 0), r.value(0, 1));
    };
    auto role_gone = [&](Connection &conn, const std::string &name) {
        return conn.scalar("SELECT count(*) FROM pg_roles WHERE rolname = $1", {name}) == "0";
    };

    auto [user, password] = issue(admin);
    Connection session(c.tcp_conninfo(user, password));
    ASSERT_TRUE(session.ok()) << session.error();
    EXPECT_TRUE(eventually([&] { return !session.alive(); }, std::chrono::seconds(30)))
        << read_file(log);
    EXPECT_TRUE(eventually([&] { return role_gone(admin, user); }, std::chrono::seconds(30)))
        << read_file(log);

    // Restart the server under it: it reconnects and goes on reaping.
    c.restart();
    Connection admin2(c.admin_conninfo());
    auto [user2, password2] = issue(admin2);
    EXPECT_TRUE(eventually([&] { return role_gone(admin2, user2); }, std::chrono::seconds(60)))
        << read_file(log);
    EXPECT_NE(read_file(log).find("reconnecting"), std::string::npos) << read_file(log);

    ASSERT_EQ(kill(pid, SIGTERM), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_NE(read_file(log).find("revoked 1 lease(s)"), std::string::npos) << read_file(log);
}

TEST(ExternalReaper, OnceModeAndUsageErrors)
{
    std::string out;
    EXPECT_EQ(run_command(reaper_binary() + " --help", &out), 0);
    EXPECT_NE(out.find("Usage: dynsec-reaper"), std::string::npos);
    EXPECT_EQ(run_command(reaper_binary(), &out), 2);
    EXPECT_EQ(run_command(reaper_binary() + " --batch 0 x", &out), 2);
    // --once against an unreachable server fails with a non-zero exit.
    EXPECT_EQ(
        run_command(reaper_binary() + " --once 'host=127.0.0.1 port=1 connect_timeout=2'", &out),
        1);
    EXPECT_NE(out.find("cannot connect"), std::string::npos) << out;
}
