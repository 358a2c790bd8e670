/*
 * misc_functions.cpp
 *     Small SQL-callable helpers: is_admin(), parse_vault_duration(),
 *     _split_vault_statements().
 */
#include "guard/managed_roles.hpp"
#include "pg/lease_binding.hpp"
#include "pg/boundary.hpp"
#include "pg/spi_session.hpp"
#include "pg/function_args.hpp"
#include "pg/owner_context.hpp"

#include "core/statement_template.hpp"
#include "core/vault_duration.hpp"

#include <vector>

extern "C" {
#include "catalog/pg_type_d.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
}

using namespace dynsec;
using namespace dynsec::pg;

/* Refills the login guard's table from this database's leases (reapers, after a restart). */
DYNSEC_FUNCTION(dynsec_guard_sync)
{
    (void)fcinfo;
    if (!guard::managed_roles_available())
        return Int64GetDatum(0);
    SpiSession spi;
    AsExtensionOwner owner;
    SqlResult r =
        spi.query("SELECT r.oid, l.expires_at, l.bind_to, coalesce(l.max_logins, -1) "
                  "FROM dynsec.lease l JOIN pg_catalog.pg_roles r ON r.rolname = l.username");
    for (std::size_t i = 0; i < r.rows.size(); ++i)
        guard::set_managed_now(static_cast<Oid>(std::stoul(r.text(i, 0))),
                               timestamptz_from_text(r.text(i, 1)), binding_from_text(r.at(i, 2)),
                               std::stoi(r.text(i, 3)));
    return Int64GetDatum(static_cast<int64>(r.rows.size()));
}

/* Logins and refusals the login guard counted for a role (NULLs when it does not know it). */
DYNSEC_FUNCTION(dynsec_login_stats)
{
    Oid roleid = PG_GETARG_OID(0);
    guard::ManagedRole seen;
    bool known = guard::lookup_managed(roleid, &seen);
    Datum values[2] = {Int64GetDatum(known ? seen.logins : 0),
                       Int64GetDatum(known ? seen.refusals : 0)};
    bool nulls[2] = {!known, !known};
    return call([fcinfo, &values, &nulls] {
        TupleDesc desc;
        if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
            elog(ERROR, "dynsec._login_stats must return a record");
        return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls));
    });
}

DYNSEC_FUNCTION(dynsec_is_admin)
{
    (void)fcinfo;
    return BoolGetDatum(current_caller().is_admin);
}

DYNSEC_FUNCTION(dynsec_parse_vault_duration)
{
    std::int64_t seconds = parse_vault_duration(text_arg(fcinfo, 0));
    return call([seconds] {
        Interval *iv = static_cast<Interval *>(palloc0(sizeof(Interval)));
        iv->time = seconds * USECS_PER_SEC;
        return IntervalPGetDatum(iv);
    });
}

DYNSEC_FUNCTION(dynsec_split_vault_statements)
{
    std::vector<std::string> parts = split_vault_statements(text_arg(fcinfo, 0));
    std::vector<Datum> datums;
    for (const auto &p : parts) {
        const char *s = p.c_str();
        datums.push_back(call([s] { return CStringGetTextDatum(s); }));
    }
    return call([&datums] {
        return PointerGetDatum(construct_array(datums.data(), static_cast<int>(datums.size()),
                                               TEXTOID, -1, false, TYPALIGN_INT));
    });
}
