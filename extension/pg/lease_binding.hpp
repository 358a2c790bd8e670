/*
 * lease_binding.hpp
 *     A lease's address binding as stored in dynsec.lease.bind_to ("local",
 *     a cidr, or NULL) and as the login guard holds it.
 */
#pragma once

#include "guard/managed_roles.hpp"

#include <optional>
#include <string>

namespace dynsec::pg
{

/* Throws dynsec::Error (22P02) on a malformed cidr. */
guard::Binding binding_from_text(const std::optional<std::string> &bind_to);

} // namespace dynsec::pg
