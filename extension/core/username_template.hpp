/*
 * username_template.hpp
 *     Parsing, validation and rendering of username templates such as
 *     "v-{{caller}}-{{role}}-{{random 12}}".
 *
 * Rendered usernames contain only [a-z0-9_-] (so a Vault template may paste
 * them between double quotes textually without any injection risk), are at
 * most 63 bytes (NAMEDATALEN - 1), and always contain the complete random
 * part: when space runs out the caller and role names are shortened, never
 * the randomness.
 */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dynsec
{

inline constexpr std::size_t kMaxIdentifierLength = 63;
inline constexpr int kMinRandomLength = 8;
inline constexpr int kMaxRandomLength = 32;
inline constexpr std::string_view kDefaultUsernameTemplate = "v-{{caller}}-{{role}}-{{random 12}}";

class UsernameTemplate
{
  public:
    /* Throws dynsec::Error (22023) with a detail naming the problem. */
    static UsernameTemplate parse(std::string_view text);

    /* random must hold random_length() characters from kLowerAlnumAlphabet. */
    std::string render(std::string_view caller, std::string_view role, std::string_view random,
                       std::int64_t unix_time) const;

    /* Render with fresh randomness from the CSPRNG. */
    std::string generate(std::string_view caller, std::string_view role,
                         std::int64_t unix_time) const;

    int random_length() const noexcept { return random_length_; }

  private:
    enum class Kind { literal, caller, role, random, unix_time };
    struct Segment {
        Kind kind;
        std::string text; /* literal text */
    };
    std::vector<Segment> segments_;
    int random_length_ = 0;
};

/* Lower-case a name and replace everything outside [a-z0-9_-] with '_'. */
std::string sanitize_name_part(std::string_view name);

} // namespace dynsec
