/*
 * launcher.cpp
 *     The dynsec launcher: one background worker per cluster that starts a
 *     reaper in every database that has the extension.
 *
 * At startup it asks every connectable database once (a reaper that finds
 * no extension leaves again for good); afterwards CREATE EXTENSION and
 * CREATE DATABASE tell it through shared memory. It waits on its latch and
 * rechecks once a second, so a stopped reaper is restarted promptly.
 * Written as plain C in C++: nothing here has a destructor, so an ERROR's
 * longjmp skips nothing.
 */
#include "reaper/launcher.hpp"

#include "reaper/reaper_registry.hpp"
#include "reaper/reaper_settings.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_database.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/snapmgr.h"
}

extern "C" {
PGDLLEXPORT void dynsec_launcher_main(Datum main_arg);
PGDLLEXPORT void dynsec_reaper_main(Datum main_arg);
}

namespace dynsec::reaper
{

namespace
{

void discover_databases()
{
    StartTransactionCommand();
    Relation rel = table_open(DatabaseRelationId, AccessShareLock);
    TableScanDesc scan = table_beginscan_catalog(rel, 0, nullptr);
    HeapTuple tup;
    while ((tup = heap_getnext(scan, ForwardScanDirection)) != nullptr) {
        Form_pg_database db = (Form_pg_database)GETSTRUCT(tup);
        if (db->datallowconn && !db->datistemplate)
            want_reaper(db->oid);
    }
    table_endscan(scan);
    table_close(rel, AccessShareLock);
    CommitTransactionCommand();
}

bool start_reaper(Oid dboid, BackgroundWorkerHandle **handle)
{
    BackgroundWorker worker;
    memset(&worker, 0, sizeof(worker));
    worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
    /* The launcher restarts stopped reapers itself, within a second. */
    worker.bgw_restart_time = BGW_NEVER_RESTART;
    snprintf(worker.bgw_library_name, BGW_MAXLEN, "dynsec");
    snprintf(worker.bgw_function_name, BGW_MAXLEN, "dynsec_reaper_main");
    snprintf(worker.bgw_name, BGW_MAXLEN, "dynsec reaper for database %u", dboid);
    snprintf(worker.bgw_type, BGW_MAXLEN, "dynsec reaper");
    worker.bgw_main_arg = ObjectIdGetDatum(dboid);
    worker.bgw_notify_pid = MyProcPid;
    return RegisterDynamicBackgroundWorker(&worker, handle);
}

} // namespace

void register_launcher()
{
    BackgroundWorker worker;
    memset(&worker, 0, sizeof(worker));
    worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    /* Never on a hot standby: reaping starts once recovery (or promotion) is done. */
    worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
    worker.bgw_restart_time = 5;
    snprintf(worker.bgw_library_name, BGW_MAXLEN, "dynsec");
    snprintf(worker.bgw_function_name, BGW_MAXLEN, "dynsec_launcher_main");
    snprintf(worker.bgw_name, BGW_MAXLEN, "dynsec launcher");
    snprintf(worker.bgw_type, BGW_MAXLEN, "dynsec launcher");
    RegisterBackgroundWorker(&worker);
}

} // namespace dynsec::reaper

using namespace dynsec::reaper;

void dynsec_launcher_main(Datum)
{
    static Oid running_db[kMaxReapedDatabases];
    static BackgroundWorkerHandle *running[kMaxReapedDatabases];
    int nrunning = 0;
    bool warned_no_slots = false;

    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    pqsignal(SIGTERM, die);
    BackgroundWorkerUnblockSignals();
    BackgroundWorkerInitializeConnection(nullptr, nullptr, 0);
    set_launcher_latch(MyLatch);
    pgstat_report_appname("dynsec launcher");
    discover_databases();

    for (;;) {
        CHECK_FOR_INTERRUPTS();
        if (ConfigReloadPending) {
            ConfigReloadPending = false;
            ProcessConfigFile(PGC_SIGHUP);
        }

        /* Forget reapers that have stopped. */
        for (int i = 0; i < nrunning;) {
            pid_t pid;
            if (GetBackgroundWorkerPid(running[i], &pid) == BGWH_STOPPED) {
                pfree(running[i]);
                running[i] = running[nrunning - 1];
                running_db[i] = running_db[nrunning - 1];
                --nrunning;
            } else
                ++i;
        }

        if (setting_reaper_enabled) {
            Oid wanted[kMaxReapedDatabases];
            int nwanted = wanted_databases(wanted, kMaxReapedDatabases);
            for (int w = 0; w < nwanted; ++w) {
                bool have = false;
                for (int i = 0; i < nrunning && !have; ++i)
                    have = running_db[i] == wanted[w];
                if (have || nrunning >= kMaxReapedDatabases)
                    continue;
                BackgroundWorkerHandle *handle;
                if (start_reaper(wanted[w], &handle)) {
                    running[nrunning] = handle;
                    running_db[nrunning++] = wanted[w];
                    warned_no_slots = false;
                } else if (!warned_no_slots) {
                    ereport(LOG, (errmsg("dynsec launcher could not start a reaper for database %u",
                                         wanted[w]),
                                  errdetail("No background worker slot is free."),
                                  errhint("Raise max_worker_processes; dynsec needs one per "
                                          "database with the extension, plus its launcher.")));
                    warned_no_slots = true;
                }
            }
        }

        (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 1000L,
                        PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
    }
}
