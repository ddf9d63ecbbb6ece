-- Concord store, schema version 5: brings the derived tables of 0001_tables.sql
-- up to date after an import that added or replaced documents in place, for
-- the keys whose sums may have changed only. Before this runs, the import
-- fills three temporary tables: `touched_clauses`, `touched_principles` and
-- `touched_actors` (one column `id`), with the targets and makers of every
-- citation it removed and every one it wrote. The result is the same as
-- derive.sql on the whole store; the row of citations that name no maker
-- (`actor_id` NULL) is kept by the import itself, by difference.
--
-- Standard SQL, read by SQLite 3.40 and PostgreSQL alike.

INSERT INTO touched_principles (id)
SELECT principle_id FROM clause_principles
WHERE clause_id IN (SELECT id FROM touched_clauses);

DELETE FROM actor_cited_clauses
WHERE clause_id IN (SELECT id FROM touched_clauses);

INSERT INTO actor_cited_clauses (actor_id, clause_id, citations)
SELECT ca.actor_id, ci.to_clause_id, count(*)
FROM citations ci
JOIN citation_actors ca ON ca.citation_id = ci.id
WHERE ci.to_clause_id IN (SELECT DISTINCT id FROM touched_clauses)
GROUP BY ca.actor_id, ci.to_clause_id;

DELETE FROM actor_cited_principles
WHERE principle_id IN (SELECT id FROM touched_principles);

-- A citation of the principle itself, and one of each clause that expresses it.
INSERT INTO actor_cited_principles (actor_id, principle_id, citations)
SELECT actor_id, principle_id, sum(n)
FROM (
    SELECT ca.actor_id AS actor_id, ci.to_principle_id AS principle_id, count(*) AS n
    FROM citations ci
    JOIN citation_actors ca ON ca.citation_id = ci.id
    WHERE ci.to_principle_id IN (SELECT DISTINCT id FROM touched_principles)
    GROUP BY ca.actor_id, ci.to_principle_id
    UNION ALL
    SELECT ca.actor_id, cp.principle_id, count(*)
    FROM clause_principles cp
    JOIN citations ci ON ci.to_clause_id = cp.clause_id
    JOIN citation_actors ca ON ca.citation_id = ci.id
    WHERE cp.principle_id IN (SELECT DISTINCT id FROM touched_principles)
    GROUP BY ca.actor_id, cp.principle_id
) x
GROUP BY actor_id, principle_id;

DELETE FROM actor_citation_counts
WHERE actor_id IN (SELECT id FROM touched_actors);

INSERT INTO actor_citation_counts (actor_id, citations)
SELECT ca.actor_id, count(*)
FROM citation_actors ca
WHERE ca.actor_id IN (SELECT DISTINCT id FROM touched_actors)
GROUP BY ca.actor_id;
