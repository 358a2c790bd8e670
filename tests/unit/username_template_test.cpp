// Unit tests of username templates: validation, sanitizing, the 63-byte
// limit that never truncates randomness, and uniqueness over 1M draws.
#include "core/error.hpp"
#include "core/random_source.hpp"
#include "core/username_template.hpp"

#include <gtest/gtest.h>
#include <string>
#include <unordered_set>

using namespace dynsec;

namespace
{
void expect_invalid(const std::string &t, const std::string &detail_part)
{
    try {
        UsernameTemplate::parse(t);
        ADD_FAILURE() << "accepted: " << t;
    } catch (const Error &e) {
        EXPECT_STREQ(e.sqlstate(), "22023");
        EXPECT_STREQ(e.what(), "invalid username template");
        EXPECT_NE(e.detail().find(detail_part), std::string::npos) << e.detail();
    }
}
} // namespace

TEST(UsernameTemplate, RendersVariables)
{
    auto t = UsernameTemplate::parse("v-{{caller}}-{{role}}-{{random 8}}-{{unix_time}}");
    EXPECT_EQ(t.render("app", "readonly", "abcd1234", 1700000000),
              "v-app-readonly-abcd1234-1700000000");
    EXPECT_EQ(t.random_length(), 8);
}

TEST(UsernameTemplate, SanitizesCallerAndRole)
{
    auto t = UsernameTemplate::parse("{{caller}}_{{role}}_{{ random 8 }}");
    EXPECT_EQ(t.render("Alice.Smith@Corp\"; DROP", "Read Only", "zzzzzzzz", 0),
              "alice_smith_corp___drop_read_only_zzzzzzzz");
    // Multi-byte UTF-8 becomes underscores, never partial characters.
    EXPECT_EQ(t.render("h\xc3\xa9", "r", "zzzzzzzz", 0), "h___r_zzzzzzzz");
}

TEST(UsernameTemplate, NeverLongerThan63AndRandomKept)
{
    auto t = UsernameTemplate::parse(std::string(kDefaultUsernameTemplate));
    std::string caller(200, 'c'), role(200, 'r');
    for (int i = 0; i < 100; ++i) {
        std::string u = t.generate(caller.substr(0, i * 2), role.substr(0, i * 2 + 1), 0);
        EXPECT_LE(u.size(), kMaxIdentifierLength);
        std::string tail = u.substr(u.size() - 12);
        EXPECT_EQ(tail.find_first_not_of(kLowerAlnumAlphabet), std::string::npos) << u;
        EXPECT_EQ(u.substr(0, 2), "v-");
    }
}

TEST(UsernameTemplate, ReservedPrefixAvoided)
{
    auto t = UsernameTemplate::parse("{{caller}}{{random 8}}");
    EXPECT_EQ(t.render("pg_monitor", "", "aaaaaaaa", 0), "pg-monitoraaaaaaaa");
    expect_invalid("pg_{{random 8}}", "reserved");
}

TEST(UsernameTemplate, RejectsBadTemplates)
{
    expect_invalid("v-{{caller}}", "no {{random N}}");
    expect_invalid("v-{{random 4}}", "out of range");
    expect_invalid("v-{{random 33}}", "out of range");
    expect_invalid("v-{{random x}}", "not of the form");
    expect_invalid("v-{{random}}", "not of the form");
    expect_invalid("{{random 8}}{{random 8}}", "more than one");
    expect_invalid("v-{{name}}-{{random 8}}", "Unknown template variable \"{{name}}\"");
    expect_invalid("v-{{random 8}", "no matching");
    expect_invalid("V-{{random 8}}", "not allowed");
    expect_invalid("a\"b{{random 8}}", "not allowed");
    expect_invalid(std::string(60, 'a') + "{{random 8}}", "fixed part");
}

TEST(UsernameTemplate, UniqueOverOneMillionDraws)
{
    auto t = UsernameTemplate::parse(std::string(kDefaultUsernameTemplate));
    std::unordered_set<std::string> seen;
    seen.reserve(1000000);
    for (int i = 0; i < 1000000; ++i)
        ASSERT_TRUE(seen.insert(t.generate("app", "readonly", 0)).second);
    EXPECT_EQ(seen.size(), 1000000u);
}
