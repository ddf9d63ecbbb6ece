-- Concord store, schema version 5: adds the sums collected by derive_delta.sql
-- to the derived tables. For each key changed, the row is replaced by its new
-- total (old + delta), and left out when that is 0: the tables keep only
-- positive counts. Standard SQL (row values, GROUP BY), SQLite 3.40 and
-- PostgreSQL alike.

CREATE TEMP TABLE derive_total AS
SELECT d.kind AS kind, d.actor_id AS actor_id, d.key_id AS key_id, sum(d.n) AS n
FROM derive_delta d
GROUP BY d.kind, d.actor_id, d.key_id;

UPDATE derive_total SET n = n + coalesce(
    (SELECT x.citations FROM actor_cited_clauses x
     WHERE x.actor_id = derive_total.actor_id AND x.clause_id = derive_total.key_id), 0)
WHERE kind = 'clause';
UPDATE derive_total SET n = n + coalesce(
    (SELECT x.citations FROM actor_cited_principles x
     WHERE x.actor_id = derive_total.actor_id AND x.principle_id = derive_total.key_id), 0)
WHERE kind = 'principle';
UPDATE derive_total SET n = n + coalesce(
    (SELECT x.citations FROM actor_citation_counts x WHERE x.actor_id = derive_total.actor_id), 0)
WHERE kind = 'actor';
UPDATE derive_total SET n = n + coalesce(
    (SELECT x.citations FROM actor_citation_counts x WHERE x.actor_id IS NULL), 0)
WHERE kind = 'nobody';

DELETE FROM actor_cited_clauses
WHERE (actor_id, clause_id) IN (SELECT actor_id, key_id FROM derive_total WHERE kind = 'clause');
INSERT INTO actor_cited_clauses (actor_id, clause_id, citations)
SELECT actor_id, key_id, n FROM derive_total WHERE kind = 'clause' AND n > 0;

DELETE FROM actor_cited_principles
WHERE (actor_id, principle_id) IN (SELECT actor_id, key_id FROM derive_total WHERE kind = 'principle');
INSERT INTO actor_cited_principles (actor_id, principle_id, citations)
SELECT actor_id, key_id, n FROM derive_total WHERE kind = 'principle' AND n > 0;

DELETE FROM actor_citation_counts
WHERE actor_id IN (SELECT actor_id FROM derive_total WHERE kind = 'actor');
INSERT INTO actor_citation_counts (actor_id, citations)
SELECT actor_id, n FROM derive_total WHERE kind = 'actor' AND n > 0;

DELETE FROM actor_citation_counts
WHERE actor_id IS NULL AND EXISTS (SELECT 1 FROM derive_total WHERE kind = 'nobody');
INSERT INTO actor_citation_counts (actor_id, citations)
SELECT NULL, n FROM derive_total WHERE kind = 'nobody' AND n > 0;

DROP TABLE derive_total;
