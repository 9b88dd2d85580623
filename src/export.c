/* export.c — planning an export's columns, streaming its rows, its manifest. */
#include "export.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audience.h"
#include "country.h"
#include "consent.h"
#include "consent_ledger.h"
#include "csvwrite.h"
#include "fileio.h"
#include "identity.h"
#include "jsonbuf.h"
#include "segment.h"
#include "similar.h"
#include "strbuf.h"
#include "workspace.h"

struct out_col {
    char *header;
    char *from;             /* the source column; NULL: none */
    int src;                /* its place in the select list; -1: none */
    enum value_rule rule;
    int hashed;
    int phone;              /* a phone column of a plain export */
    const char *fixed;      /* a value for every row (Mailchimp's Tags) */
};

struct plan {
    struct segment seg;
    int is_segment;
    const char *kind;       /* "segment", "table" or "view" */
    char *table;            /* where the rows come from */
    char *key;              /* its key column; NULL: a view without one */
    char **cols;            /* the table's columns */
    int ncols;
    char **sel;             /* the columns the query reads, in order */
    int nsel;
    int consent_at, country_at;
    struct strbuf consent_sql;  /* 1, 0 or NULL per row, read at export time; empty: none */
    int suppressed_at;          /* the column saying a row is an erased person's, -1 none */
    int member_at;              /* the row's key, recorded as an export member; -1 none */
    int64_t export_id;          /* the _persona_exports row */
    sqlite3_stmt *member;       /* records an exported row's key hash */
    struct strbuf suppressed_sql;
    const struct preset *preset;
    struct out_col *out;
    int nout;
    int hash;
    int has_dates;
    struct date_orders dates;
    struct strbuf query;
};

static void plan_free(struct plan *p)
{
    segment_free(&p->seg);
    free(p->table);
    free(p->key);
    free_names(p->cols, p->ncols);
    free_names(p->sel, p->nsel);
    strbuf_free(&p->consent_sql);
    strbuf_free(&p->suppressed_sql);
    for (int i = 0; i < p->nout; i++) {
        free(p->out[i].header);
        free(p->out[i].from);
    }
    free(p->out);
    strbuf_free(&p->query);
}

/* "first_name" → "firstname": names compared without case, '_', ' ' and '-'. */
static void squash(const char *s, char *out, size_t size)
{
    size_t k = 0;
    for (; *s && k + 1 < size; s++)
        if (*s != '_' && *s != ' ' && *s != '-')
            out[k++] = (char)tolower((unsigned char)*s);
    out[k] = '\0';
}

static int column_index(const struct plan *p, const char *name)
{
    for (int i = 0; i < p->ncols; i++)
        if (sqlite3_stricmp(p->cols[i], name) == 0)
            return i;
    return -1;
}

static int unknown_column(ctx *c, const struct plan *p, const char *what, const char *name)
{
    struct strbuf list = {0};
    for (int i = 0; i < p->ncols && i < 40; i++)
        strbuf_printf(&list, "%s%s", i ? ", " : "", p->cols[i]);
    const char *near = closest_name(name, (const char *const *)p->cols, (size_t)p->ncols);
    if (near)
        ctx_error(c, "export: %s: no column '%s' in %s (did you mean '%s'?)", what, name, p->table, near);
    else
        ctx_error(c, "export: %s: no column '%s' in %s (columns: %s)", what, name, p->table, strbuf_str(&list));
    strbuf_free(&list);
    return -1;
}

/* The column of the table that plays the role, by name, or -1. */
static int find_role(const struct plan *p, enum audience_role role)
{
    const char *const *names = role_column_names(role);
    for (int n = 0; names[n]; n++)
        for (int i = 0; i < p->ncols; i++) {
            char sq[128];
            squash(p->cols[i], sq, sizeof sq);
            if (strcmp(sq, names[n]) == 0)
                return i;
        }
    return -1;
}

/* The place of a column in the select list, added when new. */
static int select_column(struct plan *p, const char *name)
{
    for (int i = 0; i < p->nsel; i++)
        if (strcmp(p->sel[i], name) == 0)
            return i;
    p->sel = xrealloc(p->sel, (size_t)(p->nsel + 1) * sizeof *p->sel);
    p->sel[p->nsel] = xstrdup(name);
    return p->nsel++;
}

static struct out_col *add_out(struct plan *p, const char *header)
{
    p->out = xrealloc(p->out, (size_t)(p->nout + 1) * sizeof *p->out);
    struct out_col *col = &p->out[p->nout++];
    memset(col, 0, sizeof *col);
    col->header = xstrdup(header);
    col->src = -1;
    return col;
}

/* ---- the source ---- */

