/*
 * reaper_registry.cpp
 *     Shared-memory registry of per-database reapers and commit-time wake-ups.
 */
#include "reaper/reaper_registry.hpp"

extern "C" {
#include "access/xact.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "storage/spin.h"
}

namespace dynsec::reaper
{

namespace
{

struct Slot {
    Oid dboid;
    bool wanted;
    TimestampTz paused_until;
    pid_t pid;
    Latch *latch;
};

struct Registry {
    slock_t mutex;
    Latch *launcher_latch;
    Slot slots[kMaxReapedDatabases];
};

Registry *registry = nullptr;
bool wake_pending = false;

#if PG_VERSION_NUM >= 150000
shmem_request_hook_type prev_shmem_request_hook = nullptr;
#endif
shmem_startup_hook_type prev_shmem_startup_hook = nullptr;

void request_shmem()
{
#if PG_VERSION_NUM >= 150000
    if (prev_shmem_request_hook)
        prev_shmem_request_hook();
#endif
    RequestAddinShmemSpace(sizeof(Registry));
}

void startup_shmem()
{
    if (prev_shmem_startup_hook)
        prev_shmem_startup_hook();
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    bool found;
    registry = static_cast<Registry *>(
        ShmemInitStruct("dynsec reaper registry", sizeof(Registry), &found));
    if (!found) {
        memset(registry, 0, sizeof(Registry));
        SpinLockInit(&registry->mutex);
    }
    LWLockRelease(AddinShmemInitLock);
}

/* Slot of dboid, or a free one when create; caller holds the mutex. */
Slot *find_slot(Oid dboid, bool create)
{
    Slot *free_slot = nullptr;
    for (Slot &s : registry->slots) {
        if (s.dboid == dboid)
            return &s;
        if (s.dboid == InvalidOid && free_slot == nullptr)
            free_slot = &s;
    }
    if (create && free_slot != nullptr) {
        memset(free_slot, 0, sizeof(Slot));
        free_slot->dboid = dboid;
    }
    return create ? free_slot : nullptr;
}

void at_xact_event(XactEvent event, void *)
{
    if (event == XACT_EVENT_COMMIT && wake_pending && registry != nullptr) {
        Latch *latch = nullptr;
        SpinLockAcquire(&registry->mutex);
        if (Slot *s = find_slot(MyDatabaseId, false))
            latch = s->latch;
        SpinLockRelease(&registry->mutex);
        if (latch)
            SetLatch(latch);
    }
    if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
        event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT)
        wake_pending = false;
}

void detach_reaper(int, Datum arg)
{
    Oid dboid = DatumGetObjectId(arg);
    SpinLockAcquire(&registry->mutex);
    if (Slot *s = find_slot(dboid, false)) {
        if (s->pid == MyProcPid) {
            s->pid = 0;
            s->latch = nullptr;
        }
        if (!s->wanted && s->pid == 0)
            s->dboid = InvalidOid;
    }
    Latch *launcher = registry->launcher_latch;
    SpinLockRelease(&registry->mutex);
    if (launcher)
        SetLatch(launcher);
}

} // namespace

void install_registry_hooks()
{
#if PG_VERSION_NUM >= 150000
    prev_shmem_request_hook = shmem_request_hook;
    shmem_request_hook = request_shmem;
#else
    request_shmem();
#endif
    prev_shmem_startup_hook = shmem_startup_hook;
    shmem_startup_hook = startup_shmem;
    RegisterXactCallback(at_xact_event, nullptr);
}

bool registry_available()
{
    return registry != nullptr;
}

void set_launcher_latch(Latch *latch)
{
    SpinLockAcquire(&registry->mutex);
    registry->launcher_latch = latch;
    SpinLockRelease(&registry->mutex);
}

void wake_launcher()
{
    if (!registry)
        return;
    SpinLockAcquire(&registry->mutex);
    Latch *latch = registry->launcher_latch;
    SpinLockRelease(&registry->mutex);
    if (latch)
        SetLatch(latch);
}

void want_reaper(Oid dboid)
{
    if (!registry)
        return;
    SpinLockAcquire(&registry->mutex);
    Slot *s = find_slot(dboid, true);
    if (s)
        s->wanted = true;
    SpinLockRelease(&registry->mutex);
    if (!s)
        ereport(WARNING, (errmsg("dynsec reaps at most %d databases; database %u gets no reaper",
                                 kMaxReapedDatabases, dboid)));
    wake_launcher();
}

void unwant_reaper(Oid dboid)
{
    if (!registry)
        return;
    SpinLockAcquire(&registry->mutex);
    if (Slot *s = find_slot(dboid, false)) {
        s->wanted = false;
        if (s->pid == 0)
            s->dboid = InvalidOid;
    }
    SpinLockRelease(&registry->mutex);
}

void pause_reaper(Oid dboid, int seconds)
{
    if (!registry)
        return;
    SpinLockAcquire(&registry->mutex);
    if (Slot *s = find_slot(dboid, false))
        s->paused_until = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), seconds * 1000);
    SpinLockRelease(&registry->mutex);
}

bool reaper_wanted(Oid dboid)
{
    if (!registry)
        return false;
    TimestampTz now = GetCurrentTimestamp();
    SpinLockAcquire(&registry->mutex);
    Slot *s = find_slot(dboid, false);
    bool wanted = s && s->wanted && s->paused_until <= now;
    SpinLockRelease(&registry->mutex);
    return wanted;
}

pid_t reaper_pid(Oid dboid)
{
    if (!registry)
        return 0;
    SpinLockAcquire(&registry->mutex);
    Slot *s = find_slot(dboid, false);
    pid_t pid = s ? s->pid : 0;
    SpinLockRelease(&registry->mutex);
    return pid;
}

int wanted_databases(Oid *out, int max)
{
    int n = 0;
    TimestampTz now = GetCurrentTimestamp();
    SpinLockAcquire(&registry->mutex);
    for (Slot &s : registry->slots)
        if (s.dboid != InvalidOid && s.wanted && s.paused_until <= now && n < max)
            out[n++] = s.dboid;
    SpinLockRelease(&registry->mutex);
    return n;
}

void attach_reaper(Oid dboid)
{
    SpinLockAcquire(&registry->mutex);
    Slot *s = find_slot(dboid, true);
    if (s) {
        s->pid = MyProcPid;
        s->latch = MyLatch;
    }
    SpinLockRelease(&registry->mutex);
    on_shmem_exit(detach_reaper, ObjectIdGetDatum(dboid));
}

void wake_reaper_at_commit_of_this_transaction()
{
    wake_pending = true;
}

} // namespace dynsec::reaper
