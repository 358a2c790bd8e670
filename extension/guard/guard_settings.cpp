/*
 * guard_settings.cpp
 *     Definitions of the guards' GUCs.
 */
#include "guard/guard_settings.hpp"

#include "pg/postgres_headers.hpp"

extern "C" {
#include "miscadmin.h"
}

extern "C" {
#include "utils/guc.h"
}

namespace dynsec::guard
{

bool setting_allow_manual_changes = false;
int setting_max_managed_roles = 100000;

void define_guard_settings()
{
    DefineCustomBoolVariable(
        "dynsec.allow_manual_changes",
        "Break-glass: allow ALTER/DROP/GRANT on roles that dynsec manages.",
        "Superuser only. Changes made this way are not reflected in dynsec's leases.",
        &setting_allow_manual_changes, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    /* PostgreSQL allows PGC_POSTMASTER variables only while preloading. */
    if (!process_shared_preload_libraries_in_progress)
        return;
    DefineCustomIntVariable("dynsec.max_managed_roles",
                            "Capacity of the login guard's shared table of issued logins.", nullptr,
                            &setting_max_managed_roles, 100000, 1000, 10000000, PGC_POSTMASTER, 0,
                            nullptr, nullptr, nullptr);
}

} // namespace dynsec::guard