static int load_source(ctx *c, const struct export_options *o, struct plan *p)
{
    int found = segment_lookup(c, o->source, &p->seg);
    if (found < 0)
        return -1;
    p->is_segment = found;
    if (found) {
        p->kind = "segment";
        p->table = xstrdup(p->seg.source);
        if (!relation_exists(c, p->table))
            return ctx_error(c, "export: the table of segment '%s', %s, is gone", o->source, p->table);
        if (!(p->key = segment_table_key(c, "export", p->table)))
            return -1;
    } else if (!is_internal_name(o->source) && relation_exists(c, o->source)) {
        p->kind = table_exists(c, o->source) ? "table" : "view";
        p->table = xstrdup(o->source);
        p->key = table_key_column(c, p->table);
        if (!p->key && table_exists(c, p->table)) {
            const char *rowid = rowid_alias(c, "export", p->table);
            if (!rowid)
                return -1;
            p->key = xstrdup(rowid);
        }
    } else {
        int nr, ns = 0;
        char **names = user_relations(c, &nr);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(c->db, "SELECT name FROM _persona_segments", -1, &st, NULL) == SQLITE_OK) {
            while (sqlite3_step(st) == SQLITE_ROW) {
                names = xrealloc(names, (size_t)(nr + ns + 1) * sizeof *names);
                names[nr + ns++] = xstrdup((const char *)sqlite3_column_text(st, 0));
            }
            sqlite3_finalize(st);
        }
        const char *near = closest_name(o->source, (const char *const *)names, (size_t)(nr + ns));
        if (near)
            ctx_error(c, "export: no segment or table named '%s' (did you mean '%s'?)", o->source, near);
        else
            ctx_error(c, "export: no segment or table named '%s'; 'segment list' and 'tables' list them", o->source);
        free_names(names, nr + ns);
        return -1;
    }
    p->cols = table_columns(c, "export", p->table, &p->ncols);
    return p->cols ? 0 : -1;
}

/* ---- the columns ---- */

/* One entry of columns=: "col" or "col:Header", trimmed, into col and header. */
static void split_entry(const char *entry, size_t len, struct strbuf *col, struct strbuf *header)
{
    strbuf_reset(col);
    strbuf_reset(header);
    const char *colon = memchr(entry, ':', len);
    size_t clen = colon ? (size_t)(colon - entry) : len;
    const char *h = colon ? colon + 1 : entry;
    size_t hlen = colon ? len - clen - 1 : clen;
    while (clen && isspace((unsigned char)*entry)) { entry++; clen--; }
    while (clen && isspace((unsigned char)entry[clen - 1])) clen--;
    while (hlen && isspace((unsigned char)*h)) { h++; hlen--; }
    while (hlen && isspace((unsigned char)h[hlen - 1])) hlen--;
    strbuf_append(col, entry, clen);
    strbuf_append(header, h, hlen);
}

