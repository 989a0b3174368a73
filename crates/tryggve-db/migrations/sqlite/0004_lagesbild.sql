-- The lägesbild people look at (issue 5): the convener's narrative per area
-- and period, the organisations expected to report and how often, and
-- frozen snapshots of a presented lägesbild. Equivalent to
-- ../postgres/0004_lagesbild.sql.

CREATE TABLE situation_narratives (
    id INTEGER PRIMARY KEY,
    area_id INTEGER NOT NULL REFERENCES areas(id),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    body TEXT NOT NULL,
    classification TEXT NOT NULL CHECK (classification IN ('public', 'internal', 'restricted')),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (area_id, period_from, period_to)
);

-- EST: named reporting organisations report every cadence_days.
CREATE TABLE reporting_organisations (
    organisation_id INTEGER PRIMARY KEY REFERENCES organisations(id),
    cadence_days INTEGER NOT NULL CHECK (cadence_days > 0)
);

-- A lägesbild as it was presented: never changed, only superseded by a new version.
CREATE TABLE situation_snapshots (
    id INTEGER PRIMARY KEY,
    area_id INTEGER NOT NULL REFERENCES areas(id),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    version INTEGER NOT NULL,
    meeting_id INTEGER REFERENCES meetings(id),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    content TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    UNIQUE (area_id, period_from, period_to, version)
);

CREATE TRIGGER situation_snapshots_frozen BEFORE UPDATE ON situation_snapshots
BEGIN
    SELECT RAISE(ABORT, 'a frozen lägesbild cannot be changed');
END;
