/*
 * login_guard.cpp
 *     Refuses expired dynsec credentials at authentication, whatever the method.
 *
 * Runs before a database is chosen: it reads only the shared-memory table of
 * managed roles and pg_authid through the syscache (as pg_hba.conf's role
 * matching does). Plain C-style code: nothing here has a destructor.
 */
#include "guard/login_guard.hpp"

#include "guard/managed_roles.hpp"

extern "C" {
#include "libpq/auth.h"
#include "libpq/libpq-be.h"
#include "utils/acl.h"
#include "utils/timestamp.h"
}

namespace dynsec::guard
{

namespace
{

ClientAuthentication_hook_type prev_hook = nullptr;

void login_guard(Port *port, int status)
{
    if (prev_hook)
        prev_hook(port, status);
    if (status != STATUS_OK || port->user_name == nullptr)
        return;
    Oid roleid = get_role_oid(port->user_name, true);
    TimestampTz expires_at;
    if (!OidIsValid(roleid) || !lookup_managed(roleid, &expires_at))
        return;
    if (expires_at <= GetCurrentTimestamp())
        ereport(FATAL,
                (errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
                 errmsg("dynsec credential \"%s\" has expired", port->user_name),
                 errdetail("Its lease expired at %s; refused whatever the authentication method.",
                           timestamptz_to_str(expires_at))));
}

} // namespace

void install_login_guard()
{
    prev_hook = ClientAuthentication_hook;
    ClientAuthentication_hook = login_guard;
}

} // namespace dynsec::guard
