/* cmd-consent.c — the consent ledger: consent record, consent import, consent show. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "colguess.h"
#include "consent.h"
#include "consent_ledger.h"
#include "csv.h"
#include "resultset.h"
#include "sink.h"
#include "strbuf.h"
#include "undo.h"
#include "workspace.h"

static const struct cmd_option consent_options[] = {
    {"purpose", NULL, "record: email, sms, ads or analytics"},
    {"at", NULL, "record: when it was given or withdrawn (ISO 8601); default: now"},
    {"source", NULL, "record: where it came from (a form, a call, a CRM)"},
    {"customer", NULL, "import: the column of customer keys; default: detected (customer_id, customer, …)"},
    {"purpose_column", NULL, "import: the column of purposes; default: purpose"},
    {"status", NULL, "import: the column saying granted or denied; default: status, consent or granted"},
    {"time", NULL, "import: the column of times; default: detected (at, time, date, …)"},
    {"source_column", NULL, "import: the column of sources, if any; default: source"},
    {NULL},
};

static int consent_record(ctx *c, const struct cmd_args *a)
{
    if (a->argc != 3)
        return ctx_error(c, "consent record: expected 'consent record KEY purpose=P granted|denied'");
    const char *purpose = cmd_opt(a, "purpose");
    if (!purpose || !ledger_purpose_ok(purpose))
        return ctx_error(c, "consent record: purpose=%s: expected email, sms, ads or analytics", purpose ? purpose : "");
    int granted = consent_read(a->argv[2], strlen(a->argv[2]), CONSENT_GRANTS);
    if (granted < 0)
        return ctx_error(c, "consent record: '%s': expected granted or denied (or yes/no, opted_in/opted_out, …)",
                         a->argv[2]);
    const char *at = cmd_opt(a, "at");
    if (at && query_int(c, "SELECT julianday(%Q) IS NOT NULL", at) != 1)
        return ctx_error(c, "consent record: at=%s: expected a date or time as ISO 8601", at);
    if (ledger_record(c, a->argv[1], purpose, granted, at, cmd_opt(a, "source")))
        return -1;
    sink_record_begin(c->out, NULL);
    sink_field(c->out, "customer", cell_text(a->argv[1]));
    sink_field(c->out, "purpose", cell_text(purpose));
    sink_field(c->out, "consent", cell_text(granted ? "granted" : "denied"));
    sink_record_end(c->out);
    cmd_set_summary(c, "consent %s for %s", granted ? "granted" : "denied", purpose);
    return 0;
}

/* A column of table: as given (checked), or found by name; malloc'ed or NULL. */
static char *import_column(ctx *c, const char *table, const char *option, const char *given,
                           const char *const *names, int *failed)
{
    char *col = given ? require_column(c, "consent import", option, table, given)
                      : guess_column(c, table, names, NULL, COL_ANY);
    if (given && !col)
        *failed = 1;
    return col;
}

/* Reads a CSV file of events into the TEMP table consent_file (every field as
 * text, the header naming the columns), so a file imports like a table.  A record
 * the reader cannot take fails the import, naming its line. */
