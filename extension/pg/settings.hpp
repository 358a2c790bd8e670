/*
 * settings.hpp
 *     dynsec's GUC variables, as C++ sees them.
 */
#pragma once

namespace dynsec::pg
{

extern int setting_scram_iterations;
extern int setting_valid_until_grace_s;
extern bool setting_terminate_sessions;
extern int setting_terminate_timeout_ms;

} // namespace dynsec::pg
