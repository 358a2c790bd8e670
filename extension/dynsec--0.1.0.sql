-- dynsec--0.1.0.sql
--     Schema, tables, views and functions of dynsec 0.1.0.

\echo Use "CREATE EXTENSION dynsec" to load this file. \quit

CREATE FUNCTION dynsec.version() RETURNS text
    LANGUAGE c IMMUTABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'dynsec_version';
COMMENT ON FUNCTION dynsec.version() IS 'version of the dynsec library';
