// reaper_target.hpp — one database that dynsec-reaper keeps reaped: its
// connection, reconnect backoff and next deadline.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <string>

namespace dynsec::cli
{

using Clock = std::chrono::steady_clock;

class ReaperTarget
{
  public:
    ReaperTarget(std::string conninfo, int batch, std::chrono::seconds naptime);
    ~ReaperTarget();
    ReaperTarget(const ReaperTarget &) = delete;
    ReaperTarget &operator=(const ReaperTarget &) = delete;

    // Connects if needed, reaps when due; returns when it next wants to run.
    Clock::time_point run_due_work();
    // Socket to poll for NOTIFY (or -1 when disconnected).
    int socket() const;
    // Reads pending input; true if a wake-up NOTIFY arrived.
    bool consume_notifications();
    // Reaps once now (for --once); false if it could not.
    bool reap_once();
    const std::string &label() const { return label_; }

  private:
    bool connect();
    void disconnect(const std::string &why);
    bool reap_round(); // true on success

    std::string conninfo_;
    std::string label_;
    int batch_;
    std::chrono::seconds naptime_;
    PGconn *conn_ = nullptr;
    Clock::time_point next_run_;
    std::chrono::milliseconds backoff_{500};
};

void log_line(const std::string &line);

} // namespace dynsec::cli
