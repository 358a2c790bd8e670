/*
 * database_lifecycle_hook.cpp
 *     CREATE EXTENSION dynsec starts a reaper in this database; CREATE
 *     DATABASE asks the new database; DROP DATABASE and CREATE DATABASE ...
 *     TEMPLATE stop the reaper of the database concerned first, so a reaper
 *     never makes them fail with "database is being accessed by other users".
 */
#include "reaper/database_lifecycle_hook.hpp"

#include "reaper/reaper_registry.hpp"

#include <csignal>

extern "C" {
#include "commands/dbcommands.h"
#include "commands/defrem.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
}

namespace dynsec::reaper
{

namespace
{

ProcessUtility_hook_type prev_utility_hook = nullptr;

/* Seconds a copied template's reaper stays away. */
constexpr int kTemplatePauseSeconds = 10;

void stop_reaper_of(Oid dboid)
{
    if (pid_t pid = reaper_pid(dboid))
        kill(pid, SIGTERM);
}

const char *template_of(CreatedbStmt *stmt)
{
    ListCell *lc;
    foreach (lc, stmt->options) {
        DefElem *opt = static_cast<DefElem *>(lfirst(lc));
        if (strcmp(opt->defname, "template") == 0 && opt->arg != nullptr)
            return defGetString(opt);
    }
    return "template1";
}

void utility_hook(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                  ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                  DestReceiver *dest, QueryCompletion *qc)
{
    Node *parsetree = pstmt->utilityStmt;
    const char *created_db = nullptr;
    bool created_extension = false;

    if (IsA(parsetree, DropdbStmt)) {
        Oid dboid = get_database_oid(castNode(DropdbStmt, parsetree)->dbname, true);
        if (OidIsValid(dboid)) {
            unwant_reaper(dboid);
            stop_reaper_of(dboid);
        }
    } else if (IsA(parsetree, CreatedbStmt)) {
        CreatedbStmt *stmt = castNode(CreatedbStmt, parsetree);
        Oid source = get_database_oid(template_of(stmt), true);
        if (OidIsValid(source)) {
            pause_reaper(source, kTemplatePauseSeconds);
            stop_reaper_of(source);
        }
        created_db = stmt->dbname;
    } else if (IsA(parsetree, CreateExtensionStmt)) {
        created_extension =
            strcmp(castNode(CreateExtensionStmt, parsetree)->extname, "dynsec") == 0;
    }

    if (prev_utility_hook)
        prev_utility_hook(pstmt, query_string, read_only_tree, context, params, query_env, dest,
                          qc);
    else
        standard_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env,
                                dest, qc);

    /* A reaper that finds no extension leaves for good, so asking is cheap. */
    if (created_extension)
        want_reaper(MyDatabaseId);
    if (created_db) {
        Oid dboid = get_database_oid(created_db, true);
        if (OidIsValid(dboid))
            want_reaper(dboid);
    }
}

} // namespace

void install_database_lifecycle_hook()
{
    prev_utility_hook = ProcessUtility_hook;
    ProcessUtility_hook = utility_hook;
}

} // namespace dynsec::reaper
