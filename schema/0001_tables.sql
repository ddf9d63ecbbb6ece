-- Concord store, schema version 5: the tables.
--
-- Every table keeps an INTEGER PRIMARY KEY `id` for joins; the corpus's own
-- ids (slugs such as `istanbul-charter`) live in `slug`. The `v_*` views in
-- 0003_views.sql join the integer ids back to slugs and names for people who
-- open the file in the sqlite3 shell, Python or Datasette.
--
-- Only SQL understood by SQLite 3.40 appears here (Debian 12's sqlite3 and
-- Python 3.11's sqlite3 module must read the file).

-- Facts about the store as a whole: `corpus_root` (the folder it was built
-- from, to key files given to `concord import`).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY, -- the name of the fact
    value TEXT NOT NULL     -- its value
) WITHOUT ROWID;

-- The corpus files the store was built from, with their full text, so that
-- `concord import` can rebuild the store from its own sources.
CREATE TABLE files (
    id      INTEGER PRIMARY KEY,  -- position of the file in sorted path order (files imported in place later: after)
    path    TEXT NOT NULL UNIQUE, -- path relative to the corpus folder, `/`-separated
    content TEXT NOT NULL         -- the file as read (valid UTF-8)
);

-- People, states, organisations and groups that author documents and make citations.
CREATE TABLE actors (
    id      INTEGER PRIMARY KEY,
    slug    TEXT NOT NULL UNIQUE,  -- the corpus id, e.g. `lavrov`
    name    TEXT NOT NULL,         -- display name, e.g. `Sergey Lavrov`
    kind    TEXT NOT NULL DEFAULT 'other'
            CHECK (kind IN ('person', 'state', 'organization', 'group', 'other')),
    role    TEXT,                  -- free text, e.g. `Minister of Foreign Affairs`
    file_id INTEGER NOT NULL REFERENCES files (id), -- where the record is written
    line    INTEGER NOT NULL       -- line of the record in that file
);

-- `member-of`: actor `member_id` belongs to group `group_id` (a state in an alliance).
CREATE TABLE memberships (
    member_id INTEGER NOT NULL REFERENCES actors (id), -- the member
    group_id  INTEGER NOT NULL REFERENCES actors (id), -- the group it belongs to
    PRIMARY KEY (member_id, group_id)
) WITHOUT ROWID;
CREATE INDEX memberships_group ON memberships (group_id, member_id);

-- `represents`: actor `actor_id` speaks for `represented_id` (a minister for a state).
CREATE TABLE representations (
    actor_id       INTEGER NOT NULL REFERENCES actors (id), -- the speaker
    represented_id INTEGER NOT NULL REFERENCES actors (id), -- whom they speak for
    PRIMARY KEY (actor_id, represented_id)
) WITHOUT ROWID;
CREATE INDEX representations_represented ON representations (represented_id, actor_id);

-- Principles that clauses express and citations invoke, e.g. indivisibility of security.
CREATE TABLE principles (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE, -- the corpus id, e.g. `indivisibility`
    name        TEXT NOT NULL,        -- e.g. `Indivisibility of security`
    description TEXT,                 -- free text
    file_id     INTEGER NOT NULL REFERENCES files (id),
    line        INTEGER NOT NULL
);

