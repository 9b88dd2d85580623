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
-- Kept in name order (WITHOUT ROWID): undo renames rows back and forth, and the table
-- must read the same afterwards.
CREATE TABLE IF NOT EXISTS _persona_tables (
    name        TEXT PRIMARY KEY,
    key_column  TEXT,                       -- NULL: the rowid is the key
    source      TEXT,                       -- the file it was loaded from
    loaded_at   TEXT,
    command_id  INTEGER
) WITHOUT ROWID;

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
--   cells:   write the old values of the command's _persona_changes rows for table
--            object back, and forget those rows
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

-- Every cell a cleaning command (normalize, impute, outliers) changed: the audit
-- trail, and what `undo` writes back.  old_value and new_value have no declared
-- type, so they keep each value's type exactly (42 stays an integer, '042' text).
CREATE TABLE IF NOT EXISTS _persona_changes (
    id          INTEGER PRIMARY KEY,
    command_id  INTEGER NOT NULL,
    table_name  TEXT NOT NULL,
    row_key,                                -- the table's key value; the rowid without a key
    row_id      INTEGER NOT NULL,           -- the row's rowid, which undo goes by
    column_name TEXT NOT NULL,
    old_value,
    new_value
);
CREATE INDEX IF NOT EXISTS _persona_changes_by_cell
    ON _persona_changes(command_id, table_name, column_name, row_id);

-- What a cleaning command found and left as it was (a phone that cannot be valid, an
-- impossible date) and every violation `validate` found: one row per value.
CREATE TABLE IF NOT EXISTS _persona_issues (
    id          INTEGER PRIMARY KEY,
    command_id  INTEGER NOT NULL,
    table_name  TEXT NOT NULL,
    row_key,                                -- the table's key value; the rowid without a key
    row_id      INTEGER,
    column_name TEXT,
    rule        TEXT NOT NULL,              -- the kind or rule: phone:US, date, required, range:0..120
    value,                                  -- the value as it is in the table
    message     TEXT NOT NULL               -- why, in words
);
CREATE INDEX IF NOT EXISTS _persona_issues_by_command ON _persona_issues(command_id, table_name);

-- Fitted models: one row per run of `cluster`, `pca`.  name is the result table the
-- run wrote (key, cluster … or key, pc1 …); fitting the same name again (replace)
-- adds a row, and the row with the highest id is the model's current version.  The
-- JSON columns are readable with SQLite's json functions:
--   features    ["age", "income", "country=FR"] (one-hot features as "column=value")
--   parameters  {"k": 5, "seed": 0, "n_init": 10, "where": null, …} as run
--   scaler      {"method": "standard", "center": […], "scale": […], "impute": […]|null}:
--               scaled = (value - center) / scale, feature by feature
--   centroids   cluster centres in the table's units, one array per cluster (PCA: the
--               loadings, one array per component)
--   labels      the clusters' labels by cluster number (`cluster rename` changes them)
--   metrics     {"inertia": …, "silhouette": …, …}
--   details     what else the algorithm leaves: dendrogram merges, GMM weights and
--               covariances, PCA explained variance
CREATE TABLE IF NOT EXISTS _persona_models (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,     -- kmeans | minibatch | hierarchical | dbscan | gmm | pca
    source_table TEXT NOT NULL,
    features     TEXT NOT NULL,
    parameters   TEXT NOT NULL,
    scaler       TEXT NOT NULL,
    centroids    TEXT,
    labels       TEXT,
    metrics      TEXT,
    details      TEXT,
    created_at   TEXT NOT NULL,     -- UTC, ISO 8601
    command_id   INTEGER
);
CREATE INDEX IF NOT EXISTS _persona_models_by_name ON _persona_models(name);

