/*
 * random_source.cpp
 *     CSPRNG-backed random characters, bytes and fractions (OpenSSL RAND_bytes).
 */
#include "random_source.hpp"

#include "error.hpp"

#include <cstdint>
#include <openssl/rand.h>

namespace dynsec
{

std::string random_bytes(std::size_t n)
{
    std::string out(n, '\0');
    if (n > 0 &&
        RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), static_cast<int>(n)) != 1)
        throw Error(sqlstate::internal_error, "could not generate random bytes",
                    "OpenSSL's RAND_bytes() failed.");
    return out;
}

std::string random_chars(std::size_t n, std::string_view alphabet)
{
    if (alphabet.empty() || alphabet.size() > 256)
        throw Error(sqlstate::internal_error, "invalid random alphabet");

    /*
     * Rejection sampling: a byte is used only if it falls below the largest
     * multiple of the alphabet size, so every symbol is equally likely (plain
     * "byte % size" would favour the first 256 % size symbols).
     */
    const unsigned limit = 256 - (256 % alphabet.size());
    std::string out;
    out.reserve(n);
    while (out.size() < n) {
        std::string pool = random_bytes(n - out.size() + 8);
        for (unsigned char b : pool) {
            if (b < limit && out.size() < n)
                out.push_back(alphabet[b % alphabet.size()]);
        }
    }
    return out;
}

double random_unit()
{
    std::string b = random_bytes(8);
    std::uint64_t v = 0;
    for (unsigned char c : b)
        v = (v << 8) | c;
    return static_cast<double>(v >> 11) * 0x1.0p-53;
}

} // namespace dynsec