/* A hashed plain export hashes the columns that name a person or a way to reach them. */
static enum value_rule identifying_rule(const struct plan *p, int col)
{
    static const struct { enum audience_role role; enum value_rule rule; } ids[] = {
        {ROLE_EMAIL, RULE_EMAIL}, {ROLE_PHONE, RULE_PHONE}, {ROLE_FIRST, RULE_NAME}, {ROLE_LAST, RULE_NAME},
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (find_role(p, ids[i].role) == col)
            return ids[i].rule;
    return RULE_AS_IS;
}

static int plan_plain_column(ctx *c, struct plan *p, const char *name, const char *header)
{
    int i = column_index(p, name);
    if (i < 0)
        return unknown_column(c, p, "columns=", name);
    for (int k = 0; k < p->nout; k++)
        if (strcmp(p->out[k].header, header) == 0)
            return ctx_error(c, "export: columns=: the header '%s' is given twice", header);
    struct out_col *col = add_out(p, header);
    col->from = xstrdup(p->cols[i]);
    col->src = select_column(p, p->cols[i]);
    col->phone = find_role(p, ROLE_PHONE) == i;
    if (p->hash && (col->rule = identifying_rule(p, i)) != RULE_AS_IS)
        col->hashed = 1;
    return 0;
}

static int plan_plain(ctx *c, const struct export_options *o, struct plan *p)
{
    int rc = 0;
    if (!o->columns) {
        for (int i = 0; rc == 0 && i < p->ncols; i++)
            rc = plan_plain_column(c, p, p->cols[i], p->cols[i]);
    } else {
        struct strbuf col = {0}, header = {0};
        for (const char *e = o->columns; rc == 0 && *e;) {
            size_t len = strcspn(e, ",");
            split_entry(e, len, &col, &header);
            if (col.len == 0)
                rc = ctx_error(c, "export: columns=%s: an empty entry; write col or col:Header, comma-separated",
                               o->columns);
            else
                rc = plan_plain_column(c, p, strbuf_str(&col), header.len ? strbuf_str(&header) : strbuf_str(&col));
            e += len + (e[len] == ',');
        }
        strbuf_free(&col);
        strbuf_free(&header);
    }
    if (rc == 0 && p->hash) {
        int hashed = 0;
        for (int i = 0; i < p->nout; i++)
            hashed += p->out[i].hashed;
        if (!hashed)
            rc = ctx_error(c, "export: hash=sha256: none of the columns is an email, phone or name column (named "
                              "like email, phone, first_name, last_name)");
    }
    return rc;
}

static int plan_preset(ctx *c, const struct export_options *o, struct plan *p)
{
    const struct preset *ps = p->preset;
    int given[ps->ncols];       /* the source column columns= assigns to each preset column */
    for (int i = 0; i < ps->ncols; i++)
        given[i] = -1;
    struct strbuf col = {0}, header = {0}, list = {0};
    for (int i = 0; i < ps->ncols; i++)
        strbuf_printf(&list, "%s%s", i ? ", " : "", ps->cols[i].header);
    int rc = 0;
    for (const char *e = o->columns ? o->columns : ""; rc == 0 && *e;) {
        size_t len = strcspn(e, ",");
        split_entry(e, len, &col, &header);
        int at = -1;
        for (int i = 0; i < ps->ncols && memchr(e, ':', len); i++)
            if (sqlite3_stricmp(ps->cols[i].header, strbuf_str(&header)) == 0)
                at = i;
        if (at < 0)
            rc = ctx_error(c, "export: columns=%.*s: with preset=%s, columns= feeds its columns as COL:HEADER; "
                              "its headers: %s", (int)len, e, ps->name, strbuf_str(&list));
        else if ((given[at] = column_index(p, strbuf_str(&col))) < 0)
            rc = unknown_column(c, p, "columns=", strbuf_str(&col));
        e += len + (e[len] == ',');
    }
    for (int i = 0; rc == 0 && i < ps->ncols; i++) {
        const struct preset_column *pc = &ps->cols[i];
        struct out_col *oc = add_out(p, pc->header);
        oc->rule = pc->rule;
        oc->hashed = pc->hashed && p->hash;
        int src = given[i] >= 0 ? given[i] : pc->role == ROLE_KEY ? column_index(p, p->key) : find_role(p, pc->role);
        if (pc->role == ROLE_KEY && src < 0 && p->key)  /* the rowid */
            oc->src = select_column(p, p->key);
        if (src >= 0) {
            oc->from = xstrdup(p->cols[src]);
            oc->src = select_column(p, p->cols[src]);
        }
        if (pc->role == ROLE_TAGS)
            oc->fixed = o->tags ? o->tags : p->is_segment ? p->seg.name : NULL;
        else if (oc->src < 0)
            ctx_note(c, "export: no column of %s for %s's '%s': left empty (columns=COL:%s assigns one)", p->table,
                     ps->name, pc->header, pc->header);
        if (pc->rule == RULE_DATE && oc->src >= 0)
            p->has_dates = 1;
    }
    strbuf_free(&col);
    strbuf_free(&header);
    strbuf_free(&list);
    return rc;
}

/* Votes day-first or month-first for the date column feeding a preset, as the
 * loader decides a column's order. */
static int vote_dates(ctx *c, struct plan *p)
{
    date_orders_init(&p->dates, 0);
    for (int i = 0; i < p->nout; i++) {
        if (p->out[i].rule != RULE_DATE || !p->out[i].from)
            continue;
        char *sql = sqlite3_mprintf("SELECT \"%w\" FROM \"%w\" WHERE \"%w\" IS NOT NULL", p->out[i].from, p->table,
                                    p->out[i].from);
        sqlite3_stmt *st;
        int rc = prepare_sql(c, "export", sql, &st);
        sqlite3_free(sql);
        if (rc)
            return -1;
        while (sqlite3_step(st) == SQLITE_ROW)
            date_orders_vote(&p->dates, (const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
        sqlite3_finalize(st);
    }
    date_orders_settle(&p->dates);
    return 0;
}

/* ---- consent ---- */

/* Sets the SQL that gives each exported row's consent column's word, 1, 0 or NULL,
 * read when the export runs: from consent=COL, else — for profiles — from the
 * customers table the profiles were built from (a consent revoked since the build
 * counts), else from the one column of the table whose name says consent.  No such
 * column sets *missing (the ledger may still have a word). */
static int column_consent(ctx *c, const struct export_options *o, struct plan *p, struct export_report *rep,
                          int *missing)
{
    struct strbuf col = {0};
    int rc = 0;
    if (o->consent) {
        int i = column_index(p, o->consent);
        if (i < 0)
            return unknown_column(c, p, "consent=", o->consent);
        strbuf_put_ident(&col, p->table);
        strbuf_putc(&col, '.');
        strbuf_put_ident(&col, p->cols[i]);
        consent_sql(&p->consent_sql, strbuf_str(&col), consent_column_polarity(p->cols[i]));
        snprintf(rep->consent_column, sizeof rep->consent_column, "%s", p->cols[i]);
        strbuf_free(&col);
        return 0;
    }
    sqlite3_stmt *st;
    if (prepare_sql(c, "export", "SELECT customers, key_column, consent_column FROM _persona_profiles "
                                 "WHERE profiles_table = ?1 AND consent_column IS NOT NULL ORDER BY command_id DESC LIMIT 1",
                    &st))
        return -1;
    sqlite3_bind_text(st, 1, p->table, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *customers = (const char *)sqlite3_column_text(st, 0);
        const char *key = (const char *)sqlite3_column_text(st, 1);
        const char *consent = (const char *)sqlite3_column_text(st, 2);
        if (!table_exists(c, customers) ||
            query_int(c, "SELECT count(*) FROM pragma_table_info(%Q) WHERE name IN (%Q, %Q)", customers, key,
                      consent) != 2) {
            rc = ctx_error(c, "export: %s was built from %s, whose consent column %s is gone: consent cannot be "
                              "checked; build the profiles again or give consent=COL", p->table, customers, consent);
        } else {
            strbuf_puts(&col, "src.");
            strbuf_put_ident(&col, consent);
            strbuf_puts(&p->consent_sql, "(SELECT ");
            consent_sql(&p->consent_sql, strbuf_str(&col), consent_column_polarity(consent));
            strbuf_puts(&p->consent_sql, " FROM ");
            strbuf_put_ident(&p->consent_sql, customers);
            strbuf_puts(&p->consent_sql, " src WHERE src.");
            strbuf_put_ident(&p->consent_sql, key);
            strbuf_puts(&p->consent_sql, " = ");
            strbuf_put_ident(&p->consent_sql, p->table);
            strbuf_putc(&p->consent_sql, '.');
            strbuf_put_ident(&p->consent_sql, key);
            strbuf_puts(&p->consent_sql, ")");
            snprintf(rep->consent_column, sizeof rep->consent_column, "%s.%s", customers, consent);
        }
        sqlite3_finalize(st);
        strbuf_free(&col);
        return rc;
    }
    sqlite3_finalize(st);
    int polarity;
    struct strbuf candidates = {0};
    int i = consent_find_column((const char *const *)p->cols, p->ncols, &polarity, &candidates);
    if (i == -2)
        rc = ctx_error(c, "export: more than one column of %s could hold the consent (%s); name the one that does "
                          "with consent=COL", p->table, strbuf_str(&candidates));
    else if (i < 0)
        *missing = 1;
    else {
        strbuf_put_ident(&col, p->table);
        strbuf_putc(&col, '.');
        strbuf_put_ident(&col, p->cols[i]);
        consent_sql(&p->consent_sql, strbuf_str(&col), polarity);
        snprintf(rep->consent_column, sizeof rep->consent_column, "%s", p->cols[i]);
    }
    strbuf_free(&candidates);
    strbuf_free(&col);
    return rc;
}

/* The consent SQL of the export: the ledger's latest event for the purpose the tool
 * needs (a preset's, or purpose=), falling back to the consent column's word. */
static int plan_consent(ctx *c, const struct export_options *o, struct plan *p, struct export_report *rep)
{
    p->consent_at = -1;
    if (o->consent && strcmp(o->consent, "none") == 0)
        return 0;
    const char *purpose = p->preset ? p->preset->purpose : o->purpose;
    if (purpose && !ledger_purpose_ok(purpose))
        return ctx_error(c, "export: purpose=%s: expected email, sms, ads or analytics", purpose);
    int missing = 0;
    if (column_consent(c, o, p, rep, &missing))
        return -1;
    int ledger = purpose && p->key && ledger_has(c, purpose);
    if (missing && !ledger)
        return ctx_error(c, "export: %s has no consent column%s: name it with consent=COL, record consent with "
                            "'consent record', or write consent=none to export every row without asking", p->table,
                         purpose ? " and the ledger has no consent for that purpose" : "");
    if (purpose)
        snprintf(rep->consent_purpose, sizeof rep->consent_purpose, "%s", purpose);
    if (!ledger)
        return 0;
    struct strbuf key = {0}, sql = {0};
    strbuf_put_ident(&key, p->table);
    strbuf_putc(&key, '.');
    strbuf_put_ident(&key, p->key);
    strbuf_puts(&sql, "coalesce(");
    ledger_state_sql(strbuf_str(&key), purpose, &sql);
    strbuf_printf(&sql, ", %s)", missing ? "NULL" : strbuf_str(&p->consent_sql));
    strbuf_reset(&p->consent_sql);
    strbuf_puts(&p->consent_sql, strbuf_str(&sql));
    rep->consent_ledger = 1;
    if (missing)
        snprintf(rep->consent_column, sizeof rep->consent_column, "(the ledger only)");
    strbuf_free(&key);
    strbuf_free(&sql);
    return 0;
}

/* 1 granted, 0 denied, -1 unknown: the consent SQL's answer for the row. */
static int consent_state(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int(st, i) ? 1 : 0;
}

/* ---- the query ---- */

static void build_query(ctx *c, struct plan *p)
{
    struct strbuf *q = &p->query;
    strbuf_puts(q, "SELECT ");
    for (int i = 0; i < p->nsel; i++) {
        if (i)
            strbuf_puts(q, ", ");
        strbuf_put_ident(q, p->sel[i]);
    }
    if (p->nsel == 0)
        strbuf_puts(q, "1");
    int extra = p->nsel ? p->nsel : 1;
    if (p->consent_sql.len) {
        strbuf_printf(q, ", %s", strbuf_str(&p->consent_sql));
        p->consent_at = extra++;
    }
    if (p->key) {
        strbuf_puts(q, ", ");
        strbuf_put_ident(q, p->table);
        strbuf_putc(q, '.');
        strbuf_put_ident(q, p->key);
        p->member_at = extra++;
    }
    /* an erased person is never exported, whatever the source still holds */
    identity_suppressed_sql(c, p->table, &p->suppressed_sql);
    if (strcmp(strbuf_str(&p->suppressed_sql), "0") != 0) {
        strbuf_printf(q, ", %s", strbuf_str(&p->suppressed_sql));
        p->suppressed_at = extra++;
    }
    strbuf_puts(q, " FROM ");
    strbuf_put_ident(q, p->table);
    if (p->is_segment) {
        strbuf_puts(q, " WHERE ");
        segment_filter_sql(c, &p->seg, p->key, q);
    }
    /* a fixed order, so the same export gives the same bytes */
    strbuf_puts(q, " ORDER BY ");
    if (p->key) {
        strbuf_put_ident(q, p->key);
    } else {
        for (int i = 0; i < p->nsel; i++)
            strbuf_printf(q, "%s%d", i ? ", " : "", i + 1);
        if (p->nsel == 0)
            strbuf_puts(q, "1");
    }
}

/* ---- the rows ---- */

/* The codes of a country column's values: a few dozen distinct ones, each folded
 * and looked up once rather than on every row. */
struct country_cache {
    int n;
    struct { char text[48]; size_t len; const char *code; } e[64];
};

static const char *country_of(struct country_cache *cc, const char *s, size_t len)
{
    for (int i = 0; i < cc->n; i++)
        if (cc->e[i].len == len && memcmp(cc->e[i].text, s, len) == 0)
            return cc->e[i].code;
    const char *code = country_code(s, len);
    if (len < sizeof cc->e[0].text && cc->n < (int)(sizeof cc->e / sizeof cc->e[0])) {
        memcpy(cc->e[cc->n].text, s, len);
        cc->e[cc->n].len = len;
        cc->e[cc->n++].code = code;
    }
    return code;
}

/* Whether a plain phone column's text reads as a phone number, so it can be left as
 * written: digits, blanks and + - ( ) . only. */
static int phone_like(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]) && !strchr(" +-().", s[i]))
            return 0;
    return 1;
}

