/*
 * renew_function.cpp
 *     dynsec.renew(lease_id, increment): move a lease's expiry, never past its cap.
 */
#include "guard/managed_roles.hpp"
#include "pg/audit_log.hpp"
#include "pg/boundary.hpp"
#include "pg/function_args.hpp"
#include "pg/owner_context.hpp"
#include "pg/settings.hpp"
#include "pg/spi_session.hpp"
#include "pg/sql_quoting.hpp"
#include "pg/wakeup.hpp"

#include "core/statement_template.hpp"

#include <fmt/format.h>

extern "C" {
#include "utils/builtins.h"
#include "utils/timestamp.h"
}

using namespace dynsec;
using namespace dynsec::pg;

DYNSEC_FUNCTION(dynsec_renew)
{
    std::string lease_id = PG_ARGISNULL(0) ? std::string() : text_arg(fcinfo, 0);
    std::string increment = interval_arg(fcinfo, 1);
    const Caller caller = current_caller();
    SpiSession spi;
    AsExtensionOwner owner;

    /* Without a lease id: the lease of the login this session runs as. */
    const char *columns = "l.lease_id, l.role, l.username, l.issued_by, l.state, "
                          "l.expires_at <= now(), r.default_ttl::text, "
                          "coalesce(cardinality(r.renew_statements), 0) > 0";
    SqlResult r =
        lease_id.empty()
            ? spi.query(fmt::format("SELECT {} FROM dynsec.lease l JOIN dynsec.roles r "
                                    "ON r.name = l.role WHERE l.username = $1 FOR UPDATE OF l",
                                    columns),
                        {caller.session_name})
            : spi.query(fmt::format("SELECT {} FROM dynsec.lease l JOIN dynsec.roles r "
                                    "ON r.name = l.role WHERE l.lease_id = $1 FOR UPDATE OF l",
                                    columns),
                        {lease_id});
    if (r.empty() && lease_id.empty())
        throw Error(sqlstate::undefined_object, "the current session has no lease",
                    fmt::format("Session user \"{}\" is not a login issued by dynsec.",
                                caller.session_name),
                    "Pass the lease id: dynsec.renew('<lease_id>').");
    const bool may_act =
        !r.empty() && (caller.is_admin || r.text(0, 3) == caller.user_name ||
                       r.text(0, 2) == caller.user_name || r.text(0, 2) == caller.session_name);
    if (!may_act)
        throw Error(sqlstate::undefined_object,
                    fmt::format("lease \"{}\" does not exist", lease_id), {},
                    "dynsec.leases lists the leases you may act on.");
    lease_id = r.text(0, 0);
    const std::string role = r.text(0, 1), username = r.text(0, 2);
    if (r.text(0, 4) != "active" || r.text(0, 5) == "t")
        throw Error(sqlstate::object_not_in_prerequisite_state,
                    fmt::format("lease \"{}\" has expired or is being revoked", lease_id), {},
                    "Issue a new credential with dynsec.issue().");
    if (increment.empty())
        increment = r.text(0, 6);
    SqlResult t = spi.query(
        "SELECT $2::interval > interval '0', least(now() + $2::interval, l.max_expires_at), "
        "       now() + $2::interval >= l.max_expires_at, "
        "       to_char((least(now() + $2::interval, l.max_expires_at) + make_interval(secs => "
        "$3::int)) "
        "               AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+0000' "
        "  FROM dynsec.lease l WHERE l.lease_id = $1",
        {lease_id, increment, std::to_string(setting_valid_until_grace_s)});
    if (t.text(0, 0) != "t")
        throw Error(sqlstate::invalid_parameter_value, "increment must be positive",
                    fmt::format("The increment given was \"{}\".", increment));
    const std::string new_expiry = t.text(0, 1), valid_until = t.text(0, 3);
    const bool capped = t.text(0, 2) == "t";

    if (r.text(0, 7) == "t") {
        SqlResult stmts = spi.query("SELECT s FROM dynsec.roles r, "
                                    "unnest(r.renew_statements) WITH ORDINALITY u(s, n) "
                                    "WHERE r.name = $1 ORDER BY n",
                                    {role});
        StatementValues values{username, {}, valid_until};
        for (const auto &row : stmts.rows)
            if (row[0])
                spi.execute(render_statement_template(*row[0], values));
    } else {
        spi.execute(fmt::format("ALTER ROLE {} VALID UNTIL {}", quote_ident(username),
                                quote_literal(valid_until)));
    }
    spi.query("UPDATE dynsec.lease SET expires_at = $2::timestamptz, renew_count = renew_count + 1 "
              "WHERE lease_id = $1",
              {lease_id, new_expiry});
    SqlResult oid = spi.query("SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $1", {username});
    if (!oid.empty())
        guard::set_expiry_at_commit(static_cast<Oid>(std::stoul(oid.text(0, 0))),
                                    timestamptz_from_text(new_expiry));
    append_audit(spi, caller,
                 {"renew", lease_id, role, username, capped ? "capped at max_expires_at" : ""});
    wake_reaper_at_commit();
    if (capped)
        report(NOTICE, fmt::format("lease \"{}\" is at its maximum lifetime", lease_id),
               "It expires at its max_expires_at and cannot be renewed further.",
               "Issue a new credential before then.");

    return call([&new_expiry] {
        return DirectFunctionCall3(timestamptz_in, CStringGetDatum(new_expiry.c_str()),
                                   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
    });
}
