/*
 * boundary_selftest.cpp
 *     dynsec_boundary_selftest(mode): drives errors across the C++/PostgreSQL
 *     boundary in both directions for the regression suite.
 *
 * The SQL function is created only by the regression test, not by the
 * extension script, so production databases do not expose it.
 */
#include "pg/boundary.hpp"
#include "pg/subtransaction.hpp"

#include <climits>
#include <stdexcept>
#include <string>

extern "C" {
#include "utils/builtins.h"
}

namespace
{

/* Counts live C++ objects, so the test can see that unwinding destroyed them. */
int live_trackers = 0;

struct Tracker {
    Tracker() { ++live_trackers; }
    ~Tracker() { --live_trackers; }
    Tracker(const Tracker &) = delete;
    Tracker &operator=(const Tracker &) = delete;
};

Datum add_int4_overflowing()
{
    return dynsec::pg::call(
        [] { return DirectFunctionCall2(int4pl, Int32GetDatum(INT_MAX), Int32GetDatum(1)); });
}

std::string run(const std::string &mode)
{
    Tracker guard;
    std::string heap_object(200, 'x'); /* would leak if its destructor were skipped */
    if (mode == "cxx-error")
        throw dynsec::Error(dynsec::sqlstate::invalid_parameter_value,
                            "selftest: error raised in C++", "Thrown as dynsec::Error.",
                            "This is the hint.");
    if (mode == "std-exception")
        throw std::runtime_error("selftest: std::runtime_error");
    if (mode == "pg-error") {
        add_int4_overflowing();
        return "not reached";
    }
    if (mode == "pg-error-caught") {
        std::optional<dynsec::Error> err =
            dynsec::pg::in_subtransaction([] { add_int4_overflowing(); });
        if (!err)
            return "no error";
        return std::string("caught ") + err->sqlstate() + ": " + err->what();
    }
    if (mode == "live-objects")
        return std::to_string(live_trackers - 1); /* minus this call's own guard */
    throw dynsec::Error(dynsec::sqlstate::invalid_parameter_value,
                        "unknown selftest mode \"" + mode + "\"");
}

} // namespace

DYNSEC_FUNCTION(dynsec_boundary_selftest)
{
    char *mode = dynsec::pg::call([fcinfo] { return text_to_cstring(PG_GETARG_TEXT_PP(0)); });
    std::string result = run(mode);
    return dynsec::pg::call([&result] { return CStringGetTextDatum(result.c_str()); });
}
