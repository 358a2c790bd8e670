/*
 * function_args.hpp
 *     SQL function arguments as C++ strings (through pg::call).
 */
#pragma once

#include "pg/postgres_headers.hpp"

#include <string>

namespace dynsec::pg
{

/* Argument n as text (must not be NULL). */
std::string text_arg(FunctionCallInfo fcinfo, int n);
/* Argument n as interval text, or "" when NULL. */
std::string interval_arg(FunctionCallInfo fcinfo, int n);

} // namespace dynsec::pg
