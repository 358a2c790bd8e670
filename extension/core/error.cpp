/*
 * error.cpp
 *     dynsec::Error: a C++ exception that remembers its SQLSTATE.
 */
#include "error.hpp"

#include <cstring>

namespace dynsec
{

Error::Error(const char *sqlstate, const std::string &message, std::string detail, std::string hint)
    : std::runtime_error(message), detail_(std::move(detail)), hint_(std::move(hint))
{
    /* A malformed code would become a different SQLSTATE at the boundary. */
    if (sqlstate == nullptr || std::strlen(sqlstate) != 5)
        sqlstate = sqlstate::internal_error;
    std::memcpy(sqlstate_, sqlstate, 6);
}

} // namespace dynsec
