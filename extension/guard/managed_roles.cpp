/*
 * managed_roles.cpp
 *     The shared hash of managed roles and its commit-time maintenance.
 */
#include "guard/managed_roles.hpp"

#include "guard/guard_settings.hpp"

#include <vector>

extern "C" {
#include "access/xact.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/hsearch.h"
}

namespace dynsec::guard
{

namespace
{

struct Entry {
    Oid roleid; /* hash key */
    TimestampTz expires_at;
};

struct Pending {
    Oid roleid;
    TimestampTz expires_at;
    bool remove;
};

HTAB *table = nullptr;
LWLock *lock = nullptr;
std::vector<Pending> pending;

#if PG_VERSION_NUM >= 150000
shmem_request_hook_type prev_request = nullptr;
#endif
shmem_startup_hook_type prev_startup = nullptr;

void request()
{
#if PG_VERSION_NUM >= 150000
    if (prev_request)
        prev_request();
#endif
    RequestAddinShmemSpace(hash_estimate_size(setting_max_managed_roles, sizeof(Entry)));
    RequestNamedLWLockTranche("dynsec managed roles", 1);
}

void startup()
{
    if (prev_startup)
        prev_startup();
    HASHCTL info;
    memset(&info, 0, sizeof(info));
    info.keysize = sizeof(Oid);
    info.entrysize = sizeof(Entry);
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    table = ShmemInitHash("dynsec managed roles", setting_max_managed_roles,
                          setting_max_managed_roles, &info, HASH_ELEM | HASH_BLOBS);
    lock = &(GetNamedLWLockTranche("dynsec managed roles"))->lock;
    LWLockRelease(AddinShmemInitLock);
}

void upsert_locked(Oid roleid, TimestampTz expires_at)
{
    bool found;
    auto *e = static_cast<Entry *>(hash_search(table, &roleid, HASH_ENTER_NULL, &found));
    if (e == nullptr)
        ereport(WARNING,
                (errmsg("dynsec.max_managed_roles (%d) is exhausted", setting_max_managed_roles),
                 errdetail("The login guard does not know role %u.", roleid),
                 errhint("Raise dynsec.max_managed_roles and restart.")));
    else
        e->expires_at = expires_at;
}

void at_xact_event(XactEvent event, void *)
{
    if (event == XACT_EVENT_COMMIT && !pending.empty() && table != nullptr) {
        LWLockAcquire(lock, LW_EXCLUSIVE);
        for (const Pending &p : pending) {
            if (p.remove)
                hash_search(table, &p.roleid, HASH_REMOVE, nullptr);
            else
                upsert_locked(p.roleid, p.expires_at);
        }
        LWLockRelease(lock);
    }
    if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
        event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT)
        pending.clear();
}

} // namespace

void install_managed_roles_hooks()
{
#if PG_VERSION_NUM >= 150000
    prev_request = shmem_request_hook;
    shmem_request_hook = request;
#else
    request();
#endif
    prev_startup = shmem_startup_hook;
    shmem_startup_hook = startup;
    RegisterXactCallback(at_xact_event, nullptr);
}

bool managed_roles_available()
{
    return table != nullptr;
}

void set_managed_at_commit(Oid roleid, TimestampTz expires_at)
{
    if (table)
        pending.push_back({roleid, expires_at, false});
}

void unset_managed_at_commit(Oid roleid)
{
    if (table)
        pending.push_back({roleid, 0, true});
}

void set_managed_now(Oid roleid, TimestampTz expires_at)
{
    if (!table)
        return;
    LWLockAcquire(lock, LW_EXCLUSIVE);
    upsert_locked(roleid, expires_at);
    LWLockRelease(lock);
}

bool lookup_managed(Oid roleid, TimestampTz *expires_at)
{
    if (!table)
        return false;
    LWLockAcquire(lock, LW_SHARED);
    auto *e = static_cast<Entry *>(hash_search(table, &roleid, HASH_FIND, nullptr));
    if (e)
        *expires_at = e->expires_at;
    LWLockRelease(lock);
    return e != nullptr;
}

} // namespace dynsec::guard
