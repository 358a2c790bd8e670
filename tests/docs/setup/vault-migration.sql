-- Assumed by the examples of docs/vault-migration.md.
CREATE EXTENSION dynsec;
CREATE ROLE app LOGIN;
CREATE ROLE readers NOLOGIN;
CREATE TABLE public.users (id int PRIMARY KEY, name text NOT NULL);
GRANT SELECT ON public.users TO readers;
