/*
 * wakeup.hpp
 *     Tell reapers that the earliest deadline may have changed, once the
 *     transaction commits (NOTIFY dynsec_reaper: the external dynsec-reaper
 *     LISTENs for it; the in-server reaper is woken through its latch).
 */
#pragma once

namespace dynsec::pg
{

void wake_reaper_at_commit();

} // namespace dynsec::pg
