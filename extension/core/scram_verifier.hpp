/*
 * scram_verifier.hpp
 *     SCRAM-SHA-256 verifiers ("secrets") in the form pg_authid stores them.
 *
 * dynsec hands PostgreSQL a verifier instead of the plaintext, so the
 * password never appears in statement text, logs or pg_stat_statements.
 * The format is  SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
 * (RFC 5802 key derivation, base64 as PostgreSQL writes it).
 */
#pragma once

#include <string>
#include <string_view>

namespace dynsec
{

inline constexpr int kScramSaltLength = 16; /* PostgreSQL's SCRAM_DEFAULT_SALT_LEN */
inline constexpr int kMinScramIterations = 1;
inline constexpr int kMaxScramIterations = 10000000;

void validate_scram_iterations(int iterations);

/* Verifier for password with a fresh random salt. */
std::string scram_sha256_verifier(std::string_view password, int iterations);

/* Verifier with a given raw salt: deterministic, for tests and known vectors. */
std::string scram_sha256_verifier(std::string_view password, int iterations,
                                  std::string_view raw_salt);

/* Hi(password, salt, i) of RFC 5802: PBKDF2-HMAC-SHA-256, 32 bytes. */
std::string scram_salted_password(std::string_view password, int iterations,
                                  std::string_view raw_salt);

std::string hmac_sha256(std::string_view key, std::string_view message);
std::string sha256(std::string_view data);
std::string base64_encode(std::string_view raw);
std::string base64_decode(std::string_view text); /* throws on malformed input */

} // namespace dynsec
