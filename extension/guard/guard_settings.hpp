/*
 * guard_settings.hpp
 *     GUCs of the guards: dynsec.allow_manual_changes, dynsec.max_managed_roles.
 */
#pragma once

namespace dynsec::guard
{

extern bool setting_allow_manual_changes;
extern int setting_max_managed_roles;

void define_guard_settings();

} // namespace dynsec::guard
