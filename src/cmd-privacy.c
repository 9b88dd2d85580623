/* cmd-privacy.c — people's data as the law expects: forget, pseudonymize, mask,
 * anonymity. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "digest.h"
#include "forget.h"
#include "identity.h"
#include "pseudonym.h"
#include "resultset.h"
#include "sink.h"
#include "strbuf.h"
#include "subject.h"
#include "undo.h"
#include "workspace.h"

static const struct cmd_option forget_options[] = {
    {"reason", NULL, "why, for the record of the erasure (no personal data: it is kept)"},
    {"customers", NULL, "the customers table; default: the latest profile build's"},
    {NULL},
};

static int forget_exec(ctx *c, const struct cmd_args *a)
{
    struct forget_report rep;
    if (forget_person(c, a->argv[0], cmd_opt(a, "customers"), cmd_opt(a, "reason"), &rep))
        return -1;
    sink_record_begin(c->out, NULL);
    sink_field(c->out, "customers table", cell_text(rep.customers_table));
    sink_field(c->out, "customer records", cell_int(rep.customers));
    sink_field(c->out, "rows erased", cell_int(rep.rows));
    sink_field(c->out, "tables", cell_int(rep.tables));
    sink_field(c->out, "rows of Persona's tables erased", cell_int(rep.internal));
    sink_field(c->out, "logged commands redacted", cell_int(rep.redacted));
    sink_field(c->out, "identifiers suppressed", cell_int(rep.suppressed));
    sink_field(c->out, "undo", cell_text("erased with them: what forget erased cannot be brought back"));
    sink_record_end(c->out);
    cmd_set_summary(c, "erased one person: %lld rows in %d tables, %lld identifiers suppressed", (long long)rep.rows,
                    rep.tables, (long long)rep.suppressed);
    return 0;
}

const struct cmd_entry cmd_forget_entry = {
    .name = "forget",
    .usage = "forget KEY|EMAIL [reason=TEXT] [customers=TABLE]",
    .summary = "erase one person everywhere Persona keeps data (tables, rejects, issues, undo, log text), put them on "
               "the suppression list, and scrub the file (not undoable)",
    .example = "forget C00042 reason=\"GDPR request 2026-118\"",
    .min_args = 1,
    .max_args = 1,
    .options = forget_options,
    .flags = CMD_CHANGES | CMD_NOSAVE | CMD_PERSONAL,
    .exec = forget_exec,
    .after_commit = forget_scrub,
};

/* ---- subject ---- */

static const struct cmd_option subject_options[] = {
    {"customers", NULL, "the customers table; default: the latest profile build's"},
    {"force", CMD_FLAG, "replace an existing file"},
    {NULL},
};

static int subject_exec(ctx *c, const struct cmd_args *a)
{
    if (a->argc != 3 || strcmp(a->argv[1], "to") != 0)
        return ctx_error(c, "subject: expected 'subject KEY|EMAIL to FILE.json'");
    struct subject_report rep;
    if (subject_export(c, a->argv[0], cmd_opt(a, "customers"), a->argv[2], cmd_opt_given(a, "force"), &rep))
        return -1;
    sink_record_begin(c->out, NULL);
    sink_field(c->out, "file", cell_text(a->argv[2]));
    sink_field(c->out, "customer records", cell_int(rep.records));
    sink_field(c->out, "rows", cell_int(rep.rows));
    sink_field(c->out, "tables", cell_int(rep.tables));
    sink_field(c->out, "consent events", cell_int(rep.consent_events));
    sink_field(c->out, "segments", cell_int(rep.segments));
    sink_field(c->out, "exports", cell_int(rep.exports));
    sink_record_end(c->out);
    return 0;
}

/* Logged as an access (by name only: its words name the person), in a transaction
 * because the workspace's salt may be made for the hashes it compares. */
const struct cmd_entry cmd_subject_entry = {
    .name = "subject",
    .usage = "subject KEY|EMAIL to FILE.json [customers=TABLE] [force]",
    .summary = "the data-subject access export: every row about one person, their consent history, segments and "
               "the exports that held them, as JSON",
    .example = "subject C00042 to C00042.json",
    .min_args = 3,
    .max_args = 3,
    .options = subject_options,
    .flags = CMD_CHANGES | CMD_NOSAVE | CMD_PERSONAL | CMD_WRITES_FILE,
    .exec = subject_exec,
};

