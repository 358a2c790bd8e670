/*
 * owner_context.hpp
 *     The one narrow switch to the extension owner's privileges.
 *
 * Callers need no CREATEROLE: while an AsExtensionOwner is alive, dynsec's
 * SPI work runs as the owner of the dynsec extension, with search_path
 * pinned to "pg_catalog, pg_temp" so that no object of the caller's can be
 * picked up by name, and DateStyle/IntervalStyle pinned so that values
 * crossing SPI as text parse back exactly. The switch is undone when the scope ends (and by
 * PostgreSQL itself if the (sub)transaction aborts).
 */
#pragma once

#include "pg/postgres_headers.hpp"

#include "guard/tamper_guard.hpp"

#include <string>

namespace dynsec::pg
{

/* Who called, captured before any switch. */
struct Caller {
    Oid user_id;              /* current_user */
    std::string user_name;    /* current_user */
    std::string session_name; /* session_user */
    bool is_admin;            /* superuser or has the privileges of the extension owner */
};

Oid extension_owner();
Caller current_caller();
bool has_privileges_of(Oid member, Oid role);
bool role_exists(const std::string &name);

class AsExtensionOwner
{
  public:
    AsExtensionOwner();
    ~AsExtensionOwner();
    AsExtensionOwner(const AsExtensionOwner &) = delete;
    AsExtensionOwner &operator=(const AsExtensionOwner &) = delete;

  private:
    guard::OwnChangesScope own_changes_; /* the tamper guard lets dynsec's own DDL through */
    Oid saved_user_;
    int saved_context_;
    int guc_level_;
};

} // namespace dynsec::pg
