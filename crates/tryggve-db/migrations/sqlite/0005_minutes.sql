-- Meetings and their minutes (issue 6): agenda items with their kind,
-- decisions and links, the people invited, and approved minutes — frozen,
-- versioned, with a content hash. Equivalent to ../postgres/0005_minutes.sql.

ALTER TABLE meeting_items ADD COLUMN kind TEXT NOT NULL DEFAULT 'free';
ALTER TABLE meeting_items ADD COLUMN decision TEXT NOT NULL DEFAULT '';
-- The collaborations an item is about (JSON list of ids): one record shown under each.
ALTER TABLE meeting_items ADD COLUMN collaborations TEXT NOT NULL DEFAULT '[]';
-- The measure a decision created (the action point links to it).
ALTER TABLE meeting_items ADD COLUMN measure_id INTEGER REFERENCES measures(id);

CREATE TABLE meeting_invitees (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (meeting_id, person_id)
);

-- Approved (justerade) minutes: public records, never changed; a correction is a new version.
CREATE TABLE minutes (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    version INTEGER NOT NULL,
    approved_at TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    internal_content TEXT NOT NULL,
    public_content TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    public_hash TEXT NOT NULL,
    published INTEGER NOT NULL DEFAULT 0,
    UNIQUE (meeting_id, version)
);

CREATE TRIGGER minutes_frozen BEFORE UPDATE OF meeting_id, version, approved_at, approved_by, internal_content, public_content, content_hash, public_hash ON minutes
BEGIN
    SELECT RAISE(ABORT, 'approved minutes cannot be changed');
END;
