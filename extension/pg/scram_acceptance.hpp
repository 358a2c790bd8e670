/*
 * scram_acceptance.hpp
 *     Asks PostgreSQL's own SCRAM code whether it accepts a verifier.
 */
#pragma once

#include <string>

namespace dynsec::pg
{

/* Throws dynsec::Error (XX000) unless PostgreSQL parses verifier as a SCRAM-SHA-256 secret. */
void check_postgres_accepts_verifier(const std::string &verifier);

} // namespace dynsec::pg
