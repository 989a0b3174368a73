-- An audit log that can be trusted (issue 7): each entry carries the hash
-- of the one before it, so any change to an old entry breaks the chain
-- (`tryggve audit verify`), and the database refuses to update or delete
-- entries. Retention (gallring) keeps its own record of what it removed.
-- Equivalent to ../postgres/0006_audit_chain.sql.

ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OF id, at, user_id, username, action, record_type, record_id, detail ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TABLE retention_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    record_type TEXT NOT NULL,
    rule TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('purged', 'anonymised')),
    count INTEGER NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
