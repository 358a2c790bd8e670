-- The C++/PostgreSQL boundary: errors cross it in both directions with their
-- SQLSTATE, C++ objects are destroyed, and the session stays usable.
\set SHOW_CONTEXT never
CREATE FUNCTION boundary_selftest(text) RETURNS text
    LANGUAGE c STRICT AS 'dynsec', 'dynsec_boundary_selftest';

-- C++ -> PostgreSQL: a dynsec::Error becomes an ERROR with code, detail, hint.
SELECT boundary_selftest('cxx-error');
\echo :LAST_ERROR_SQLSTATE
-- Every C++ object alive at the throw was destroyed.
SELECT boundary_selftest('live-objects');

-- Any other C++ exception becomes an internal error.
SELECT boundary_selftest('std-exception');
\echo :LAST_ERROR_SQLSTATE

-- PostgreSQL -> C++ -> PostgreSQL: an ereport inside pg::call travels as a
-- C++ exception and reaches the client with PostgreSQL's own SQLSTATE.
SELECT boundary_selftest('pg-error');
\echo :LAST_ERROR_SQLSTATE
SELECT boundary_selftest('live-objects');

-- Caught in C++ inside a subtransaction: the outer transaction goes on.
BEGIN;
CREATE TEMP TABLE kept (x int);
INSERT INTO kept VALUES (1);
SELECT boundary_selftest('pg-error-caught');
INSERT INTO kept VALUES (2);
COMMIT;
SELECT x FROM kept ORDER BY x;

-- An error inside a transaction aborts it cleanly; the next one works.
BEGIN;
INSERT INTO kept VALUES (3);
SELECT boundary_selftest('pg-error');
SELECT 1;
ROLLBACK;
SELECT count(*) FROM kept;

SELECT boundary_selftest('no-such-mode');
SELECT boundary_selftest('live-objects');
DROP FUNCTION boundary_selftest(text);
