/*
 * lease_id.cpp
 *     Lease ids and the credential role names they start with.
 */
#include "lease_id.hpp"

#include "error.hpp"
#include "random_source.hpp"
#include "username_template.hpp"

#include <fmt/format.h>

namespace dynsec
{

std::string make_lease_id(std::string_view role)
{
    return fmt::format("{}/{}", role, random_chars(kLeaseRandomLength, kAlnumAlphabet));
}

void validate_credential_role_name(std::string_view name)
{
    bool ok = !name.empty() && name.size() <= kMaxIdentifierLength;
    for (char c : name)
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-');
    if (!ok)
        throw Error(sqlstate::invalid_parameter_value, "invalid credential role name",
                    fmt::format("Credential role names are 1 to {} characters from [A-Za-z0-9_.-].",
                                kMaxIdentifierLength),
                    "Lease ids are \"<role>/<random>\", so the name cannot contain \"/\".");
}

} // namespace dynsec
