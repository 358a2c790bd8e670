/*
 * audit_log.cpp
 *     dynsec.audit_log: appending records, the append-only trigger, and the
 *     admin-only purge that is the one way to delete from it.
 */
#include "pg/audit_log.hpp"

#include "pg/boundary.hpp"
#include "pg/function_args.hpp"

extern "C" {
#include "commands/trigger.h"
#include "utils/builtins.h"
}

namespace dynsec::pg
{

namespace
{
/* Set only while purge_audit_log runs its DELETE; nothing in SQL can set it. */
bool purge_in_progress = false;

struct PurgeScope {
    PurgeScope() { purge_in_progress = true; }
    ~PurgeScope() { purge_in_progress = false; }
};
} // namespace

void append_audit(SpiSession &spi, const Caller &caller, const AuditRecord &r)
{
    auto opt = [](const std::string &s) { return s.empty() ? SqlValue() : SqlValue(s); };
    spi.query("INSERT INTO dynsec.audit_log (event, lease_id, role, username, session_user_name, "
              "current_user_name, client_addr, application_name, reason) "
              "VALUES ($1, $2, $3, $4, $5, $6, pg_catalog.inet_client_addr(), "
              "pg_catalog.current_setting('application_name'), $7)",
              {SqlValue(r.event), opt(r.lease_id), opt(r.role), opt(r.username),
               SqlValue(caller.session_name), SqlValue(caller.user_name), opt(r.reason)});
}

void report(int level, const std::string &message, const std::string &detail,
            const std::string &hint)
{
    const char *m = message.c_str(), *d = detail.empty() ? nullptr : detail.c_str(),
               *h = hint.empty() ? nullptr : hint.c_str();
    call([=] {
        ereport(level, (errmsg_internal("%s", m), d ? errdetail_internal("%s", d) : 0,
                        h ? errhint("%s", h) : 0));
    });
}

} // namespace dynsec::pg

using namespace dynsec;
using namespace dynsec::pg;

DYNSEC_FUNCTION(dynsec_audit_log_guard)
{
    auto *trigdata = reinterpret_cast<TriggerData *>(fcinfo->context);
    if (!CALLED_AS_TRIGGER(fcinfo))
        throw Error(sqlstate::feature_not_supported, "audit_log_guard must be called as a trigger");
    if (purge_in_progress && TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
        return PointerGetDatum(trigdata->tg_trigtuple);
    throw Error(sqlstate::insufficient_privilege, "dynsec.audit_log is append-only",
                "Audit records cannot be updated, deleted or truncated.",
                "Admins can remove old records with dynsec.purge_audit_log(interval).");
}

DYNSEC_FUNCTION(dynsec_purge_audit_log)
{
    Caller caller = current_caller();
    if (!caller.is_admin)
        throw Error(sqlstate::insufficient_privilege, "permission denied to purge the audit log",
                    {}, "Only superusers and members of the extension owner may purge it.");
    std::string older_than = interval_arg(fcinfo, 0);
    SpiSession spi;
    AsExtensionOwner owner;
    SqlResult r;
    {
        PurgeScope scope;
        r = spi.query("WITH gone AS (DELETE FROM dynsec.audit_log WHERE at < now() - $1::interval "
                      "RETURNING 1) SELECT count(*) FROM gone",
                      {older_than});
    }
    std::string n = r.text(0, 0);
    append_audit(spi, caller,
                 {"purge", {}, {}, {}, "deleted " + n + " records older than " + older_than});
    return Int64GetDatum(std::stoll(n));
}
