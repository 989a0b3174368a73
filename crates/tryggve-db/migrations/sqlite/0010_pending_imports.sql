-- Importing earlier minutes from the web app (issue 8): an uploaded
-- document's proposal waits here while the convener reviews it. Nothing of
-- it is a record until the decisions are posted; then the accepted records
-- are written and `done_at` is set in the same transaction, so a second post
-- writes nothing.
-- Equivalent to ../postgres/0010_pending_imports.sql.

CREATE TABLE pending_imports (
    id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    uploaded_by INTEGER REFERENCES users(id),
    uploaded_at TEXT NOT NULL,
    -- The proposal as JSON: records to create, existing records, merge
    -- suggestions, unresolved names and unrecognised structure.
    proposal TEXT NOT NULL,
    done_at TEXT,
    done_by INTEGER REFERENCES users(id),
    -- What was written and what was left out (JSON), for the receipt.
    result TEXT
);

CREATE INDEX pending_imports_uploaded_by ON pending_imports (uploaded_by, done_at);
