-- Persona's own tables, created when a workspace is opened (the build embeds this
-- file).  User tables never start with _persona_; any SQLite tool can read these.

-- Every command run against the workspace: `history` lists it, `history save`
-- writes the successful, saveable, not-undone ones as a script.
CREATE TABLE IF NOT EXISTS _persona_log (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,              -- UTC, ISO 8601
    duration_ms REAL,
    status      TEXT NOT NULL,              -- running | ok | error | cancelled | interrupted
    command     TEXT NOT NULL,              -- as typed
    summary     TEXT,                       -- one line: what it did, or the error
    saveable    INTEGER NOT NULL DEFAULT 1, -- 0 for help, history, undo, replay
    undone      INTEGER NOT NULL DEFAULT 0
);

-- What Persona knows of each user table: its key column and where it came from.
CREATE TABLE IF NOT EXISTS _persona_tables (
    name        TEXT PRIMARY KEY,
    key_column  TEXT,                       -- NULL: the rowid is the key
    source      TEXT,                       -- the file it was loaded from
    loaded_at   TEXT,
    command_id  INTEGER
);

-- Rows a load could not take, kept with where they came from and why.
CREATE TABLE IF NOT EXISTS _persona_rejects (
    id          INTEGER PRIMARY KEY,
    command_id  INTEGER NOT NULL,
    table_name  TEXT NOT NULL,
    file        TEXT NOT NULL,
    line        INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    raw         TEXT
);
CREATE INDEX IF NOT EXISTS _persona_rejects_by_table ON _persona_rejects(table_name);

-- What `undo` needs to put the workspace back as it was before a changing command:
-- applied in reverse seq order.
--   drop:    drop object (a table, index, view or trigger the command created)
--   restore: drop object if present, rename the stashed table back to it, run sql
--            (the object's indexes and triggers when the stash was a copy)
--   exec:    run sql (recreate a dropped view, delete the command's rejects)
CREATE TABLE IF NOT EXISTS _persona_undo (
    command_id  INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    action      TEXT NOT NULL,
    object      TEXT,
    object_type TEXT,
    stash       TEXT,
    sql         TEXT,
    PRIMARY KEY (command_id, seq)
);
