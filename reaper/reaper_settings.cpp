/*
 * reaper_settings.cpp
 *     dynsec.reaper_enabled, dynsec.reaper_naptime, dynsec.reaper_batch_size.
 */
#include "reaper/reaper_settings.hpp"

#include "pg/postgres_headers.hpp"

extern "C" {
#include "utils/guc.h"
}

namespace dynsec::reaper
{

bool setting_reaper_enabled = true;
int setting_reaper_naptime_s = 10;
int setting_reaper_batch_size = 1000;

void define_reaper_settings()
{
    DefineCustomBoolVariable(
        "dynsec.reaper_enabled", "Whether the in-server reapers revoke leases.",
        "Turn off when an external dynsec-reaper does the job.", &setting_reaper_enabled, true,
        PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "dynsec.reaper_naptime", "Longest time a reaper sleeps between two looks at the leases.",
        "Reapers wake at the next expiry anyway; this bounds the sleep when "
        "nothing is due.",
        &setting_reaper_naptime_s, 10, 1, 3600, PGC_SIGHUP, GUC_UNIT_S, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "dynsec.reaper_batch_size", "Most leases a reaper revokes in one transaction.",
        "Bounded batches keep lock usage and transaction length in check.",
        &setting_reaper_batch_size, 1000, 1, 100000, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
}

} // namespace dynsec::reaper
