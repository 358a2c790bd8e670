-- bench/sql/setup.sql — run once in database "bench" of the dynsec-preloaded cluster.
-- Credential roles for the suites, and the hand-written baselines in schema "bench".
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE EXTENSION dynsec;
CREATE ROLE grp NOLOGIN;

-- Credential roles. scram_iterations NULL = dynsec.scram_iterations (default 1).
SELECT name FROM dynsec.define_role('bench', member_of => '{grp}', default_ttl => '1 hour');
SELECT name FROM dynsec.define_role('bench4096', member_of => '{grp}', default_ttl => '1 hour',
                                    scram_iterations => 4096);
-- ttl may only shorten default_ttl: the latency suite asks for 2-5 s.
SELECT name FROM dynsec.define_role('lat', member_of => '{grp}', default_ttl => '1 minute');
SELECT name FROM dynsec.define_role('reap', member_of => '{grp}', default_ttl => '1 hour');
SELECT name FROM dynsec.define_role('login', member_of => '{grp}', default_ttl => '1 day');
SELECT name FROM dynsec.define_role('login4096', member_of => '{grp}', default_ttl => '1 day',
                                    scram_iterations => 4096);
SELECT name FROM dynsec.define_role('renew', member_of => '{grp}', default_ttl => '1 hour',
                                    max_ttl => '24 hours');

CREATE SCHEMA bench;

-- The hand-written equivalent of dynsec.lease: one row per login, indexed on expiry.
CREATE TABLE bench.lease (
    lease_id       text PRIMARY KEY,
    role           text NOT NULL,
    username       name NOT NULL UNIQUE,
    issued_by      name NOT NULL DEFAULT current_user,
    issued_at      timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    max_expires_at timestamptz NOT NULL,
    renew_count    int NOT NULL DEFAULT 0
);
CREATE INDEX lease_expires_at_idx ON bench.lease (expires_at);

-- Baseline issue: CREATE ROLE ... LOGIN PASSWORD ... VALID UNTIL now()+1h IN ROLE grp,
-- plus the lease row, in the caller's transaction. verifier NULL: a 32-character
-- plaintext password (from the CSPRNG behind gen_random_uuid), which the server hashes
-- with SCRAM-SHA-256 at PostgreSQL 15's fixed 4096 iterations; otherwise that
-- precomputed verifier, stored as is.
CREATE FUNCTION bench.issue_plain(verifier text DEFAULT NULL, lease_role text DEFAULT 'bench',
                                  ttl interval DEFAULT '1 hour')
RETURNS name LANGUAGE plpgsql AS $$
DECLARE
    n name := 'b-' || lease_role || '-' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 12);
    pw text := coalesce(verifier, replace(gen_random_uuid()::text, '-', ''));
BEGIN
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L VALID UNTIL %L IN ROLE grp',
                   n, pw, now() + ttl + interval '5 seconds');
    INSERT INTO bench.lease (lease_id, role, username, expires_at, max_expires_at)
    VALUES (lease_role || '/' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 20),
            lease_role, n, now() + ttl, now() + interval '24 hours');
    RETURN n;
END
$$;

-- Cleanup of the baseline's logins (not measured): every login of one lease_role.
CREATE FUNCTION bench.drop_plain(lease_role text) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE u name; k integer := 0;
BEGIN
    FOR u IN DELETE FROM bench.lease WHERE role = lease_role RETURNING username LOOP
        EXECUTE format('DROP ROLE IF EXISTS %I', u);
        k := k + 1;
    END LOOP;
    RETURN k;
END
$$;

