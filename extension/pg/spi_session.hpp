/*
 * spi_session.hpp
 *     SPI from C++: connect/finish as RAII, queries with text parameters,
 *     results copied into C++ values.
 *
 * Parameters are always passed as text and cast in the SQL ("$1::interval"),
 * never pasted into the statement. Every SPI call goes through pg::call.
 */
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dynsec::pg
{

using SqlValue = std::optional<std::string>;

struct SqlResult {
    std::vector<std::vector<SqlValue>> rows;
    std::uint64_t processed = 0;

    bool empty() const { return rows.empty(); }
    const SqlValue &at(std::size_t row, std::size_t col) const { return rows.at(row).at(col); }
    /* Value that must not be NULL (throws otherwise). */
    const std::string &text(std::size_t row, std::size_t col) const;
};

class SpiSession
{
  public:
    SpiSession();
    ~SpiSession();
    SpiSession(const SpiSession &) = delete;
    SpiSession &operator=(const SpiSession &) = delete;

    SqlResult query(const std::string &sql, const std::vector<SqlValue> &params = {});
    /* For utility statements and Vault templates: runs sql as written, possibly several statements.
     */
    void execute(const std::string &sql);

  private:
    bool connected_ = false;
};

} // namespace dynsec::pg
