-- Concord store, schema version 5: readable views.
--
-- One `v_*` view per kind of record, with the integer ids replaced by the
-- corpus's slugs and names, for people who open the file in other tools.
-- Lists (authors, aliases, principles, `by`) are joined with ', '.
-- Only functions of SQLite 3.40 are used (group_concat over an ordered subquery,
-- since ORDER BY inside an aggregate needs 3.44).

-- Documents with their authors and aliases.
CREATE VIEW v_documents AS
SELECT d.slug AS id,
       d.title,
       d.kind,
       d.date,
       d.place,
       (SELECT group_concat(slug, ', ') FROM (
            SELECT a.slug FROM document_authors da JOIN actors a ON a.id = da.actor_id
            WHERE da.document_id = d.id ORDER BY da.position)) AS authors,
       (SELECT group_concat(alias, ', ') FROM (
            SELECT alias FROM document_aliases WHERE document_id = d.id ORDER BY folded)) AS aliases,
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
       (SELECT group_concat(slug, ', ') FROM (
            SELECT g.slug FROM memberships m JOIN actors g ON g.id = m.group_id
            WHERE m.member_id = a.id ORDER BY g.slug)) AS member_of,
       (SELECT group_concat(slug, ', ') FROM (
            SELECT r.slug FROM representations rp JOIN actors r ON r.id = rp.represented_id
            WHERE rp.actor_id = a.id ORDER BY r.slug)) AS represents,
       (SELECT group_concat(alias, ', ') FROM (
            SELECT alias FROM actor_aliases WHERE actor_id = a.id ORDER BY folded)) AS aliases
FROM actors a;

-- Principles with their aliases and how many clauses express them.
CREATE VIEW v_principles AS
SELECT p.slug AS id,
       p.name,
       p.description,
       (SELECT group_concat(alias, ', ') FROM (
            SELECT alias FROM principle_aliases WHERE principle_id = p.id ORDER BY folded)) AS aliases,
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
SELECT 'document' AS kind, d.slug AS id, a.alias, a.folded
FROM document_aliases a JOIN documents d ON d.id = a.document_id
UNION ALL
SELECT 'actor', ac.slug, a.alias, a.folded
FROM actor_aliases a JOIN actors ac ON ac.id = a.actor_id
UNION ALL
SELECT 'principle', p.slug, a.alias, a.folded
FROM principle_aliases a JOIN principles p ON p.id = a.principle_id;