-- Baseline reaping (suite 3): up to batch due logins in one transaction, earliest
-- first, each with DROP OWNED + DROP ROLE and the deletion of its lease row.
CREATE FUNCTION bench.reap_plain(batch integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE u name; k integer := 0;
BEGIN
    FOR u IN SELECT username FROM bench.lease WHERE expires_at <= now()
              ORDER BY expires_at LIMIT batch FOR UPDATE SKIP LOCKED LOOP
        EXECUTE format('DROP OWNED BY %I', u);
        EXECUTE format('DROP ROLE %I', u);
        DELETE FROM bench.lease WHERE username = u;
        k := k + 1;
    END LOOP;
    RETURN k;
END
$$;

-- Baseline renew (suite 6): what dynsec.renew does by hand for login number n.
CREATE TABLE bench.renew_ids (n int PRIMARY KEY, lease_id text, username name);
CREATE TABLE bench.renew_plain_ids (n int PRIMARY KEY, username name);
CREATE FUNCTION bench.renew_plain(client int) RETURNS timestamptz LANGUAGE plpgsql AS $$
DECLARE u name; e timestamptz := now() + interval '1 hour';
BEGIN
    SELECT username INTO STRICT u FROM bench.renew_plain_ids WHERE n = client;
    EXECUTE format('ALTER ROLE %I VALID UNTIL %L', u, e + interval '5 seconds');
    UPDATE bench.lease SET expires_at = e, renew_count = renew_count + 1 WHERE username = u;
    RETURN e;
END
$$;

-- Revocation latency (suite 2): one row per lease, filled by the driver and bench.watch.
CREATE TABLE bench.lat (
    rep             int NOT NULL,
    variant         text NOT NULL,
    lease_id        text NOT NULL,
    username        name NOT NULL,
    password        text,
    expires_at      timestamptz NOT NULL,
    with_session    boolean NOT NULL,
    pid             int,
    role_gone_at    timestamptz,
    session_gone_at timestamptz
);
CREATE INDEX ON bench.lat (rep, variant);
CREATE TABLE bench.watch_stats (rep int, variant text, polls int, seconds float8);

-- Polls every ~10 ms, committing between polls so that each one sees the latest
-- catalogs and pg_stat_activity: the time a login's role disappeared from pg_roles,
-- and the time its session's backend disappeared from pg_stat_activity.
CREATE PROCEDURE bench.watch(p_rep int, p_variant text, p_timeout float8)
LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp(); t_end timestamptz := clock_timestamp() + make_interval(secs => p_timeout);
        pending int; polls int := 0;
BEGIN
    LOOP
        polls := polls + 1;
        UPDATE bench.lat l SET role_gone_at = clock_timestamp()
         WHERE rep = p_rep AND variant = p_variant AND role_gone_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_authid r WHERE r.rolname = l.username);
        UPDATE bench.lat l SET session_gone_at = clock_timestamp()
         WHERE rep = p_rep AND variant = p_variant AND pid IS NOT NULL AND session_gone_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_get_activity(l.pid));
        SELECT count(*) INTO pending FROM bench.lat
         WHERE rep = p_rep AND variant = p_variant
           AND (role_gone_at IS NULL OR (pid IS NOT NULL AND session_gone_at IS NULL));
        COMMIT;
        EXIT WHEN pending = 0 OR clock_timestamp() > t_end;
        PERFORM pg_sleep(0.01);
    END LOOP;
    INSERT INTO bench.watch_stats VALUES (p_rep, p_variant, polls, extract(epoch FROM clock_timestamp() - t0));
END
$$;

-- Issue probe (suite 3): issues one lease every p_interval seconds until told to stop,
-- timing each issue + commit; the latencies are kept in memory and written at the end.
CREATE TABLE bench.probe_stop (stop boolean NOT NULL);
INSERT INTO bench.probe_stop VALUES (false);
CREATE TABLE bench.probe_lat (variant text, rep int, at float8, ms float8);
CREATE PROCEDURE bench.issue_probe(p_variant text, p_rep int, p_interval float8)
LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; lat float8[] := '{}'; ats float8[] := '{}';
BEGIN
    LOOP
        EXIT WHEN (SELECT stop FROM bench.probe_stop);
        t0 := clock_timestamp();
        PERFORM dynsec.issue('bench');
        COMMIT;
        lat := lat || (extract(epoch FROM clock_timestamp() - t0) * 1000)::float8;
        ats := ats || extract(epoch FROM clock_timestamp())::float8;
        PERFORM pg_sleep(p_interval);
    END LOOP;
    INSERT INTO bench.probe_lat SELECT p_variant, p_rep, a, m FROM unnest(ats, lat) AS u(a, m);
END
$$;
