/*
 * lease_id.hpp
 *     Lease identifiers: "<credential role>/<20 random letters and digits>".
 */
#pragma once

#include <string>
#include <string_view>

namespace dynsec
{

inline constexpr std::size_t kLeaseRandomLength = 20;

std::string make_lease_id(std::string_view role);

/* Credential role names: 1-63 bytes of [A-Za-z0-9_.-]; throws dynsec::Error (22023). */
void validate_credential_role_name(std::string_view name);

} // namespace dynsec
