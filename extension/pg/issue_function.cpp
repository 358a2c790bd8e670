/*
 * issue_function.cpp
 *     dynsec.issue(role, ttl): authorize, generate, create the login, record
 *     the lease and the audit row, all in the caller's transaction.
 */
#include "guard/login_guard.hpp"
#include "guard/managed_roles.hpp"
#include "pg/lease_binding.hpp"
#include "pg/audit_log.hpp"
#include "pg/boundary.hpp"
#include "pg/function_args.hpp"
#include "pg/owner_context.hpp"
#include "pg/scram_acceptance.hpp"
#include "pg/settings.hpp"
#include "pg/spi_session.hpp"
#include "pg/sql_quoting.hpp"
#include "pg/wakeup.hpp"

#include "core/lease_id.hpp"
#include "core/password_generator.hpp"
#include "core/scram_verifier.hpp"
#include "core/statement_template.hpp"
#include "core/username_template.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

extern "C" {
#include "funcapi.h"
#include "utils/builtins.h"
}

using namespace dynsec;
using namespace dynsec::pg;

namespace
{

/* Zeroes the plaintext before its memory is released. */
struct SecretString {
    std::string value;
    ~SecretString() { OPENSSL_cleanse(value.data(), value.size()); }
};

/* The caller's own lease when the caller is itself an issued login. */
SqlValue parent_lease(SpiSession &spi, const Caller &caller)
{
    SqlResult r = spi.query("SELECT lease_id FROM dynsec.lease WHERE username IN ($1, $2) "
                            "AND state = 'active' LIMIT 1",
                            {caller.user_name, caller.session_name});
    return r.empty() ? SqlValue() : r.at(0, 0);
}

} // namespace

