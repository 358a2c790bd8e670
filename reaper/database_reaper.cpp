/*
 * database_reaper.cpp
 *     The per-database reaper: calls dynsec.reap() whenever a lease falls due.
 *
 * It sleeps on its latch until the next deadline (dynsec.next_deadline(),
 * bounded by dynsec.reaper_naptime); issue, renew and revoke set that latch
 * when they commit, so a sooner deadline is never missed. Each round is one
 * transaction; reap() gives every lease its own subtransaction. An ERROR
 * ends the process (logged as usual) and the launcher starts a new one
 * within a second. Written as plain C in C++: nothing here has a destructor.
 */
#include "reaper/reaper_registry.hpp"
#include "reaper/reaper_settings.hpp"

#include <cmath>

extern "C" {
#include "access/xact.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/snapmgr.h"
}

extern "C" {
PGDLLEXPORT void dynsec_reaper_main(Datum main_arg);
}

using namespace dynsec::reaper;

namespace
{

/* One round: reap what is due; returns milliseconds until the next deadline. */
long reap_round(Oid dboid, bool *more)
{
    char sql[128];
    long wait_ms = setting_reaper_naptime_s * 1000L;

    SetCurrentStatementStartTimestamp();
    StartTransactionCommand();
    PushActiveSnapshot(GetTransactionSnapshot());
    if (!OidIsValid(get_extension_oid("dynsec", true))) {
        /* DROP EXTENSION: this database needs no reaper any more. */
        PopActiveSnapshot();
        CommitTransactionCommand();
        unwant_reaper(dboid);
        ereport(LOG, (errmsg("dynsec reaper exiting: extension \"dynsec\" is not installed")));
        proc_exit(0);
    }
    pgstat_report_activity(STATE_RUNNING, "dynsec: reaping expired leases");
    if (SPI_connect() != SPI_OK_CONNECT)
        elog(ERROR, "SPI_connect failed");
    snprintf(sql, sizeof(sql), "SELECT dynsec.reap(%d)", setting_reaper_batch_size);
    if (SPI_execute(sql, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
        elog(ERROR, "dynsec.reap() failed");
    bool isnull;
    int revoked =
        DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
    *more = revoked >= setting_reaper_batch_size;
    if (revoked > 0)
        ereport(DEBUG1, (errmsg("dynsec reaper revoked %d lease(s)", revoked)));

    if (SPI_execute("SELECT extract(epoch FROM dynsec.next_deadline() - clock_timestamp()) * 1000",
                    true, 1) == SPI_OK_SELECT &&
        SPI_processed == 1) {
        Datum d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
        if (!isnull) {
            double ms = DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
            /* Wake just after the deadline, never before it: reap() compares with now(). */
            long until = ms <= 0 ? 0 : static_cast<long>(std::ceil(ms)) + 1;
            if (until < wait_ms)
                wait_ms = until;
        }
    }
    SPI_finish();
    PopActiveSnapshot();
    CommitTransactionCommand();
    pgstat_report_activity(STATE_IDLE, nullptr);
    return wait_ms;
}

/* After a restart the login guard's table is empty: refill it from dynsec.lease. */
void sync_login_guard()
{
    SetCurrentStatementStartTimestamp();
    StartTransactionCommand();
    PushActiveSnapshot(GetTransactionSnapshot());
    if (OidIsValid(get_extension_oid("dynsec", true))) {
        if (SPI_connect() != SPI_OK_CONNECT)
            elog(ERROR, "SPI_connect failed");
        if (SPI_execute("SELECT dynsec._guard_sync()", false, 1) != SPI_OK_SELECT)
            elog(ERROR, "dynsec._guard_sync() failed");
        SPI_finish();
    }
    PopActiveSnapshot();
    CommitTransactionCommand();
}

} // namespace

void dynsec_reaper_main(Datum main_arg)
{
    Oid dboid = DatumGetObjectId(main_arg);

    pqsignal(SIGHUP, SignalHandlerForConfigReload);
    pqsignal(SIGTERM, die);
    BackgroundWorkerUnblockSignals();
    /* Asked to stay away (DROP DATABASE, or the database is being copied)? */
    if (!reaper_wanted(dboid))
        proc_exit(0);
    BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);
    attach_reaper(dboid);
    pgstat_report_appname("dynsec reaper");
    sync_login_guard();

    for (;;) {
        CHECK_FOR_INTERRUPTS();
        if (ConfigReloadPending) {
            ConfigReloadPending = false;
            ProcessConfigFile(PGC_SIGHUP);
        }
        if (!reaper_wanted(dboid))
            proc_exit(0);

        long wait_ms = setting_reaper_naptime_s * 1000L;
        bool more = false;
        if (setting_reaper_enabled)
            wait_ms = reap_round(dboid, &more);
        if (more)
            continue;
        if (wait_ms > 0) {
            (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, wait_ms,
                            PG_WAIT_EXTENSION);
            ResetLatch(MyLatch);
        }
    }
}
