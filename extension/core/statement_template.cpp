/*
 * statement_template.cpp
 *     Validation and rendering of Vault-style statement templates.
 */
#include "statement_template.hpp"

#include "error.hpp"

#include <fmt/format.h>
#include <cctype>
#include <regex>

namespace dynsec
{

namespace
{

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

/* Calls on_text(literal) and on_var(name) in order; returns false on "{{" without "}}". */
template <typename OnText, typename OnVar>
bool scan(std::string_view s, OnText on_text, OnVar on_var)
{
    std::size_t pos = 0;
    while (pos < s.size()) {
        std::size_t open = s.find("{{", pos);
        if (open == std::string_view::npos) {
            on_text(s.substr(pos));
            return true;
        }
        on_text(s.substr(pos, open - pos));
        std::size_t close = s.find("}}", open + 2);
        if (close == std::string_view::npos)
            return false;
        on_var(trim(s.substr(open + 2, close - open - 2)));
        pos = close + 2;
    }
    return true;
}

bool known_variable(std::string_view v)
{
    return v == "name" || v == "username" || v == "password" || v == "expiration";
}

} // namespace

void validate_statement_template(std::string_view statement, std::string_view column)
{
    std::string unknown;
    bool closed = scan(
        statement, [](std::string_view) {},
        [&](std::string_view v) {
            if (unknown.empty() && !known_variable(v))
                unknown = std::string(v);
        });
    const std::string hint =
        "Statement templates may use {{name}}, {{username}}, {{password}} and {{expiration}}.";
    if (!unknown.empty())
        throw Error(sqlstate::invalid_parameter_value,
                    fmt::format("unknown template variable \"{{{{{}}}}}\" in {}", unknown, column),
                    {}, hint);
    if (!closed)
        throw Error(sqlstate::invalid_parameter_value,
                    fmt::format("unterminated template variable in {}", column),
                    "A \"{{\" has no matching \"}}\".", hint);
    if (trim(statement).empty())
        throw Error(sqlstate::invalid_parameter_value,
                    fmt::format("empty statement in {}", column));
}

std::string render_statement_template(std::string_view statement, const StatementValues &values)
{
    std::string out;
    out.reserve(statement.size() + 128);
    bool closed = scan(
        statement, [&](std::string_view text) { out += text; },
        [&](std::string_view v) {
            if (v == "name" || v == "username")
                out += values.name;
            else if (v == "password")
                out += values.password;
            else if (v == "expiration")
                out += values.expiration;
            else
                throw Error(sqlstate::invalid_parameter_value,
                            fmt::format("unknown template variable \"{{{{{}}}}}\"", v));
        });
    if (!closed)
        throw Error(sqlstate::invalid_parameter_value, "unterminated template variable");
    return out;
}

bool grants_object_privileges_to_login(std::string_view statement)
{
    static const std::regex pattern(
        R"(\bgrant\b[^;]*\bon\b[^;]*\bto\s+("?)\{\{\s*(name|username)\s*\}\})",
        std::regex::icase | std::regex::ECMAScript | std::regex::optimize);
    return std::regex_search(statement.begin(), statement.end(), pattern);
}

std::vector<std::string> split_vault_statements(std::string_view text)
{
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t semi = text.find(';', pos);
        std::string_view part =
            text.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos);
        std::string_view t = part;
        while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front())))
            t.remove_prefix(1);
        while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back())))
            t.remove_suffix(1);
        if (!t.empty())
            out.emplace_back(t);
        if (semi == std::string_view::npos)
            break;
        pos = semi + 1;
    }
    return out;
}

} // namespace dynsec
