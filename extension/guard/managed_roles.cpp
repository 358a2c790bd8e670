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
#include "utils/timestamp.h"
}

namespace dynsec::guard
{

namespace
{

struct Entry {
    Oid roleid; /* hash key */
    ManagedRole role;
};

struct Pending {
    enum Op { upsert, set_expiry, remove } op;
    Oid roleid;
    TimestampTz expires_at;
    Binding binding;
    int32 max_logins;
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

void upsert_locked(Oid roleid, TimestampTz expires_at, const Binding &binding, int32 max_logins)
{
    bool found;
    auto *e = static_cast<Entry *>(hash_search(table, &roleid, HASH_ENTER_NULL, &found));
    if (e == nullptr) {
        ereport(WARNING,
                (errmsg("dynsec.max_managed_roles (%d) is exhausted", setting_max_managed_roles),
                 errdetail("The login guard does not know role %u; if its lease is bound, its "
                           "logins are refused.",
                           roleid),
                 errhint("Raise dynsec.max_managed_roles and restart.")));
        return;
    }
    if (!found) {
        e->role.logins = 0;
        e->role.refusals = 0;
    }
    e->role.expires_at = expires_at;
    e->role.binding = binding;
    e->role.max_logins = max_logins;
}

bool address_matches(const inet_struct &net, const inet_struct &client)
{
    if (net.family != client.family)
        return false;
    int bits = net.bits;
    for (int i = 0; bits > 0; ++i, bits -= 8) {
        unsigned char mask = bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
        if ((net.ipaddr[i] & mask) != (client.ipaddr[i] & mask))
            return false;
    }
    return true;
}

void at_xact_event(XactEvent event, void *)
{
    if (event == XACT_EVENT_COMMIT && !pending.empty() && table != nullptr) {
        LWLockAcquire(lock, LW_EXCLUSIVE);
        for (const Pending &p : pending) {
            if (p.op == Pending::remove)
                hash_search(table, &p.roleid, HASH_REMOVE, nullptr);
            else if (p.op == Pending::upsert)
                upsert_locked(p.roleid, p.expires_at, p.binding, p.max_logins);
            else if (auto *e =
                         static_cast<Entry *>(hash_search(table, &p.roleid, HASH_FIND, nullptr)))
                e->role.expires_at = p.expires_at;
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

void set_managed_at_commit(Oid roleid, TimestampTz expires_at, const Binding &binding,
                           int32 max_logins)
{
    if (table)
        pending.push_back({Pending::upsert, roleid, expires_at, binding, max_logins});
}

void set_expiry_at_commit(Oid roleid, TimestampTz expires_at)
{
    if (table)
        pending.push_back({Pending::set_expiry, roleid, expires_at, {}, -1});
}

void unset_managed_at_commit(Oid roleid)
{
    if (table)
        pending.push_back({Pending::remove, roleid, 0, {}, -1});
}

void set_managed_now(Oid roleid, TimestampTz expires_at, const Binding &binding, int32 max_logins)
{
    if (!table)
        return;
    LWLockAcquire(lock, LW_EXCLUSIVE);
    upsert_locked(roleid, expires_at, binding, max_logins);
    LWLockRelease(lock);
}

bool lookup_managed(Oid roleid, ManagedRole *out)
{
    if (!table)
        return false;
    LWLockAcquire(lock, LW_SHARED);
    auto *e = static_cast<Entry *>(hash_search(table, &roleid, HASH_FIND, nullptr));
    if (e && out)
        *out = e->role;
    LWLockRelease(lock);
    return e != nullptr;
}

LoginVerdict check_login(Oid roleid, const inet_struct *client, ManagedRole *seen)
{
    if (!table)
        return LoginVerdict::unmanaged;
    LoginVerdict verdict = LoginVerdict::allowed;
    LWLockAcquire(lock, LW_EXCLUSIVE);
    auto *e = static_cast<Entry *>(hash_search(table, &roleid, HASH_FIND, nullptr));
    if (e == nullptr)
        verdict = LoginVerdict::unmanaged;
    else {
        ManagedRole &r = e->role;
        if (r.expires_at <= GetCurrentTimestamp())
            verdict = LoginVerdict::expired;
        else if (r.binding.kind == Binding::local_socket && client != nullptr)
            verdict = LoginVerdict::wrong_address;
        else if (r.binding.kind == Binding::network &&
                 (client == nullptr || !address_matches(r.binding.network_addr, *client)))
            verdict = LoginVerdict::wrong_address;
        else if (r.max_logins >= 0 && r.logins >= r.max_logins)
            verdict = LoginVerdict::too_many_logins;
        if (verdict == LoginVerdict::allowed)
            ++r.logins;
        else
            ++r.refusals;
        *seen = r;
    }
    LWLockRelease(lock);
    return verdict;
}

} // namespace dynsec::guard
