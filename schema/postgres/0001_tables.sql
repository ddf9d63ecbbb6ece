-- Concord store on PostgreSQL, schema version 5: the tables.
--
-- The PostgreSQL translation of schema/0001_tables.sql: the same tables,
-- columns (names and order), constraints and indexes, with PostgreSQL types:
-- INTEGER -> bigint (ids included: concord assigns them itself, so there are
-- no sequences), REAL -> double precision, TEXT -> text. The 0/1 flag column
-- (`documents.excerpt`) stays an integer with its CHECK, not a boolean, so that
-- both engines hand concord the same values.
--
-- Every table keeps an integer primary key `id` for joins; the corpus's own
-- ids (slugs such as `istanbul-charter`) live in `slug`. The `v_*` views in
-- 0003_views.sql join the integer ids back to slugs and names for people who
-- open the database in psql or another client.
--
-- Only SQL of PostgreSQL 15 appears here. Apply 0001, 0002 and 0003 in order
-- to an empty database, in one transaction (psql -1 -v ON_ERROR_STOP=1).
--
-- Differences from the SQLite schema that every file shares:
--   - Foreign keys are always enforced by PostgreSQL (SQLite: only with
--     PRAGMA foreign_keys = ON, which concord sets when it builds and clears
--     while it renumbers ids). They are DEFERRABLE (INITIALLY IMMEDIATE, so
--     checked at once as by default): a transaction that moves ids table by
--     table (src/store/renumber.rs) runs `SET CONSTRAINTS ALL DEFERRED` and
--     has them checked at COMMIT instead.
--   - `id bigint PRIMARY KEY` is not SQLite's rowid alias: an INSERT that
--     leaves `id` out fails instead of getting max(id) + 1 (write.rs inserts
--     `relations` so; on PostgreSQL it must give the id).
--   - `WITHOUT ROWID` has no counterpart: every PostgreSQL table is a heap
--     with separate indexes (the primary keys are indexes like any other).
--   - Text orders by the database's collation, not by byte as SQLite's
--     BINARY collation does; the check below makes sure they agree.

