-- Concord store on PostgreSQL, schema version 5: readable views.
--
-- One `v_*` view per kind of record, with the integer ids replaced by the
-- corpus's slugs and names, for people who open the database in other tools.
-- Lists (authors, aliases, principles, `by`) are joined with ', '.
-- The same views, names and columns as schema/0003_views.sql. SQLite 3.40 has
-- no ORDER BY inside an aggregate, and joins the rows of an ordered subquery
-- with group_concat (an order SQLite keeps in practice but does not promise);
-- here string_agg(x, ', ' ORDER BY ...) states the same order, and keeps it.
-- Text orders by the database's collation, C (byte order, as SQLite's BINARY:
-- checked by 0001_tables.sql), so `ORDER BY folded` and `ORDER BY g.slug` give
-- the lists in the same order in both engines. Like group_concat, string_agg
-- of no rows is NULL, and it leaves NULLs out.
--
-- Types as PostgreSQL gives them: the counts (`clauses`) are bigint, and the
-- string literals of v_aliases text.

-- Documents with their authors and aliases.
CREATE VIEW v_documents AS
SELECT d.slug AS id,
       d.title,
       d.kind,
       d.date,
       d.place,
       (SELECT string_agg(a.slug, ', ' ORDER BY da.position)
        FROM document_authors da JOIN actors a ON a.id = da.actor_id
        WHERE da.document_id = d.id) AS authors,
       (SELECT string_agg(x.alias, ', ' ORDER BY x.folded)
        FROM document_aliases x WHERE x.document_id = d.id) AS aliases,
       d.language,
       d.source,
       d.excerpt,
       (SELECT count(*) FROM clauses c WHERE c.document_id = d.id) AS clauses,
       f.path AS file,
       d.line
FROM documents d JOIN files f ON f.id = d.file_id;

-- Clauses with their reference `doc#label`, parent, and principle tags.
CREATE VIEW v_clauses AS
SELECT d.slug || '#' || c.label AS ref,
       d.slug AS document,
       c.label,
       CASE WHEN p.id IS NULL THEN NULL ELSE d.slug || '#' || p.label END AS parent,
       c.position,
       c.title,
       c.text,
       c.principle_list AS principles,
       c.speaker,
       (SELECT slug FROM actors WHERE id = c.speaker_id) AS speaker_actor,
       d.date
FROM clauses c
JOIN documents d ON d.id = c.document_id
LEFT JOIN clauses p ON p.id = c.parent_id;

-- Actors with the groups they belong to and whom they represent.
CREATE VIEW v_actors AS
SELECT a.slug AS id,
       a.name,
       a.kind,
       a.role,
       (SELECT string_agg(g.slug, ', ' ORDER BY g.slug)
        FROM memberships m JOIN actors g ON g.id = m.group_id
        WHERE m.member_id = a.id) AS member_of,
       (SELECT string_agg(r.slug, ', ' ORDER BY r.slug)
        FROM representations rp JOIN actors r ON r.id = rp.represented_id
        WHERE rp.actor_id = a.id) AS represents,
       (SELECT string_agg(x.alias, ', ' ORDER BY x.folded)
        FROM actor_aliases x WHERE x.actor_id = a.id) AS aliases
FROM actors a;

-- Principles with their aliases and how many clauses express them.
CREATE VIEW v_principles AS
SELECT p.slug AS id,
       p.name,
       p.description,
       (SELECT string_agg(x.alias, ', ' ORDER BY x.folded)
        FROM principle_aliases x WHERE x.principle_id = p.id) AS aliases,
       (SELECT count(*) FROM clause_principles cp WHERE cp.principle_id = p.id) AS clauses
FROM principles p;

-- Citations with readable ends: `from` and `to` are `doc#label`, a document or a principle.
CREATE VIEW v_citations AS
SELECT ci.id,
       ci.from_ref AS "from",
       ci.to_ref AS "to",
       CASE
           WHEN ci.to_clause_id IS NOT NULL THEN 'clause'
           WHEN ci.to_principle_id IS NOT NULL THEN 'principle'
           WHEN ci.to_document_id IS NOT NULL THEN 'document'
           WHEN ci.method = 'clause-ref' THEN 'unresolved'
           ELSE NULL
       END AS to_kind,
       ci.to_name,
       ci.to_label,
       ci.by_list AS "by",
       ci.quote,
       ci.stance,
       sd.slug AS source,
       fd.date,
       ci.method,
       ci.confidence,
       ci.span_start,
       ci.span_end,
       ci.diff,
       ci.note
FROM citations ci
JOIN documents fd ON fd.id = ci.from_document_id
JOIN documents sd ON sd.id = ci.source_document_id;

-- Relations between documents by slug.
CREATE VIEW v_relations AS
SELECT f.slug AS "from", r.type, t.slug AS "to", r.note
FROM relations r
JOIN documents f ON f.id = r.from_id
JOIN documents t ON t.id = r.to_id;

-- Every alias of every document, actor and principle, with its kind.
CREATE VIEW v_aliases AS
SELECT text 'document' AS kind, d.slug AS id, a.alias, a.folded
FROM document_aliases a JOIN documents d ON d.id = a.document_id
UNION ALL
SELECT 'actor', ac.slug, a.alias, a.folded
FROM actor_aliases a JOIN actors ac ON ac.id = a.actor_id
UNION ALL
SELECT 'principle', p.slug, a.alias, a.folded
FROM principle_aliases a JOIN principles p ON p.id = a.principle_id;
