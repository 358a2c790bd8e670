// test_cluster.cpp — throwaway clusters and libpq helpers for integration tests.
#include "test_cluster.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace dynsec::test
{

namespace
{

std::string pgcluster()
{
    const char *p = std::getenv("DYNSEC_PGCLUSTER");
    return p ? p : "tools/pgcluster";
}

std::string shell_quote(const std::string &s)
{
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

} // namespace

const std::string &QueryResult::value(std::size_t row, std::size_t col) const
{
    static const std::string null_marker = "<NULL>";
    if (row >= rows.size() || col >= rows[row].size() || !rows[row][col])
        return null_marker;
    return *rows[row][col];
}

Connection::Connection(const std::string &conninfo) : conn_(PQconnectdb(conninfo.c_str()))
{
    // Keep NOTICEs out of the test output; tests that care read them from the server log.
    PQsetNoticeProcessor(
        conn_, [](void *, const char *) {}, nullptr);
}
Connection::~Connection()
{
    PQfinish(conn_);
}
bool Connection::ok() const
{
    return PQstatus(conn_) == CONNECTION_OK;
}
std::string Connection::error() const
{
    return PQerrorMessage(conn_);
}

QueryResult Connection::exec(const std::string &sql, const std::vector<std::string> &params)
{
    std::vector<const char *> values;
    for (const auto &p : params)
        values.push_back(p.c_str());
    // Without parameters use the simple protocol, which allows several statements.
    PGresult *res = params.empty()
                        ? PQexec(conn_, sql.c_str())
                        : PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                       values.data(), nullptr, nullptr, 0);
    QueryResult r;
    ExecStatusType st = PQresultStatus(res);
    r.ok = st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
    if (!r.ok) {
        const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        r.sqlstate = code ? code : "";
        r.error = PQerrorMessage(conn_);
    }
    for (int i = 0; i < PQntuples(res); ++i) {
        std::vector<std::optional<std::string>> row;
        for (int j = 0; j < PQnfields(res); ++j)
            row.push_back(PQgetisnull(res, i, j)
                              ? std::nullopt
                              : std::optional<std::string>(PQgetvalue(res, i, j)));
        r.rows.push_back(std::move(row));
    }
    PQclear(res);
    return r;
}

std::string Connection::scalar(const std::string &sql, const std::vector<std::string> &params)
{
    QueryResult r = exec(sql, params);
    EXPECT_TRUE(r.ok) << sql << ": " << r.error;
    return r.value();
}

bool Connection::alive()
{
    if (PQstatus(conn_) != CONNECTION_OK)
        return false;
    PGresult *res = PQexec(conn_, "SELECT 1");
    bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
    PQclear(res);
    return ok;
}

int run_command(const std::string &cmd, std::string *out)
{
    FILE *f = popen((cmd + " 2>&1").c_str(), "r");
    if (!f)
        return -1;
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        text.append(buf, n);
    int status = pclose(f);
    if (out)
        *out = text;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string unique_name(const std::string &prefix)
{
    static int n = 0;
    return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(++n);
}

bool eventually(const std::function<bool()> &cond, std::chrono::milliseconds timeout)
{
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (cond())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return cond();
}

Cluster::Cluster(const std::vector<std::string> &options)
{
    char tmpl[] = "/tmp/dynsec-it.XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd >= 0) {
        close(fd);
        unlink(tmpl);
    }
    std::string cmd = pgcluster() + " start " + tmpl;
    for (const auto &o : options)
        cmd += " " + shell_quote(o);
    std::string out;
    if (run_command(cmd, &out) != 0)
        throw std::runtime_error("pgcluster start failed: " + out);
    dir_ = tmpl;
    read_port();
}

Cluster::Cluster(Adopt, std::string dir) : dir_(std::move(dir))
{
    read_port();
}

void Cluster::read_port()
{
    std::ifstream env(dir_ + "/env");
    std::string line;
    while (std::getline(env, line))
        if (line.rfind("export PGPORT='", 0) == 0)
            port_ = std::stoi(line.substr(15));
}

std::unique_ptr<Cluster> Cluster::make_standby() const
{
    std::string dir = dir_ + "-standby";
    std::string out;
    if (run_command(pgcluster() + " standby " + dir_ + " " + dir, &out) != 0)
        throw std::runtime_error("pgcluster standby failed: " + out);
    return std::unique_ptr<Cluster>(new Cluster(Adopt{}, dir));
}

void Cluster::promote()
{
    std::string out;
    if (run_command(pgcluster() + " promote " + dir_, &out) != 0)
        throw std::runtime_error("pgcluster promote failed: " + out);
}

Cluster::~Cluster()
{
    stop();
}

void Cluster::stop()
{
    if (!dir_.empty())
        run_command(pgcluster() + " stop " + dir_);
    dir_.clear();
}

void Cluster::restart()
{
    std::string out;
    if (run_command(pgcluster() + " restart " + dir_, &out) != 0)
        throw std::runtime_error("pgcluster restart failed: " + out);
}

std::string Cluster::admin_conninfo(const std::string &db) const
{
    return "host=" + socket_dir() + " port=" + std::to_string(port_) +
           " user=postgres dbname=" + db + " connect_timeout=10";
}

std::string Cluster::tcp_conninfo(const std::string &user, const std::string &password,
                                  const std::string &db, const std::string &host) const
{
    return "host=" + host + " port=" + std::to_string(port_) + " user='" + user + "' password='" +
           password + "' dbname=" + db + " connect_timeout=10 sslmode=disable";
}

std::string Cluster::log() const
{
    std::ifstream f(dir_ + "/log/postgresql.log");
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

namespace
{
std::unique_ptr<Cluster> g_shared;

class SharedClusterEnvironment : public ::testing::Environment
{
  public:
    void TearDown() override { g_shared.reset(); }
};
const auto *g_env = ::testing::AddGlobalTestEnvironment(new SharedClusterEnvironment);
} // namespace

Cluster &shared_cluster()
{
    if (!g_shared)
        g_shared = std::make_unique<Cluster>();
    return *g_shared;
}

} // namespace dynsec::test