DYNSEC_FUNCTION(dynsec_issue)
{
    if (PG_ARGISNULL(0))
        throw Error(sqlstate::invalid_parameter_value, "credential role must not be NULL");
    const std::string role_name = text_arg(fcinfo, 0);
    const std::string ttl = interval_arg(fcinfo, 1);
    SqlValue bind_to;
    if (!PG_ARGISNULL(2))
        bind_to = call([fcinfo] {
            return static_cast<const char *>(
                DatumGetCString(DirectFunctionCall1(inet_out, PG_GETARG_DATUM(2))));
        });
    const int max_logins = PG_ARGISNULL(3) ? -1 : PG_GETARG_INT32(3);
    if (!PG_ARGISNULL(3) && max_logins < 1)
        throw Error(sqlstate::invalid_parameter_value, "max_logins must be at least 1",
                    fmt::format("The value given was {}.", max_logins),
                    "Use max_logins => 1 for a one-time credential, NULL for no limit.");
    const Caller caller = current_caller();

    SpiSession spi;
    AsExtensionOwner owner;

    SqlResult role = spi.query(
        "SELECT r.enabled, r.max_leases, r.username_template, r.password_length, "
        "       r.connection_limit, coalesce(r.scram_iterations, $3::int), "
        "       (SELECT string_agg(pg_catalog.quote_ident(m), ', ' ORDER BY o) "
        "          FROM unnest(r.member_of) WITH ORDINALITY u(m, o)), "
        "       coalesce(cardinality(r.creation_statements), 0) > 0, "
        "       EXISTS (SELECT 1 FROM unnest(r.issuers) i JOIN pg_catalog.pg_roles g ON g.rolname "
        "= i "
        "               WHERE pg_catalog.pg_has_role($2::oid, g.oid, 'USAGE')), "
        "       r.default_ttl::text, r.bind_client_addr, "
        "       coalesce(host(pg_catalog.inet_client_addr()), 'local') "
        "  FROM dynsec.roles r WHERE r.name = $1",
        {role_name, std::to_string(caller.user_id), std::to_string(setting_scram_iterations)});
    if (role.empty())
        throw Error(sqlstate::undefined_object,
                    fmt::format("credential role \"{}\" does not exist", role_name), {},
                    "Credential roles are rows of dynsec.roles.");
    const bool enabled = role.text(0, 0) == "t";
    const SqlValue max_leases = role.at(0, 1);
    const std::string username_template = role.text(0, 2);
    const int password_length = std::stoi(role.text(0, 3));
    const SqlValue connection_limit = role.at(0, 4);
    const int iterations = std::stoi(role.text(0, 5));
    const SqlValue in_role = role.at(0, 6);
    const bool vault_path = role.text(0, 7) == "t";
    const bool is_issuer = role.text(0, 8) == "t";
    /* The role option binds to the issuing session's own address. */
    if (!bind_to && role.text(0, 10) == "t")
        bind_to = role.text(0, 11);
    const guard::Binding binding = binding_from_text(bind_to);

    if (!caller.is_admin && !is_issuer)
        throw Error(
            sqlstate::insufficient_privilege,
            fmt::format("permission denied to issue credential role \"{}\"", role_name),
            fmt::format("Role \"{}\" is not a member of any of its issuers.", caller.user_name),
            "An admin can add a role to dynsec.roles.issuers.");
    if (!enabled)
        throw Error(sqlstate::object_not_in_prerequisite_state,
                    fmt::format("credential role \"{}\" is disabled", role_name));

    if (!ttl.empty()) {
        SqlResult t = spi.query("SELECT $1::interval > interval '0', $1::interval <= $2::interval",
                                {ttl, role.text(0, 9)});
        if (t.text(0, 0) != "t")
            throw Error(sqlstate::invalid_parameter_value, "ttl must be positive",
                        fmt::format("The ttl given was \"{}\".", ttl));
        if (t.text(0, 1) != "t")
            throw Error(sqlstate::invalid_parameter_value,
                        "ttl cannot exceed the credential role's default_ttl",
                        fmt::format("The ttl given was \"{}\"; default_ttl is \"{}\".", ttl,
                                    role.text(0, 9)),
                        "Omit ttl to get the default; renewals extend the lease up to max_ttl.");
    }

    if (max_leases) {
        /* Serialize issuers of this role so the count cannot race. */
        SqlResult q = spi.query(
            "SELECT (SELECT count(*) FROM dynsec.lease WHERE role = r.name) FROM dynsec.roles r "
            "WHERE r.name = $1 FOR UPDATE",
            {role_name});
        if (std::stoll(q.text(0, 0)) >= std::stoll(*max_leases))
            throw Error(sqlstate::configuration_limit_exceeded,
                        fmt::format("credential role \"{}\" has reached its quota of {} leases",
                                    role_name, *max_leases),
                        {}, "Revoke unused leases or raise dynsec.roles.max_leases.");
    }

    /* An issued login's own lease caps the leases it issues. */
    const SqlValue parent = parent_lease(spi, caller);
    SqlResult times = spi.query(
        "WITH r AS (SELECT default_ttl, max_ttl FROM dynsec.roles WHERE name = $1), "
        "p AS (SELECT expires_at, max_expires_at FROM dynsec.lease WHERE lease_id = $3), "
        "t AS (SELECT least(now() + coalesce($2::interval, r.default_ttl), (SELECT expires_at FROM "
        "p)) AS exp, "
        "             least(now() + r.max_ttl, (SELECT max_expires_at FROM p)) AS cap FROM r) "
        "SELECT now(), t.exp, t.cap, "
        "       to_char((t.exp + make_interval(secs => $4::int)) AT TIME ZONE 'UTC', "
        "               'YYYY-MM-DD HH24:MI:SS.US') || '+0000', "
        "       extract(epoch FROM now())::bigint "
        "  FROM t",
        {role_name, ttl.empty() ? SqlValue() : SqlValue(ttl), parent,
         std::to_string(setting_valid_until_grace_s)});
    const std::string issued_at = times.text(0, 0), expires_at = times.text(0, 1),
                      max_expires_at = times.text(0, 2), valid_until = times.text(0, 3);
    const std::int64_t unix_time = std::stoll(times.text(0, 4));

    /* A name collision is astronomically unlikely; retry rather than fail if it happens. */
    UsernameTemplate tmpl = UsernameTemplate::parse(username_template);
    std::string username;
    for (int attempt = 0; attempt < 5 && username.empty(); ++attempt) {
        std::string candidate = tmpl.generate(caller.user_name, role_name, unix_time);
        if (!role_exists(candidate))
            username = candidate;
    }
    if (username.empty())
        throw Error(sqlstate::duplicate_object, "could not generate an unused username");

    SecretString password{generate_password(password_length)};
    const std::string verifier = scram_sha256_verifier(password.value, iterations);
    check_postgres_accepts_verifier(verifier);

    if (!vault_path) {
        std::string sql = fmt::format(
            "CREATE ROLE {} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
            "NOBYPASSRLS PASSWORD {} VALID UNTIL {}",
            quote_ident(username), quote_literal(verifier), quote_literal(valid_until));
        if (in_role)
            sql += " IN ROLE " + *in_role;
        if (connection_limit)
            sql += " CONNECTION LIMIT " + std::to_string(std::stoi(*connection_limit));
        spi.execute(sql);
    } else {
        SqlResult stmts = spi.query("SELECT s FROM dynsec.roles r, "
                                    "unnest(r.creation_statements) WITH ORDINALITY u(s, n) "
                                    "WHERE r.name = $1 ORDER BY n",
                                    {role_name});
        StatementValues values{username, verifier, valid_until};
        for (const auto &row : stmts.rows)
            if (row[0])
                spi.execute(render_statement_template(*row[0], values));
        SqlResult check =
            spi.query("SELECT rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = $1", {username});
        if (check.empty() || check.text(0, 0) != "t")
            throw Error(sqlstate::object_not_in_prerequisite_state,
                        fmt::format("creation_statements of credential role \"{}\" did not create "
                                    "a login role named {{{{name}}}}",
                                    role_name),
                        {}, "The statements must create the role \"{{name}}\" WITH LOGIN.");
        if (connection_limit)
            spi.execute(fmt::format("ALTER ROLE {} CONNECTION LIMIT {}", quote_ident(username),
                                    std::stoi(*connection_limit)));
    }

    const std::string role_oid =
        spi.query("SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $1", {username}).text(0, 0);
    guard::set_managed_at_commit(static_cast<Oid>(std::stoul(role_oid)),
                                 timestamptz_from_text(expires_at), binding, max_logins);
    /* Marks the login as bound, so the guard refuses it if it ever does not know the lease. */
    if (bind_to || max_logins > 0)
        spi.execute(fmt::format("GRANT {} TO {}", quote_ident(guard::kBoundMarkerRole),
                                quote_ident(username)));

    const std::string lease_id = make_lease_id(role_name);
    spi.query(
        "INSERT INTO dynsec.lease (lease_id, role, username, issued_by, issued_by_session, "
        "client_addr, application_name, issued_at, expires_at, max_expires_at, parent_lease_id, "
        "bind_to, max_logins) "
        "VALUES ($1, $2, $3, $4, $5, pg_catalog.inet_client_addr(), "
        "pg_catalog.current_setting('application_name'), $6::timestamptz, $7::timestamptz, "
        "$8::timestamptz, $9, $10, $11::int)",
        {lease_id, role_name, username, caller.user_name, caller.session_name, issued_at,
         expires_at, max_expires_at, parent, bind_to,
         max_logins > 0 ? SqlValue(std::to_string(max_logins)) : SqlValue()});
    append_audit(spi, caller, {"issue", lease_id, role_name, username, {}});
    wake_reaper_at_commit();

    const bool renewable = expires_at != max_expires_at;
    const char *values[6] = {lease_id.c_str(),   username.c_str(),       password.value.c_str(),
                             expires_at.c_str(), max_expires_at.c_str(), renewable ? "t" : "f"};
    return call([fcinfo, &values] {
        TupleDesc desc;
        if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
            elog(ERROR, "dynsec.issue must return a record");
        AttInMetadata *meta = TupleDescGetAttInMetadata(desc);
        HeapTuple tuple = BuildTupleFromCStrings(meta, const_cast<char **>(values));
        return HeapTupleGetDatum(tuple);
    });
}
