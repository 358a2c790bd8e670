/*
 * managed_roles.hpp
 *     Shared-memory table of the login roles dynsec manages: expiry, address
 *     binding, login limit and counters.
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
#include "utils/inet.h"
}

namespace dynsec::guard
{

/* Where a lease's login may come from. */
struct Binding {
    enum Kind : char { none, network, local_socket } kind = none;
    inet_struct network_addr{}; /* for network: family, prefix bits, address */
};

/* What the login guard knows of one managed role. */
struct ManagedRole {
    TimestampTz expires_at;
    Binding binding;
    int32 max_logins; /* -1: unlimited */
    int64 logins;
    int64 refusals;
};

/* The guard's decision on one authenticated login. */
enum class LoginVerdict { unmanaged, allowed, expired, wrong_address, too_many_logins };

void install_managed_roles_hooks(); /* _PG_init while preloading */
bool managed_roles_available();

/* Queue a change for commit (no-op without shared memory). */
void set_managed_at_commit(Oid roleid, TimestampTz expires_at, const Binding &binding,
                           int32 max_logins);
void set_expiry_at_commit(Oid roleid, TimestampTz expires_at);
void unset_managed_at_commit(Oid roleid);

/* Immediate upsert, for the reapers' rebuild (counters are kept if present). */
void set_managed_now(Oid roleid, TimestampTz expires_at, const Binding &binding, int32 max_logins);

/* Whether roleid is managed; a copy of its entry in *out when out is given. */
bool lookup_managed(Oid roleid, ManagedRole *out = nullptr);

/* Decides and counts one login of roleid from client (nullptr: Unix socket). */
LoginVerdict check_login(Oid roleid, const inet_struct *client, ManagedRole *seen);

} // namespace dynsec::guard