static int stream_rows(ctx *c, struct plan *p, struct csv_writer *w, struct export_report *rep)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "export", strbuf_str(&p->query), &st))
        return -1;
    int need_facts = p->preset || p->hash;
    struct sha256 *h = sha256_new();
    struct strbuf *vals = xcalloc((size_t)p->nout, sizeof *vals);
    const char **text = xcalloc((size_t)p->nout, sizeof *text);
    size_t *lens = xcalloc((size_t)p->nout, sizeof *lens);
    int *neutral = xcalloc((size_t)p->nout, sizeof *neutral);
    struct country_cache countries = {0};
    char hex[SHA256_HEX];
    int step, rc = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        rep->candidates++;
        if ((rep->candidates & 16383) == 0) {
            if (ctx_is_cancelled(c) || w->err)
                break;
            ctx_progress(c, rep->candidates, 0, "rows");
        }
        if (p->suppressed_at >= 0 && sqlite3_column_int(st, p->suppressed_at)) {
            rep->suppressed++;
            continue;
        }
        if (p->consent_at >= 0) {
            int s = consent_state(st, p->consent_at);
            if (s != 1) {
                if (s == 0)
                    rep->consent_denied++;
                else
                    rep->consent_unknown++;
                continue;
            }
        }
        struct row_facts facts = {.dates = p->has_dates ? &p->dates : NULL};
        if (need_facts && p->country_at >= 0 && sqlite3_column_type(st, p->country_at) == SQLITE_TEXT)
            facts.country = country_of(&countries, (const char *)sqlite3_column_text(st, p->country_at),
                                       (size_t)sqlite3_column_bytes(st, p->country_at));
        for (int j = 0; j < p->nout; j++) {
            const struct out_col *oc = &p->out[j];
            text[j] = oc->fixed ? oc->fixed : "";
            lens[j] = oc->fixed ? strlen(oc->fixed) : 0;
            neutral[j] = 1;
            if (oc->src < 0)
                continue;
            int type = sqlite3_column_type(st, oc->src);
            const char *s = (const char *)sqlite3_column_text(st, oc->src);
            size_t len = (size_t)sqlite3_column_bytes(st, oc->src);
            if (oc->rule == RULE_AS_IS) {
                text[j] = s ? s : "";
                lens[j] = len;
                neutral[j] = type == SQLITE_TEXT && !(oc->phone && phone_like(s, len));
            } else if (s && value_apply(oc->rule, s, len, &facts, &vals[j])) {
                if (oc->hashed) {
                    sha256_hex(h, vals[j].buf, vals[j].len, hex);
                    strbuf_reset(&vals[j]);
                    strbuf_append(&vals[j], hex, SHA256_HEX - 1);
                }
                text[j] = vals[j].buf;
                lens[j] = vals[j].len;
                neutral[j] = !oc->hashed && oc->rule != RULE_PHONE && oc->rule != RULE_PHONE_DIGITS;
            }
        }
        if (p->preset && !preset_row_usable(p->preset, lens)) {
            rep->no_identifier++;
            continue;
        }
        for (int j = 0; j < p->nout; j++)
            csv_put_field(w, text[j], lens[j], neutral[j]);
        csv_end_row(w);
        rep->rows++;
        if (p->member && p->member_at >= 0) {
            sqlite3_bind_value(p->member, 1, sqlite3_column_value(st, p->member_at));
            if (sqlite3_step(p->member) != SQLITE_DONE) {
                rc = ctx_sqlite_error(c, "export: recording who was exported");
                break;
            }
            sqlite3_reset(p->member);
        }
    }
    if (ctx_is_cancelled(c))
        rc = ctx_cancelled(c);
    else if (step != SQLITE_DONE && step != SQLITE_ROW)
        rc = ctx_sqlite_error(c, "export");
    sqlite3_finalize(st);
    for (int j = 0; j < p->nout; j++)
        strbuf_free(&vals[j]);
    free(vals);
    free(text);
    free(lens);
    free(neutral);
    sha256_free(h);
    return rc;
}

