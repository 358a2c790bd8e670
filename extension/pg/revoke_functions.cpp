/*
 * revoke_functions.cpp
 *     dynsec.revoke(lease_id), dynsec.revoke_role(role) and dynsec.reap(batch).
 */
#include "pg/audit_log.hpp"
#include "pg/boundary.hpp"
#include "pg/function_args.hpp"
#include "pg/owner_context.hpp"
#include "pg/revocation.hpp"
#include "pg/spi_session.hpp"
#include "pg/sql_quoting.hpp"
#include "pg/wakeup.hpp"

#include <fmt/format.h>

extern "C" {
#include "utils/builtins.h"
}

using namespace dynsec;
using namespace dynsec::pg;

namespace
{

/* Leases issued by a lease are revoked with it: a child never outlives its parent. */
void expire_children(SpiSession &spi, const std::string &lease_id)
{
    spi.query("UPDATE dynsec.lease SET expires_at = least(expires_at, now()) "
              "WHERE parent_lease_id = $1 AND state = 'active'",
              {lease_id});
}

} // namespace

DYNSEC_FUNCTION(dynsec_revoke)
{
    const std::string lease_id = text_arg(fcinfo, 0);
    const Caller caller = current_caller();
    SpiSession spi;
    AsExtensionOwner owner;
    SqlResult r = spi.query(fmt::format("SELECT {}, issued_by, username FROM dynsec.lease "
                                        "WHERE lease_id = $1 FOR UPDATE",
                                        kLeaseToRevokeColumns),
                            {lease_id});
    /* Leases the caller may not see are reported exactly like missing ones. */
    if (r.empty() || !(caller.is_admin || r.text(0, 4) == caller.user_name ||
                       r.text(0, 5) == caller.user_name || r.text(0, 5) == caller.session_name))
        throw Error(sqlstate::undefined_object,
                    fmt::format("lease \"{}\" does not exist", lease_id), {},
                    "dynsec.leases lists the leases you may act on.");
    expire_children(spi, lease_id);
    /*
     * PostgreSQL cannot drop the role of the session asking: make the login
     * unusable now and let the reaper drop it (ending this session) at once.
     */
    if (r.text(0, 2) == caller.session_name) {
        spi.execute(fmt::format("ALTER ROLE {} NOLOGIN", quote_ident(r.text(0, 2))));
        spi.query("UPDATE dynsec.lease SET expires_at = least(expires_at, now()) "
                  "WHERE lease_id = $1",
                  {lease_id});
        append_audit(spi, caller,
                     {"revoke", lease_id, r.text(0, 1), r.text(0, 2), "revoked by its own login"});
        wake_reaper_at_commit();
        report(
            NOTICE, fmt::format("lease \"{}\" is revoked", lease_id),
            "The login can no longer connect; this session ends when the reaper drops the role.");
        return BoolGetDatum(true);
    }
    return BoolGetDatum(revoke_lease(spi, caller, lease_from_row(r, 0), "revoke"));
}

DYNSEC_FUNCTION(dynsec_revoke_role)
{
    const std::string role = text_arg(fcinfo, 0);
    const Caller caller = current_caller();
    if (!caller.is_admin)
        throw Error(sqlstate::insufficient_privilege,
                    "permission denied to revoke every lease of a credential role", {},
                    "Only superusers and members of the extension owner may do this.");
    SpiSession spi;
    AsExtensionOwner owner;
    if (spi.query("SELECT 1 FROM dynsec.roles WHERE name = $1", {role}).empty())
        throw Error(sqlstate::undefined_object,
                    fmt::format("credential role \"{}\" does not exist", role));
    SqlResult r = spi.query(fmt::format("SELECT {} FROM dynsec.lease WHERE role = $1 "
                                        "ORDER BY expires_at FOR UPDATE",
                                        kLeaseToRevokeColumns),
                            {role});
    int revoked = 0;
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
        expire_children(spi, r.text(i, 0));
        revoked += revoke_lease(spi, caller, lease_from_row(r, i), "revoke") ? 1 : 0;
    }
    return Int32GetDatum(revoked);
}

DYNSEC_FUNCTION(dynsec_reap)
{
    const int batch = PG_GETARG_INT32(0);
    if (batch < 1)
        throw Error(sqlstate::invalid_parameter_value, "batch must be at least 1");
    const Caller caller = current_caller();
    SpiSession spi;
    AsExtensionOwner owner;
    /* SKIP LOCKED: concurrent reapers share the work instead of queueing on each other. */
    SqlResult r =
        spi.query(fmt::format("SELECT {} FROM dynsec.lease "
                              "WHERE (state = 'active' AND expires_at <= now()) "
                              "   OR (state = 'failed' AND next_attempt_at <= clock_timestamp()) "
                              "ORDER BY expires_at LIMIT $1::int FOR UPDATE SKIP LOCKED",
                              kLeaseToRevokeColumns),
                  {std::to_string(batch)});
    int revoked = 0;
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
        expire_children(spi, r.text(i, 0));
        revoked += revoke_lease(spi, caller, lease_from_row(r, i), "expire") ? 1 : 0;
    }
    return Int32GetDatum(revoked);
}
