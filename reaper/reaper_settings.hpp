/*
 * reaper_settings.hpp
 *     GUCs of the in-server reaper.
 */
#pragma once

namespace dynsec::reaper
{

extern bool setting_reaper_enabled;
extern int setting_reaper_naptime_s;
extern int setting_reaper_batch_size;

void define_reaper_settings();

} // namespace dynsec::reaper
