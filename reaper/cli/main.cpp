// dynsec-reaper — revokes expired dynsec leases from outside the server, for
// clusters where the dynsec library cannot be preloaded.
#include "reaper_target.hpp"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <poll.h>
#include <vector>

using namespace dynsec::cli;

namespace
{

volatile std::sig_atomic_t stop_requested = 0;
void on_signal(int)
{
    stop_requested = 1;
}

const char *kUsage = R"(Usage: dynsec-reaper [OPTIONS] CONNINFO...

Revokes expired dynsec leases in each database named by a libpq connection
string (or URI), as the in-server reaper would: it sleeps until the next
expiry (dynsec.next_deadline()), wakes early on NOTIFY dynsec_reaper (sent
when leases are issued, renewed or revoked), calls dynsec.reap(), reconnects
with backoff when a server goes away, and never reaps a standby.

Options:
  --once          reap every database once and exit (for cron); exit 1 on failure
  --batch N       leases per dynsec.reap() call (default 1000)
  --naptime SEC   longest sleep between two looks (default 10)
  --help          show this help

The login needs no superuser, only:
  GRANT USAGE ON SCHEMA dynsec TO reaper;
  GRANT EXECUTE ON FUNCTION dynsec.reap(integer), dynsec.next_deadline() TO reaper;

Logs one line per action to stderr. Exits 0 on SIGTERM or SIGINT.
)";

} // namespace

int main(int argc, char **argv)
{
    bool once = false;
    int batch = 1000, naptime = 10;
    std::vector<std::string> conninfos;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto need_value = [&](const char *name) -> int {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "dynsec-reaper: %s needs a value\n", name);
                std::exit(2);
            }
            int v = std::atoi(argv[++i]);
            if (v < 1) {
                std::fprintf(stderr, "dynsec-reaper: %s must be a positive number\n", name);
                std::exit(2);
            }
            return v;
        };
        if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (a == "--once")
            once = true;
        else if (a == "--batch")
            batch = need_value("--batch");
        else if (a == "--naptime")
            naptime = need_value("--naptime");
        else if (a.rfind("--", 0) == 0) {
            std::fprintf(stderr, "dynsec-reaper: unknown option %s\n%s", a.c_str(), kUsage);
            return 2;
        } else
            conninfos.push_back(a);
    }
    if (conninfos.empty()) {
        std::fputs(kUsage, stderr);
        return 2;
    }

    std::vector<std::unique_ptr<ReaperTarget>> targets;
    for (const auto &c : conninfos)
        targets.push_back(std::make_unique<ReaperTarget>(c, batch, std::chrono::seconds(naptime)));

    if (once) {
        bool ok = true;
        for (auto &t : targets)
            ok = t->reap_once() && ok;
        return ok ? 0 : 1;
    }

    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    log_line(fmt::format("started for {} database(s)", targets.size()));

    while (!stop_requested) {
        Clock::time_point wake = Clock::now() + std::chrono::seconds(naptime);
        for (auto &t : targets)
            wake = std::min(wake, t->run_due_work());
        std::vector<pollfd> fds;
        std::vector<ReaperTarget *> owners;
        for (auto &t : targets)
            if (t->socket() >= 0) {
                fds.push_back({t->socket(), POLLIN, 0});
                owners.push_back(t.get());
            }
        auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now()).count();
        // Wake at least every 200 ms to notice signals promptly.
        int timeout = static_cast<int>(std::clamp<long long>(ms, 0, 200));
        int n = poll(fds.data(), fds.size(), timeout);
        if (n > 0)
            for (std::size_t i = 0; i < fds.size(); ++i)
                if (fds[i].revents)
                    owners[i]->consume_notifications();
    }
    log_line("stopping on signal");
    return 0;
}
