/*
 * lease_binding.cpp
 *     Parsing bind_to with PostgreSQL's own cidr input function.
 */
#include "pg/lease_binding.hpp"

#include "pg/boundary.hpp"

extern "C" {
#include "utils/builtins.h"
}

namespace dynsec::pg
{

guard::Binding binding_from_text(const std::optional<std::string> &bind_to)
{
    guard::Binding b;
    if (!bind_to)
        return b;
    if (*bind_to == "local") {
        b.kind = guard::Binding::local_socket;
        return b;
    }
    const char *text = bind_to->c_str();
    b.kind = guard::Binding::network;
    b.network_addr = call([text] {
        inet *value = DatumGetInetPP(DirectFunctionCall1(cidr_in, CStringGetDatum(text)));
        return *reinterpret_cast<inet_struct *>(VARDATA_ANY(value));
    });
    return b;
}

} // namespace dynsec::pg