/* ---- columns named on the command line ---- */

/* Splits "a,b,c" into the columns of table, as declared; NULL with c->err naming
 * cmd when one is not a column. */
static char **named_columns(ctx *c, const char *cmd, const char *table, const char *list, int *n)
{
    int ncols;
    char **cols = table_columns(c, cmd, table, &ncols);
    char **out = xcalloc(strlen(list) + 2, sizeof *out);
    *n = 0;
    char *copy = xstrdup(list), *save = NULL;
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        while (*w == ' ')
            w++;
        int found = -1;
        for (int i = 0; i < ncols && found < 0; i++)
            if (sqlite3_stricmp(cols[i], w) == 0)
                found = i;
        if (found < 0) {
            ctx_error(c, "%s: no column '%s' in %s", cmd, w, table);
            free_names(out, *n);
            out = NULL;
            break;
        }
        out[(*n)++] = xstrdup(cols[found]);
    }
    free(copy);
    free_names(cols, ncols);
    if (out && *n == 0) {
        ctx_error(c, "%s: no columns named", cmd);
        free(out);
        out = NULL;
    }
    return out;
}

/* The kind a column's values are normalised as before a token or a mask. */
static const char *value_kind(const char *col)
{
    const char *kind = identity_kind_of_column(col);
    return kind ? kind : "id";
}

/* ---- pseudonymize ---- */

/* The default key file: $XDG_CONFIG_HOME/persona/pseudonym.key, else under ~/.config. */
static char *default_keyfile(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    struct strbuf b = {0};
    if (xdg && *xdg)
        strbuf_printf(&b, "%s/persona", xdg);
    else
        strbuf_printf(&b, "%s/.config/persona", home && *home ? home : ".");
    char *slash = strrchr(b.buf, '/');
    if (slash) {
        *slash = '\0';
        mkdir(b.buf, 0700);
        *slash = '/';
    }
    mkdir(b.buf, 0700);
    strbuf_puts(&b, "/pseudonym.key");
    char *path = xstrdup(strbuf_str(&b));
    strbuf_free(&b);
    return path;
}

static const struct cmd_option pseudonymize_options[] = {
    {"keyfile", NULL, "the key (created when missing), kept outside the workspace; default: "
                      "$XDG_CONFIG_HOME/persona/pseudonym.key"},
    {NULL},
};

static int pseudonymize_exec(ctx *c, const struct cmd_args *a)
{
    const char *table = a->argv[0];
    if (require_relation(c, "pseudonymize", table, 0))
        return -1;
    int n;
    char **cols = named_columns(c, "pseudonymize", table, a->argv[1], &n);
    if (!cols)
        return -1;
    char *keyfile = cmd_opt(a, "keyfile") ? xstrdup(cmd_opt(a, "keyfile")) : default_keyfile();
    unsigned char key[PSEUDONYM_KEY_BYTES];
    char keyhex[2 * PSEUDONYM_KEY_BYTES + 1];
    int rc = pseudonym_key_load(c, "pseudonymize", keyfile, key) || undo_table_copied(c, table) ? -1 : 0;
    hex_encode(key, sizeof key, keyhex);
    struct strbuf sql = {0};
    strbuf_puts(&sql, "UPDATE ");
    strbuf_put_ident(&sql, table);
    strbuf_puts(&sql, " SET ");
    for (int i = 0; i < n; i++) {
        strbuf_puts(&sql, i ? ", " : "");
        strbuf_put_ident(&sql, cols[i]);
        strbuf_printf(&sql, " = persona_pseudonym('%s', ", value_kind(cols[i]));
        strbuf_put_ident(&sql, cols[i]);
        strbuf_printf(&sql, ", '%s')", keyhex);
    }
    int64_t before = sqlite3_total_changes64(c->db);
    if (rc == 0)
        rc = exec_sql(c, "pseudonymize", strbuf_str(&sql));
    if (rc == 0) {
        sink_record_begin(c->out, NULL);
        sink_field(c->out, "table", cell_text(table));
        sink_field(c->out, "columns", cell_int(n));
        sink_field(c->out, "rows", cell_int(sqlite3_total_changes64(c->db) - before));
        sink_field(c->out, "keyfile", cell_text(keyfile));
        sink_field(c->out, "tokens", cell_text("HMAC-SHA256 of the normalised value: the same person gets the same "
                                               "token in every table with this key"));
        sink_record_end(c->out);
        cmd_set_summary(c, "pseudonymized %d columns of %s", n, table);
    }
    memset(key, 0, sizeof key);
    memset(keyhex, 0, sizeof keyhex);
    strbuf_free(&sql);
    free(keyfile);
    free_names(cols, n);
    return rc;
}

