-- Credential roles, issue, renew, revoke, reap: success paths and every error.
\set SHOW_CONTEXT never
SET client_min_messages = notice;
CREATE ROLE regress_readers;
CREATE ROLE regress_app;
CREATE ROLE regress_other;
CREATE TABLE users (id int, name text);
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
GRANT SELECT ON users TO regress_readers;

-- Definitions are validated when written.
SELECT name, member_of, default_ttl, max_ttl, issuers
  FROM dynsec.define_role('readonly', member_of => '{regress_readers}',
                          default_ttl => '10 min', max_ttl => '1 hour',
                          issuers => '{regress_app}');
INSERT INTO dynsec.roles (name, member_of) VALUES ('bad', '{regress_nosuch}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO dynsec.roles (name, issuers) VALUES ('bad', '{regress_nosuch}');
INSERT INTO dynsec.roles (name, default_ttl) VALUES ('bad', '-1 hour');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO dynsec.roles (name, default_ttl) VALUES ('bad', '0');
INSERT INTO dynsec.roles (name, default_ttl, max_ttl) VALUES ('bad', '2 hours', '1 hour');
INSERT INTO dynsec.roles (name, username_template) VALUES ('bad', 'v-{{caller}}');
INSERT INTO dynsec.roles (name, username_template) VALUES ('bad', 'v-{{nope}}-{{random 8}}');
INSERT INTO dynsec.roles (name, password_length) VALUES ('bad', 8);
INSERT INTO dynsec.roles (name, scram_iterations) VALUES ('bad', 0);
INSERT INTO dynsec.roles (name, max_leases) VALUES ('bad', 0);
INSERT INTO dynsec.roles (name, creation_statements) VALUES ('bad', '{"CREATE ROLE \"{{nmae}}\""}');
INSERT INTO dynsec.roles (name, creation_statements) VALUES ('bad', '{"SELECT 1"}');
INSERT INTO dynsec.roles (name) VALUES ('bad/name');
INSERT INTO dynsec.roles (name) VALUES ('bad''; DROP TABLE users; --');
UPDATE dynsec.roles SET max_ttl = '1 min' WHERE name = 'readonly';
SELECT count(*) AS bad_rows FROM dynsec.roles WHERE name LIKE 'bad%';

-- Issue: fresh login, lease and audit row, all in this transaction.
CREATE TEMP TABLE issued AS SELECT * FROM dynsec.issue('readonly');
SELECT i.lease_id ~ '^readonly/[A-Za-z0-9]{20}$' AS lease_id_ok,
       i.username ~ '^v-postgres-readonly-[a-z0-9]{12}$' AS username_ok,
       i.password ~ '^[A-Za-z0-9]{32}$' AS password_ok,
       i.expires_at = l.issued_at + interval '10 min' AS expires_ok,
       i.max_expires_at = l.issued_at + interval '1 hour' AS cap_ok, renewable
  FROM issued i JOIN dynsec.leases l USING (lease_id);
SELECT r.rolcanlogin, r.rolsuper, r.rolcreaterole,
       r.rolvaliduntil = i.expires_at + interval '5 s' AS valid_until_has_grace,
       a.rolpassword ~ '^SCRAM-SHA-256\$1:' AS stores_verifier,
       pg_has_role(r.oid, 'regress_readers', 'USAGE') AS in_group
  FROM issued i JOIN pg_roles r ON r.rolname = i.username JOIN pg_authid a ON a.oid = r.oid;
-- The plaintext is stored nowhere.
SELECT count(*) AS plaintext_copies
  FROM issued i, dynsec.audit_log l, pg_authid a
 WHERE a.rolname = i.username
   AND (a.rolpassword LIKE '%' || i.password || '%' OR l::text LIKE '%' || i.password || '%');
SELECT event, role, username = (SELECT username FROM issued) AS same_user,
       session_user_name, current_user_name
  FROM dynsec.audit_log ORDER BY id;

-- A ttl may only shorten the default.
SELECT expires_at = now() + interval '1 min' AS shorter FROM dynsec.issue('readonly', '1 min');
SELECT * FROM dynsec.issue('readonly', '11 min');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM dynsec.issue('readonly', '-1 s');
SELECT * FROM dynsec.issue('nosuch');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM dynsec.issue(NULL);
SELECT * FROM dynsec.issue('x''); DROP TABLE users; --');

-- Roll back: no role, no lease, no audit row.
BEGIN;
CREATE TEMP TABLE rolled AS SELECT username, lease_id FROM dynsec.issue('readonly');
SELECT count(*) FROM pg_roles WHERE rolname = (SELECT username FROM rolled);
\gset rb_
SELECT username AS rb_user FROM rolled \gset
ROLLBACK;
SELECT count(*) AS roles_left FROM pg_roles WHERE rolname = :'rb_user';
SELECT count(*) AS leases_left FROM dynsec.lease WHERE username = :'rb_user';
SELECT count(*) AS audit_left FROM dynsec.audit_log WHERE username = :'rb_user';

-- Authorization: issuers only; disabled roles; quotas.
SELECT lease_id AS first_lease FROM issued \gset
SET ROLE regress_other;
SELECT * FROM dynsec.issue('readonly');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS visible_to_other FROM dynsec.leases;
SELECT * FROM dynsec.audit_log;
\set VERBOSITY sqlstate
SELECT dynsec.revoke(:'first_lease');
\set VERBOSITY default
SELECT dynsec.reap();
RESET ROLE;
GRANT regress_app TO regress_other;
SET ROLE regress_other;
SELECT username ~ '^v-regress_other-readonly-' AS issued_by_member FROM dynsec.issue('readonly');
SELECT count(*) AS own_leases_visible FROM dynsec.leases;
RESET ROLE;
REVOKE regress_app FROM regress_other;
UPDATE dynsec.roles SET enabled = false WHERE name = 'readonly';
SELECT * FROM dynsec.issue('readonly');
UPDATE dynsec.roles SET enabled = true, max_leases = 3 WHERE name = 'readonly';
SELECT count(*) FROM dynsec.lease WHERE role = 'readonly';
SELECT * FROM dynsec.issue('readonly');
\echo :LAST_ERROR_SQLSTATE
UPDATE dynsec.roles SET max_leases = NULL WHERE name = 'readonly';

-- Renew: moves expiry and VALID UNTIL, capped at max_expires_at.
SELECT dynsec.renew(lease_id, '20 min') = now() + interval '20 min' AS renewed FROM issued;
SELECT r.rolvaliduntil = l.expires_at + interval '5 s' AS valid_until_moved
  FROM dynsec.leases l JOIN pg_roles r ON r.rolname = l.username
 WHERE l.lease_id = (SELECT lease_id FROM issued);
\set VERBOSITY sqlstate
SELECT dynsec.renew(lease_id, '2 hours') = max_expires_at AS capped FROM issued;
\set VERBOSITY default
SELECT renew_count FROM dynsec.leases WHERE lease_id = (SELECT lease_id FROM issued);
SELECT dynsec.renew(lease_id, '-5 min') FROM issued;
SELECT dynsec.renew('readonly/doesnotexist');
\echo :LAST_ERROR_SQLSTATE
SELECT dynsec.renew();

-- Revoke: the login is gone, the lease too, the audit log says so.
SELECT dynsec.revoke(lease_id) FROM issued;
SELECT count(*) AS role_left FROM pg_roles r JOIN issued i ON r.rolname = i.username;
SELECT count(*) AS lease_left FROM dynsec.lease l JOIN issued i USING (lease_id);
SELECT event FROM dynsec.audit_log WHERE lease_id = (SELECT lease_id FROM issued) ORDER BY id;
\set VERBOSITY sqlstate
SELECT dynsec.revoke(lease_id) FROM issued;
SELECT dynsec.renew(lease_id) FROM issued;
\set VERBOSITY default

-- Reap: only what is due.
SELECT count(*) > 0 AS has_active FROM dynsec.lease WHERE role = 'readonly';
UPDATE dynsec.lease SET expires_at = now() - interval '1 s'
 WHERE lease_id IN (SELECT lease_id FROM dynsec.lease WHERE role = 'readonly' ORDER BY lease_id LIMIT 2);
SELECT dynsec.reap(1), dynsec.reap(), dynsec.reap();
SELECT count(*) AS expire_events FROM dynsec.audit_log WHERE event = 'expire';
SELECT dynsec.reap(0);

-- revoke_role: every lease of a role.
SELECT (SELECT count(*) FROM dynsec.issue('readonly'))
     + (SELECT count(*) FROM dynsec.issue('readonly', '2 min')) AS issued_two;
SELECT dynsec.revoke_role('readonly') AS revoked;
SELECT count(*) AS left_after_revoke_role FROM dynsec.lease WHERE role = 'readonly';
SELECT dynsec.revoke_role('nosuch');

-- Vault templates, including a DO block and multiple statements in one string.
SELECT name FROM dynsec.define_role('vault',
    creation_statements => ARRAY[
      'CREATE ROLE "{{name}}" WITH LOGIN PASSWORD ''{{password}}'' VALID UNTIL ''{{expiration}}'';',
      'DO $$BEGIN EXECUTE format(''GRANT regress_readers TO %I'', ''{{name}}''); END$$; COMMENT ON ROLE "{{username}}" IS ''vault-made'';'],
    revocation_statements => ARRAY['REVOKE regress_readers FROM "{{name}}";'],
    renew_statements => ARRAY['ALTER ROLE "{{name}}" VALID UNTIL ''{{expiration}}'';']);
CREATE TEMP TABLE vissued AS SELECT * FROM dynsec.issue('vault');
SELECT r.rolcanlogin, pg_has_role(r.oid, 'regress_readers', 'USAGE') AS in_group,
       shobj_description(r.oid, 'pg_authid') AS comment,
       r.rolvaliduntil = v.expires_at + interval '5 s' AS valid_until_ok
  FROM vissued v JOIN pg_roles r ON r.rolname = v.username;
SELECT dynsec.renew(lease_id, '5 min') = now() + interval '5 min' AS vault_renewed FROM vissued;
SELECT dynsec.revoke(lease_id) FROM vissued;
SELECT count(*) AS vault_role_left FROM pg_roles r JOIN vissued v ON r.rolname = v.username;
-- Direct object grants get a NOTICE steering to member_of.
SELECT name FROM dynsec.define_role('vault_grants',
    creation_statements => ARRAY['CREATE ROLE "{{name}}" LOGIN PASSWORD ''{{password}}''; GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";']);
-- Templates that do not create a login fail at issue and leave nothing.
SELECT name FROM dynsec.define_role('vault_broken',
    creation_statements => ARRAY['CREATE ROLE "{{name}}" NOLOGIN;']);
SELECT * FROM dynsec.issue('vault_broken');
SELECT name FROM dynsec.define_role('vault_failing',
    creation_statements => ARRAY['CREATE ROLE "{{name}}" LOGIN; SELECT 1/0;']);
SELECT count(*) AS roles_before FROM pg_roles \gset
SELECT * FROM dynsec.issue('vault_failing');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) = :roles_before AS nothing_left_behind FROM pg_roles;
-- Only admins may write statement templates.
GRANT INSERT, UPDATE ON dynsec.roles TO regress_other;
SET ROLE regress_other;
INSERT INTO dynsec.roles (name, creation_statements) VALUES ('sneaky', '{"CREATE ROLE \"{{name}}\" SUPERUSER LOGIN"}');
INSERT INTO dynsec.roles (name, member_of) VALUES ('sneaky', '{pg_read_all_data}');
RESET ROLE;
REVOKE INSERT, UPDATE ON dynsec.roles FROM regress_other;

