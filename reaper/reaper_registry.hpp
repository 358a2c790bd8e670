/*
 * reaper_registry.hpp
 *     Shared memory of the in-server reaper: which databases want a reaper,
 *     which process serves each, and the latches to wake them.
 *
 * Exists only when dynsec is in shared_preload_libraries; every function
 * here is a no-op (or returns "absent") otherwise.
 */
#pragma once

#include "pg/postgres_headers.hpp"

extern "C" {
#include "storage/latch.h"
#include "utils/timestamp.h"
}

namespace dynsec::reaper
{

inline constexpr int kMaxReapedDatabases = 128;

/* Called from _PG_init while preloading: request shared memory, install hooks. */
void install_registry_hooks();
bool registry_available();

/* The launcher. */
void set_launcher_latch(Latch *latch);
void wake_launcher();

/* Databases. */
void want_reaper(Oid dboid);               /* CREATE EXTENSION, or discovery at startup */
void unwant_reaper(Oid dboid);             /* DROP EXTENSION / DROP DATABASE */
void pause_reaper(Oid dboid, int seconds); /* CREATE DATABASE ... TEMPLATE this one */
bool reaper_wanted(Oid dboid);             /* wanted and not paused */
pid_t reaper_pid(Oid dboid);

/* Copies up to max wanted-and-unpaused database oids into out; returns the count. */
int wanted_databases(Oid *out, int max);

/* A reaper announces itself (and is forgotten again at exit). */
void attach_reaper(Oid dboid);

/* Backends: wake this database's reaper when the transaction commits. */
void wake_reaper_at_commit_of_this_transaction();

} // namespace dynsec::reaper
