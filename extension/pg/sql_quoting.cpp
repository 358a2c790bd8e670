/*
 * sql_quoting.cpp
 *     Wrappers of quote_identifier() and quote_literal_cstr().
 */
#include "pg/sql_quoting.hpp"

#include "pg/boundary.hpp"

extern "C" {
#include "utils/builtins.h"
}

namespace dynsec::pg
{

std::string quote_ident(const std::string &identifier)
{
    const char *in = identifier.c_str();
    return call([in] { return quote_identifier(in); });
}

std::string quote_literal(const std::string &literal)
{
    const char *in = literal.c_str();
    return call([in] { return static_cast<const char *>(quote_literal_cstr(in)); });
}

} // namespace dynsec::pg
