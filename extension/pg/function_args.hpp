/*
 * function_args.hpp
 *     SQL function arguments as C++ strings (through pg::call).
 */
#pragma once

#include "pg/postgres_headers.hpp"

extern "C" {
#include "datatype/timestamp.h"
}

#include <string>

namespace dynsec::pg
{

/* Argument n as text (must not be NULL). */
std::string text_arg(FunctionCallInfo fcinfo, int n);
/* Argument n as interval text, or "" when NULL. */
std::string interval_arg(FunctionCallInfo fcinfo, int n);
/* A timestamptz as dynsec's queries print it (DateStyle ISO). */
TimestampTz timestamptz_from_text(const std::string &text);

} // namespace dynsec::pg
