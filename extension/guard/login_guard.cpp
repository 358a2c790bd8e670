/*
 * login_guard.cpp
 *     Decides on every authenticated login of a managed role.
 *
 * Runs before a database is chosen: it reads only the shared-memory table of
 * managed roles and shared catalogs through the syscache (as pg_hba.conf's
 * role matching does). Fail-closed: a role marked as bound (member of
 * dynsec_bound) that the table does not know is refused. Plain C-style code:
 * nothing here has a destructor.
 */
#include "guard/login_guard.hpp"

#include "guard/managed_roles.hpp"

#include <netinet/in.h>

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

/* The client's address, or nullptr for a Unix-domain socket. */
const inet_struct *client_address(Port *port, inet_struct *out)
{
    memset(out, 0, sizeof(*out));
    const sockaddr_storage &ss = port->raddr.addr;
    if (ss.ss_family == AF_INET) {
        out->family = PGSQL_AF_INET;
        out->bits = 32;
        memcpy(out->ipaddr, &reinterpret_cast<const sockaddr_in &>(ss).sin_addr, 4);
        return out;
    }
    if (ss.ss_family == AF_INET6) {
        out->family = PGSQL_AF_INET6;
        out->bits = 128;
        memcpy(out->ipaddr, &reinterpret_cast<const sockaddr_in6 &>(ss).sin6_addr, 16);
        return out;
    }
    return nullptr;
}

void refuse(Port *port, const char *why, const char *detail)
{
    ereport(FATAL, (errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
                    errmsg("dynsec credential \"%s\" %s", port->user_name, why),
                    errdetail_internal("%s", detail)));
}

void login_guard(Port *port, int status)
{
    if (prev_hook)
        prev_hook(port, status);
    if (status != STATUS_OK || port->user_name == nullptr)
        return;
    Oid roleid = get_role_oid(port->user_name, true);
    if (!OidIsValid(roleid))
        return;
    inet_struct addr;
    const inet_struct *client = client_address(port, &addr);
    ManagedRole seen;
    switch (check_login(roleid, client, &seen)) {
    case LoginVerdict::allowed:
        return;
    case LoginVerdict::unmanaged: {
        Oid marker = get_role_oid(kBoundMarkerRole, true);
        if (OidIsValid(marker) && is_member_of_role_nosuper(roleid, marker))
            refuse(port, "cannot be checked",
                   "Its lease is bound to an address or login limit, and the login guard does not "
                   "know it yet (after a restart, until the database's reaper has run).");
        return;
    }
    case LoginVerdict::expired:
        refuse(port, "has expired",
               psprintf("Its lease expired at %s; refused whatever the authentication method.",
                        timestamptz_to_str(seen.expires_at)));
        break;
    case LoginVerdict::wrong_address:
        refuse(port, "is not valid from this address",
               psprintf("Its lease is bound to %s; this connection comes from %s.",
                        seen.binding.kind == Binding::local_socket ? "local socket connections"
                                                                   : "another network",
                        port->remote_host ? port->remote_host : "a local socket"));
        break;
    case LoginVerdict::too_many_logins:
        refuse(port, "has no logins left",
               psprintf("Its lease allows %d login(s); all have been used.", seen.max_logins));
        break;
    }
}

} // namespace

void install_login_guard()
{
    prev_hook = ClientAuthentication_hook;
    ClientAuthentication_hook = login_guard;
}

} // namespace dynsec::guard
