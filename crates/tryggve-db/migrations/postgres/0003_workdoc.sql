-- Working documents that keep themselves (issue 4): dates, the next
-- follow-up, Brå's type tags, the expected effect, links to priorities, and
-- a search index. Equivalent to ../sqlite/0003_workdoc.sql, except the
-- full-text machinery, which each engine does its own way (a tsvector with
-- the Swedish configuration here, FTS5 there).

ALTER TABLE measures ADD COLUMN start_date DATE;
ALTER TABLE measures ADD COLUMN due_date DATE;
ALTER TABLE measures ADD COLUMN next_follow_up DATE;
ALTER TABLE measures ADD COLUMN follow_up_body TEXT NOT NULL DEFAULT '';
ALTER TABLE measures ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE measures ADD COLUMN expected_effect TEXT NOT NULL DEFAULT '';
ALTER TABLE measures ADD COLUMN created_at TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00';

CREATE TABLE measure_priorities (
    measure_id BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    priority_id BIGINT NOT NULL REFERENCES priorities(id),
    PRIMARY KEY (measure_id, priority_id)
);

CREATE TABLE search_index (
    record_type TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    collaboration_id BIGINT,
    body TEXT NOT NULL,
    PRIMARY KEY (record_type, record_id)
);

-- Swedish stemming and stop words; the column is PostgreSQL's own (the schema test knows).
ALTER TABLE search_index ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('swedish', body)) STORED;
CREATE INDEX search_index_tsv ON search_index USING GIN (tsv);