-- The database must order text as SQLite does and know non-ASCII letters:
--   - LC_COLLATE C (or POSIX), libc provider: text compares byte by byte, in
--     code point order, as SQLite's BINARY collation (every ORDER BY, `<`,
--     min/max, and the indexes that serve `ORDER BY ... slug`). A linguistic
--     collation (en_US.UTF-8, ICU) would order `B` before `a` and `é` beside `e`.
--   - a UTF-8 LC_CTYPE (C.UTF-8, en_US.UTF-8...): lower(), which `~` uses, and
--     the full-text parser of 0002_fulltext.sql read the character classes from
--     it; under LC_CTYPE C, lower() folds ASCII alone (`Лавров` stays as it is)
--     and the parser takes every non-ASCII character for a letter (`«`, `—`
--     and the no-break space would glue words together).
-- (Why not `COLLATE "C"` on each text column instead: a column collation also
-- decides lower()'s case mapping, and "C" maps ASCII alone.)
-- Create the database so: CREATE DATABASE concord TEMPLATE template0
--   ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8';   (bench/pg does)
DO $check$
DECLARE
    db pg_database%ROWTYPE;
BEGIN
    SELECT * INTO db FROM pg_database WHERE datname = current_database();
    IF pg_encoding_to_char(db.encoding) <> 'UTF8' THEN
        RAISE EXCEPTION 'concord: database % has encoding %, not UTF8', db.datname, pg_encoding_to_char(db.encoding)
            USING HINT = 'CREATE DATABASE ... TEMPLATE template0 ENCODING ''UTF8'' LC_COLLATE ''C'' LC_CTYPE ''C.UTF-8''';
    END IF;
    IF db.datlocprovider <> 'c' OR db.datcollate NOT IN ('C', 'POSIX') THEN
        RAISE EXCEPTION 'concord: database % orders text by collation % (provider %), not by code point as SQLite does (LC_COLLATE C, provider libc)',
            db.datname,
            -- (the ICU locale's column is named differently from one version to the next)
            CASE db.datlocprovider WHEN 'i' THEN coalesce(to_jsonb(db) ->> 'daticulocale', to_jsonb(db) ->> 'datlocale') ELSE db.datcollate END,
            CASE db.datlocprovider WHEN 'i' THEN 'icu' ELSE 'libc' END
            USING HINT = 'CREATE DATABASE ... TEMPLATE template0 ENCODING ''UTF8'' LC_COLLATE ''C'' LC_CTYPE ''C.UTF-8''';
    END IF;
    IF db.datctype IN ('C', 'POSIX') THEN
        RAISE EXCEPTION 'concord: database % has LC_CTYPE %: lower() and the full-text parser would not know non-ASCII letters', db.datname, db.datctype
            USING HINT = 'CREATE DATABASE ... TEMPLATE template0 ENCODING ''UTF8'' LC_COLLATE ''C'' LC_CTYPE ''C.UTF-8''';
    END IF;
END
$check$;

-- Facts about the store as a whole: `corpus_root` (the folder it was built
-- from, to key files given to `concord import`), and on PostgreSQL the schema
-- stamp (the rows inserted at the end of this file).
CREATE TABLE meta (
    key   text PRIMARY KEY, -- the name of the fact
    value text NOT NULL     -- its value
);

-- The corpus files the store was built from, with their full text, so that
-- `concord import` can rebuild the store from its own sources.
CREATE TABLE files (
    id      bigint PRIMARY KEY,   -- position of the file in sorted path order (files imported in place later: after)
    path    text NOT NULL UNIQUE, -- path relative to the corpus folder, `/`-separated
    content text NOT NULL         -- the file as read (valid UTF-8; PostgreSQL text holds no NUL character)
);

-- People, states, organisations and groups that author documents and make citations.
CREATE TABLE actors (
    id      bigint PRIMARY KEY,
    slug    text NOT NULL UNIQUE,  -- the corpus id, e.g. `lavrov`
    name    text NOT NULL,         -- display name, e.g. `Sergey Lavrov`
    kind    text NOT NULL DEFAULT 'other'
            CHECK (kind IN ('person', 'state', 'organization', 'group', 'other')),
    role    text,                  -- free text, e.g. `Minister of Foreign Affairs`
    file_id bigint NOT NULL REFERENCES files (id) DEFERRABLE, -- where the record is written
    line    bigint NOT NULL        -- line of the record in that file
);

-- `member-of`: actor `member_id` belongs to group `group_id` (a state in an alliance).
CREATE TABLE memberships (
    member_id bigint NOT NULL REFERENCES actors (id) DEFERRABLE, -- the member
    group_id  bigint NOT NULL REFERENCES actors (id) DEFERRABLE, -- the group it belongs to
    PRIMARY KEY (member_id, group_id)
);
CREATE INDEX memberships_group ON memberships (group_id, member_id);

-- `represents`: actor `actor_id` speaks for `represented_id` (a minister for a state).
CREATE TABLE representations (
    actor_id       bigint NOT NULL REFERENCES actors (id) DEFERRABLE, -- the speaker
    represented_id bigint NOT NULL REFERENCES actors (id) DEFERRABLE, -- whom they speak for
    PRIMARY KEY (actor_id, represented_id)
);
CREATE INDEX representations_represented ON representations (represented_id, actor_id);

-- Principles that clauses express and citations invoke, e.g. indivisibility of security.
CREATE TABLE principles (
    id          bigint PRIMARY KEY,
    slug        text NOT NULL UNIQUE, -- the corpus id, e.g. `indivisibility`
    name        text NOT NULL,        -- e.g. `Indivisibility of security`
    description text,                 -- free text
    file_id     bigint NOT NULL REFERENCES files (id) DEFERRABLE,
    line        bigint NOT NULL
);

-- Treaties, charters, declarations, statements, articles, drafts, responses...
CREATE TABLE documents (
    id         bigint PRIMARY KEY,
    slug       text NOT NULL UNIQUE, -- the corpus id, e.g. `istanbul-charter`
    title      text NOT NULL,
    kind       text NOT NULL DEFAULT 'document', -- `statement`, `treaty`, `charter`, ...
    date       text,    -- as written in the corpus: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`
    date_start text,    -- first day the date can mean (`2022` -> `2022-01-01`)
    date_end   text,    -- last day the date can mean (`2022` -> `2022-12-31`)
    place      text,
    language   text,    -- e.g. `en`
    source     text,    -- URL or bibliographic reference of the original
    excerpt    bigint NOT NULL DEFAULT 0 CHECK (excerpt IN (0, 1)), -- 1: only part of the original is stored
    file_id    bigint NOT NULL REFERENCES files (id) DEFERRABLE,
    line       bigint NOT NULL
);
-- Both end in `slug`, the tie-breaker of the default order: `limit` stops early
-- (when the query orders by the database's collation, C: see the check above).
CREATE INDEX documents_date ON documents (date_start, slug);
CREATE INDEX documents_kind ON documents (kind, date_start, slug);

-- The authors of a document, in the order the corpus lists them.
CREATE TABLE document_authors (
    document_id bigint NOT NULL REFERENCES documents (id) DEFERRABLE,
    actor_id    bigint NOT NULL REFERENCES actors (id) DEFERRABLE,
    position    bigint NOT NULL, -- 1-based order in the `authors` list
    PRIMARY KEY (document_id, actor_id)
);
CREATE INDEX document_authors_actor ON document_authors (actor_id, document_id);

-- The numbered parts of a document: paragraphs, articles, sentences.
-- (0002_fulltext.sql adds a last column, `fts`, the text's words for full-text search.)
CREATE TABLE clauses (
    id          bigint PRIMARY KEY,   -- numbered in (document, position) order; a document imported in place later
                                      -- comes after: queries order clauses by id
    document_id bigint NOT NULL REFERENCES documents (id) DEFERRABLE,
    label       text NOT NULL,    -- `8`, `8.5`, `2.4`, `preamble`, `p3`; unique within the document
    parent_id   bigint REFERENCES clauses (id) DEFERRABLE, -- `8` for `8.5` when `8` exists
    position    bigint NOT NULL,  -- 1-based order within the document
    title       text,             -- optional heading
    text        text NOT NULL,    -- the words of the clause
    line        bigint NOT NULL,  -- line in the source file where the clause starts
    -- The clause's principles as queries show them, written with the row
    -- (clause_principles decides every filter): their slugs, sorted, joined
    -- with ', '; NULL when it has none.
    principle_list text,
    -- In a transcript, the speaker's turn the clause belongs to: the label as
    -- written (`Question`, `Sergey Lavrov`), and the actor it names (NULL:
    -- nobody in the corpus). Both NULL outside any turn: the document's
    -- authors speak. Citations found in the clause are made by its speaker.
    speaker     text,
    speaker_id  bigint REFERENCES actors (id) DEFERRABLE,
    CHECK (speaker_id IS NULL OR speaker IS NOT NULL),
    UNIQUE (document_id, label)
);
CREATE INDEX clauses_parent ON clauses (parent_id);
-- The titled clauses alone (a statement's paragraphs have none): the citation
-- finder reads every title to tell treaties numbered by articles, and would
-- otherwise read the whole table, texts and all, to find them.
-- (A B-tree entry holds at most 2704 bytes, after compression: a heading
-- longer than about 3 kB would make its INSERT fail. SQLite has no such limit.)
CREATE INDEX clauses_titled ON clauses (document_id, title) WHERE title IS NOT NULL;

-- Earlier wordings of a clause (an amended article), oldest first: a quotation
-- dated before `until` may quote one of them word for word.
CREATE TABLE clause_wordings (
    clause_id bigint NOT NULL REFERENCES clauses (id) DEFERRABLE,
    position  bigint NOT NULL, -- 1 for the oldest
    text      text NOT NULL,
    until     text NOT NULL,   -- the last day it was in force, `YYYY-MM-DD`
    PRIMARY KEY (clause_id, position)
);
CREATE UNIQUE INDEX clauses_position ON clauses (document_id, position);

-- Which principles a clause expresses (the corpus's `principles` list on a clause).
CREATE TABLE clause_principles (
    clause_id    bigint NOT NULL REFERENCES clauses (id) DEFERRABLE,
    principle_id bigint NOT NULL REFERENCES principles (id) DEFERRABLE,
    PRIMARY KEY (clause_id, principle_id)
);
CREATE INDEX clause_principles_principle ON clause_principles (principle_id, clause_id);

-- Other names of documents, actors and principles. `folded` is the alias in
-- Unicode lower case, computed by concord, so that lookups fold beyond ASCII.
-- (`folded` comes before `alias` as in the SQLite schema, where the columns
-- must follow the primary key for SQLite 3.40's integrity_check; kept so that
-- both schemas have the same column order.)
CREATE TABLE document_aliases (
    document_id bigint NOT NULL REFERENCES documents (id) DEFERRABLE,
    folded      text NOT NULL, -- lower-cased, e.g. `istanbul charter`
    alias       text NOT NULL, -- as written, e.g. `Istanbul Charter`
    PRIMARY KEY (document_id, folded)
);
CREATE INDEX document_aliases_folded ON document_aliases (folded);

CREATE TABLE actor_aliases (
    actor_id bigint NOT NULL REFERENCES actors (id) DEFERRABLE,
    folded   text NOT NULL, -- lower-cased, e.g. `сергей лавров`
    alias    text NOT NULL, -- as written, e.g. `Сергей Лавров`
    PRIMARY KEY (actor_id, folded)
);
CREATE INDEX actor_aliases_folded ON actor_aliases (folded);

CREATE TABLE principle_aliases (
    principle_id bigint NOT NULL REFERENCES principles (id) DEFERRABLE,
    folded       text NOT NULL, -- lower-cased
    alias        text NOT NULL, -- as written, e.g. `indivisible security`
    PRIMARY KEY (principle_id, folded)
);
CREATE INDEX principle_aliases_folded ON principle_aliases (folded);

-- Typed relations between documents: `from_id` reaffirms / responds-to / amends `to_id`.
CREATE TABLE relations (
    id      bigint PRIMARY KEY,  -- given by the writer (SQLite's rowid would pick one when left out)
    from_id bigint NOT NULL REFERENCES documents (id) DEFERRABLE,
    type    text NOT NULL, -- a word such as `reaffirms`, `responds-to`, `supersedes`
    to_id   bigint NOT NULL REFERENCES documents (id) DEFERRABLE,
    note    text,
    file_id bigint NOT NULL REFERENCES files (id) DEFERRABLE,
    line    bigint NOT NULL
);
CREATE INDEX relations_from ON relations (type, from_id, to_id);
CREATE INDEX relations_to ON relations (type, to_id, from_id);

-- Citations: a clause (or a whole document) that cites a clause, a document or
-- a principle. Exactly one of the `to_*_id` columns is set, except for a
-- quotation found in text whose source is not in the store (`quote-unverified`)
-- and a clause reference found in text to a document that is not in the store
-- (`clause-ref` with `to_name`, the name it gives, and `to_label`, the labels
-- it names): an unresolved reference.
CREATE TABLE citations (
    id                 bigint PRIMARY KEY,
    from_document_id   bigint NOT NULL REFERENCES documents (id) DEFERRABLE, -- the citing document
    from_clause_id     bigint REFERENCES clauses (id) DEFERRABLE,   -- the citing clause, when known
    to_document_id     bigint REFERENCES documents (id) DEFERRABLE, -- a cited document
    to_clause_id       bigint REFERENCES clauses (id) DEFERRABLE,   -- a cited clause
    to_principle_id    bigint REFERENCES principles (id) DEFERRABLE,-- a cited principle
    to_label           text,    -- a label cited in `to_document_id` that the store does not hold; for an
                                -- unresolved reference, the labels it names (`2.4`, `72`, `135–200`)
    to_name            text,    -- for an unresolved reference: the name of the document it cites, as
                                -- written (`1413th meeting`, `Charter of the Organization of American States`);
                                -- NULL when it names none
    quote              text,    -- the words quoted, as the citing text gives them
    stance             text NOT NULL DEFAULT 'invokes', -- `invokes`, `disputes`, `reports`, `mentions`, ...
    source_document_id bigint NOT NULL REFERENCES documents (id) DEFERRABLE, -- who reports it (the citing document unless second-hand)
    method             text NOT NULL DEFAULT 'curated', -- how it was found: `curated`, `alias`, `clause-ref`, `quote-exact`,
                                                        -- `quote-normalized`, `quote-near`, `quote-unverified`, `principle`
    confidence         double precision NOT NULL DEFAULT 1.0 CHECK (confidence >= 0.0 AND confidence <= 1.0),
    span_start         bigint,  -- first character of the mention in the citing clause (0-based, in characters)
    span_end           bigint,  -- one past its last character
    diff               text,    -- for quotations: the words added, dropped and changed, as JSON
                                -- (text, as in SQLite, not jsonb: kept as concord wrote it)
    note               text,
    file_id            bigint REFERENCES files (id) DEFERRABLE, -- the file of a curated citation; NULL when found in text
    line               bigint,  -- its line in that file
    -- The citation as queries show it, written with the row (the ids above decide
    -- every filter; these save a query that lists many citations from joining
    -- each one's ends and makers back to their names):
    from_ref           text NOT NULL, -- the citing clause `doc#label`, or the citing document
    to_ref             text,    -- `doc#label`, a document or a principle; NULL when there is no target
    by_list            text,    -- the slugs of the actors in citation_actors, sorted, joined with ', '; NULL for none
    -- SQLite adds the booleans `(x IS NOT NULL) + ...`; num_nonnulls() counts the same.
    CHECK (num_nonnulls(to_document_id, to_clause_id, to_principle_id) = 1
           OR (method IN ('quote-unverified', 'clause-ref') AND to_document_id IS NULL AND to_clause_id IS NULL AND to_principle_id IS NULL)),
    CHECK (to_label IS NULL OR to_document_id IS NOT NULL OR (method = 'clause-ref' AND to_clause_id IS NULL AND to_principle_id IS NULL)),
    CHECK (to_name IS NULL OR (method = 'clause-ref' AND to_document_id IS NULL AND to_clause_id IS NULL AND to_principle_id IS NULL))
);
CREATE INDEX citations_from_clause ON citations (from_clause_id);
CREATE INDEX citations_from_document ON citations (from_document_id);
CREATE INDEX citations_to_clause ON citations (to_clause_id) WHERE to_clause_id IS NOT NULL;
CREATE INDEX citations_to_document ON citations (to_document_id) WHERE to_document_id IS NOT NULL;
CREATE INDEX citations_to_principle ON citations (to_principle_id) WHERE to_principle_id IS NOT NULL;
CREATE INDEX citations_method ON citations (method, confidence);
CREATE INDEX citations_source ON citations (source_document_id);
-- The quotations found in text, read whole by an import that adds documents in
-- place: it looks for the ones the new documents may hold (src/store/incremental.rs).
-- Unlike SQLite's, the index does not hold the quote itself: a B-tree entry
-- holds at most 2704 bytes, and a quotation may be longer (its INSERT would
-- fail); the quotes are read from the table.
CREATE INDEX citations_quotes ON citations (from_document_id)
    WHERE quote IS NOT NULL AND method <> 'curated';

-- The actors who made a citation (the `by` list; default: the citing document's authors).
CREATE TABLE citation_actors (
    citation_id bigint NOT NULL REFERENCES citations (id) DEFERRABLE,
    actor_id    bigint NOT NULL REFERENCES actors (id) DEFERRABLE,
    PRIMARY KEY (citation_id, actor_id)
);
CREATE INDEX citation_actors_actor ON citation_actors (actor_id, citation_id);

-- Derived tables: who cites what, summed from `citations` and `citation_actors`
-- (schema/postgres/derive.sql) when the store is built or imported, and never
-- written otherwise. They answer the questions that would otherwise read every
-- citation of a popular target or of a prolific actor. A store edited by hand
-- must be rebuilt (`concord build`) for them to follow.

-- Actor `actor_id` made `citations` citations of clause `clause_id`
-- (`clauses cited-by ACTOR`).
CREATE TABLE actor_cited_clauses (
    actor_id  bigint NOT NULL REFERENCES actors (id) DEFERRABLE,
    clause_id bigint NOT NULL REFERENCES clauses (id) DEFERRABLE,
    citations bigint NOT NULL CHECK (citations > 0),
    PRIMARY KEY (actor_id, clause_id)
);

-- Actor `actor_id` made `citations` citations of principle `principle_id`:
-- of the principle itself, or of a clause tagged with it (a citation of a
-- clause with two principles counts once under each)
-- (`actors citing principle P`, `principles cited-by ACTOR`).
CREATE TABLE actor_cited_principles (
    actor_id     bigint NOT NULL REFERENCES actors (id) DEFERRABLE,
    principle_id bigint NOT NULL REFERENCES principles (id) DEFERRABLE,
    citations    bigint NOT NULL CHECK (citations > 0),
    PRIMARY KEY (actor_id, principle_id)
);
CREATE INDEX actor_cited_principles_principle ON actor_cited_principles (principle_id, actor_id);

-- How many citations each actor made; `actor_id` NULL counts the citations
-- that name no maker (`citations count by by`). Actors without citations
-- have no row. (UNIQUE lets several NULLs in, in PostgreSQL as in SQLite:
-- derive.sql writes one at most.)
CREATE TABLE actor_citation_counts (
    actor_id  bigint UNIQUE REFERENCES actors (id) DEFERRABLE,
    citations bigint NOT NULL CHECK (citations > 0)
);

-- The schema stamp. SQLite keeps it in the file header: PRAGMA application_id
-- = 0x434E4344 (`CNCD`: a concord store) and PRAGMA user_version = 5 (the
-- schema version, src/store/mod.rs SCHEMA_VERSION), written after the schema
-- files and checked on every open (another application's file is refused, a
-- newer or older version is reported). PostgreSQL has no such header: the
-- same two facts are rows of `meta`, read on connecting:
--   SELECT value FROM meta WHERE key IN ('application', 'schema_version')
-- `application` must be `concord` (otherwise: not a concord store), and
-- `schema_version` the decimal SCHEMA_VERSION, compared as user_version is
-- (higher: a newer concord; lower: rebuild). A concord that changes the schema
-- changes the number here and in mod.rs together. (A SQLite store has no such
-- rows: code that copies `meta` from one engine to the other skips them.)
INSERT INTO meta (key, value) VALUES
    ('application', 'concord'),
    ('schema_version', '5');
