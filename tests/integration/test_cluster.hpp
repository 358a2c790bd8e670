// test_cluster.hpp — throwaway clusters (through tools/pgcluster) and libpq
// connections for the integration suite.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dynsec::test
{

struct QueryResult {
    bool ok = false;
    std::string sqlstate;
    std::string error;
    std::vector<std::vector<std::optional<std::string>>> rows;

    const std::string &value(std::size_t row = 0, std::size_t col = 0) const;
};

class Connection
{
  public:
    explicit Connection(const std::string &conninfo);
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    bool ok() const;
    std::string error() const;
    QueryResult exec(const std::string &sql, const std::vector<std::string> &params = {});
    // Runs sql, failing the test with its error if it fails; returns the first value.
    std::string scalar(const std::string &sql, const std::vector<std::string> &params = {});
    bool alive(); // a round trip still works
    PGconn *raw() { return conn_; }

  private:
    PGconn *conn_;
};

class Cluster
{
  public:
    // Starts a cluster; options go to `pgcluster start` (e.g. "--no-preload").
    explicit Cluster(const std::vector<std::string> &options = {});
    ~Cluster();
    Cluster(const Cluster &) = delete;
    Cluster &operator=(const Cluster &) = delete;

    const std::string &dir() const { return dir_; }
    int port() const { return port_; }
    std::string socket_dir() const { return dir_ + "/sock"; }
    // Superuser connection over the private socket.
    std::string admin_conninfo(const std::string &db = "postgres") const;
    // TCP connection for a user with a password.
    std::string tcp_conninfo(const std::string &user, const std::string &password,
                             const std::string &db = "postgres",
                             const std::string &host = "127.0.0.1") const;
    void restart();
    void stop();
    // A streaming standby of this cluster (pg_basebackup), started.
    std::unique_ptr<Cluster> make_standby() const;
    void promote();
    std::string log() const;

  private:
    struct Adopt {
    };
    Cluster(Adopt, std::string dir);
    void read_port();
    std::string dir_;
    int port_ = 0;
};

// Runs a shell command, returns its exit code; output goes to *out if given.
int run_command(const std::string &cmd, std::string *out = nullptr);

// Polls cond every 50 ms until it holds or timeout passes; returns whether it held.
bool eventually(const std::function<bool()> &cond,
                std::chrono::milliseconds timeout = std::chrono::seconds(20));

// A name unique to this test process, for cluster-wide objects (roles, databases).
std::string unique_name(const std::string &prefix);

// The cluster shared by tests that need nothing special (dynsec preloaded).
Cluster &shared_cluster();

} // namespace dynsec::test
