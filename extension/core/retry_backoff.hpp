/*
 * retry_backoff.hpp
 *     When to retry a failed revocation: exponential backoff with jitter, capped.
 */
#pragma once

namespace dynsec
{

inline constexpr double kRetryBaseSeconds = 1.0;
inline constexpr double kRetryCapSeconds = 300.0;

/*
 * Delay before attempt number attempts+1, given a uniform fraction in [0,1)
 * for the jitter: between half and all of min(cap, base * 2^(attempts-1)).
 */
double retry_delay_seconds(int attempts, double jitter_fraction);

} // namespace dynsec
