-- Secrecy (issue 7): the provisions of law a restricted record cites, the
-- classification each record type starts with, and which people in the
-- register are not staff (their names must not appear in shared text).
-- Equivalent to ../postgres/0008_secrecy.sql.

CREATE TABLE legal_references (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1
);

-- The provision a restricted record cites; beside record_orgs.
CREATE TABLE record_legal_references (
    record_type TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    legal_reference_id INTEGER NOT NULL REFERENCES legal_references(id),
    PRIMARY KEY (record_type, record_id)
);

CREATE TABLE classification_defaults (
    record_type TEXT PRIMARY KEY,
    classification TEXT NOT NULL CHECK (classification IN ('public', 'internal', 'restricted')),
    legal_reference_id INTEGER REFERENCES legal_references(id)
);

ALTER TABLE people ADD COLUMN staff INTEGER NOT NULL DEFAULT 1;
