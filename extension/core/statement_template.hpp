/*
 * statement_template.hpp
 *     Vault-style SQL statement templates: {{name}}, {{username}},
 *     {{password}} and {{expiration}}.
 *
 * Substitution is textual, exactly as Vault's postgresql-database-plugin
 * does it, so role configs pasted from Vault behave the same. It is safe
 * because every substituted value comes from a closed alphabet: usernames
 * are [a-z0-9_-], the password is a SCRAM verifier (base64 plus "$:"), and
 * the expiration is a timestamp dynsec formats itself.
 */
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dynsec
{

struct StatementValues {
    std::string name;       /* {{name}} and its alias {{username}} */
    std::string password;   /* {{password}}: the SCRAM verifier, never the plaintext */
    std::string expiration; /* {{expiration}}: "YYYY-MM-DD HH:MM:SS+0000" */
};

/*
 * Throws dynsec::Error (22023) when a statement uses an unknown variable or
 * an unterminated "{{". column names the role column for the message.
 */
void validate_statement_template(std::string_view statement, std::string_view column);

std::string render_statement_template(std::string_view statement, const StatementValues &values);

/*
 * True when a statement grants object privileges (GRANT ... ON ...) directly
 * to the issued login. Each such grant adds an ACL entry per live login to
 * every object it names, which is slow and eventually overflows relacl.
 */
bool grants_object_privileges_to_login(std::string_view statement);

/* Split a Vault "a; b; c" string into statements (Vault's own import rule). */
std::vector<std::string> split_vault_statements(std::string_view text);

} // namespace dynsec
