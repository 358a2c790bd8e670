-- Assumed by the examples of docs/operations.md. Its first example is
-- CREATE EXTENSION dynsec, so the extension is not created here.
CREATE ROLE pgbouncer LOGIN;    -- PgBouncer's auth_user, granted the lookup function
