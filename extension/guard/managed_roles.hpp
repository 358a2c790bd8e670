/*
 * managed_roles.hpp
 *     Shared-memory table of the login roles dynsec manages, with their expiry.
 *
 * The login guard runs before a database is chosen, so it cannot read
 * dynsec.lease; it reads this table instead. Changes made by issue, renew
 * and revoke are applied when their transaction commits; after a restart
 * each database's reaper refills it from dynsec.lease. Present only when
 * dynsec is preloaded.
 */
#pragma once

#include "pg/postgres_headers.hpp"

extern "C" {
#include "datatype/timestamp.h"
}

namespace dynsec::guard
{

void install_managed_roles_hooks(); /* _PG_init while preloading */
bool managed_roles_available();

/* Queue a change for commit (no-op without shared memory). */
void set_managed_at_commit(Oid roleid, TimestampTz expires_at);
void unset_managed_at_commit(Oid roleid);

/* Immediate upsert, for the reapers' rebuild. */
void set_managed_now(Oid roleid, TimestampTz expires_at);

/* Whether roleid is managed; its expiry in *expires_at. */
bool lookup_managed(Oid roleid, TimestampTz *expires_at);

} // namespace dynsec::guard