-- Segments: named sets of rows of a table (customers), for the `segment` commands and
-- exports.  definition is SQL that selects the members' keys:
--   cluster  written by `cluster`, one per cluster, named MODEL/label, definition
--            SELECT key FROM "MODEL" WHERE cluster = N (DBSCAN's noise: MODEL/noise,
--            cluster = -1); model_id is the _persona_models row, label the cluster's
--   dynamic  a condition evaluated on use: definition selects from source_table
--   static   a frozen list of members (snapshot): definition selects from the table
--            that holds them
-- source_table is the table whose key the selected values are.  label is the cluster's
-- label; for a dynamic segment the condition (or combination) as typed, whose view of
-- the same name shows the members' rows; for a static one what it is a snapshot of.
CREATE TABLE IF NOT EXISTS _persona_segments (
    name         TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('cluster', 'dynamic', 'static')),
    definition   TEXT NOT NULL,
    source_table TEXT NOT NULL,
    created_at   TEXT NOT NULL,     -- UTC, ISO 8601
    model_id     INTEGER,           -- _persona_models.id for cluster segments, else NULL
    label        TEXT
);

-- Each `dedupe` run: what it compared, how it blocked, the fitted prior (lambda:
-- the chance that two random records are the same customer) and where it wrote its
-- results.  The latest run of a table is the one `dedupe review` works on.
CREATE TABLE IF NOT EXISTS _persona_dedupe_runs (
    command_id     INTEGER PRIMARY KEY,     -- the _persona_log id of the run
    table_name     TEXT NOT NULL,
    key_column     TEXT,                    -- NULL: the rowid
    columns        TEXT NOT NULL,           -- "col:kind, …"
    rules          TEXT NOT NULL,           -- the blocking rules used, in order
    threshold      REAL NOT NULL,           -- clusters join pairs at or above it
    keep           REAL NOT NULL,           -- pairs at or above it were written
    lambda         REAL,
    records        INTEGER,
    pairs          INTEGER,                 -- distinct candidate pairs compared
    matches_table  TEXT NOT NULL,           -- TABLE_matches
    clusters_table TEXT NOT NULL,           -- TABLE_clusters
    created_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS _persona_dedupe_runs_by_table ON _persona_dedupe_runs(table_name);

-- The Fellegi–Sunter model of a run: per column and comparison level (0 = else,
-- highest = exact) m = P(level | match), u = P(level | non-match) and the match
-- weight log2(m / u) that the level adds.
CREATE TABLE IF NOT EXISTS _persona_dedupe_params (
    command_id  INTEGER NOT NULL,
    column_name TEXT NOT NULL,
    kind        TEXT NOT NULL,              -- given_name, email, phone, birth_date, …
    level       INTEGER NOT NULL,
    label       TEXT NOT NULL,              -- exact, dl<=1, jw>=0.90, …, else
    m           REAL NOT NULL,
    u           REAL NOT NULL,
    weight      REAL NOT NULL,
    PRIMARY KEY (command_id, column_name, level)
);

-- Review decisions on pairs (`dedupe review TABLE accept|reject K1 K2`, or the
-- workbench's review view): kept across runs and respected by them — an accepted
-- pair is always clustered, a rejected one never joins two records directly.  The
-- latest decision on a pair wins.
CREATE TABLE IF NOT EXISTS _persona_dedupe_decisions (
    id          INTEGER PRIMARY KEY,
    table_name  TEXT NOT NULL,
    key_l       ANY NOT NULL,
    key_r       ANY NOT NULL,
    decision    TEXT NOT NULL CHECK (decision IN ('accept', 'reject')),
    command_id  INTEGER,
    decided_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS _persona_dedupe_decisions_by_table ON _persona_dedupe_decisions(table_name);

-- Each `profile build`: the tables and columns it settled on (given or detected), so
-- `profile KEY` finds the customer's orders and events, and the as-of date its
-- recency and event windows count back from.
CREATE TABLE IF NOT EXISTS _persona_profiles (
    command_id     INTEGER PRIMARY KEY,
    profiles_table TEXT NOT NULL,           -- "profiles"
    customers      TEXT NOT NULL,
    key_column     TEXT NOT NULL,
    email_column   TEXT,
    consent_column TEXT,
    orders         TEXT,                    -- NULL: built without orders
    order_customer TEXT,
    order_date     TEXT,
    amount         TEXT,                    -- a column or an SQL expression
    order_id       TEXT,
    category       TEXT,
    events         TEXT,                    -- NULL: built without events
    event_customer TEXT,
    event_time     TEXT,
    event_type     TEXT,
    rfm            TEXT,                    -- the rfm table joined in, if any
    asof           TEXT NOT NULL,           -- YYYY-MM-DD
    built_at       TEXT NOT NULL
);

-- Every `dedupe merge`: for each record merged away, a row (column_name NULL) naming
-- its survivor; for each value the survivor took from another record of its
-- cluster, a row with the column, the value chosen and the key it came from.
-- `undo` brings the merged rows back (the table is restored as it was).
CREATE TABLE IF NOT EXISTS _persona_merges (
    id           INTEGER PRIMARY KEY,
    command_id   INTEGER NOT NULL,
    table_name   TEXT NOT NULL,
    survivor     ANY NOT NULL,              -- the key kept
    merged_key   ANY NOT NULL,              -- the key merged away, or the value's source
    column_name  TEXT,                      -- NULL: the record itself was merged
    chosen_value ANY,
    source       TEXT                       -- why: survivor (most-complete, …), frequent, longest, recent
);
CREATE INDEX IF NOT EXISTS _persona_merges_by_table ON _persona_merges(table_name, survivor);

-- A secret of this workspace: the salt of the identity hashes below, made at the
-- first erasure.  It never leaves the workspace; without it a hash cannot be
-- matched against a guessed identifier from outside.
CREATE TABLE IF NOT EXISTS _persona_secrets (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL
) WITHOUT ROWID;

-- Every `forget`: when, why, and a salted hash of the identifier it was given; no
-- personal data.
CREATE TABLE IF NOT EXISTS _persona_erasures (
    id            INTEGER PRIMARY KEY,
    erased_at     TEXT NOT NULL,            -- UTC, ISO 8601
    reason        TEXT,
    identity_hash TEXT NOT NULL,
    rows_erased   INTEGER NOT NULL,
    command_id    INTEGER
);

-- The suppression list: salted hashes of the erased people's identifiers, by kind
-- (key, email, phone), so later loads skip them and exports never include them.
CREATE TABLE IF NOT EXISTS _persona_suppressed (
    hash        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    erasure_id  INTEGER NOT NULL
) WITHOUT ROWID;

-- The consent ledger: one row per consent event, recorded with `consent record` or
-- imported from a table of events with `consent import`.  The consent in force for
-- a customer and purpose is their latest event; a plain consent column of the
-- customers table counts as an event older than every one here.
CREATE TABLE IF NOT EXISTS _persona_consent (
    id          INTEGER PRIMARY KEY,
    customer    TEXT NOT NULL,              -- the customer's key, as text
    purpose     TEXT NOT NULL CHECK (purpose IN ('email', 'sms', 'ads', 'analytics')),
    granted     INTEGER NOT NULL CHECK (granted IN (0, 1)),
    at          TEXT NOT NULL,              -- when it was given or withdrawn, ISO 8601
    source      TEXT,
    command_id  INTEGER
);
CREATE INDEX IF NOT EXISTS _persona_consent_by_customer ON _persona_consent(customer, purpose, at);

-- Every export that wrote a file, and who was in it: for each exported row the
-- salted hash of its customer key (identity.h, kind 'key'), so `subject` can say
-- which exports held a person without the workspace keeping a copy of the list.
CREATE TABLE IF NOT EXISTS _persona_exports (
    id          INTEGER PRIMARY KEY,
    command_id  INTEGER,
    file        TEXT NOT NULL,
    source      TEXT NOT NULL,
    preset      TEXT,
    rows        INTEGER,
    sha256      TEXT,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS _persona_export_members (
    hash        TEXT NOT NULL,
    export_id   INTEGER NOT NULL,
    PRIMARY KEY (hash, export_id)
) WITHOUT ROWID;
