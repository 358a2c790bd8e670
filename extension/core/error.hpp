/*
 * error.hpp
 *     The one exception type dynsec's C++ code throws on purpose.
 *
 * It carries a SQLSTATE, detail and hint so that the boundary layer can turn
 * it into an ereport(ERROR) indistinguishable from PostgreSQL's own errors.
 * This header must stay free of PostgreSQL includes: the core is built and
 * unit-tested without a server.
 */
#pragma once

#include <stdexcept>
#include <string>

namespace dynsec
{

/* SQLSTATEs dynsec raises, spelled as PostgreSQL's errcodes.txt does. */
namespace sqlstate
{
inline constexpr const char *invalid_parameter_value = "22023";
inline constexpr const char *invalid_text_representation = "22P02";
inline constexpr const char *insufficient_privilege = "42501";
inline constexpr const char *undefined_object = "42704";
inline constexpr const char *duplicate_object = "42710";
inline constexpr const char *object_not_in_prerequisite_state = "55000";
inline constexpr const char *configuration_limit_exceeded = "53400";
inline constexpr const char *out_of_memory = "53200";
inline constexpr const char *feature_not_supported = "0A000";
inline constexpr const char *invalid_authorization_specification = "28000";
inline constexpr const char *internal_error = "XX000";
} // namespace sqlstate

class Error : public std::runtime_error
{
  public:
    Error(const char *sqlstate, const std::string &message, std::string detail = {},
          std::string hint = {});

    const char *sqlstate() const noexcept { return sqlstate_; }
    const std::string &detail() const noexcept { return detail_; }
    const std::string &hint() const noexcept { return hint_; }

  private:
    char sqlstate_[6];
    std::string detail_;
    std::string hint_;
};

} // namespace dynsec
