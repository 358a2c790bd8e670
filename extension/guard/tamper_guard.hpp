/*
 * tamper_guard.hpp
 *     Managed roles are changed by dynsec only: ALTER ROLE (any option),
 *     RENAME, DROP ROLE and GRANT/REVOKE of membership to or from them are
 *     refused for everyone else, superusers included, unless the break-glass
 *     dynsec.allow_manual_changes is on.
 */
#pragma once

namespace dynsec::guard
{

void install_tamper_guard();

/* dynsec's own statements run inside this scope (AsExtensionOwner holds one). */
struct OwnChangesScope {
    OwnChangesScope();
    ~OwnChangesScope();
    OwnChangesScope(const OwnChangesScope &) = delete;
    OwnChangesScope &operator=(const OwnChangesScope &) = delete;
};

} // namespace dynsec::guard
