-- The board's cache and the outbox of local edits.
-- `issues` holds only what the board scans; long text and raw JSON live in `issue_bodies`
-- so loading 10,000 cards does not read every description.
CREATE TABLE issues (
    id               INTEGER PRIMARY KEY,         -- GitLab's global issue id
    iid              INTEGER NOT NULL,
    project_id       INTEGER NOT NULL,
    reference        TEXT    NOT NULL,            -- group/project#iid
    title            TEXT    NOT NULL,
    open             INTEGER NOT NULL CHECK (open IN (0, 1)),
    labels           TEXT    NOT NULL,            -- names, sorted, joined by U+001F
    milestone_id     INTEGER,
    milestone_title  TEXT,
    assignees        TEXT    NOT NULL,            -- JSON array of {id, username, name}
    author           TEXT,
    due_date         TEXT,                        -- YYYY-MM-DD
    created_at       INTEGER NOT NULL,            -- unix milliseconds (cheap to decode)
    updated_at       INTEGER NOT NULL,
    closed_at        INTEGER,
    web_url          TEXT    NOT NULL,
    state_since      INTEGER                      -- when the current state was entered, if known
) STRICT;
CREATE INDEX issues_by_iid ON issues (iid, project_id);

CREATE TABLE issue_bodies (
    id           INTEGER PRIMARY KEY REFERENCES issues (id) ON DELETE CASCADE,
    description  TEXT,
    raw_json     TEXT NOT NULL
) STRICT;

CREATE TABLE labels (
    name         TEXT PRIMARY KEY,
    id           INTEGER,
    color        TEXT,
    text_color   TEXT,
    description  TEXT
) STRICT;

CREATE TABLE milestones (
    id           INTEGER PRIMARY KEY,
    iid          INTEGER,
    title        TEXT    NOT NULL,
    active       INTEGER NOT NULL CHECK (active IN (0, 1)),
    start_date   TEXT,
    due_date     TEXT,
    web_url      TEXT
) STRICT;

CREATE TABLE members (
    id           INTEGER PRIMARY KEY,
    username     TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    state        TEXT
) STRICT;

CREATE TABLE sync_state (
    key          TEXT PRIMARY KEY,
    value        TEXT NOT NULL
) STRICT;

-- Local edits waiting to reach GitLab. No foreign key to issues: an edit must outlive the
-- cached row (an issue deleted remotely still leaves the user's intent visible).
CREATE TABLE outbox (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    issue_id         INTEGER NOT NULL,
    kind             TEXT    NOT NULL,            -- 'update' | 'comment'
    intent           TEXT    NOT NULL,            -- JSON of the edit
    base_updated_at  TEXT    NOT NULL,            -- the issue's updated_at when the edit was made
    created_at       TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'failed', 'conflict', 'done')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT
) STRICT;
CREATE INDEX outbox_open ON outbox (status, issue_id);