/* ---- the manifest ---- */

static void member(struct strbuf *b, const char *key, int *first)
{
    strbuf_puts(b, *first ? "\n  " : ",\n  ");
    *first = 0;
    json_put_string(b, key);
    strbuf_puts(b, ": ");
}

static void string_or_null(struct strbuf *b, const char *s)
{
    if (s)
        json_put_string(b, s);
    else
        strbuf_puts(b, "null");
}

static void manifest_json(ctx *c, const struct export_options *o, const struct plan *p,
                          const struct export_report *rep, struct strbuf *b)
{
    int first = 1, inner;
    char now[32];
    utc_now(now, sizeof now);
    strbuf_putc(b, '{');
    member(b, "file", &first);
    json_put_string(b, o->path);
    member(b, "source", &first);
    strbuf_puts(b, "{\"name\": ");
    json_put_string(b, o->source);
    strbuf_puts(b, ", \"type\": ");
    json_put_string(b, p->kind);
    if (p->is_segment) {
        strbuf_puts(b, ", \"segment_kind\": ");
        json_put_string(b, p->seg.kind);
    }
    strbuf_puts(b, ", \"table\": ");
    json_put_string(b, p->table);
    strbuf_puts(b, ", \"key\": ");
    string_or_null(b, p->key);
    strbuf_puts(b, ", \"definition\": ");
    if (p->is_segment) {
        json_put_string(b, p->seg.definition);
        strbuf_puts(b, ", \"condition\": ");
        string_or_null(b, p->seg.label);
    } else {
        struct strbuf def = {0};
        strbuf_puts(&def, "SELECT * FROM ");
        strbuf_put_ident(&def, p->table);
        json_put_string(b, strbuf_str(&def));
        strbuf_free(&def);
    }
    strbuf_puts(b, "}");
    member(b, "query", &first);
    json_put_string(b, strbuf_str(&p->query));
    member(b, "preset", &first);
    string_or_null(b, p->preset ? p->preset->name : NULL);
    member(b, "columns", &first);
    strbuf_putc(b, '[');
    for (int i = 0; i < p->nout; i++) {
        const struct out_col *oc = &p->out[i];
        strbuf_puts(b, i ? ",\n    {\"header\": " : "\n    {\"header\": ");
        json_put_string(b, oc->header);
        strbuf_puts(b, ", \"from\": ");
        string_or_null(b, oc->fixed ? NULL : oc->from);
        if (oc->fixed) {
            strbuf_puts(b, ", \"value\": ");
            json_put_string(b, oc->fixed);
        }
        strbuf_puts(b, ", \"rule\": ");
        json_put_string(b, value_rule_name(oc->rule));
        strbuf_printf(b, ", \"hashed\": %s}", oc->hashed ? "true" : "false");
    }
    strbuf_puts(b, "\n  ]");
    member(b, "hash", &first);
    if (rep->hashed_columns) {
        strbuf_puts(b, "{\"method\": \"sha256\", \"encoding\": \"lowercase hex\", \"of\": \"the normalised value "
                       "(UTF-8)\", \"columns\": [");
        inner = 0;
        for (int i = 0; i < p->nout; i++)
            if (p->out[i].hashed) {
                strbuf_puts(b, inner++ ? ", " : "");
                json_put_string(b, p->out[i].header);
            }
        strbuf_puts(b, "]}");
    } else {
        strbuf_puts(b, "null");
    }
    member(b, "consent", &first);
    if (rep->consent_column[0]) {
        strbuf_puts(b, "{\"column\": ");
        json_put_string(b, rep->consent_column);
        const char *dot = strrchr(rep->consent_column, '.');
        int negates = consent_column_polarity(dot ? dot + 1 : rep->consent_column) == CONSENT_NEGATES;
        /* in a negating column (unsubscribed) a yes refuses: the list is of the
         * values as they read in an affirmative one */
        strbuf_printf(b, ", \"polarity\": \"%s\", \"purpose\": ", negates ? "negating" : "affirmative");
        if (rep->consent_purpose[0])
            json_put_string(b, rep->consent_purpose);
        else
            strbuf_puts(b, "null");
        strbuf_printf(b, ", \"ledger\": %s, \"granted\": ", rep->consent_ledger ? "true" : "false");
        int n = 0;
        while (consent_granted[n])
            n++;
        json_put_strings(b, consent_granted, n);
        strbuf_puts(b, "}");
    } else {
        json_put_string(b, "none");
    }
    member(b, "rows", &first);
    strbuf_printf(b, "%lld", (long long)rep->rows);
    member(b, "candidates", &first);
    strbuf_printf(b, "%lld", (long long)rep->candidates);
    member(b, "left_out", &first);
    strbuf_printf(b, "{\"consent_denied\": %lld, \"consent_unknown\": %lld, \"no_identifier\": %lld, "
                     "\"suppressed\": %lld}",
                  (long long)rep->consent_denied, (long long)rep->consent_unknown, (long long)rep->no_identifier,
                  (long long)rep->suppressed);
    member(b, "format", &first);
    strbuf_printf(b, "{\"standard\": \"RFC 4180\", \"encoding\": \"UTF-8\", \"bom\": %s, \"line_ending\": \"CRLF\", "
                     "\"formula_prefix\": \"'\"}", o->bom ? "true" : "false");
    member(b, "sha256", &first);
    json_put_string(b, rep->sha256);
    member(b, "bytes", &first);
    strbuf_printf(b, "%llu", (unsigned long long)rep->bytes);
    member(b, "created_at", &first);
    json_put_string(b, now);
    member(b, "persona_version", &first);
    json_put_string(b, PERSONA_VERSION);
    member(b, "command", &first);
    strbuf_printf(b, "{\"log_id\": %lld, \"line\": ", (long long)c->command_id);
    string_or_null(b, o->command);
    strbuf_puts(b, "}\n}\n");
}

