// Unit tests of passwords, lease ids, random characters, durations and backoff.
#include "core/error.hpp"
#include "core/lease_id.hpp"
#include "core/password_generator.hpp"
#include "core/random_source.hpp"
#include "core/retry_backoff.hpp"
#include "core/vault_duration.hpp"

#include <array>
#include <gtest/gtest.h>
#include <set>

using namespace dynsec;

TEST(PasswordGenerator, LengthAndCharset)
{
    for (int len : {kMinPasswordLength, kDefaultPasswordLength, kMaxPasswordLength}) {
        std::string p = generate_password(len);
        EXPECT_EQ(p.size(), static_cast<size_t>(len));
        EXPECT_EQ(p.find_first_not_of(kAlnumAlphabet), std::string::npos);
    }
    EXPECT_NE(generate_password(32), generate_password(32));
    EXPECT_THROW(generate_password(kMinPasswordLength - 1), Error);
    EXPECT_THROW(generate_password(kMaxPasswordLength + 1), Error);
}

TEST(RandomSource, RoughlyUniform)
{
    // 62 symbols, 620k draws: each expected 10k; a biased "byte % 62" would
    // give the first 8 symbols ~12.5% more.
    std::string s = random_chars(620000, kAlnumAlphabet);
    std::array<int, 256> counts{};
    for (unsigned char c : s)
        counts[c]++;
    for (char c : kAlnumAlphabet) {
        EXPECT_GT(counts[static_cast<unsigned char>(c)], 9400) << c;
        EXPECT_LT(counts[static_cast<unsigned char>(c)], 10600) << c;
    }
    double u = random_unit();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
}

TEST(LeaseId, FormatAndRoleNames)
{
    std::string id = make_lease_id("readonly");
    EXPECT_EQ(id.rfind("readonly/", 0), 0u);
    EXPECT_EQ(id.size(), 9 + kLeaseRandomLength);
    EXPECT_NE(make_lease_id("r"), make_lease_id("r"));
    EXPECT_NO_THROW(validate_credential_role_name("Read_only.v2-x"));
    for (std::string bad :
         std::initializer_list<std::string>{"", "a/b", "a b", "a'b", std::string(64, 'a'), "é"})
        EXPECT_THROW(validate_credential_role_name(bad), Error) << bad;
}

TEST(VaultDuration, ParsesVaultForms)
{
    EXPECT_EQ(parse_vault_duration("3600"), 3600);
    EXPECT_EQ(parse_vault_duration("90s"), 90);
    EXPECT_EQ(parse_vault_duration("5m"), 300);
    EXPECT_EQ(parse_vault_duration("1h"), 3600);
    EXPECT_EQ(parse_vault_duration("10h"), 36000);
    EXPECT_EQ(parse_vault_duration("1h30m"), 5400);
    EXPECT_EQ(parse_vault_duration("7d"), 604800);
    EXPECT_EQ(parse_vault_duration("0"), 0);
    for (const char *bad : {"", "h", "1x", "-5", "1.5h", "1h30", " 1h", "99999999999"}) {
        try {
            parse_vault_duration(bad);
            ADD_FAILURE() << bad;
        } catch (const Error &e) {
            EXPECT_STREQ(e.sqlstate(), "22P02");
        }
    }
}

TEST(RetryBackoff, GrowsWithJitterAndCap)
{
    EXPECT_DOUBLE_EQ(retry_delay_seconds(1, 0.0), 0.5);
    EXPECT_DOUBLE_EQ(retry_delay_seconds(1, 1.0), 1.0);
    EXPECT_DOUBLE_EQ(retry_delay_seconds(4, 0.0), 4.0);
    EXPECT_DOUBLE_EQ(retry_delay_seconds(100, 1.0), kRetryCapSeconds);
    EXPECT_GE(retry_delay_seconds(100, 0.0), kRetryCapSeconds / 2);
}
