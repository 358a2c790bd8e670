/*
 * username_template.cpp
 *     Username templates: parse once, render many times within 63 bytes.
 */
#include "username_template.hpp"

#include "error.hpp"
#include "random_source.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace dynsec
{

namespace
{

bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

[[noreturn]] void invalid(std::string_view text, const std::string &why)
{
    throw Error(
        sqlstate::invalid_parameter_value, "invalid username template", why,
        fmt::format("Use literal characters [a-z0-9_-] and the variables {{{{caller}}}}, "
                    "{{{{role}}}}, {{{{unix_time}}}} and exactly one {{{{random N}}}} "
                    "with N between {} and {}; for example \"{}\". The template was \"{}\".",
                    kMinRandomLength, kMaxRandomLength, kDefaultUsernameTemplate, text));
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

} // namespace

std::string sanitize_name_part(std::string_view name)
{
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        out.push_back(is_name_char(l) ? l : '_');
    }
    return out;
}

UsernameTemplate UsernameTemplate::parse(std::string_view text)
{
    UsernameTemplate t;
    std::size_t fixed_length = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t open = text.find("{{", pos);
        std::string_view literal =
            text.substr(pos, open == std::string_view::npos ? text.size() - pos : open - pos);
        if (!literal.empty()) {
            for (char c : literal)
                if (!is_name_char(c))
                    invalid(text, fmt::format("The character \"{}\" is not allowed in a username.",
                                              c == '\0' ? ' ' : c));
            t.segments_.push_back({Kind::literal, std::string(literal)});
            fixed_length += literal.size();
        }
        if (open == std::string_view::npos)
            break;
        std::size_t close = text.find("}}", open + 2);
        if (close == std::string_view::npos)
            invalid(text, "A \"{{\" has no matching \"}}\".");
        std::string_view var = trim(text.substr(open + 2, close - open - 2));
        if (var == "caller")
            t.segments_.push_back({Kind::caller, {}});
        else if (var == "role")
            t.segments_.push_back({Kind::role, {}});
        else if (var == "unix_time") {
            t.segments_.push_back({Kind::unix_time, {}});
            fixed_length += 10;
        } else if (var.substr(0, 6) == "random") {
            std::string_view num = trim(var.substr(6));
            int n = 0;
            if (num.empty() || num.size() > 3 || var.size() == 6 || var[6] != ' ' ||
                !std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; }))
                invalid(text,
                        fmt::format("\"{{{{{}}}}}\" is not of the form {{{{random N}}}}.", var));
            n = std::stoi(std::string(num));
            if (n < kMinRandomLength || n > kMaxRandomLength)
                invalid(text, fmt::format("{{{{random {}}}}} is out of range.", n));
            if (t.random_length_ != 0)
                invalid(text, "The template has more than one {{random N}}.");
            t.random_length_ = n;
            t.segments_.push_back({Kind::random, {}});
            fixed_length += static_cast<std::size_t>(n);
        } else
            invalid(text, fmt::format("Unknown template variable \"{{{{{}}}}}\".", var));
        pos = close + 2;
    }
    if (t.random_length_ == 0)
        invalid(text, "The template has no {{random N}}, so two leases could get the same name.");
    if (fixed_length > kMaxIdentifierLength)
        invalid(text, fmt::format("Its fixed part alone is {} bytes; usernames are limited to {}.",
                                  fixed_length, kMaxIdentifierLength));
    if (!t.segments_.empty() && t.segments_.front().kind == Kind::literal &&
        t.segments_.front().text.rfind("pg_", 0) == 0)
        invalid(text, "Role names starting with \"pg_\" are reserved by PostgreSQL.");
    return t;
}

std::string UsernameTemplate::render(std::string_view caller, std::string_view role,
                                     std::string_view random, std::int64_t unix_time) const
{
    std::string c = sanitize_name_part(caller);
    std::string r = sanitize_name_part(role);
    std::string digits = fmt::format("{:010d}", unix_time < 0 ? 0 : unix_time);

    std::size_t fixed = 0, ncaller = 0, nrole = 0;
    for (const Segment &s : segments_) {
        switch (s.kind) {
        case Kind::literal:
            fixed += s.text.size();
            break;
        case Kind::random:
            fixed += random.size();
            break;
        case Kind::unix_time:
            fixed += digits.size();
            break;
        case Kind::caller:
            ++ncaller;
            break;
        case Kind::role:
            ++nrole;
            break;
        }
    }
    /* Shorten the longer of caller and role, one byte at a time, until it fits. */
    while (fixed + ncaller * c.size() + nrole * r.size() > kMaxIdentifierLength) {
        std::size_t weight_c = ncaller * c.size(), weight_r = nrole * r.size();
        if (weight_c >= weight_r && !c.empty())
            c.pop_back();
        else if (!r.empty())
            r.pop_back();
        else
            break; /* unreachable: parse() bounded the fixed part */
    }

    std::string out;
    for (const Segment &s : segments_) {
        switch (s.kind) {
        case Kind::literal:
            out += s.text;
            break;
        case Kind::caller:
            out += c;
            break;
        case Kind::role:
            out += r;
            break;
        case Kind::random:
            out += random;
            break;
        case Kind::unix_time:
            out += digits;
            break;
        }
    }
    /* A variable could still produce the reserved prefix. */
    if (out.rfind("pg_", 0) == 0)
        out[2] = '-';
    return out;
}

std::string UsernameTemplate::generate(std::string_view caller, std::string_view role,
                                       std::int64_t unix_time) const
{
    return render(caller, role,
                  random_chars(static_cast<std::size_t>(random_length_), kLowerAlnumAlphabet),
                  unix_time);
}

} // namespace dynsec