/* ---- the run ---- */

/* strerror's text, lower-cased as Persona's messages are. */
static void error_text(int err, char *buf, size_t size)
{
    snprintf(buf, size, "%s", strerror(err));
    buf[0] = (char)tolower((unsigned char)buf[0]);
}

/* Refuses what would lose data: an existing file or manifest without force, a
 * folder, the workspace itself. */
static int check_target(ctx *c, const struct export_options *o, const char *manifest)
{
    return output_target_check(c, "export", o->path, o->force) ||
           output_target_check(c, "export", manifest, o->force) ? -1 : 0;
}

static int settle_options(ctx *c, const struct export_options *o, struct plan *p, struct export_report *rep)
{
    if (o->preset && !(p->preset = preset_find(o->preset))) {
        int n;
        const struct preset *all = preset_table(&n);
        const char *names[16];
        struct strbuf list = {0};
        for (int i = 0; i < n; i++) {
            names[i] = all[i].name;
            strbuf_printf(&list, "%s%s", i ? ", " : "", all[i].name);
        }
        const char *near = closest_name(o->preset, names, (size_t)n);
        ctx_error(c, "export: unknown preset '%s'%s%s%s; presets: %s", o->preset, near ? " (did you mean '" : "",
                  near ? near : "", near ? "'?)" : "", strbuf_str(&list));
        strbuf_free(&list);
        return -1;
    }
    int preset_hashes = 0;
    for (int i = 0; p->preset && i < p->preset->ncols; i++)
        preset_hashes |= p->preset->cols[i].hashed;
    if (!o->hash)
        p->hash = preset_hashes;
    else if (strcmp(o->hash, "sha256") == 0)
        p->hash = 1;
    else if (strcmp(o->hash, "none") == 0)
        p->hash = 0;
    else
        return ctx_error(c, "export: hash=%s: expected sha256 or none", o->hash);
    if (p->hash && p->preset && !preset_hashes)
        return ctx_error(c, "export: hash=sha256: %s matches on contact details in clear; hashed exports are "
                            "google-customer-match, meta, and plain ones", p->preset->name);
    snprintf(rep->hash, sizeof rep->hash, "%s", p->hash ? "sha256" : "none");
    if (o->tags && !(p->preset && strcmp(p->preset->name, "mailchimp") == 0))
        return ctx_error(c, "export: tags= is for preset=mailchimp");
    return 0;
}

