-- Assumed by the examples of docs/scram-iterations.md: a credential role
-- "reporting" with a live lease, so that the last example has a login to show.
CREATE EXTENSION dynsec;
CREATE ROLE reporting_ro NOLOGIN;
SELECT name FROM dynsec.define_role('reporting', member_of => '{reporting_ro}');
SELECT username FROM dynsec.issue('reporting');
