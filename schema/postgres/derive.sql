-- Concord store on PostgreSQL, schema version 5: fills the derived tables of
-- 0001_tables.sql from the citations, in the transaction that writes them (a
-- build or an import; both write a new store from the corpus files). The same
-- statements, and the same result, as schema/derive.sql, with two changes:
--   - the counts are cast to bigint: PostgreSQL's count() is bigint but sum()
--     of bigint is numeric (exact, so the values are the same; the casts keep
--     the UNION ALL and the inserted values bigint throughout);
--   - no ORDER BY: SQLite's is there to append to the WITHOUT ROWID tables in
--     key order; a PostgreSQL table is a heap, whose order no query relies on.

INSERT INTO actor_cited_clauses (actor_id, clause_id, citations)
SELECT ca.actor_id, ci.to_clause_id, count(*)
FROM citation_actors ca
JOIN citations ci ON ci.id = ca.citation_id
WHERE ci.to_clause_id IS NOT NULL
GROUP BY ca.actor_id, ci.to_clause_id;

INSERT INTO actor_cited_principles (actor_id, principle_id, citations)
SELECT actor_id, principle_id, sum(n)::bigint
FROM (
    SELECT ca.actor_id AS actor_id, ci.to_principle_id AS principle_id, count(*) AS n
    FROM citation_actors ca
    JOIN citations ci ON ci.id = ca.citation_id
    WHERE ci.to_principle_id IS NOT NULL
    GROUP BY ca.actor_id, ci.to_principle_id
    UNION ALL
    SELECT acc.actor_id, cp.principle_id, sum(acc.citations)::bigint
    FROM actor_cited_clauses acc
    JOIN clause_principles cp ON cp.clause_id = acc.clause_id
    GROUP BY acc.actor_id, cp.principle_id
) x
GROUP BY actor_id, principle_id;

INSERT INTO actor_citation_counts (actor_id, citations)
SELECT ca.actor_id, count(*)
FROM citation_actors ca
GROUP BY ca.actor_id;

INSERT INTO actor_citation_counts (actor_id, citations)
SELECT NULL::bigint, n
FROM (SELECT count(*) AS n FROM citations ci
      WHERE NOT EXISTS (SELECT 1 FROM citation_actors ca WHERE ca.citation_id = ci.id)) x
WHERE n > 0;
