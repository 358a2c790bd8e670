/*
 * audit_log.hpp
 *     Appending to dynsec.audit_log, and the guard that keeps it append-only.
 */
#pragma once

#include "pg/owner_context.hpp"
#include "pg/spi_session.hpp"

#include <string>

namespace dynsec::pg
{

struct AuditRecord {
    const char *event; /* issue, renew, revoke, expire, failure */
    std::string lease_id;
    std::string role;
    std::string username;
    std::string reason;
};

/* Must run as the extension owner (inside AsExtensionOwner). */
void append_audit(SpiSession &spi, const Caller &caller, const AuditRecord &record);

/* ereport(level) from C++ without longjmp (levels below ERROR only). */
void report(int level, const std::string &message, const std::string &detail = {},
            const std::string &hint = {});

} // namespace dynsec::pg