/* Writes the rows into a temporary file beside path; on success *tmp names it. */
static int write_temp(ctx *c, const struct export_options *o, struct plan *p, struct export_report *rep,
                      struct strbuf *tmp)
{
    int fd = temp_file_beside(c, "export", o->path, tmp);
    if (fd < 0)
        return -1;
    struct sha256 *digest = sha256_new();
    struct csv_writer w;
    csv_writer_init(&w, fd, digest);
    if (o->bom)
        csv_put_raw(&w, "\xEF\xBB\xBF", 3);
    for (int i = 0; i < p->nout; i++)
        csv_put_field(&w, p->out[i].header, strlen(p->out[i].header), 1);
    csv_end_row(&w);
    int rc = stream_rows(c, p, &w, rep);
    int err = csv_writer_flush(&w);
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (rc == 0 && err) {
        char why[128];
        error_text(err, why, sizeof why);
        rc = ctx_error(c, "export: %s: %s", o->path, why);
    }
    sha256_final_hex(digest, rep->sha256);
    rep->bytes = w.bytes;
    csv_writer_free(&w);
    sha256_free(digest);
    if (rc)
        unlink(tmp->buf);
    return rc;
}

/* Records the export (what, from where, by which command) and prepares the
 * statement that records each exported row's key as a salted hash. */