const struct cmd_entry cmd_pseudonymize_entry = {
    .name = "pseudonymize",
    .usage = "pseudonymize TABLE COL[,COL…] [keyfile=FILE]",
    .summary = "replace values by keyed tokens (HMAC-SHA256 with a key kept outside the workspace; unlike a plain "
               "hash, a token cannot be traced back by hashing guesses) (undoable)",
    .example = "pseudonymize orders customer_id keyfile=~/keys/persona.key",
    .min_args = 2,
    .max_args = 2,
    .options = pseudonymize_options,
    .flags = CMD_CHANGES,
    .exec = pseudonymize_exec,
};

/* ---- mask ---- */

static const struct cmd_option mask_options[] = {
    {"replace", CMD_FLAG, "replace an existing table of the copy's name"},
    {NULL},
};

static int mask_exec(ctx *c, const struct cmd_args *a)
{
    const char *table = a->argv[0];
    if (require_relation(c, "mask", table, 1))
        return -1;
    char out[256];
    if (a->argc == 4 && strcmp(a->argv[2], "as") == 0)
        snprintf(out, sizeof out, "%s", a->argv[3]);
    else if (a->argc == 2)
        snprintf(out, sizeof out, "%s_masked", table);
    else
        return ctx_error(c, "mask: usage: %s", a->entry->usage);
    if (is_internal_name(out))
        return ctx_error(c, "mask: as %s: choose another name", out);
    if (refuse_overwrite(c, "mask", out, cmd_opt_given(a, "replace")))
        return -1;
    int n, ncols;
    char **masked = named_columns(c, "mask", table, a->argv[1], &n);
    if (!masked)
        return -1;
    char **cols = table_columns(c, "mask", table, &ncols);
    struct strbuf sql = {0};
    strbuf_puts(&sql, "CREATE TABLE ");
    strbuf_put_ident(&sql, out);
    strbuf_puts(&sql, " AS SELECT ");
    for (int i = 0; i < ncols; i++) {
        int m = 0;
        for (int k = 0; k < n && !m; k++)
            m = strcmp(masked[k], cols[i]) == 0;
        strbuf_puts(&sql, i ? ", " : "");
        if (m) {
            strbuf_printf(&sql, "persona_mask('%s', ", value_kind(cols[i]));
            strbuf_put_ident(&sql, cols[i]);
            strbuf_puts(&sql, ") AS ");
        }
        strbuf_put_ident(&sql, cols[i]);
    }
    strbuf_puts(&sql, " FROM ");
    strbuf_put_ident(&sql, table);
    int rc = (relation_exists(c, out) && undo_table_stashed(c, out)) || exec_sql(c, "mask", strbuf_str(&sql)) ||
             undo_table_created(c, out) ? -1 : 0;
    if (rc == 0) {
        sink_record_begin(c->out, NULL);
        sink_field(c->out, "table", cell_text(out));
        sink_field(c->out, "rows", cell_int(query_int(c, "SELECT count(*) FROM \"%w\"", out)));
        sink_field(c->out, "masked columns", cell_int(n));
        sink_record_end(c->out);
        cmd_set_summary(c, "%s: a copy of %s with %d columns masked", out, table, n);
    }
    strbuf_free(&sql);
    free_names(masked, n);
    free_names(cols, ncols);
    return rc;
}

const struct cmd_entry cmd_mask_entry = {
    .name = "mask",
    .usage = "mask TABLE COL[,COL…] [as NAME] [replace]",
    .summary = "a copy for display with values masked: j***@example.com, ***12, J*** (undoable)",
    .example = "mask customers email,phone,last_name as customers_shown",
    .min_args = 2,
    .max_args = 4,
    .options = mask_options,
    .flags = CMD_CHANGES,
    .exec = mask_exec,
};

/* ---- anonymity ---- */

