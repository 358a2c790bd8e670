/*
 * database_lifecycle_hook.hpp
 *     ProcessUtility hook that keeps reapers in step with CREATE EXTENSION,
 *     CREATE DATABASE and DROP DATABASE.
 */
#pragma once

namespace dynsec::reaper
{

void install_database_lifecycle_hook();

} // namespace dynsec::reaper
