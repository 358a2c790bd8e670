/*
 * revocation.hpp
 *     The one revocation routine behind revoke(), revoke_role() and reap().
 *
 * Per lease: NOLOGIN first (kept even if everything after it fails), then
 * in a subtransaction: terminate the login's sessions in every database,
 * run revocation_statements, REASSIGN OWNED + DROP OWNED + DROP ROLE,
 * delete the lease, audit. A failure rolls back only that subtransaction
 * and marks the lease 'failed' with a backoff, so one bad lease never
 * blocks the others.
 */
#pragma once

#include "pg/owner_context.hpp"
#include "pg/spi_session.hpp"

#include <string>

namespace dynsec::pg
{

struct LeaseToRevoke {
    std::string lease_id;
    std::string role;
    std::string username;
    int attempts;
};

/* Columns to select for LeaseToRevoke, in order. */
inline constexpr const char *kLeaseToRevokeColumns = "lease_id, role, username, attempts";
LeaseToRevoke lease_from_row(const SqlResult &r, std::size_t row);

/*
 * Revokes one locked lease; must run as the extension owner. event is
 * "revoke" or "expire". Returns true if revoked, false if marked failed.
 */
bool revoke_lease(SpiSession &spi, const Caller &caller, const LeaseToRevoke &lease,
                  const char *event);

} // namespace dynsec::pg
