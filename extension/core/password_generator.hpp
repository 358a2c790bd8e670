/*
 * password_generator.hpp
 *     Generated passwords for issued logins.
 *
 * Passwords use letters and digits only: ASCII, so SASLprep leaves them
 * unchanged and every client computes the same SCRAM proof; no quotes or
 * backslashes, so they survive any connection string or shell unharmed.
 */
#pragma once

#include <string>

namespace dynsec
{

/* 22 symbols of 62 give 131 bits: below that key stretching would matter again. */
inline constexpr int kMinPasswordLength = 22;
inline constexpr int kMaxPasswordLength = 128;
inline constexpr int kDefaultPasswordLength = 32;

/* Throws dynsec::Error (22023) when length is outside the allowed range. */
void validate_password_length(int length);

std::string generate_password(int length);

} // namespace dynsec