-- Treaties, charters, declarations, statements, articles, drafts, responses...
CREATE TABLE documents (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE, -- the corpus id, e.g. `istanbul-charter`
    title      TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'document', -- `statement`, `treaty`, `charter`, ...
    date       TEXT,    -- as written in the corpus: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`
    date_start TEXT,    -- first day the date can mean (`2022` -> `2022-01-01`)
    date_end   TEXT,    -- last day the date can mean (`2022` -> `2022-12-31`)
    place      TEXT,
    language   TEXT,    -- e.g. `en`
    source     TEXT,    -- URL or bibliographic reference of the original
    excerpt    INTEGER NOT NULL DEFAULT 0 CHECK (excerpt IN (0, 1)), -- 1: only part of the original is stored
    file_id    INTEGER NOT NULL REFERENCES files (id),
    line       INTEGER NOT NULL
);
-- Both end in `slug`, the tie-breaker of the default order: `limit` stops early.
CREATE INDEX documents_date ON documents (date_start, slug);
CREATE INDEX documents_kind ON documents (kind, date_start, slug);

-- The authors of a document, in the order the corpus lists them.
CREATE TABLE document_authors (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    actor_id    INTEGER NOT NULL REFERENCES actors (id),
    position    INTEGER NOT NULL, -- 1-based order in the `authors` list
    PRIMARY KEY (document_id, actor_id)
) WITHOUT ROWID;
CREATE INDEX document_authors_actor ON document_authors (actor_id, document_id);

-- The numbered parts of a document: paragraphs, articles, sentences.
CREATE TABLE clauses (
    id          INTEGER PRIMARY KEY,  -- numbered in (document, position) order; a document imported in place later
                                      -- comes after: queries order clauses by id
    document_id INTEGER NOT NULL REFERENCES documents (id),
    label       TEXT NOT NULL,    -- `8`, `8.5`, `2.4`, `preamble`, `p3`; unique within the document
    parent_id   INTEGER REFERENCES clauses (id), -- `8` for `8.5` when `8` exists
    position    INTEGER NOT NULL, -- 1-based order within the document
    title       TEXT,             -- optional heading
    text        TEXT NOT NULL,    -- the words of the clause
    line        INTEGER NOT NULL, -- line in the source file where the clause starts
    -- The clause's principles as queries show them, written with the row
    -- (clause_principles decides every filter): their slugs, sorted, joined
    -- with ', '; NULL when it has none.
    principle_list TEXT,
    -- In a transcript, the speaker's turn the clause belongs to: the label as
    -- written (`Question`, `Sergey Lavrov`), and the actor it names (NULL:
    -- nobody in the corpus). Both NULL outside any turn: the document's
    -- authors speak. Citations found in the clause are made by its speaker.
    speaker     TEXT,
    speaker_id  INTEGER REFERENCES actors (id),
    CHECK (speaker_id IS NULL OR speaker IS NOT NULL),
    UNIQUE (document_id, label)
);
CREATE INDEX clauses_parent ON clauses (parent_id);
-- The titled clauses alone (a statement's paragraphs have none): the citation
-- finder reads every title to tell treaties numbered by articles, and would
-- otherwise read the whole table, texts and all, to find them.
CREATE INDEX clauses_titled ON clauses (document_id, title) WHERE title IS NOT NULL;

-- Earlier wordings of a clause (an amended article), oldest first: a quotation
-- dated before `until` may quote one of them word for word.
CREATE TABLE clause_wordings (
    clause_id INTEGER NOT NULL REFERENCES clauses (id),
    position  INTEGER NOT NULL, -- 1 for the oldest
    text      TEXT NOT NULL,
    until     TEXT NOT NULL,    -- the last day it was in force, `YYYY-MM-DD`
    PRIMARY KEY (clause_id, position)
) WITHOUT ROWID;
CREATE UNIQUE INDEX clauses_position ON clauses (document_id, position);

-- Which principles a clause expresses (the corpus's `principles` list on a clause).
CREATE TABLE clause_principles (
    clause_id    INTEGER NOT NULL REFERENCES clauses (id),
    principle_id INTEGER NOT NULL REFERENCES principles (id),
    PRIMARY KEY (clause_id, principle_id)
) WITHOUT ROWID;
CREATE INDEX clause_principles_principle ON clause_principles (principle_id, clause_id);

-- Other names of documents, actors and principles. `folded` is the alias in
-- Unicode lower case, computed by concord, so that lookups fold beyond ASCII.
-- (`folded` comes before `alias` so that the columns follow the primary key:
-- SQLite 3.40's integrity_check misreports WITHOUT ROWID tables otherwise.)
CREATE TABLE document_aliases (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    folded      TEXT NOT NULL, -- lower-cased, e.g. `istanbul charter`
    alias       TEXT NOT NULL, -- as written, e.g. `Istanbul Charter`
    PRIMARY KEY (document_id, folded)
) WITHOUT ROWID;
CREATE INDEX document_aliases_folded ON document_aliases (folded);

CREATE TABLE actor_aliases (
    actor_id INTEGER NOT NULL REFERENCES actors (id),
    folded   TEXT NOT NULL, -- lower-cased, e.g. `сергей лавров`
    alias    TEXT NOT NULL, -- as written, e.g. `Сергей Лавров`
    PRIMARY KEY (actor_id, folded)
) WITHOUT ROWID;
CREATE INDEX actor_aliases_folded ON actor_aliases (folded);

CREATE TABLE principle_aliases (
    principle_id INTEGER NOT NULL REFERENCES principles (id),
    folded       TEXT NOT NULL, -- lower-cased
    alias        TEXT NOT NULL, -- as written, e.g. `indivisible security`
    PRIMARY KEY (principle_id, folded)
) WITHOUT ROWID;
CREATE INDEX principle_aliases_folded ON principle_aliases (folded);

-- Typed relations between documents: `from_id` reaffirms / responds-to / amends `to_id`.
CREATE TABLE relations (
    id      INTEGER PRIMARY KEY,
    from_id INTEGER NOT NULL REFERENCES documents (id),
    type    TEXT NOT NULL, -- a word such as `reaffirms`, `responds-to`, `supersedes`
    to_id   INTEGER NOT NULL REFERENCES documents (id),
    note    TEXT,
    file_id INTEGER NOT NULL REFERENCES files (id),
    line    INTEGER NOT NULL
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
    id                 INTEGER PRIMARY KEY,
    from_document_id   INTEGER NOT NULL REFERENCES documents (id), -- the citing document
    from_clause_id     INTEGER REFERENCES clauses (id),   -- the citing clause, when known
    to_document_id     INTEGER REFERENCES documents (id), -- a cited document
    to_clause_id       INTEGER REFERENCES clauses (id),   -- a cited clause
    to_principle_id    INTEGER REFERENCES principles (id),-- a cited principle
    to_label           TEXT,    -- a label cited in `to_document_id` that the store does not hold; for an
                                -- unresolved reference, the labels it names (`2.4`, `72`, `135–200`)
    to_name            TEXT,    -- for an unresolved reference: the name of the document it cites, as
                                -- written (`1413th meeting`, `Charter of the Organization of American States`);
                                -- NULL when it names none
    quote              TEXT,    -- the words quoted, as the citing text gives them
    stance             TEXT NOT NULL DEFAULT 'invokes', -- `invokes`, `disputes`, `reports`, `mentions`, ...
    source_document_id INTEGER NOT NULL REFERENCES documents (id), -- who reports it (the citing document unless second-hand)
    method             TEXT NOT NULL DEFAULT 'curated', -- how it was found: `curated`, `alias`, `clause-ref`, `quote-exact`,
                                                        -- `quote-normalized`, `quote-near`, `quote-unverified`, `principle`
    confidence         REAL NOT NULL DEFAULT 1.0 CHECK (confidence >= 0.0 AND confidence <= 1.0),
    span_start         INTEGER, -- first character of the mention in the citing clause (0-based, in characters)
    span_end           INTEGER, -- one past its last character
    diff               TEXT,    -- for quotations: the words added, dropped and changed, as JSON
    note               TEXT,
    file_id            INTEGER REFERENCES files (id), -- the file of a curated citation; NULL when found in text
    line               INTEGER, -- its line in that file
    -- The citation as queries show it, written with the row (the ids above decide
    -- every filter; these save a query that lists many citations from joining
    -- each one's ends and makers back to their names):
    from_ref           TEXT NOT NULL, -- the citing clause `doc#label`, or the citing document
    to_ref             TEXT,    -- `doc#label`, a document or a principle; NULL when there is no target
    by_list            TEXT,    -- the slugs of the actors in citation_actors, sorted, joined with ', '; NULL for none
    CHECK ((to_document_id IS NOT NULL) + (to_clause_id IS NOT NULL) + (to_principle_id IS NOT NULL) = 1
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
CREATE INDEX citations_quotes ON citations (from_document_id, quote)
    WHERE quote IS NOT NULL AND method <> 'curated';

-- The actors who made a citation (the `by` list; default: the citing document's authors).
CREATE TABLE citation_actors (
    citation_id INTEGER NOT NULL REFERENCES citations (id),
    actor_id    INTEGER NOT NULL REFERENCES actors (id),
    PRIMARY KEY (citation_id, actor_id)
) WITHOUT ROWID;
CREATE INDEX citation_actors_actor ON citation_actors (actor_id, citation_id);

-- Derived tables: who cites what, summed from `citations` and `citation_actors`
-- (schema/derive.sql) when the store is built or imported, and never written
-- otherwise. They answer the questions that would otherwise read every
-- citation of a popular target or of a prolific actor. A store edited by hand
-- must be rebuilt (`concord build`) for them to follow.

-- Actor `actor_id` made `citations` citations of clause `clause_id`
-- (`clauses cited-by ACTOR`).
CREATE TABLE actor_cited_clauses (
    actor_id  INTEGER NOT NULL REFERENCES actors (id),
    clause_id INTEGER NOT NULL REFERENCES clauses (id),
    citations INTEGER NOT NULL CHECK (citations > 0),
    PRIMARY KEY (actor_id, clause_id)
) WITHOUT ROWID;

-- Actor `actor_id` made `citations` citations of principle `principle_id`:
-- of the principle itself, or of a clause tagged with it (a citation of a
-- clause with two principles counts once under each)
-- (`actors citing principle P`, `principles cited-by ACTOR`).
CREATE TABLE actor_cited_principles (
    actor_id     INTEGER NOT NULL REFERENCES actors (id),
    principle_id INTEGER NOT NULL REFERENCES principles (id),
    citations    INTEGER NOT NULL CHECK (citations > 0),
    PRIMARY KEY (actor_id, principle_id)
) WITHOUT ROWID;
CREATE INDEX actor_cited_principles_principle ON actor_cited_principles (principle_id, actor_id);

-- How many citations each actor made; `actor_id` NULL counts the citations
-- that name no maker (`citations count by by`). Actors without citations
-- have no row.
CREATE TABLE actor_citation_counts (
    actor_id  INTEGER UNIQUE REFERENCES actors (id),
    citations INTEGER NOT NULL CHECK (citations > 0)
);
