/*
 * subtransaction.hpp
 *     Run C++ code in an internal subtransaction and catch its failure.
 *
 * This is the only sanctioned way to survive a PostgreSQL error and keep
 * going (PL/pgSQL's EXCEPTION blocks do the same): the subtransaction is
 * rolled back, which releases its locks, SPI state, user id and GUC changes,
 * and the error comes back as a value. The reaper revokes each lease this
 * way, so one failing lease never undoes the rest of its batch.
 */
#pragma once

#include "pg/boundary.hpp"

#include <optional>

extern "C" {
#include "utils/resowner.h"
}

namespace dynsec::pg
{

struct SubtransactionState {
    MemoryContext context;
    ResourceOwner owner;
};

SubtransactionState begin_subtransaction();
void commit_subtransaction(const SubtransactionState &state);
void rollback_subtransaction(const SubtransactionState &state);

/* Returns std::nullopt if fn completed (and was committed), else its error (rolled back). */
template <typename F>
std::optional<Error> in_subtransaction(F &&fn)
{
    SubtransactionState state = begin_subtransaction();
    std::optional<Error> failure;
    try {
        fn();
    } catch (const Error &e) {
        failure = e;
    } catch (const std::exception &e) {
        failure = Error(sqlstate::internal_error, e.what());
    } catch (...) {
        rollback_subtransaction(state);
        throw;
    }
    if (failure)
        rollback_subtransaction(state);
    else
        commit_subtransaction(state);
    return failure;
}

} // namespace dynsec::pg
