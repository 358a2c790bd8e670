/*
 * function_args.cpp
 *     Argument conversion for dynsec's SQL functions.
 */
#include "pg/function_args.hpp"

#include "pg/boundary.hpp"

extern "C" {
#include "utils/builtins.h"
#include "utils/timestamp.h"
}

namespace dynsec::pg
{

std::string text_arg(FunctionCallInfo fcinfo, int n)
{
    return call(
        [fcinfo, n] { return static_cast<const char *>(text_to_cstring(PG_GETARG_TEXT_PP(n))); });
}

std::string interval_arg(FunctionCallInfo fcinfo, int n)
{
    if (PG_ARGISNULL(n))
        return {};
    return call([fcinfo, n] {
        return static_cast<const char *>(
            DatumGetCString(DirectFunctionCall1(interval_out, PG_GETARG_DATUM(n))));
    });
}

TimestampTz timestamptz_from_text(const std::string &text)
{
    const char *s = text.c_str();
    return call([s] {
        return DatumGetTimestampTz(DirectFunctionCall3(
            timestamptz_in, CStringGetDatum(s), ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
    });
}

} // namespace dynsec::pg
