/*
 * spi_session.cpp
 *     SPI connection, parameterized queries and result copying.
 */
#include "pg/spi_session.hpp"

#include "pg/boundary.hpp"

#include <exception>

extern "C" {
#include "catalog/pg_type_d.h"
#include "executor/spi.h"
#include "utils/builtins.h"
}

namespace dynsec::pg
{

const std::string &SqlResult::text(std::size_t row, std::size_t col) const
{
    const SqlValue &v = at(row, col);
    if (!v)
        throw Error(sqlstate::internal_error, "unexpected NULL in dynsec query result");
    return *v;
}

SpiSession::SpiSession()
{
    call([] {
        if (SPI_connect() != SPI_OK_CONNECT)
            elog(ERROR, "SPI_connect failed");
    });
    connected_ = true;
}

SpiSession::~SpiSession()
{
    /*
     * On the error path PostgreSQL's (sub)transaction abort releases the SPI
     * connection itself; finishing here as well would pop the wrong one.
     */
    if (connected_ && std::uncaught_exceptions() == 0) {
        try {
            call([] { SPI_finish(); });
        } catch (...) {
        }
    }
}

SqlResult SpiSession::query(const std::string &sql, const std::vector<SqlValue> &params)
{
    const int nargs = static_cast<int>(params.size());
    std::vector<Oid> types(params.size(), TEXTOID);
    std::vector<Datum> values(params.size());
    std::vector<char> nulls(params.size(), ' ');
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (!params[i])
            nulls[i] = 'n';
        else {
            const char *s = params[i]->c_str();
            values[i] = call([s] { return CStringGetTextDatum(s); });
        }
    }

    SqlResult result;
    const char *text = sql.c_str();
    int rc = call([&] {
        return SPI_execute_with_args(text, nargs, types.data(), values.data(), nulls.data(), false,
                                     0);
    });
    if (rc < 0)
        throw Error(sqlstate::internal_error, "SPI query failed", SPI_result_code_string(rc));
    result.processed = SPI_processed;
    SPITupleTable *table = SPI_tuptable;
    if (table == nullptr)
        return result;
    const int ncols = table->tupdesc->natts;
    for (std::uint64_t r = 0; r < SPI_processed; ++r) {
        std::vector<SqlValue> row;
        row.reserve(static_cast<std::size_t>(ncols));
        for (int c = 1; c <= ncols; ++c) {
            char *v =
                call([table, r, c] { return SPI_getvalue(table->vals[r], table->tupdesc, c); });
            row.push_back(v ? SqlValue(v) : std::nullopt);
        }
        result.rows.push_back(std::move(row));
    }
    return result;
}

void SpiSession::execute(const std::string &sql)
{
    const char *text = sql.c_str();
    int rc = call([text] { return SPI_execute(text, false, 0); });
    if (rc < 0)
        throw Error(sqlstate::internal_error, "SPI statement failed", SPI_result_code_string(rc));
}

} // namespace dynsec::pg
