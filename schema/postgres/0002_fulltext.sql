-- Concord store on PostgreSQL, schema version 5: full-text search over clause
-- text, and the trigram indexes behind `~` (contains).
--
-- pg_trgm is the only extension the schema uses (a trusted extension since
-- PostgreSQL 13: the database's owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Full-text search: SQLite's external-content FTS5 table `clauses_fts` and its
-- three triggers become a tsvector kept with each clause, `clauses.fts`, and a
-- GIN index on it. The words still live once, in `clauses.text`; PostgreSQL
-- computes `fts` from it on every insert and update, as the triggers kept the
-- FTS5 index in step. Query it with
--   SELECT ... FROM clauses WHERE fts @@ phraseto_tsquery('simple', 'indivisible security')
-- on the column `fts` (the GIN index is on the column: a query that writes
-- to_tsvector('simple', text) @@ ... reads every clause and tokenises it).
--
-- Why a STORED generated column rather than a table `clauses_fts (id, fts)`
-- with triggers: nothing reads `clauses` with `SELECT *`. The views of
-- 0003_views.sql and concord's queries name the columns they read, and concord
-- inserts clauses with a column list, so the extra column, the last one,
-- changes none of their results; the generated column cannot fall out of step
-- with the text (no trigger to forget), needs no join from the index to the
-- clause, and follows a clause whose id is renumbered (a separate table keyed
-- by the clause id would need ON UPDATE CASCADE). What it costs: `SELECT *
-- FROM clauses` shows a 12th column, and `INSERT INTO clauses SELECT * FROM
-- ...` must name the columns (a generated column takes no value).
--
-- The `simple` configuration: no stemming and no stop words, every word
-- lower-cased (by the database's LC_CTYPE, as lower() does: 0001_tables.sql
-- checks it is a UTF-8 one), like the SQLite tokenizer `unicode61
-- remove_diacritics 2`. Where the two tokenizers differ (PostgreSQL's parser
-- is not configurable, and `unaccent` is not used):
--   - Diacritics are kept: `café` is the word `café`, and `cafe` does not find
--     it (FTS5 indexes `cafe` and finds it either way). A letter written with a
--     combining accent (`e` + U+0301) stays one word `é...` too.
--   - Words: FTS5's are the runs of letters, digits and private-use characters
--     (Unicode classes L*, N*, Co); everything else separates, so each part of
--     `responds-to`, `8.5`, `U.S.`, `osce.org`, `2022-01-01`, `/usr/lib` is a
--     word of its own. PostgreSQL's parser also separates at spaces and
--     punctuation, apostrophes (' and ’) and underscores included (`Russia's`
--     -> `russia`, `s`: the same), but first recognises bigger tokens and
--     indexes them whole:
--       * a hyphenated word is indexed whole and then part by part, the whole
--         taking a position of its own: `Russia's responds-to` holds `russia`:1
--         `s`:2 `responds-to`:3 `responds`:4 `to`:5, so the phrase `responds to`
--         matches, but the phrase `s responds` does not (FTS5: it does); a
--         phrase that runs into a hyphenated word from before matches only when
--         the query has the hyphen too;
--       * numbers with a point or a sign: `8.5` is one word (FTS5: `8`, `5`),
--         `-5` is `-5`, and `2022-01-01` is `2022`, `-01`, `-01` (FTS5: `2022`,
--         `01`, `01`): `01` alone is not found;
--       * host names, e-mail addresses, URLs, file paths, versions: `osce.org`,
--         `U.S.` (-> `u.s`), `x@y.com`, `/usr/lib`, `v1.2.3` are single words;
--         a URL `http://x.org/p` gives `x.org/p`, `x.org` and `/p`, and
--         `http` is not indexed;
--       * XML/HTML tags (`<b>`) and entities (`&amp;`) are recognised and left
--         out (FTS5 indexes `b`, `amp`).
--   - Limits FTS5 does not have: a word longer than 2047 bytes is left out
--     (with a NOTICE); positions stop at 16383 (every later word of a clause
--     is put at 16383, so phrases past that point are not found reliably) and
--     a word keeps at most 256 of its positions; a clause whose tsvector
--     would exceed 1 MB cannot be inserted ("string is too long for
--     tsvector": about a megabyte of prose in one clause, less for text of
--     many distinct words).
--   - The query language is tsquery, not FTS5's MATCH syntax: `"a b"` ->
--     phraseto_tsquery or `a <-> b`, a prefix `"a"*` -> `a:*`, AND/OR/NOT ->
--     & | !, no NEAR (`<N>` is an exact distance); websearch_to_tsquery reads
--     text typed by people. Ranking: ts_rank/ts_rank_cd, not bm25 (other
--     numbers, another order among equally good matches).
ALTER TABLE clauses
    ADD COLUMN fts tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED; -- the clause text, tokenised
CREATE INDEX clauses_fts ON clauses USING gin (fts);

-- `~` (contains, case-folded): SQLite calls concord's own function
-- concord_contains(hay, needle) (src/store/mod.rs), which no index serves. On
-- PostgreSQL the same test is
--   lower(col) LIKE '%' || needle || '%'
-- with the needle folded and its `\`, `%` and `_` escaped with `\`, which these
-- trigram indexes serve (a needle of fewer than 3 characters, or a query that
-- writes strpos(lower(col), needle) > 0, reads the whole table instead: the
-- same answer, slower). The expression must be written exactly so,
-- lower(col) with the column's own (default) collation, for an index to apply.
-- (lower() folds case as glibc's LC_CTYPE does, Rust's to_lowercase as Unicode
-- does: they differ on a few letters, e.g. `İ` -> `i` here, `i̇` in Rust, and a
-- final `Σ`, `σ` here and `ς` in Rust; fold the needle with lower() too, on
-- the server, for the two sides to agree.)
--
-- `~` applies to every field of the query language (src/resolve/fields.rs,
-- src/sql/generate.rs `simple`): indexed here are the free-text columns of the
-- large tables, where a full scan is long: clause texts and headings, document
-- titles, and the quotes, notes and cited names of citations. Slugs, kinds,
-- dates, the stored lists (`principle_list`, `by_list`, `from_ref`, `to_ref`)
-- and the small tables (actors, principles, aliases) are read in full, as in
-- SQLite. Each index costs about the size of its text again, and time when the
-- store is written: a bulk build may create them after loading the rows.
CREATE INDEX clauses_text_trgm ON clauses USING gin (lower(text) gin_trgm_ops);
CREATE INDEX clauses_title_trgm ON clauses USING gin (lower(title) gin_trgm_ops);
CREATE INDEX documents_title_trgm ON documents USING gin (lower(title) gin_trgm_ops);
CREATE INDEX citations_quote_trgm ON citations USING gin (lower(quote) gin_trgm_ops);
CREATE INDEX citations_note_trgm ON citations USING gin (lower(note) gin_trgm_ops);
CREATE INDEX citations_to_name_trgm ON citations USING gin (lower(to_name) gin_trgm_ops);
