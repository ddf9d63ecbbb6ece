-- Concord store, schema version 5: what some citations add to the derived
-- tables of 0001_tables.sql, times a sign. An import that writes in place runs
-- it twice: on the citations it removes (sign -1, before removing them and the
-- documents they hang on) and on the ones it writes (sign +1); then
-- derive_apply.sql adds the sums to the tables. The result is what derive.sql
-- gives on the whole store, at the cost of the citations changed (a popular
-- principle's hundred thousand citations are not counted again).
--
-- Before it runs, the temporary table `counted` (one column `id`) holds the
-- citations; `?1` is the sign. One statement each, standard SQL. The joins are
-- CROSS JOINs with their conditions in WHERE (the same meaning in any engine):
-- SQLite then reads from `counted`, the few rows changed, rather than scanning
-- citation_actors in actor order to spare the GROUP BY's sort.

INSERT INTO derive_delta (kind, actor_id, key_id, n)
SELECT 'clause', ca.actor_id, ci.to_clause_id, ?1 * count(*)
FROM counted k
CROSS JOIN citations ci
CROSS JOIN citation_actors ca
WHERE ci.id = k.id AND ca.citation_id = ci.id AND ci.to_clause_id IS NOT NULL
GROUP BY ca.actor_id, ci.to_clause_id;

INSERT INTO derive_delta (kind, actor_id, key_id, n)
SELECT 'principle', ca.actor_id, ci.to_principle_id, ?1 * count(*)
FROM counted k
CROSS JOIN citations ci
CROSS JOIN citation_actors ca
WHERE ci.id = k.id AND ca.citation_id = ci.id AND ci.to_principle_id IS NOT NULL
GROUP BY ca.actor_id, ci.to_principle_id;

-- A citation of a clause counts once under each principle the clause expresses.
INSERT INTO derive_delta (kind, actor_id, key_id, n)
SELECT 'principle', ca.actor_id, cp.principle_id, ?1 * count(*)
FROM counted k
CROSS JOIN citations ci
CROSS JOIN clause_principles cp
CROSS JOIN citation_actors ca
WHERE ci.id = k.id AND cp.clause_id = ci.to_clause_id AND ca.citation_id = ci.id
GROUP BY ca.actor_id, cp.principle_id;

INSERT INTO derive_delta (kind, actor_id, key_id, n)
SELECT 'actor', ca.actor_id, 0, ?1 * count(*)
FROM counted k
CROSS JOIN citation_actors ca
WHERE ca.citation_id = k.id
GROUP BY ca.actor_id;

-- The citations that name no maker: the row of actor_citation_counts whose actor is NULL.
INSERT INTO derive_delta (kind, actor_id, key_id, n)
SELECT 'nobody', 0, 0, ?1 * count(*)
FROM counted k
WHERE NOT EXISTS (SELECT 1 FROM citation_actors ca WHERE ca.citation_id = k.id);
