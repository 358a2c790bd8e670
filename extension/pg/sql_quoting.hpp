/*
 * sql_quoting.hpp
 *     PostgreSQL's own quoting (quote_identifier, quote_literal_cstr) for C++ strings.
 *     The only way dynsec puts a value into SQL text other than SPI parameters.
 */
#pragma once

#include <string>

namespace dynsec::pg
{

std::string quote_ident(const std::string &identifier);
std::string quote_literal(const std::string &literal);

} // namespace dynsec::pg
