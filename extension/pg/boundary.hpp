/*
 * boundary.hpp
 *     The C++/PostgreSQL boundary: the only place where ereport() and C++
 *     exceptions meet.
 *
 * Two directions, two tools:
 *
 *   pg::entry(fn)   wraps every entry point PostgreSQL calls (SQL functions,
 *                   triggers, hooks, worker mains). Any C++ exception leaving
 *                   fn is caught, the exception and every C++ object are
 *                   destroyed, and only then is the error re-raised with
 *                   ereport(ERROR) and its SQLSTATE. Nothing C++ unwinds
 *                   through PostgreSQL frames.
 *
 *   pg::call(fn)    wraps every call from C++ into PostgreSQL code that may
 *                   ereport. An ERROR is caught with PG_TRY, copied into a
 *                   pg::PgError (which owns its strings) and the error state
 *                   is flushed, then thrown as a C++ exception, so C++
 *                   destructors run normally.
 *
 * Rules for the lambda given to pg::call: it must not construct objects with
 * non-trivial destructors that are alive while a PostgreSQL function runs
 * (a longjmp would skip them); C++ exceptions thrown inside it are carried
 * out of the PG_TRY block safely and rethrown.
 *
 * A caught PostgreSQL error leaves the (sub)transaction unusable: it must
 * either reach pg::entry, which re-raises it and so aborts the transaction,
 * or be caught by pg::Subtransaction, which rolls the subtransaction back.
 * Nothing else may swallow a PgError.
 */
#pragma once

#include "pg/postgres_headers.hpp"

#include "core/error.hpp"

#include <exception>
#include <string>
#include <type_traits>

namespace dynsec::pg
{

/* A PostgreSQL ERROR, captured. */
class PgError : public Error
{
  public:
    PgError(const char *sqlstate, const std::string &message, std::string detail, std::string hint)
        : Error(sqlstate, message, std::move(detail), std::move(hint))
    {
    }
};

/* Copies edata into a PgError, frees edata and throws. */
[[noreturn]] void throw_pg_error(ErrorData *edata);

/* Re-raises a caught C++ exception as ereport(ERROR); see entry(). */
struct PendingError;
PendingError *capture_current_exception() noexcept;
[[noreturn]] void raise_pending_error(PendingError *pending);

/*
 * Runs trampoline(arg) under PG_TRY. Returns nullptr, or the caught error
 * copied into the caller's memory context with the error state flushed.
 * Kept out of line so that the setjmp frame holds only volatile pointers.
 */
ErrorData *run_catching_pg_error(void (*trampoline)(void *), void *arg) noexcept;

template <typename F>
auto call(F &&fn) -> decltype(fn())
{
    using R = decltype(fn());
    static_assert(std::is_void_v<R> || std::is_trivially_copyable_v<R>,
                  "pg::call returns plain values only");
    struct Frame {
        std::remove_reference_t<F> *fn;
        std::conditional_t<std::is_void_v<R>, int, R> result;
        std::exception_ptr cxx_error;
    } frame{&fn, {}, {}};

    ErrorData *edata = run_catching_pg_error(
        [](void *p) {
            auto *f = static_cast<Frame *>(p);
            try {
                if constexpr (std::is_void_v<R>)
                    (*f->fn)();
                else
                    f->result = (*f->fn)();
            } catch (...) {
                /* Carried out of the PG_TRY block, rethrown below. */
                f->cxx_error = std::current_exception();
            }
        },
        &frame);

    if (edata != nullptr)
        throw_pg_error(edata);
    if (frame.cxx_error)
        std::rethrow_exception(frame.cxx_error);
    if constexpr (!std::is_void_v<R>)
        return frame.result;
}

template <typename F>
auto entry(F &&fn) noexcept -> decltype(fn())
{
    PendingError *pending = nullptr;
    try {
        return fn();
    } catch (...) {
        pending = capture_current_exception();
    }
    /* The exception object is gone here; ereport may longjmp freely. */
    raise_pending_error(pending);
}

} // namespace dynsec::pg

/*
 * Defines a V1 SQL-callable function whose body is C++ run inside pg::entry:
 *
 *   DYNSEC_FUNCTION(dynsec_version) { return CStringGetTextDatum("0.1.0"); }
 */
#define DYNSEC_FUNCTION(name)                                                                      \
    static Datum name##_impl(FunctionCallInfo fcinfo);                                             \
    extern "C" {                                                                                   \
    PG_FUNCTION_INFO_V1(name);                                                                     \
    }                                                                                              \
    extern "C" Datum name(PG_FUNCTION_ARGS)                                                        \
    {                                                                                              \
        return dynsec::pg::entry([fcinfo]() { return name##_impl(fcinfo); });                      \
    }                                                                                              \
    static Datum name##_impl(FunctionCallInfo fcinfo)
