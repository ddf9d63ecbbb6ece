-- Concord store, schema version 5: full-text search over clause text.
--
-- An external-content FTS5 index: the words live once, in `clauses.text`;
-- `clauses_fts` holds only the index, and the triggers keep it in step with
-- every insert, update and delete of a clause. Query it with
--   SELECT ... FROM clauses_fts WHERE clauses_fts MATCH 'indivisible security'
-- and join `clauses_fts.rowid` to `clauses.id`.
CREATE VIRTUAL TABLE clauses_fts USING fts5 (
    text,                                  -- the clause text, tokenised
    content="clauses",                     -- written so, without spaces, for Datasette to find the index
    content_rowid="id",
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER clauses_fts_insert AFTER INSERT ON clauses BEGIN
    INSERT INTO clauses_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER clauses_fts_delete AFTER DELETE ON clauses BEGIN
    INSERT INTO clauses_fts (clauses_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER clauses_fts_update AFTER UPDATE OF text ON clauses BEGIN
    INSERT INTO clauses_fts (clauses_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO clauses_fts (rowid, text) VALUES (new.id, new.text);
END;
