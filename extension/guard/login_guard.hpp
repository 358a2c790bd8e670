/*
 * login_guard.hpp
 *     ClientAuthentication_hook: an issued login whose lease has expired is
 *     refused for every authentication method, not only password ones
 *     (PostgreSQL checks VALID UNTIL for password methods only).
 */
#pragma once

namespace dynsec::guard
{

void install_login_guard();

} // namespace dynsec::guard
