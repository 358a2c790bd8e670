/*
 * role_validation.cpp
 *     BEFORE INSERT OR UPDATE trigger on dynsec.roles: a bad definition is
 *     refused when it is written, not discovered at issue time.
 */
#include "pg/audit_log.hpp"
#include "pg/boundary.hpp"
#include "pg/owner_context.hpp"
#include "pg/spi_session.hpp"

#include "core/lease_id.hpp"
#include "core/password_generator.hpp"
#include "core/scram_verifier.hpp"
#include "core/statement_template.hpp"
#include "core/username_template.hpp"

#include <fmt/format.h>

extern "C" {
#include "commands/trigger.h"
#include "executor/spi.h"
}

using namespace dynsec;
using namespace dynsec::pg;

namespace
{

struct RoleRow {
    HeapTuple tuple;
    TupleDesc desc;

    SqlValue get(const char *column) const
    {
        HeapTuple t = tuple;
        TupleDesc d = desc;
        char *v = call([t, d, column] {
            int n = SPI_fnumber(d, column);
            if (n <= 0)
                elog(ERROR, "dynsec.roles has no column %s", column);
            return SPI_getvalue(t, d, n);
        });
        return v ? SqlValue(v) : std::nullopt;
    }
};

void check_positive_int(const RoleRow &row, const char *column)
{
    SqlValue v = row.get(column);
    if (v && std::stoll(*v) < 1)
        throw Error(sqlstate::invalid_parameter_value, fmt::format("{} must be at least 1", column),
                    fmt::format("The value given was {}.", *v), "Use NULL for no limit.");
}

void check_roles_exist(SpiSession &spi, const SqlValue &array, const char *column,
                       const Caller &caller, bool need_admin_option)
{
    if (!array)
        return;
    SqlResult missing =
        spi.query("SELECT m FROM unnest($1::name[]) m "
                  "WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = m) "
                  "LIMIT 1",
                  {array});
    if (!missing.empty())
        throw Error(sqlstate::undefined_object,
                    fmt::format("role \"{}\" in {} does not exist", missing.text(0, 0), column), {},
                    "Create the group role first; issued logins are made members of it.");
    if (!need_admin_option || caller.is_admin)
        return;
    SqlResult denied = spi.query(
        "SELECT m FROM unnest($1::name[]) m "
        "WHERE NOT pg_catalog.pg_has_role($2::oid, m, 'MEMBER WITH ADMIN OPTION') LIMIT 1",
        {array, std::to_string(caller.user_id)});
    if (!denied.empty())
        throw Error(sqlstate::insufficient_privilege,
                    fmt::format("permission denied to grant role \"{}\"", denied.text(0, 0)),
                    "Only roles you hold WITH ADMIN OPTION can be listed in member_of.");
}

void check_statements(SpiSession &spi, const SqlValue &array, const char *column,
                      const Caller &caller)
{
    if (!array)
        return;
    if (!caller.is_admin)
        throw Error(sqlstate::insufficient_privilege,
                    fmt::format("permission denied to write {}", column),
                    "Statement templates run with the extension owner's privileges.",
                    "Only superusers and members of the extension owner may write them.");
    SqlResult stmts = spi.query("SELECT s FROM unnest($1::text[]) s", {array});
    bool names_login = false;
    for (const auto &row : stmts.rows) {
        if (!row[0])
            throw Error(sqlstate::invalid_parameter_value,
                        fmt::format("NULL statement in {}", column));
        validate_statement_template(*row[0], column);
        names_login = names_login || row[0]->find("{{name}}") != std::string::npos ||
                      row[0]->find("{{username}}") != std::string::npos;
        if (grants_object_privileges_to_login(*row[0]))
            report(NOTICE,
                   fmt::format("{} grant object privileges directly to each issued login", column),
                   "Every live login adds an ACL entry to each object named, which slows issue and "
                   "eventually fails with \"row is too big\".",
                   "Grant the privileges once to a group role and list it in member_of instead.");
    }
    if (std::string(column) == "creation_statements" && !names_login && !stmts.empty())
        throw Error(sqlstate::invalid_parameter_value, "creation_statements never mention {{name}}",
                    "They must create the login role named {{name}}.");
}

} // namespace

DYNSEC_FUNCTION(dynsec_validate_role)
{
    if (!CALLED_AS_TRIGGER(fcinfo))
        throw Error(sqlstate::feature_not_supported, "validate_role must be called as a trigger");
    auto *trigdata = reinterpret_cast<TriggerData *>(fcinfo->context);
    HeapTuple tuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple
                                                                  : trigdata->tg_trigtuple;
    const RoleRow row{tuple, trigdata->tg_relation->rd_att};
    const Caller caller = current_caller();
    SpiSession spi;

    SqlValue name = row.get("name");
    validate_credential_role_name(name ? *name : std::string());

    SqlResult ttl = spi.query("SELECT $1::interval > interval '0', $2::interval > interval '0', "
                              "$2::interval >= $1::interval",
                              {row.get("default_ttl"), row.get("max_ttl")});
    if (ttl.text(0, 0) != "t")
        throw Error(sqlstate::invalid_parameter_value, "default_ttl must be positive",
                    fmt::format("The value given was \"{}\".", *row.get("default_ttl")));
    if (ttl.text(0, 1) != "t")
        throw Error(sqlstate::invalid_parameter_value, "max_ttl must be positive",
                    fmt::format("The value given was \"{}\".", *row.get("max_ttl")));
    if (ttl.text(0, 2) != "t")
        throw Error(sqlstate::invalid_parameter_value, "max_ttl must not be less than default_ttl",
                    fmt::format("default_ttl is \"{}\", max_ttl is \"{}\".",
                                *row.get("default_ttl"), *row.get("max_ttl")));

    UsernameTemplate::parse(*row.get("username_template"));
    validate_password_length(std::stoi(*row.get("password_length")));
    if (SqlValue it = row.get("scram_iterations"))
        validate_scram_iterations(std::stoi(*it));
    check_positive_int(row, "connection_limit");
    check_positive_int(row, "max_leases");

    check_roles_exist(spi, row.get("member_of"), "member_of", caller, true);
    check_roles_exist(spi, row.get("issuers"), "issuers", caller, false);
    check_statements(spi, row.get("creation_statements"), "creation_statements", caller);
    check_statements(spi, row.get("revocation_statements"), "revocation_statements", caller);
    check_statements(spi, row.get("renew_statements"), "renew_statements", caller);

    return PointerGetDatum(tuple);
}
