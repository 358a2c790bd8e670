-- dynsec--0.1.0.sql
--     Schema, tables, views and functions of dynsec 0.1.0.

\echo Use "CREATE EXTENSION dynsec" to load this file. \quit

CREATE FUNCTION dynsec.version() RETURNS text
    LANGUAGE c IMMUTABLE PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'dynsec_version';
COMMENT ON FUNCTION dynsec.version() IS 'version of the dynsec library';

-- Credential roles: what an issued login gets, for how long, and who may ask.
CREATE TABLE dynsec.roles (
    name                  text PRIMARY KEY,
    member_of             name[] NOT NULL DEFAULT '{}',
    creation_statements   text[],
    revocation_statements text[],
    renew_statements      text[],
    default_ttl           interval NOT NULL DEFAULT '1 hour',
    max_ttl               interval NOT NULL DEFAULT '24 hours',
    issuers               name[],
    username_template     text NOT NULL DEFAULT 'v-{{caller}}-{{role}}-{{random 12}}',
    password_length       int NOT NULL DEFAULT 32,
    connection_limit      int,
    scram_iterations      int,
    max_leases            int,
    bind_client_addr      boolean NOT NULL DEFAULT false,
    enabled               boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE dynsec.roles IS 'credential roles: templates for issued logins';
SELECT pg_catalog.pg_extension_config_dump('dynsec.roles', '');

CREATE FUNCTION dynsec.validate_role() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'dynsec_validate_role';
CREATE TRIGGER validate_role BEFORE INSERT OR UPDATE ON dynsec.roles
    FOR EACH ROW EXECUTE FUNCTION dynsec.validate_role();

-- Leases: one row per issued login that has not been revoked yet.
CREATE TABLE dynsec.lease (
    lease_id          text PRIMARY KEY,
    role              text NOT NULL REFERENCES dynsec.roles (name) ON UPDATE CASCADE,
    username          name NOT NULL UNIQUE,
    issued_by         name NOT NULL,
    issued_by_session name NOT NULL,
    client_addr       inet,
    application_name  text,
    issued_at         timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    max_expires_at    timestamptz NOT NULL,
    renew_count       int NOT NULL DEFAULT 0,
    state             text NOT NULL DEFAULT 'active'
                      CHECK (state IN ('active', 'revoking', 'failed')),
    attempts          int NOT NULL DEFAULT 0,
    last_error        text,
    next_attempt_at   timestamptz,    parent_lease_id   text,
    bind_to           text,  -- 'local' (Unix socket only), a cidr, or NULL
    max_logins        int
);
CREATE INDEX lease_expires_at_idx ON dynsec.lease (expires_at) WHERE state = 'active';
CREATE INDEX lease_retry_idx ON dynsec.lease (next_attempt_at) WHERE state = 'failed';
CREATE INDEX lease_role_idx ON dynsec.lease (role);
CREATE INDEX lease_parent_idx ON dynsec.lease (parent_lease_id) WHERE parent_lease_id IS NOT NULL;

-- Audit log: append-only; never holds a password.
CREATE TABLE dynsec.audit_log (
    id               bigserial PRIMARY KEY,
    at               timestamptz NOT NULL DEFAULT clock_timestamp(),
    event            text NOT NULL
                     CHECK (event IN ('issue', 'renew', 'revoke', 'expire', 'failure', 'purge')),
    lease_id         text,
    role             text,
    username         name,
    session_user_name name NOT NULL,
    current_user_name name NOT NULL,
    client_addr      inet,
    application_name text,
    reason           text
);
CREATE INDEX audit_log_lease_idx ON dynsec.audit_log (lease_id);

CREATE FUNCTION dynsec.audit_log_guard() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'dynsec_audit_log_guard';
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON dynsec.audit_log
    FOR EACH ROW EXECUTE FUNCTION dynsec.audit_log_guard();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON dynsec.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION dynsec.audit_log_guard();

CREATE FUNCTION dynsec.is_admin() RETURNS boolean
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'dynsec_is_admin';
COMMENT ON FUNCTION dynsec.is_admin() IS 'whether current_user is a superuser or has the privileges of the extension owner';

CREATE FUNCTION dynsec._login_stats(roleid oid, OUT logins bigint, OUT refusals bigint)
    RETURNS record LANGUAGE c VOLATILE STRICT AS 'MODULE_PATHNAME', 'dynsec_login_stats';

CREATE VIEW dynsec.leases WITH (security_barrier) AS
SELECT l.lease_id, l.role, l.username, l.issued_by, l.client_addr, l.application_name,
       l.issued_at, l.expires_at, l.max_expires_at, l.renew_count, l.state, l.attempts,
       l.last_error, l.next_attempt_at, l.parent_lease_id, l.bind_to, l.max_logins,
       s.logins, s.refusals
  FROM dynsec.lease l
  LEFT JOIN pg_catalog.pg_roles r ON r.rolname = l.username
  LEFT JOIN LATERAL dynsec._login_stats(r.oid) s ON true
 WHERE l.issued_by = current_user OR l.username = session_user OR dynsec.is_admin();
COMMENT ON VIEW dynsec.leases IS 'leases visible to the caller: those it issued, its own, or all for admins';

CREATE FUNCTION dynsec.issue(role text, ttl interval DEFAULT NULL,
    bind_to cidr DEFAULT NULL, max_logins integer DEFAULT NULL,
    OUT lease_id text, OUT username text, OUT password text, OUT expires_at timestamptz,
    OUT max_expires_at timestamptz, OUT renewable boolean)
    RETURNS record LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'dynsec_issue';
COMMENT ON FUNCTION dynsec.issue(text, interval, cidr, integer) IS 'create a time-bound login for a credential role';

CREATE FUNCTION dynsec.renew(lease_id text DEFAULT NULL, increment interval DEFAULT NULL)
    RETURNS timestamptz LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'dynsec_renew';
COMMENT ON FUNCTION dynsec.renew(text, interval) IS 'extend a lease (default: the current session''s own), never past its cap';

CREATE FUNCTION dynsec.revoke(lease_id text) RETURNS boolean
    LANGUAGE c VOLATILE STRICT AS 'MODULE_PATHNAME', 'dynsec_revoke';
COMMENT ON FUNCTION dynsec.revoke(text) IS 'revoke a lease now; false (with a WARNING) if it failed and will be retried';

CREATE FUNCTION dynsec.revoke_role(role text) RETURNS integer
    LANGUAGE c VOLATILE STRICT AS 'MODULE_PATHNAME', 'dynsec_revoke_role';
COMMENT ON FUNCTION dynsec.revoke_role(text) IS 'revoke every lease of a credential role; returns how many were revoked';

CREATE FUNCTION dynsec.reap(batch integer DEFAULT 1000) RETURNS integer
    LANGUAGE c VOLATILE STRICT AS 'MODULE_PATHNAME', 'dynsec_reap';
COMMENT ON FUNCTION dynsec.reap(integer) IS 'revoke up to batch leases that are due; returns how many were revoked';
REVOKE ALL ON FUNCTION dynsec.reap(integer) FROM PUBLIC;

CREATE FUNCTION dynsec.next_deadline() RETURNS timestamptz
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$ SELECT least((SELECT min(expires_at) FROM dynsec.lease WHERE state = 'active'),
                       (SELECT min(next_attempt_at) FROM dynsec.lease WHERE state = 'failed')) $$;
COMMENT ON FUNCTION dynsec.next_deadline() IS 'when the next lease becomes due for reaping (NULL: none)';
REVOKE ALL ON FUNCTION dynsec.next_deadline() FROM PUBLIC;

CREATE FUNCTION dynsec.purge_audit_log(older_than interval) RETURNS bigint
    LANGUAGE c VOLATILE STRICT AS 'MODULE_PATHNAME', 'dynsec_purge_audit_log';
COMMENT ON FUNCTION dynsec.purge_audit_log(interval) IS 'admins only: delete audit records older than the interval';
REVOKE ALL ON FUNCTION dynsec.purge_audit_log(interval) FROM PUBLIC;

CREATE FUNCTION dynsec.parse_vault_duration(text) RETURNS interval
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'dynsec_parse_vault_duration';

-- define_role: an upsert with named arguments; the trigger validates it.
CREATE FUNCTION dynsec.define_role(
    name text,
    member_of name[] DEFAULT '{}',
    creation_statements text[] DEFAULT NULL,
    revocation_statements text[] DEFAULT NULL,
    renew_statements text[] DEFAULT NULL,
    default_ttl interval DEFAULT '1 hour',
    max_ttl interval DEFAULT '24 hours',
    issuers name[] DEFAULT NULL,
    username_template text DEFAULT 'v-{{caller}}-{{role}}-{{random 12}}',
    password_length int DEFAULT 32,
    connection_limit int DEFAULT NULL,
    scram_iterations int DEFAULT NULL,
    max_leases int DEFAULT NULL,
    bind_client_addr boolean DEFAULT false,
    enabled boolean DEFAULT true)
RETURNS dynsec.roles
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO dynsec.roles AS r VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
    ON CONFLICT (name) DO UPDATE SET
        member_of = EXCLUDED.member_of, creation_statements = EXCLUDED.creation_statements,
        revocation_statements = EXCLUDED.revocation_statements,
        renew_statements = EXCLUDED.renew_statements, default_ttl = EXCLUDED.default_ttl,
        max_ttl = EXCLUDED.max_ttl, issuers = EXCLUDED.issuers,
        username_template = EXCLUDED.username_template, password_length = EXCLUDED.password_length,
        connection_limit = EXCLUDED.connection_limit, scram_iterations = EXCLUDED.scram_iterations,
        max_leases = EXCLUDED.max_leases, bind_client_addr = EXCLUDED.bind_client_addr,
        enabled = EXCLUDED.enabled
    RETURNING r.*
$$;
COMMENT ON FUNCTION dynsec.define_role IS 'create or replace a credential role definition';

-- import_vault_role: the JSON of `vault read -format=json database/roles/<name>`.
CREATE FUNCTION dynsec.import_vault_role(name text, config jsonb) RETURNS dynsec.roles
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d jsonb := coalesce(config -> 'data', config);
    result dynsec.roles;
    def_ttl interval;
    max_ttl interval;
BEGIN
    IF jsonb_typeof(d) IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'invalid Vault role configuration'
            USING ERRCODE = '22023', DETAIL = 'Expected a JSON object, optionally under "data".';
    END IF;
    IF NOT d ? 'creation_statements' THEN
        RAISE EXCEPTION 'Vault role configuration has no creation_statements'
            USING ERRCODE = '22023';
    END IF;
    def_ttl := CASE WHEN d ? 'default_ttl' AND (d ->> 'default_ttl') NOT IN ('0', '')
                    THEN dynsec.parse_vault_duration(d ->> 'default_ttl') ELSE '1 hour' END;
    max_ttl := CASE WHEN d ? 'max_ttl' AND (d ->> 'max_ttl') NOT IN ('0', '')
                    THEN dynsec.parse_vault_duration(d ->> 'max_ttl') ELSE '24 hours' END;
    SELECT * INTO result FROM dynsec.define_role(
        name => import_vault_role.name,
        creation_statements => dynsec._vault_statements(d -> 'creation_statements'),
        revocation_statements => dynsec._vault_statements(d -> 'revocation_statements'),
        renew_statements => dynsec._vault_statements(d -> 'renew_statements'),
        default_ttl => def_ttl,
        max_ttl => greatest(max_ttl, def_ttl));
    RETURN result;
END
$$;
COMMENT ON FUNCTION dynsec.import_vault_role(text, jsonb) IS 'define a credential role from a Vault database role''s JSON';

-- Vault returns statements as a JSON array, or (older versions) a ";"-separated string.
CREATE FUNCTION dynsec._vault_statements(v jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE jsonb_typeof(v)
        WHEN 'array' THEN CASE WHEN jsonb_array_length(v) = 0 THEN NULL
                               ELSE ARRAY(SELECT jsonb_array_elements_text(v)) END
        WHEN 'string' THEN nullif(dynsec._split_vault_statements(v #>> '{}'), '{}')
        ELSE NULL END
$$;
CREATE FUNCTION dynsec._split_vault_statements(text) RETURNS text[]
    LANGUAGE c IMMUTABLE STRICT AS 'MODULE_PATHNAME', 'dynsec_split_vault_statements';

-- Logins whose lease is bound (address or login limit) are members of this
-- NOLOGIN role, so the login guard can refuse them when it does not know the
-- lease (fail-closed). It grants nothing. Roles are cluster-wide: create once.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'dynsec_bound') THEN
        CREATE ROLE dynsec_bound NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA dynsec TO PUBLIC;
GRANT SELECT ON dynsec.leases TO PUBLIC;

CREATE FUNCTION dynsec._guard_sync() RETURNS bigint
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'dynsec_guard_sync';
REVOKE ALL ON FUNCTION dynsec._guard_sync() FROM PUBLIC;
CREATE FUNCTION dynsec.guards_active() RETURNS boolean
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'dynsec_guards_active';
COMMENT ON FUNCTION dynsec.guards_active() IS 'whether the login guard and tamper guard are active (dynsec in shared_preload_libraries)';

DO $$
BEGIN
    IF NOT dynsec.guards_active() THEN
        RAISE NOTICE 'dynsec is not in shared_preload_libraries: the login guard, tamper-proof managed roles and the in-server reaper are off'
            USING HINT = 'Add dynsec to shared_preload_libraries and restart, or run dynsec-reaper; VALID UNTIL still blocks expired password logins.';
    END IF;
END
$$;
