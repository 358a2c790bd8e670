// reaper_target.cpp — connect, LISTEN, reap, follow dynsec.next_deadline(),
// reconnect with backoff; never reap a standby.
#include "reaper_target.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fmt/format.h>

namespace dynsec::cli
{

void log_line(const std::string &line)
{
    char stamp[32];
    std::time_t now = std::time(nullptr);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", std::gmtime(&now));
    std::fprintf(stderr, "%s UTC dynsec-reaper: %s\n", stamp, line.c_str());
}

namespace
{
// "host=... dbname=..." without any password, for log lines.
std::string describe(PGconn *conn)
{
    return fmt::format("{}@{}:{}/{}", PQuser(conn), PQhost(conn), PQport(conn), PQdb(conn));
}

std::string first_line(const char *msg)
{
    std::string s = msg ? msg : "";
    auto nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl);
}
} // namespace

ReaperTarget::ReaperTarget(std::string conninfo, int batch, std::chrono::seconds naptime)
    : conninfo_(std::move(conninfo)), label_("(not connected)"), batch_(batch), naptime_(naptime),
      next_run_(Clock::now())
{
}

ReaperTarget::~ReaperTarget()
{
    if (conn_)
        PQfinish(conn_);
}

int ReaperTarget::socket() const
{
    return conn_ ? PQsocket(conn_) : -1;
}

bool ReaperTarget::connect()
{
    conn_ = PQconnectdb(conninfo_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
        std::string err = first_line(PQerrorMessage(conn_));
        PQfinish(conn_);
        conn_ = nullptr;
        log_line(fmt::format("cannot connect ({}); retrying in {} ms", err, backoff_.count()));
        next_run_ = Clock::now() + backoff_;
        backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(30000));
        return false;
    }
    label_ = describe(conn_);
    PGresult *r = PQexec(conn_, "LISTEN dynsec_reaper");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        disconnect("LISTEN failed");
        return false;
    }
    backoff_ = std::chrono::milliseconds(500);
    log_line(fmt::format("{}: connected", label_));
    return true;
}

void ReaperTarget::disconnect(const std::string &why)
{
    log_line(
        fmt::format("{}: disconnected ({}); reconnecting in {} ms", label_, why, backoff_.count()));
    PQfinish(conn_);
    conn_ = nullptr;
    next_run_ = Clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(30000));
}

bool ReaperTarget::reap_round()
{
    PGresult *r = PQexec(conn_, "SELECT pg_catalog.pg_is_in_recovery()");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        std::string err = first_line(PQerrorMessage(conn_));
        PQclear(r);
        disconnect(err);
        return false;
    }
    bool standby = std::string(PQgetvalue(r, 0, 0)) == "t";
    PQclear(r);
    if (standby) {
        next_run_ = Clock::now() + naptime_;
        return true;
    }
    std::string batch = std::to_string(batch_);
    const char *params[1] = {batch.c_str()};
    r = PQexecParams(conn_,
                     "SELECT dynsec.reap($1::int), "
                     "extract(epoch FROM dynsec.next_deadline() - clock_timestamp()) * 1000",
                     1, nullptr, params, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        std::string err = first_line(PQresultErrorMessage(r));
        PQclear(r);
        if (PQstatus(conn_) != CONNECTION_OK) {
            disconnect(err);
            return false;
        }
        log_line(fmt::format("{}: reap failed: {}", label_, err));
        next_run_ = Clock::now() + std::chrono::seconds(1);
        return false;
    }
    int revoked = std::atoi(PQgetvalue(r, 0, 0));
    auto wait = std::chrono::milliseconds(naptime_);
    if (!PQgetisnull(r, 0, 1)) {
        double ms = std::atof(PQgetvalue(r, 0, 1));
        wait = std::min(
            wait, std::chrono::milliseconds(ms <= 0 ? 0 : static_cast<long>(std::ceil(ms)) + 1));
    }
    PQclear(r);
    if (revoked > 0)
        log_line(fmt::format("{}: revoked {} lease(s)", label_, revoked));
    next_run_ = revoked >= batch_ ? Clock::now() : Clock::now() + wait;
    return true;
}

Clock::time_point ReaperTarget::run_due_work()
{
    if (Clock::now() < next_run_)
        return next_run_;
    if (!conn_ && !connect())
        return next_run_;
    if (PQstatus(conn_) != CONNECTION_OK) {
        disconnect("connection lost");
        return next_run_;
    }
    reap_round();
    return next_run_;
}

bool ReaperTarget::consume_notifications()
{
    if (!conn_)
        return false;
    if (!PQconsumeInput(conn_)) {
        disconnect(first_line(PQerrorMessage(conn_)));
        return false;
    }
    bool woke = false;
    while (PGnotify *n = PQnotifies(conn_)) {
        woke = true;
        PQfreemem(n);
    }
    if (woke)
        next_run_ = Clock::now();
    return woke;
}

bool ReaperTarget::reap_once()
{
    if (!connect())
        return false;
    return reap_round();
}

} // namespace dynsec::cli
