-- The extension installs its schema and reports its version.
SELECT dynsec.version();
SELECT extname, extversion, extrelocatable, n.nspname
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname = 'dynsec';
-- The schema is not relocatable.
ALTER EXTENSION dynsec SET SCHEMA public;
