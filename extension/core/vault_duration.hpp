/*
 * vault_duration.hpp
 *     Durations as Vault writes them: "3600", "90s", "5m", "1h30m", "10h", "7d".
 */
#pragma once

#include <cstdint>
#include <string_view>

namespace dynsec
{

/* Seconds; throws dynsec::Error (22P02) on anything else, including overflow. */
std::int64_t parse_vault_duration(std::string_view text);

} // namespace dynsec
