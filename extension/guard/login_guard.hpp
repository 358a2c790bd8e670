/*
 * login_guard.hpp
 *     ClientAuthentication_hook for issued logins: refuses them once expired
 *     (whatever the authentication method: PostgreSQL checks VALID UNTIL for
 *     password methods only), from outside their bound address, and past
 *     their login limit; counts logins and refusals.
 */
#pragma once

namespace dynsec::guard
{

/* Member of this NOLOGIN role = the lease has a binding or login limit. */
inline constexpr const char *kBoundMarkerRole = "dynsec_bound";

void install_login_guard();

} // namespace dynsec::guard
