/*
 * retry_backoff.cpp
 *     Backoff schedule for failed revocations.
 */
#include "retry_backoff.hpp"

#include <algorithm>
#include <cmath>

namespace dynsec
{

double retry_delay_seconds(int attempts, double jitter_fraction)
{
    int exponent = std::clamp(attempts - 1, 0, 30);
    double ceiling = std::min(kRetryCapSeconds, kRetryBaseSeconds * std::ldexp(1.0, exponent));
    double j = std::clamp(jitter_fraction, 0.0, 1.0);
    /* "Equal jitter": never retry sooner than half the ceiling, so a storm of failures spreads out.
     */
    return ceiling / 2.0 + (ceiling / 2.0) * j;
}

} // namespace dynsec
