-- Accessibility (issue 9): problems with the site that anyone may report
-- from the accessibility statement. A report is about the site, not a
-- council record: it is stored as written and shown only to administrators.
-- Equivalent to ../postgres/0009_accessibility.sql.

CREATE TABLE accessibility_reports (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    page TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT ''
);

CREATE INDEX accessibility_reports_created ON accessibility_reports (created_at);
