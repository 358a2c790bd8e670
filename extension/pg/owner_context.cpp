/*
 * owner_context.cpp
 *     Extension owner lookup, caller identity and the privilege switch.
 */
#include "pg/owner_context.hpp"

#include "pg/boundary.hpp"

#include <exception>

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/rel.h"
#include "utils/syscache.h"
}

namespace dynsec::pg
{

Oid extension_owner()
{
    Oid owner = call([] {
        Oid result = InvalidOid;
        Relation rel = table_open(ExtensionRelationId, AccessShareLock);
        ScanKeyData key;
        ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber, F_NAMEEQ,
                    CStringGetDatum("dynsec"));
        SysScanDesc scan = systable_beginscan(rel, ExtensionNameIndexId, true, nullptr, 1, &key);
        HeapTuple tup = systable_getnext(scan);
        if (HeapTupleIsValid(tup))
            result = ((Form_pg_extension)GETSTRUCT(tup))->extowner;
        systable_endscan(scan);
        table_close(rel, AccessShareLock);
        return result;
    });
    if (owner == InvalidOid)
        throw Error(sqlstate::object_not_in_prerequisite_state,
                    "extension \"dynsec\" is not installed in this database", {},
                    "Run CREATE EXTENSION dynsec first.");
    return owner;
}

bool has_privileges_of(Oid member, Oid role)
{
    return call([member, role] { return has_privs_of_role(member, role); });
}

bool role_exists(const std::string &name)
{
    const char *n = name.c_str();
    return call([n] { return OidIsValid(get_role_oid(n, true)); });
}

Caller current_caller()
{
    Caller c;
    c.user_id = GetUserId();
    c.user_name =
        call([] { return static_cast<const char *>(GetUserNameFromId(GetUserId(), false)); });
    c.session_name = call(
        [] { return static_cast<const char *>(GetUserNameFromId(GetSessionUserId(), false)); });
    Oid uid = c.user_id;
    c.is_admin =
        call([uid] { return superuser_arg(uid); }) || has_privileges_of(uid, extension_owner());
    return c;
}

AsExtensionOwner::AsExtensionOwner()
{
    Oid owner = extension_owner();
    GetUserIdAndSecContext(&saved_user_, &saved_context_);
    SetUserIdAndSecContext(owner, saved_context_ | SECURITY_LOCAL_USERID_CHANGE);
    guc_level_ = NewGUCNestLevel();
    try {
        /* Values cross SPI as text: make their format independent of the caller's settings. */
        call([] {
            (void)set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET,
                                    PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
            (void)set_config_option("DateStyle", "ISO, YMD", PGC_USERSET, PGC_S_SESSION,
                                    GUC_ACTION_SAVE, true, 0, false);
            (void)set_config_option("IntervalStyle", "postgres", PGC_USERSET, PGC_S_SESSION,
                                    GUC_ACTION_SAVE, true, 0, false);
        });
    } catch (...) {
        SetUserIdAndSecContext(saved_user_, saved_context_);
        throw;
    }
}

AsExtensionOwner::~AsExtensionOwner()
{
    const bool unwinding = std::uncaught_exceptions() > 0;
    int level = guc_level_;
    try {
        call([level, unwinding] { AtEOXact_GUC(!unwinding, level); });
    } catch (...) {
        /* Transaction abort resets GUC nesting anyway. */
    }
    SetUserIdAndSecContext(saved_user_, saved_context_);
}

} // namespace dynsec::pg
