/*
 * random_source.hpp
 *     Uniformly distributed random characters from OpenSSL's CSPRNG.
 *
 * Usernames, passwords, lease ids and salts all come from here, so there is
 * exactly one place that must get "uniform" and "cryptographically strong"
 * right.
 */
#pragma once

#include <string>
#include <string_view>

namespace dynsec
{

inline constexpr std::string_view kAlnumAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
inline constexpr std::string_view kLowerAlnumAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

/* n characters drawn uniformly from alphabet (1..256 symbols). */
std::string random_chars(std::size_t n, std::string_view alphabet);

/* n raw random bytes. */
std::string random_bytes(std::size_t n);

/* A uniformly random double in [0, 1). */
double random_unit();

} // namespace dynsec
