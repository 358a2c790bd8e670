-- Assumed by the examples of docs/concepts.md.
CREATE EXTENSION dynsec;
