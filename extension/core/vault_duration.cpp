/*
 * vault_duration.cpp
 *     Vault's duration syntax (Go durations plus plain seconds and days).
 */
#include "vault_duration.hpp"

#include "error.hpp"

#include <fmt/format.h>
#include <limits>

namespace dynsec
{

std::int64_t parse_vault_duration(std::string_view text)
{
    auto fail = [&]() -> std::int64_t {
        throw Error(sqlstate::invalid_text_representation,
                    fmt::format("invalid duration \"{}\"", text), {},
                    "Use whole seconds (\"3600\") or numbers with units s, m, h or d, such as "
                    "\"1h30m\".");
    };
    if (text.empty() || text.size() > 64)
        return fail();
    constexpr std::int64_t kMax = std::numeric_limits<std::int32_t>::max(); /* ~68 years */
    std::int64_t total = 0;
    std::size_t i = 0;
    bool any_unit = false;
    while (i < text.size()) {
        std::int64_t n = 0;
        std::size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            n = n * 10 + (text[i] - '0');
            if (n > kMax)
                return fail();
            ++i;
        }
        if (i == start)
            return fail();
        std::int64_t unit = 0;
        if (i == text.size()) {
            if (any_unit)
                return fail(); /* "1h30" is ambiguous */
            unit = 1;
        } else {
            switch (text[i]) {
            case 's':
                unit = 1;
                break;
            case 'm':
                unit = 60;
                break;
            case 'h':
                unit = 3600;
                break;
            case 'd':
                unit = 86400;
                break;
            default:
                return fail();
            }
            ++i;
            any_unit = true;
        }
        total += n * unit;
        if (total > kMax)
            return fail();
    }
    return total;
}

} // namespace dynsec
