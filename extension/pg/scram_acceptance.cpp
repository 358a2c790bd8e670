/*
 * scram_acceptance.cpp
 *     get_password_type() on a generated verifier (it runs parse_scram_secret()),
 *     so a verifier PostgreSQL would not recognise is caught before CREATE ROLE,
 *     which would otherwise hash it as if it were a plaintext password.
 */
#include "pg/scram_acceptance.hpp"

#include "pg/boundary.hpp"

extern "C" {
#include "libpq/crypt.h"
}

namespace dynsec::pg
{

void check_postgres_accepts_verifier(const std::string &verifier)
{
    const char *v = verifier.c_str();
    bool ok = call([v] { return get_password_type(v) == PASSWORD_TYPE_SCRAM_SHA_256; });
    if (!ok)
        throw Error(sqlstate::internal_error,
                    "generated SCRAM verifier is not accepted by PostgreSQL");
}

} // namespace dynsec::pg
