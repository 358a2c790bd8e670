/*
 * module.cpp
 *     dynsec.so's entry: PG_MODULE_MAGIC, _PG_init, the GUCs and dynsec.version().
 *
 * Hooks and background workers are installed only when the library is
 * loaded through shared_preload_libraries; loaded on demand by a SQL call,
 * only the GUCs are defined and the SQL API works without them.
 */
#include "pg/boundary.hpp"
#include "pg/settings.hpp"
#include "guard/guard_settings.hpp"
#include "guard/login_guard.hpp"
#include "guard/managed_roles.hpp"
#include "guard/tamper_guard.hpp"
#include "reaper/database_lifecycle_hook.hpp"
#include "reaper/launcher.hpp"
#include "reaper/reaper_registry.hpp"
#include "reaper/reaper_settings.hpp"

extern "C" {
#include "utils/builtins.h"
#include "utils/guc.h"
}

extern "C" {
PG_MODULE_MAGIC;
void _PG_init(void);
}

namespace dynsec::pg
{

int setting_scram_iterations = 1;
int setting_valid_until_grace_s = 5;
bool setting_terminate_sessions = true;
int setting_terminate_timeout_ms = 5000;

namespace
{

void define_settings()
{
    DefineCustomIntVariable(
        "dynsec.scram_iterations",
        "SCRAM-SHA-256 iteration count for credential roles that do not set their own.",
        "Generated passwords carry 190 bits of entropy, so key stretching adds no security; "
        "raise it where a policy or client library requires RFC 7677's 4096.",
        &setting_scram_iterations, 1, 1, 10000000, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "dynsec.valid_until_grace", "Seconds added to a lease's expiry for its VALID UNTIL.",
        "VALID UNTIL is the backstop that refuses password logins when no reaper runs.",
        &setting_valid_until_grace_s, 5, 0, 3600, PGC_SUSET, GUC_UNIT_S, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable("dynsec.terminate_sessions",
                             "Whether revocation terminates the sessions of the revoked login.",
                             nullptr, &setting_terminate_sessions, true, PGC_SUSET, 0, nullptr,
                             nullptr, nullptr);
    DefineCustomIntVariable("dynsec.terminate_timeout",
                            "How long revocation waits for terminated sessions to end.",
                            "A lease whose sessions outlive it is marked failed and retried.",
                            &setting_terminate_timeout_ms, 5000, 10, 600000, PGC_SUSET, GUC_UNIT_MS,
                            nullptr, nullptr, nullptr);
}

} // namespace
} // namespace dynsec::pg

void _PG_init(void)
{
    dynsec::pg::entry([] {
        dynsec::pg::define_settings();
        dynsec::reaper::define_reaper_settings();
        dynsec::guard::define_guard_settings();
        if (process_shared_preload_libraries_in_progress) {
            dynsec::guard::install_managed_roles_hooks();
            dynsec::guard::install_tamper_guard();
            dynsec::guard::install_login_guard();
            dynsec::reaper::install_registry_hooks();
            dynsec::reaper::install_database_lifecycle_hook();
            dynsec::reaper::register_launcher();
        }
        MarkGUCPrefixReserved("dynsec");
    });
}

/* Whether the login guard and tamper guard are active (library preloaded). */
DYNSEC_FUNCTION(dynsec_guards_active)
{
    (void)fcinfo;
    return BoolGetDatum(dynsec::guard::managed_roles_available());
}

DYNSEC_FUNCTION(dynsec_version)
{
    (void)fcinfo;
    return CStringGetTextDatum(DYNSEC_VERSION);
}
