/*
 * subtransaction.cpp
 *     Begin, commit and roll back internal subtransactions from C++.
 */
#include "pg/subtransaction.hpp"

extern "C" {
#include "access/xact.h"
#include "utils/resowner.h"
}

namespace dynsec::pg
{

SubtransactionState begin_subtransaction()
{
    SubtransactionState state{CurrentMemoryContext, CurrentResourceOwner};
    call([] { BeginInternalSubTransaction(nullptr); });
    /* Keep allocating where the caller was, as PL/pgSQL does. */
    MemoryContextSwitchTo(state.context);
    return state;
}

void commit_subtransaction(const SubtransactionState &state)
{
    call([] { ReleaseCurrentSubTransaction(); });
    MemoryContextSwitchTo(state.context);
    CurrentResourceOwner = state.owner;
}

void rollback_subtransaction(const SubtransactionState &state)
{
    call([] { RollbackAndReleaseCurrentSubTransaction(); });
    MemoryContextSwitchTo(state.context);
    CurrentResourceOwner = state.owner;
}

} // namespace dynsec::pg
