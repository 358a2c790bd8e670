/*
 * boundary.cpp
 *     Out-of-line halves of the C++/PostgreSQL boundary (see boundary.hpp).
 */
#include "pg/boundary.hpp"

#include <cstring>
#include <new>

namespace dynsec::pg
{

/*
 * A captured C++ exception in palloc'd, plain-C form. It is built inside a
 * catch block, so it must not ereport: allocations use MCXT_ALLOC_NO_OOM and
 * fall back to static text.
 */
struct PendingError {
    int sqlerrcode;
    const char *message;
    const char *detail;
    const char *hint;
};

namespace
{

const char *copy_or(const char *s, const char *fallback) noexcept
{
    if (s == nullptr || *s == '\0')
        return nullptr;
    std::size_t len = std::strlen(s);
    char *p =
        static_cast<char *>(MemoryContextAllocExtended(ErrorContext, len + 1, MCXT_ALLOC_NO_OOM));
    if (p == nullptr)
        return fallback;
    std::memcpy(p, s, len + 1);
    return p;
}

int sqlstate_to_errcode(const char *s) noexcept
{
    return MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4]);
}

std::string optional_copy(const char *s)
{
    return s == nullptr ? std::string() : std::string(s);
}

} // namespace

ErrorData *run_catching_pg_error(void (*trampoline)(void *), void *arg) noexcept
{
    MemoryContext volatile oldcontext = CurrentMemoryContext;
    ErrorData *volatile edata = nullptr;

    PG_TRY();
    {
        trampoline(arg);
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(oldcontext);
        edata = CopyErrorData();
        FlushErrorState();
    }
    PG_END_TRY();
    return edata;
}

void throw_pg_error(ErrorData *edata)
{
    char code[6];
    std::memcpy(code, unpack_sql_state(edata->sqlerrcode), 6);
    std::string message = optional_copy(edata->message);
    std::string detail = optional_copy(edata->detail);
    std::string hint = optional_copy(edata->hint);
    FreeErrorData(edata);
    throw PgError(code, message, std::move(detail), std::move(hint));
}

PendingError *capture_current_exception() noexcept
{
    static PendingError out_of_memory = {ERRCODE_OUT_OF_MEMORY, "out of memory", nullptr, nullptr};
    /*
     * ErrorContext always has a reserved 8 kB, which is what PostgreSQL itself
     * relies on while reporting errors.
     */
    auto *p = static_cast<PendingError *>(
        MemoryContextAllocExtended(ErrorContext, sizeof(PendingError), MCXT_ALLOC_NO_OOM));
    if (p == nullptr)
        return &out_of_memory;
    try {
        throw;
    } catch (const Error &e) {
        p->sqlerrcode = sqlstate_to_errcode(e.sqlstate());
        p->message = copy_or(e.what(), "dynsec error");
        p->detail = copy_or(e.detail().c_str(), nullptr);
        p->hint = copy_or(e.hint().c_str(), nullptr);
    } catch (const std::bad_alloc &) {
        return &out_of_memory;
    } catch (const std::exception &e) {
        p->sqlerrcode = ERRCODE_INTERNAL_ERROR;
        p->message = copy_or(e.what(), "unexpected C++ exception");
        p->detail = "An unexpected C++ exception reached the PostgreSQL boundary.";
        p->hint = nullptr;
    } catch (...) {
        p->sqlerrcode = ERRCODE_INTERNAL_ERROR;
        p->message = "unexpected C++ exception of unknown type";
        p->detail = nullptr;
        p->hint = nullptr;
    }
    return p;
}

void raise_pending_error(PendingError *pending)
{
    ereport(ERROR, (errcode(pending->sqlerrcode), errmsg_internal("%s", pending->message),
                    pending->detail ? errdetail_internal("%s", pending->detail) : 0,
                    pending->hint ? errhint("%s", pending->hint) : 0));
    pg_unreachable();
}

} // namespace dynsec::pg
