/*
 * wakeup.cpp
 *     Commit-time wake-up of reapers. NOTIFY is transactional, so a rolled
 *     back issue wakes no one.
 */
#include "pg/wakeup.hpp"

#include "pg/boundary.hpp"
#include "reaper/reaper_registry.hpp"

extern "C" {
#include "commands/async.h"
}

namespace dynsec::pg
{

void wake_reaper_at_commit()
{
    call([] { Async_Notify("dynsec_reaper", nullptr); });
    reaper::wake_reaper_at_commit_of_this_transaction();
}

} // namespace dynsec::pg