static int events_from_file(ctx *c, const char *path)
{
    char err[256];
    struct csv_options opt = {0};
    struct csv_reader *r = csv_open(path, &opt, err, sizeof err);
    if (!r)
        return ctx_error(c, "consent import: %s", err);
    struct csv_record rec;
    int st = csv_next(r, &rec), rc = 0, ncols = 0;
    sqlite3_stmt *ins = NULL;
    if (st != CSV_RECORD) {
        rc = ctx_error(c, "consent import: %s: no header row", path);
    } else {
        struct strbuf create = {0}, insert = {0};
        ncols = rec.nfields;
        strbuf_puts(&create, "DROP TABLE IF EXISTS temp.consent_file; CREATE TEMP TABLE consent_file (");
        strbuf_puts(&insert, "INSERT INTO temp.consent_file VALUES (");
        for (int i = 0; i < ncols; i++) {
            strbuf_puts(&create, i ? ", " : "");
            strbuf_put_ident(&create, rec.field[i]);
            strbuf_puts(&create, " TEXT");
            strbuf_puts(&insert, i ? ", ?" : "?");
        }
        strbuf_puts(&create, ")");
        strbuf_puts(&insert, ")");
        rc = exec_sql(c, "consent import", strbuf_str(&create)) || prepare_sql(c, "consent import", strbuf_str(&insert), &ins)
                 ? -1 : 0;
        strbuf_free(&create);
        strbuf_free(&insert);
    }
    while (rc == 0 && (st = csv_next(r, &rec)) != CSV_EOF) {
        if (st != CSV_RECORD || rec.nfields != ncols) {
            rc = ctx_error(c, "consent import: %s:%lld: %s", path, (long long)rec.line,
                           st == CSV_BAD ? rec.reason : st == CSV_ERROR ? csv_error(r) : "a different number of fields");
            break;
        }
        for (int i = 0; i < ncols; i++)
            sqlite3_bind_text(ins, i + 1, rec.field[i], (int)rec.len[i], SQLITE_TRANSIENT);
        if (sqlite3_step(ins) != SQLITE_DONE)
            rc = ctx_sqlite_error(c, "consent import");
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    csv_close(r);
    return rc;
}

static int consent_import(ctx *c, const struct cmd_args *a)
{
    static const char *const customer_names[] = {"customerid", "customer", "custid", "clientid", "userid", NULL};
    static const char *const purpose_names[] = {"purpose", "channel", NULL};
    static const char *const status_names[] = {"status", "consent", "granted", "state", NULL};
    static const char *const time_names[] = {"at", "time", "timestamp", "date", "recordedat", "createdat", NULL};
    static const char *const source_names[] = {"source", NULL};
    if (a->argc != 2)
        return ctx_error(c, "consent import: expected 'consent import TABLE|FILE.csv'");
    const char *t = a->argv[1];
    struct stat sb;
    if (!relation_exists(c, t) && stat(t, &sb) == 0) {
        if (events_from_file(c, t))
            return -1;
        t = "consent_file";     /* the TEMP table, dropped with the connection */
    } else if (require_relation(c, "consent import", t, 1)) {
        return -1;
    }
    int failed = 0;
    char *cust = import_column(c, t, "customer", cmd_opt(a, "customer"), customer_names, &failed);
    char *purpose = failed ? NULL : import_column(c, t, "purpose_column", cmd_opt(a, "purpose_column"), purpose_names, &failed);
    char *status = failed ? NULL : import_column(c, t, "status", cmd_opt(a, "status"), status_names, &failed);
    char *when = failed ? NULL : import_column(c, t, "time", cmd_opt(a, "time"), time_names, &failed);
    char *source = failed ? NULL : import_column(c, t, "source_column", cmd_opt(a, "source_column"), source_names, &failed);
    int rc = failed ? -1 : 0;
    if (rc == 0 && (!cust || !purpose || !status || !when))
        rc = ctx_error(c, "consent import: %s needs a customer, a purpose, a status and a time column (missing: %s); "
                          "name them with customer=, purpose_column=, status=, time=", t,
                       !cust ? "customer" : !purpose ? "purpose" : !status ? "status" : "time");
    struct strbuf q = {0}, state = {0}, qc = {0}, qp = {0}, qs = {0}, qw = {0}, qsrc = {0}, qt = {0};
    if (rc == 0) {
        /* the names quoted once, whatever they hold */
        strbuf_put_ident(&qc, cust);
        strbuf_put_ident(&qp, purpose);
        strbuf_put_ident(&qs, status);
        strbuf_put_ident(&qw, when);
        strbuf_put_ident(&qt, t);
        if (source)
            strbuf_put_ident(&qsrc, source);
        else
            strbuf_puts(&qsrc, "NULL");
        consent_sql(&state, strbuf_str(&qs), CONSENT_GRANTS);
        const char *C = strbuf_str(&qc), *P = strbuf_str(&qp), *S = strbuf_str(&qs), *W = strbuf_str(&qw);
        /* every event must read: a bad one names its row, and nothing is imported */
        strbuf_printf(&q, "SELECT count(*), min(why) FROM (SELECT CASE WHEN %s IS NULL OR trim(%s) = '' THEN "
                          "'row ' || rowid || ': no customer' WHEN lower(trim(%s)) NOT IN ('email', 'sms', 'ads', "
                          "'analytics') THEN 'row ' || rowid || ': purpose ' || quote(%s) || ' is not email, sms, "
                          "ads or analytics' WHEN (%s) IS NULL THEN 'row ' || rowid || ': status ' || quote(%s) || "
                          "' is neither granted nor denied' WHEN julianday(%s) IS NULL THEN 'row ' || rowid || "
                          "': time ' || quote(%s) || ' is not a date or time' END AS why FROM %s) WHERE why "
                          "IS NOT NULL", C, C, P, P, strbuf_str(&state), S, W, W, strbuf_str(&qt));
        sqlite3_stmt *st;
        rc = prepare_sql(c, "consent import", strbuf_str(&q), &st);
        if (rc == 0 && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
            rc = ctx_error(c, "consent import: %lld events of %s cannot be read (first, %s); nothing was imported",
                           (long long)sqlite3_column_int64(st, 0), t, (const char *)sqlite3_column_text(st, 1));
        sqlite3_finalize(st);
    }
    int64_t n = 0;
    if (rc == 0) {
        strbuf_reset(&q);
        strbuf_printf(&q, "INSERT INTO _persona_consent(customer, purpose, granted, at, source, command_id) "
                          "SELECT CAST(%s AS TEXT), lower(trim(%s)), %s, strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', %s), %s, "
                          "%lld FROM %s", strbuf_str(&qc), strbuf_str(&qp), strbuf_str(&state), strbuf_str(&qw),
                      strbuf_str(&qsrc), (long long)c->command_id, strbuf_str(&qt));
        int64_t before = sqlite3_total_changes64(c->db);
        rc = exec_sql(c, "consent import", strbuf_str(&q));
        n = sqlite3_total_changes64(c->db) - before;
        char *undo = sqlite3_mprintf("DELETE FROM _persona_consent WHERE command_id = %lld", (long long)c->command_id);
        if (rc == 0)
            rc = undo_exec(c, undo);
        sqlite3_free(undo);
    }
    if (rc == 0) {
        sink_record_begin(c->out, NULL);
        sink_field(c->out, "from", cell_text(a->argv[1]));
        sink_field(c->out, "events", cell_int(n));
        char mapping[640];
        snprintf(mapping, sizeof mapping, "customer=%s purpose=%s status=%s time=%s source=%s", cust, purpose, status,
                 when, source ? source : "(none)");
        sink_field(c->out, "mapping", cell_text(mapping));
        sink_record_end(c->out);
        cmd_set_summary(c, "imported %lld consent events from %s", (long long)n, a->argv[1]);
    }
    strbuf_free(&q);
    strbuf_free(&state);
    strbuf_free(&qc);
    strbuf_free(&qp);
    strbuf_free(&qs);
    strbuf_free(&qw);
    strbuf_free(&qsrc);
    strbuf_free(&qt);
    free(cust);
    free(purpose);
    free(status);
    free(when);
    free(source);
    return rc;
}

static int consent_show(ctx *c, const struct cmd_args *a)
{
    if (a->argc != 2)
        return ctx_error(c, "consent show: expected 'consent show KEY'");
    sqlite3_stmt *st;
    if (prepare_sql(c, "consent show", "SELECT purpose, CASE granted WHEN 1 THEN 'granted' ELSE 'denied' END AS consent, "
                                       "at, source, CASE WHEN id = (SELECT id FROM _persona_consent l WHERE "
                                       "l.customer = e.customer AND l.purpose = e.purpose ORDER BY at DESC, id DESC "
                                       "LIMIT 1) THEN 'in force' ELSE '' END AS state FROM _persona_consent e "
                                       "WHERE customer = ?1 ORDER BY purpose, at, id", &st))
        return -1;
    sqlite3_bind_text(st, 1, a->argv[1], -1, SQLITE_STATIC);
    int64_t n = resultset_write(c, st, NULL, -1, NULL);
    sqlite3_finalize(st);
    if (n < 0)
        return -1;
    cmd_set_summary(c, "%lld consent events", (long long)n);
    return 0;
}

static int consent_exec(ctx *c, const struct cmd_args *a)
{
    if (strcmp(a->argv[0], "record") == 0)
        return consent_record(c, a);
    if (strcmp(a->argv[0], "import") == 0)
        return consent_import(c, a);
    if (strcmp(a->argv[0], "show") == 0)
        return consent_show(c, a);
    return ctx_error(c, "consent: unknown subcommand '%s'; usage: %s", a->argv[0], a->entry->usage);
}

/* consent show only reads (and names a person: it is not logged). */
static int consent_reads_only(ctx *c, const struct cmd_args *a)
{
    (void)c;
    return strcmp(a->argv[0], "show") == 0;
}

const struct cmd_entry cmd_consent_entry = {
    .name = "consent",
    .usage = "consent record KEY purpose=email|sms|ads|analytics granted|denied [at=TIME] [source=TEXT] | "
             "consent import TABLE|FILE.csv [customer=COL] [purpose_column=COL] [status=COL] [time=COL] | consent show KEY",
    .summary = "the consent ledger: events per customer and purpose, the latest in force; exports check the purpose "
               "their tool needs (undoable)",
    .example = "consent record C00042 purpose=ads denied source=\"call centre\"",
    .min_args = 1,
    .max_args = 3,
    .options = consent_options,
    .flags = CMD_CHANGES,
    .exec = consent_exec,
    .reads_only = consent_reads_only,
};