static const struct cmd_option anonymity_options[] = {
    {"cols", NULL, "the quasi-identifiers, comma-separated (postcode, birth year, gender, …)"},
    {"k", "5", "the smallest group a person may be hidden in"},
    {"limit", "20", "small groups to list"},
    {NULL},
};

static int anonymity_exec(ctx *c, const struct cmd_args *a)
{
    const char *table = a->argv[0];
    int64_t k, limit;
    if (require_relation(c, "anonymity", table, 1) || cmd_opt_int(c, a, "k", &k) || cmd_opt_int(c, a, "limit", &limit))
        return -1;
    if (!cmd_opt(a, "cols"))
        return ctx_error(c, "anonymity: name the quasi-identifiers with cols=COL,COL; usage: %s", a->entry->usage);
    if (k < 2)
        return ctx_error(c, "anonymity: k=%lld: expected 2 or more", (long long)k);
    int n;
    char **cols = named_columns(c, "anonymity", table, cmd_opt(a, "cols"), &n);
    if (!cols)
        return -1;
    struct strbuf list = {0}, q = {0};
    for (int i = 0; i < n; i++) {
        strbuf_puts(&list, i ? ", " : "");
        strbuf_put_ident(&list, cols[i]);
    }
    strbuf_printf(&q, "WITH g AS (SELECT %s, count(*) AS n FROM ", strbuf_str(&list));
    strbuf_put_ident(&q, table);
    strbuf_printf(&q, " GROUP BY %s) SELECT count(*), coalesce(sum(n), 0), coalesce(sum(n < %lld), 0), "
                      "coalesce(sum(CASE WHEN n < %lld THEN n END), 0), min(n) FROM g",
                  strbuf_str(&list), (long long)k, (long long)k);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "anonymity", strbuf_str(&q), &st);
    if (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        int64_t groups = sqlite3_column_int64(st, 0), rows = sqlite3_column_int64(st, 1),
                small = sqlite3_column_int64(st, 2), exposed = sqlite3_column_int64(st, 3),
                smallest = sqlite3_column_int64(st, 4);
        sink_record_begin(c->out, "summary");
        sink_field(c->out, "table", cell_text(table));
        sink_field(c->out, "rows", cell_int(rows));
        sink_field(c->out, "groups", cell_int(groups));
        sink_field(c->out, "k", cell_int(k));
        sink_field(c->out, "groups smaller than k", cell_int(small));
        sink_field(c->out, "rows in them", cell_int(exposed));
        sink_field(c->out, "smallest group", cell_int(smallest));
        sink_field(c->out, "k-anonymous", cell_bool(small == 0));
        sink_record_end(c->out);
        cmd_set_summary(c, "%s: %lld of %lld rows in groups smaller than %lld", table, (long long)exposed,
                        (long long)rows, (long long)k);
    } else if (rc == 0) {
        rc = ctx_sqlite_error(c, "anonymity");
    }
    sqlite3_finalize(st);
    if (rc == 0) {
        strbuf_reset(&q);
        strbuf_printf(&q, "SELECT %s, count(*) AS rows FROM ", strbuf_str(&list));
        strbuf_put_ident(&q, table);
        strbuf_printf(&q, " GROUP BY %s HAVING count(*) < %lld ORDER BY count(*), %s LIMIT %lld", strbuf_str(&list),
                      (long long)k, strbuf_str(&list), (long long)limit);
        rc = prepare_sql(c, "anonymity", strbuf_str(&q), &st);
        if (rc == 0) {
            rc = resultset_write(c, st, "smallest groups", -1, NULL) < 0 ? -1 : 0;
            sqlite3_finalize(st);
        }
    }
    strbuf_free(&list);
    strbuf_free(&q);
    free_names(cols, n);
    return rc;
}

const struct cmd_entry cmd_anonymity_entry = {
    .name = "anonymity",
    .usage = "anonymity TABLE cols=COL,COL… [k=5] [limit=20]",
    .summary = "k-anonymity: the groups of people sharing quasi-identifiers that are smaller than k",
    .example = "anonymity customers cols=postcode,gender,birth_year k=5",
    .min_args = 1,
    .max_args = 1,
    .options = anonymity_options,
    .flags = CMD_NOSAVE,
    .exec = anonymity_exec,
};
