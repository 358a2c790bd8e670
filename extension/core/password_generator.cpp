/*
 * password_generator.cpp
 *     Random letters-and-digits passwords of a validated length.
 */
#include "password_generator.hpp"

#include "error.hpp"
#include "random_source.hpp"

#include <fmt/format.h>

namespace dynsec
{

void validate_password_length(int length)
{
    if (length < kMinPasswordLength || length > kMaxPasswordLength)
        throw Error(sqlstate::invalid_parameter_value,
                    fmt::format("password_length must be between {} and {}", kMinPasswordLength,
                                kMaxPasswordLength),
                    fmt::format("The value given was {}.", length),
                    fmt::format("{} letters and digits carry at least 128 bits of entropy.",
                                kMinPasswordLength));
}

std::string generate_password(int length)
{
    validate_password_length(length);
    return random_chars(static_cast<std::size_t>(length), kAlnumAlphabet);
}

} // namespace dynsec
