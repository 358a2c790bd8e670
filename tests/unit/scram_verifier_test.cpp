// Unit tests of SCRAM-SHA-256 verifiers: RFC 7677's worked example and a
// verifier produced by PostgreSQL 15 itself.
#include "core/error.hpp"
#include "core/scram_verifier.hpp"

#include <gtest/gtest.h>
#include <string>

using namespace dynsec;

namespace
{

struct Parsed {
    int iterations;
    std::string salt, stored_key, server_key;
};

Parsed parse(const std::string &v)
{
    // SCRAM-SHA-256$<iter>:<salt>$<stored>:<server>
    EXPECT_EQ(v.rfind("SCRAM-SHA-256$", 0), 0u);
    std::string rest = v.substr(14);
    auto colon1 = rest.find(':'), dollar = rest.find('$'), colon2 = rest.rfind(':');
    Parsed p;
    p.iterations = std::stoi(rest.substr(0, colon1));
    p.salt = rest.substr(colon1 + 1, dollar - colon1 - 1);
    p.stored_key = rest.substr(dollar + 1, colon2 - dollar - 1);
    p.server_key = rest.substr(colon2 + 1);
    return p;
}

std::string xor_bytes(const std::string &a, const std::string &b)
{
    std::string out(a.size(), '\0');
    for (size_t i = 0; i < a.size(); ++i)
        out[i] = static_cast<char>(a[i] ^ b[i]);
    return out;
}

} // namespace

TEST(ScramVerifier, Rfc7677ExampleProofAndServerSignature)
{
    const std::string salt = base64_decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    const std::string verifier = scram_sha256_verifier("pencil", 4096, salt);
    Parsed p = parse(verifier);
    EXPECT_EQ(p.iterations, 4096);
    EXPECT_EQ(p.salt, "W22ZaJ0SNY7soEsUEjb6gQ==");

    const std::string nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    const std::string auth_message = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=" + nonce +
                                     ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=" + nonce;
    // The server's signature uses only what the verifier stores.
    EXPECT_EQ(base64_encode(hmac_sha256(base64_decode(p.server_key), auth_message)),
              "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    // The client's proof, checked the way a server checks it.
    const std::string client_key =
        hmac_sha256(scram_salted_password("pencil", 4096, salt), "Client Key");
    const std::string proof =
        xor_bytes(client_key, hmac_sha256(base64_decode(p.stored_key), auth_message));
    EXPECT_EQ(base64_encode(proof), "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
}

TEST(ScramVerifier, MatchesVerifierProducedByPostgres)
{
    // SET password_encryption = 'scram-sha-256'; CREATE ROLE r PASSWORD 'dynsec-test-password';
    // then pg_authid.rolpassword, as stored by PostgreSQL 15.
    const std::string from_postgres = "SCRAM-SHA-256$4096:es1nepB1Rt7nF7C0bTbnow==$"
                                      "A07DLbQG3DVSB28agOio848ZE/mnkDs7zHx+pFHmyok=:"
                                      "JfiAtHlhXaCFzFYMVkYvF0yO1AGf7+BgoSDyi2LSznA=";
    Parsed p = parse(from_postgres);
    EXPECT_EQ(scram_sha256_verifier("dynsec-test-password", p.iterations, base64_decode(p.salt)),
              from_postgres);
}

TEST(ScramVerifier, FreshSaltEveryTime)
{
    auto a = parse(scram_sha256_verifier("same password", 1));
    auto b = parse(scram_sha256_verifier("same password", 1));
    EXPECT_NE(a.salt, b.salt);
    EXPECT_NE(a.stored_key, b.stored_key);
    EXPECT_EQ(base64_decode(a.salt).size(), static_cast<size_t>(kScramSaltLength));
}

TEST(ScramVerifier, RejectsIterationCountsOutOfRange)
{
    EXPECT_THROW(scram_sha256_verifier("x", 0), Error);
    EXPECT_THROW(scram_sha256_verifier("x", kMaxScramIterations + 1), Error);
    try {
        validate_scram_iterations(-5);
        FAIL();
    } catch (const Error &e) {
        EXPECT_STREQ(e.sqlstate(), "22023");
    }
}

TEST(ScramVerifier, Base64RoundTripAndMalformedInput)
{
    for (std::string s : std::initializer_list<std::string>{"", "a", "ab", "abc", "abcd",
                                                            std::string("\0\xff\x10", 3)})
        EXPECT_EQ(base64_decode(base64_encode(s)), s);
    EXPECT_THROW(base64_decode("abc"), Error);
    EXPECT_THROW(base64_decode("a*c="), Error);
}
