-- Working documents that keep themselves (issue 4): dates, the next
-- follow-up, Brå's type tags, the expected effect, links to priorities, and
-- a search index. Equivalent to ../postgres/0003_workdoc.sql, except the
-- full-text machinery, which each engine does its own way (FTS5 here,
-- a tsvector with the Swedish configuration there).

ALTER TABLE measures ADD COLUMN start_date TEXT;
ALTER TABLE measures ADD COLUMN due_date TEXT;
-- The next follow-up: a date, and/or at the next meeting of a body (meetings.body).
ALTER TABLE measures ADD COLUMN next_follow_up TEXT;
ALTER TABLE measures ADD COLUMN follow_up_body TEXT NOT NULL DEFAULT '';
-- Brå's measure types: utformning, aktivering, underhall, social, situationell (JSON list).
ALTER TABLE measures ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE measures ADD COLUMN expected_effect TEXT NOT NULL DEFAULT '';
-- When the row was created (for "new since"); existing rows count from the migration.
ALTER TABLE measures ADD COLUMN created_at TEXT NOT NULL DEFAULT '2000-01-01 00:00:00';

CREATE TABLE measure_priorities (
    measure_id INTEGER NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    priority_id INTEGER NOT NULL REFERENCES priorities(id),
    PRIMARY KEY (measure_id, priority_id)
);

-- One row per searchable record, written in the same transaction as the record.
CREATE TABLE search_index (
    record_type TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    collaboration_id INTEGER,
    body TEXT NOT NULL,
    PRIMARY KEY (record_type, record_id)
);

-- Full text over search_index (diacritics kept: å, ä and ö are letters of their own).
CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_index', tokenize='unicode61 remove_diacritics 0');
CREATE TRIGGER search_index_ai AFTER INSERT ON search_index BEGIN
    INSERT INTO search_fts(rowid, body) VALUES (new.rowid, new.body);
END;
CREATE TRIGGER search_index_ad AFTER DELETE ON search_index BEGIN
    INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
END;
CREATE TRIGGER search_index_au AFTER UPDATE ON search_index BEGIN
    INSERT INTO search_fts(search_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
    INSERT INTO search_fts(rowid, body) VALUES (new.rowid, new.body);
END;
