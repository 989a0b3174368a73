-- The situation picture: the category checklist, incidents and indicator
-- series. Equivalent to ../postgres/0002_situation.sql.

CREATE TABLE incident_categories (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    position INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);

-- occurred_at is the local wall-clock time as reported, with its UTC offset
-- beside it: counts per ISO week use the date as written (the benchmark
-- specification's rule), and the instant is occurred_at - offset.
-- The EST checklist (Effektiv samordning för trygghet); administrators may change it.
INSERT INTO incident_categories (code, label, position) VALUES
    ('skadegorelse', 'Skadegörelse', 1),
    ('klotter', 'Klotter', 2),
    ('nedskrapning', 'Nedskräpning', 3),
    ('brand', 'Brand', 4),
    ('ungdomar_stor', 'Ungdomar som samlas / stör ordningen', 5),
    ('narkotika', 'Narkotika (försäljning, bruk)', 6),
    ('hot_vald', 'Hot och våld', 7),
    ('berusade', 'Berusade eller påverkade personer', 8),
    ('otrygg_miljo', 'Otrygg fysisk miljö / belysning', 9),
    ('trafik', 'Trafik / buskörning', 10),
    ('skottlossning', 'Skottlossning / explosion', 11),
    ('inbrott', 'Inbrott', 12),
    ('stold', 'Stöld', 13),
    ('olovlig_bosattning', 'Olovlig bosättning', 14),
    ('sociala_medier', 'Sociala medier / konflikter', 15),
    ('ovrigt', 'Övrigt', 16);

CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    occurred_at TEXT NOT NULL,
    utc_offset_minutes INTEGER NOT NULL,
    occurred_until TEXT,
    time_precision TEXT NOT NULL CHECK (time_precision IN ('instant', 'date', 'band')),
    reported_at TEXT NOT NULL,
    organisation_id INTEGER REFERENCES organisations(id),
    reported_by INTEGER REFERENCES users(id),
    category TEXT NOT NULL REFERENCES incident_categories(code),
    lon REAL,
    lat REAL,
    area_id INTEGER REFERENCES areas(id),
    position_precision TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    source_kind TEXT NOT NULL,
    reliability TEXT NOT NULL CHECK (reliability IN ('reported', 'observed', 'verified')),
    classification TEXT NOT NULL CHECK (classification IN ('public', 'internal', 'restricted')),
    source TEXT NOT NULL,
    external_id TEXT,
    synthetic INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (source, external_id)
);
CREATE INDEX incidents_time ON incidents(occurred_at);
CREATE INDEX incidents_area_time ON incidents(area_id, occurred_at);

CREATE TABLE indicator_series (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    licence TEXT NOT NULL DEFAULT '',
    retrieved_on TEXT
);

CREATE TABLE indicator_observations (
    series_id INTEGER NOT NULL REFERENCES indicator_series(id) ON DELETE CASCADE,
    area_name TEXT NOT NULL,
    area_id INTEGER REFERENCES areas(id),
    dimension TEXT NOT NULL DEFAULT '',
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    value REAL NOT NULL,
    preliminary INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (series_id, area_name, dimension, period_start)
);
