-- Assumed by the examples of docs/sql-reference.md.
CREATE EXTENSION dynsec;
CREATE ROLE users_readonly NOLOGIN;
CREATE ROLE app LOGIN;
SELECT name FROM dynsec.define_role('readonly', member_of => '{users_readonly}', issuers => '{app}');
