/*
 * revocation.cpp
 *     Revoking one lease: NOLOGIN, terminate sessions, drop, audit; or mark it failed.
 */
#include "pg/revocation.hpp"

#include "guard/managed_roles.hpp"
#include "pg/audit_log.hpp"
#include "pg/boundary.hpp"
#include "pg/settings.hpp"
#include "pg/sql_quoting.hpp"
#include "pg/subtransaction.hpp"

#include "core/random_source.hpp"
#include "core/retry_backoff.hpp"
#include "core/statement_template.hpp"

#include <chrono>
#include <fmt/format.h>

extern "C" {
#include "utils/builtins.h"
}

namespace dynsec::pg
{

namespace
{

std::string owner_name()
{
    Oid owner = extension_owner();
    return call([owner] { return static_cast<const char *>(GetUserNameFromId(owner, false)); });
}

/*
 * Terminates every backend of the role (in any database), matching pid and
 * backend_start so that a reused pid is never signalled, then waits with a
 * bound until they are gone.
 */
void terminate_sessions(SpiSession &spi, const std::string &role_oid)
{
    if (!setting_terminate_sessions)
        return;
    SqlResult sessions =
        spi.query("SELECT pid, backend_start FROM pg_catalog.pg_stat_activity "
                  "WHERE usesysid = $1::oid AND pid <> pg_catalog.pg_backend_pid()",
                  {role_oid});
    for (const auto &row : sessions.rows)
        spi.query(
            "SELECT pg_catalog.pg_terminate_backend(a.pid) FROM pg_catalog.pg_stat_activity a "
            "WHERE a.pid = $1::int AND a.backend_start = $2::timestamptz",
            {row[0], row[1]});
    if (sessions.empty())
        return;
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(setting_terminate_timeout_ms);
    for (;;) {
        SqlResult left =
            spi.query("SELECT pg_catalog.pg_stat_clear_snapshot(), "
                      "(SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE usesysid = $1::oid "
                      " AND pid <> pg_catalog.pg_backend_pid())",
                      {role_oid});
        long remaining = std::stol(left.text(0, 1));
        if (remaining == 0)
            return;
        if (std::chrono::steady_clock::now() > deadline)
            throw Error(sqlstate::object_not_in_prerequisite_state,
                        fmt::format("{} session(s) did not end within dynsec.terminate_timeout",
                                    remaining));
        call([] {
            CHECK_FOR_INTERRUPTS();
            pg_usleep(5000);
        });
    }
}

void drop_login(SpiSession &spi, const LeaseToRevoke &lease)
{
    SqlResult role =
        spi.query("SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $1", {lease.username});
    if (!role.empty()) {
        terminate_sessions(spi, role.text(0, 0));
        SqlResult stmts = spi.query("SELECT s FROM dynsec.roles r, "
                                    "unnest(r.revocation_statements) WITH ORDINALITY u(s, n) "
                                    "WHERE r.name = $1 ORDER BY n",
                                    {lease.role});
        StatementValues values{lease.username, {}, {}};
        for (const auto &row : stmts.rows)
            if (row[0])
                spi.execute(render_statement_template(*row[0], values));
        const std::string name = quote_ident(lease.username);
        if (role_exists(lease.username))
            spi.execute(
                fmt::format("REASSIGN OWNED BY {0} TO {1}; DROP OWNED BY {0}; DROP ROLE {0}", name,
                            quote_ident(owner_name())));
    }
    spi.query("DELETE FROM dynsec.lease WHERE lease_id = $1", {lease.lease_id});
}

std::string describe(const Error &e)
{
    std::string s = fmt::format("{} ({})", e.what(), e.sqlstate());
    if (!e.detail().empty())
        s += ": " + e.detail();
    return s;
}

} // namespace

LeaseToRevoke lease_from_row(const SqlResult &r, std::size_t row)
{
    return {r.text(row, 0), r.text(row, 1), r.text(row, 2), std::stoi(r.text(row, 3))};
}

bool revoke_lease(SpiSession &spi, const Caller &caller, const LeaseToRevoke &lease,
                  const char *event)
{
    std::string error;
    SqlResult oid =
        spi.query("SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $1", {lease.username});
    std::optional<Error> outer = in_subtransaction([&] {
        if (role_exists(lease.username))
            spi.execute(fmt::format("ALTER ROLE {} NOLOGIN", quote_ident(lease.username)));
        std::optional<Error> inner = in_subtransaction([&] {
            drop_login(spi, lease);
            append_audit(spi, caller, {event, lease.lease_id, lease.role, lease.username, {}});
        });
        if (inner)
            error = describe(*inner);
    });
    if (outer)
        error = describe(*outer);
    if (error.empty()) {
        if (!oid.empty())
            guard::unset_managed_at_commit(static_cast<Oid>(std::stoul(oid.text(0, 0))));
        return true;
    }

    const int attempts = lease.attempts + 1;
    const double delay = retry_delay_seconds(attempts, random_unit());
    spi.query("UPDATE dynsec.lease SET state = 'failed', attempts = $2::int, last_error = $3, "
              "next_attempt_at = clock_timestamp() + make_interval(secs => $4::float8) "
              "WHERE lease_id = $1",
              {lease.lease_id, std::to_string(attempts), error, fmt::format("{:.3f}", delay)});
    append_audit(spi, caller, {"failure", lease.lease_id, lease.role, lease.username, error});
    report(
        WARNING,
        fmt::format("could not revoke lease \"{}\" of role \"{}\"", lease.lease_id, lease.username),
        error,
        fmt::format("The login stays NOLOGIN; dynsec retries in {:.0f} s (attempt {}). "
                    "Retry now with dynsec.revoke('{}').",
                    delay, attempts + 1, lease.lease_id));
    return false;
}

} // namespace dynsec::pg