-- Vault import: durations as seconds or strings, statements as array or ";" string.
SELECT name, default_ttl, max_ttl, creation_statements, revocation_statements
  FROM dynsec.import_vault_role('imported', '{"data": {
    "creation_statements": "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD ''{{password}}''; GRANT regress_readers TO \"{{name}}\"",
    "revocation_statements": [],
    "default_ttl": 3600, "max_ttl": "10h"}}');
SELECT name, default_ttl, max_ttl FROM dynsec.import_vault_role('imported2',
    '{"creation_statements": ["CREATE ROLE \"{{name}}\" LOGIN PASSWORD ''{{password}}''"], "default_ttl": "5m", "max_ttl": "1h30m"}');
SELECT dynsec.import_vault_role('imported3', '{"default_ttl": "1h"}');
SELECT dynsec.import_vault_role('imported3', '{"creation_statements": ["CREATE ROLE \"{{name}}\""], "default_ttl": "1 hour"}');
SELECT dynsec.parse_vault_duration('1h30m'), dynsec.parse_vault_duration('7d');

-- The audit log is append-only, even for its owner; purge is the one way out.
UPDATE dynsec.audit_log SET reason = 'tampered';
DELETE FROM dynsec.audit_log;
TRUNCATE dynsec.audit_log;
SELECT dynsec.purge_audit_log('1 year');
SELECT event, reason FROM dynsec.audit_log WHERE event = 'purge';

-- Clean up.
SELECT dynsec.revoke_role(name) >= 0 FROM dynsec.roles ORDER BY name;
DROP TABLE users;
DROP ROLE regress_readers, regress_app, regress_other;
