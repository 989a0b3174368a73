-- The foundation: register, councils, working documents, priorities,
-- meetings, accounts and the audit log. Equivalent to
-- ../postgres/0001_foundation.sql (a test compares the two schemas).
--
-- Every editable record has `version` (optimistic locking: an update names
-- the version it was based on) and, where it can be classified,
-- `classification` with the organisations of a restricted record in
-- record_orgs, so that reads can be filtered in SQL.

CREATE TABLE areas (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES areas(id),
    kind TEXT NOT NULL CHECK (kind IN ('municipality', 'district_area', 'district', 'place')),
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    population INTEGER,
    geometry TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX areas_parent ON areas(parent_id);

CREATE TABLE councils (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    area_id INTEGER REFERENCES areas(id),
    description TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    organisation_id INTEGER REFERENCES organisations(id),
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    aliases TEXT NOT NULL DEFAULT '[]',
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    person_id INTEGER REFERENCES people(id),
    organisation_id INTEGER REFERENCES organisations(id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'convener', 'member', 'reporter', 'reader')),
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE user_councils (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    council_id INTEGER NOT NULL REFERENCES councils(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, council_id)
);

-- Organisations a restricted record is shared with.
CREATE TABLE record_orgs (
    record_type TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (record_type, record_id, organisation_id)
);

CREATE TABLE collaborations (
    id INTEGER PRIMARY KEY,
    council_id INTEGER NOT NULL REFERENCES councils(id),
    name TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    narrative TEXT NOT NULL DEFAULT '',
    classification TEXT NOT NULL CHECK (classification IN ('public', 'internal', 'restricted')),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX collaborations_council ON collaborations(council_id);

CREATE TABLE collaboration_places (
    collaboration_id INTEGER NOT NULL REFERENCES collaborations(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    area_id INTEGER NOT NULL REFERENCES areas(id),
    PRIMARY KEY (collaboration_id, position)
);

CREATE TABLE measures (
    id INTEGER PRIMARY KEY,
    collaboration_id INTEGER NOT NULL REFERENCES collaborations(id),
    kind TEXT NOT NULL CHECK (kind IN ('problem', 'development')),
    position INTEGER NOT NULL,
    problem TEXT NOT NULL DEFAULT '',
    place_id INTEGER REFERENCES areas(id),
    action TEXT NOT NULL DEFAULT '',
    participants_text TEXT NOT NULL DEFAULT '',
    responsible_text TEXT NOT NULL DEFAULT '',
    responsible_org_id INTEGER REFERENCES organisations(id),
    responsible_person_id INTEGER REFERENCES people(id),
    status TEXT NOT NULL,
    status_text TEXT NOT NULL DEFAULT '',
    classification TEXT NOT NULL CHECK (classification IN ('public', 'internal', 'restricted')),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX measures_collaboration ON measures(collaboration_id, kind, position);

CREATE TABLE measure_participants (
    measure_id INTEGER NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (measure_id, position)
);

CREATE TABLE follow_ups (
    id INTEGER PRIMARY KEY,
    measure_id INTEGER NOT NULL REFERENCES measures(id),
    date TEXT NOT NULL,
    author TEXT NOT NULL,
    author_user_id INTEGER REFERENCES users(id),
    text TEXT NOT NULL,
    new_status TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX follow_ups_measure ON follow_ups(measure_id, date);

CREATE TABLE priorities (
    id INTEGER PRIMARY KEY,
    council_id INTEGER NOT NULL REFERENCES councils(id),
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    plan_title TEXT NOT NULL DEFAULT '',
    starting_points TEXT NOT NULL DEFAULT '[]',
    methods TEXT NOT NULL DEFAULT '[]',
    classification TEXT NOT NULL CHECK (classification IN ('public', 'internal', 'restricted')),
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    council_id INTEGER NOT NULL REFERENCES councils(id),
    body TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT,
    location TEXT NOT NULL DEFAULT '',
    online INTEGER NOT NULL DEFAULT 0,
    opening TEXT NOT NULL DEFAULT '',
    contact_person_id INTEGER REFERENCES people(id),
    classification TEXT NOT NULL CHECK (classification IN ('public', 'internal', 'restricted')),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX meetings_council ON meetings(council_id, starts_at);

CREATE TABLE meeting_attendees (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    title TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, position)
);

CREATE TABLE meeting_items (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    heading TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    classification TEXT NOT NULL CHECK (classification IN ('public', 'internal', 'restricted')),
    PRIMARY KEY (meeting_id, position)
);

-- Browser sessions; the id is stored only as a SHA-256 hash.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- API bearer tokens; stored only as a SHA-256 hash.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

-- Append-only: written in the same transaction as the change it describes.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id INTEGER,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id INTEGER,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_record ON audit_log(record_type, record_id);
