/*
 * tamper_guard.cpp
 *     ProcessUtility hook refusing changes to managed roles from outside dynsec.
 *
 * A plain C-style hook: nothing here has a destructor, so ereport's longjmp
 * skips nothing. Statements on roles that are not managed pass straight
 * through after a hash lookup, so ordinary DDL pays nothing measurable.
 */
#include "guard/tamper_guard.hpp"

#include "guard/guard_settings.hpp"
#include "guard/managed_roles.hpp"

extern "C" {
#include "access/xact.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
#include "utils/acl.h"
}

namespace dynsec::guard
{

namespace
{

ProcessUtility_hook_type prev_utility_hook = nullptr;
int own_changes_depth = 0;

void refuse_if_managed(Oid roleid, const char *name, const char *what)
{
    if (!OidIsValid(roleid) || !lookup_managed(roleid))
        return;
    ereport(ERROR,
            (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
             errmsg("role \"%s\" is managed by dynsec", name),
             errdetail("%s on an issued login would change its lease behind dynsec's back.", what),
             errhint("Use dynsec.renew() or dynsec.revoke(). In an emergency a superuser "
                     "can SET dynsec.allow_manual_changes = on.")));
}

void check_rolespec(RoleSpec *spec, const char *what)
{
    if (spec == nullptr || spec->roletype == ROLESPEC_PUBLIC)
        return;
    /* CURRENT_USER, SESSION_USER and CURRENT_ROLE too: an issued login cannot change itself. */
    Oid roleid = get_rolespec_oid(spec, true);
    if (OidIsValid(roleid))
        refuse_if_managed(roleid, get_rolespec_name(spec), what);
}

void check_statement(Node *parsetree)
{
    switch (nodeTag(parsetree)) {
    case T_AlterRoleStmt:
        check_rolespec(castNode(AlterRoleStmt, parsetree)->role, "ALTER ROLE");
        break;
    case T_AlterRoleSetStmt:
        check_rolespec(castNode(AlterRoleSetStmt, parsetree)->role, "ALTER ROLE ... SET");
        break;
    case T_DropRoleStmt: {
        ListCell *lc;
        foreach (lc, castNode(DropRoleStmt, parsetree)->roles)
            check_rolespec(static_cast<RoleSpec *>(lfirst(lc)), "DROP ROLE");
        break;
    }
    case T_RenameStmt: {
        RenameStmt *stmt = castNode(RenameStmt, parsetree);
        if (stmt->renameType == OBJECT_ROLE)
            refuse_if_managed(get_role_oid(stmt->subname, true), stmt->subname,
                              "ALTER ROLE ... RENAME");
        break;
    }
    case T_GrantRoleStmt: {
        GrantRoleStmt *stmt = castNode(GrantRoleStmt, parsetree);
        const char *what =
            stmt->is_grant ? "GRANT of a role membership" : "REVOKE of a role membership";
        ListCell *lc;
        foreach (lc, stmt->granted_roles) {
            AccessPriv *priv = static_cast<AccessPriv *>(lfirst(lc));
            if (priv->priv_name)
                refuse_if_managed(get_role_oid(priv->priv_name, true), priv->priv_name, what);
        }
        foreach (lc, stmt->grantee_roles)
            check_rolespec(static_cast<RoleSpec *>(lfirst(lc)), what);
        break;
    }
    default:
        break;
    }
}

void utility_hook(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                  ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                  DestReceiver *dest, QueryCompletion *qc)
{
    if (own_changes_depth == 0 && !setting_allow_manual_changes && managed_roles_available())
        check_statement(pstmt->utilityStmt);
    if (prev_utility_hook)
        prev_utility_hook(pstmt, query_string, read_only_tree, context, params, query_env, dest,
                          qc);
    else
        standard_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env,
                                dest, qc);
}

/* A safety net: no scope survives its transaction. */
void at_xact_event(XactEvent event, void *)
{
    if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT)
        own_changes_depth = 0;
}

} // namespace

OwnChangesScope::OwnChangesScope()
{
    ++own_changes_depth;
}
OwnChangesScope::~OwnChangesScope()
{
    if (own_changes_depth > 0)
        --own_changes_depth;
}

void install_tamper_guard()
{
    prev_utility_hook = ProcessUtility_hook;
    ProcessUtility_hook = utility_hook;
    RegisterXactCallback(at_xact_event, nullptr);
}

} // namespace dynsec::guard
