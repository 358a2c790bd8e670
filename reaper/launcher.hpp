/*
 * launcher.hpp
 *     Registration of the dynsec launcher background worker.
 */
#pragma once

namespace dynsec::reaper
{

/* From _PG_init while preloading. */
void register_launcher();

} // namespace dynsec::reaper
