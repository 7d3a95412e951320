-- Each request's comments and label history, fetched per issue after the issue list is pulled,
-- and full-text search over descriptions and comments.
CREATE TABLE notes (
    id           INTEGER PRIMARY KEY,            -- GitLab's note id
    issue_id     INTEGER NOT NULL,
    author       TEXT,                           -- username
    body         TEXT    NOT NULL,
    system       INTEGER NOT NULL CHECK (system IN (0, 1)),
    created_at   INTEGER NOT NULL                -- unix milliseconds
) STRICT;
CREATE INDEX notes_by_issue ON notes (issue_id, created_at);

CREATE TABLE label_events (
    id           INTEGER PRIMARY KEY,            -- GitLab's resource_label_event id (or a note's)
    issue_id     INTEGER NOT NULL,
    label        TEXT    NOT NULL,
    added        INTEGER NOT NULL CHECK (added IN (0, 1)),
    actor        TEXT,                           -- username
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX label_events_by_issue ON label_events (issue_id, created_at, id);

-- The issue's updated_at when its notes and label events were last fetched; `source` says where
-- the label history came from ('events' or 'notes' when the events API was not available).
CREATE TABLE activity_synced (
    issue_id     INTEGER PRIMARY KEY,
    updated_at   INTEGER NOT NULL,
    source       TEXT    NOT NULL
) STRICT;

-- Full-text indexes over text the cache already holds (external content: no second copy).
CREATE VIRTUAL TABLE description_text USING fts5(
    description, content = 'issue_bodies', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO description_text (description_text) VALUES ('rebuild');
CREATE TRIGGER issue_bodies_ai AFTER INSERT ON issue_bodies BEGIN
    INSERT INTO description_text (rowid, description) VALUES (new.id, new.description);
END;
CREATE TRIGGER issue_bodies_ad AFTER DELETE ON issue_bodies BEGIN
    INSERT INTO description_text (description_text, rowid, description)
    VALUES ('delete', old.id, old.description);
END;
CREATE TRIGGER issue_bodies_au AFTER UPDATE OF description ON issue_bodies
WHEN old.description IS NOT new.description BEGIN
    INSERT INTO description_text (description_text, rowid, description)
    VALUES ('delete', old.id, old.description);
    INSERT INTO description_text (rowid, description) VALUES (new.id, new.description);
END;

CREATE VIRTUAL TABLE comment_text USING fts5(
    body, content = 'notes', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER notes_ai AFTER INSERT ON notes WHEN new.system = 0 BEGIN
    INSERT INTO comment_text (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER notes_ad AFTER DELETE ON notes WHEN old.system = 0 BEGIN
    INSERT INTO comment_text (comment_text, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER notes_au AFTER UPDATE ON notes BEGIN
    INSERT INTO comment_text (comment_text, rowid, body)
    SELECT 'delete', old.id, old.body WHERE old.system = 0;
    INSERT INTO comment_text (rowid, body) SELECT new.id, new.body WHERE new.system = 0;
END;