static int record_export(ctx *c, const struct export_options *o, struct plan *p)
{
    if (identity_salt_ensure(c))
        return -1;
    sqlite3_stmt *st;
    if (prepare_sql(c, "export", "INSERT INTO _persona_exports(command_id, file, source, preset, created_at) "
                                 "VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", &st))
        return -1;
    sqlite3_bind_int64(st, 1, c->command_id);
    sqlite3_bind_text(st, 2, o->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, o->source, -1, SQLITE_STATIC);
    if (o->preset)
        sqlite3_bind_text(st, 4, o->preset, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ctx_sqlite_error(c, "export");
    sqlite3_finalize(st);
    p->export_id = sqlite3_last_insert_rowid(c->db);
    if (rc || !p->key)
        return rc;
    /* the hashes are gathered in a TEMP table as the rows stream, and go into the
     * members table sorted, at the end (record_members): inserting a million of
     * them in hash order is several times faster than one by one at random */
    struct strbuf sql = {0};
    strbuf_puts(&sql, "INSERT INTO temp._persona_members(hash) VALUES (");
    identity_sql(&sql, "key", "?1");
    strbuf_puts(&sql, ")");
    rc = exec_sql(c, "export", "DROP TABLE IF EXISTS temp._persona_members; "
                               "CREATE TEMP TABLE _persona_members(hash TEXT)") ||
         prepare_sql(c, "export", strbuf_str(&sql), &p->member) ? -1 : 0;
    strbuf_free(&sql);
    return rc;
}

/* Records the export's size and digest, and its members' hashes in hash order. */
static int record_members(ctx *c, const struct plan *p, const struct export_report *rep)
{
    char *sql = sqlite3_mprintf("UPDATE _persona_exports SET rows = %lld, sha256 = %Q WHERE id = %lld%s", (long long)rep->rows,
                                rep->sha256, (long long)p->export_id,
                                p->member ? "; INSERT OR IGNORE INTO _persona_export_members(hash, export_id) SELECT hash, "
                                            "(SELECT max(id) FROM _persona_exports) FROM temp._persona_members WHERE "
                                            "hash IS NOT NULL ORDER BY hash" : "");
    int rc = exec_sql(c, "export", sql);
    sqlite3_free(sql);
    return rc;
}

int export_run(ctx *c, const struct export_options *o, struct export_report *rep)
{
    memset(rep, 0, sizeof *rep);
    struct strbuf manifest = {0}, tmp = {0}, json = {0};
    strbuf_printf(&manifest, "%s.manifest.json", o->path);
    rep->manifest = xstrdup(strbuf_str(&manifest));
    struct plan p = {.consent_at = -1, .country_at = -1, .suppressed_at = -1, .member_at = -1};
    int rc = check_target(c, o, rep->manifest) || settle_options(c, o, &p, rep) || load_source(c, o, &p) ? -1 : 0;
    if (rc == 0)
        rc = p.preset ? plan_preset(c, o, &p) : plan_plain(c, o, &p);
    if (rc == 0)
        rc = plan_consent(c, o, &p, rep);
    if (rc == 0 && (p.preset || p.hash)) {
        int country = find_role(&p, ROLE_COUNTRY);
        if (country >= 0)
            p.country_at = select_column(&p, p.cols[country]);
    }
    if (rc == 0 && p.has_dates)
        rc = vote_dates(c, &p);
    for (int i = 0; i < p.nout; i++)
        rep->hashed_columns += p.out[i].hashed;
    if (rc == 0)
        rc = record_export(c, o, &p);
    if (rc == 0) {
        build_query(c, &p);
        rc = write_temp(c, o, &p, rep, &tmp);
        if (rc == 0 && rep->rows == 0) {
            /* an empty audience is never handed over silently: say why it is empty */
            unlink(tmp.buf);
            if (rep->candidates == 0 && p.is_segment)
                rc = ctx_error(c, "export: %s: no row of %s is a member of the segment (%lld members by its "
                                  "definition): nothing written", o->source, p.table,
                               (long long)segment_count(c, "export", p.seg.definition));
            else if (rep->candidates == 0)
                rc = ctx_error(c, "export: %s has no rows: nothing written", o->source);
            else
                rc = ctx_error(c, "export: all %lld candidates were left out (consent denied %lld, consent unknown "
                                  "%lld, no identifier %lld): nothing written", (long long)rep->candidates,
                               (long long)rep->consent_denied, (long long)rep->consent_unknown,
                               (long long)rep->no_identifier);
        }
    }
    if (rc == 0) {
        manifest_json(c, o, &p, rep, &json);
        if (write_file_atomic(c, "export", rep->manifest, json.buf, json.len, o->force)) {
            unlink(tmp.buf);
            rc = -1;
        }
    }
    if (rc == 0 && install_file(c, "export", tmp.buf, o->path, o->force))
        rc = -1, unlink(rep->manifest);
    if (rc == 0)
        rc = record_members(c, &p, rep);
    sqlite3_finalize(p.member);
    exec_sql(c, "export", "DROP TABLE IF EXISTS temp._persona_members");
    plan_free(&p);
    strbuf_free(&manifest);
    strbuf_free(&tmp);
    strbuf_free(&json);
    return rc;
}

void export_report_free(struct export_report *rep)
{
    free(rep->manifest);
    rep->manifest = NULL;
}
