/* dedupe.c — blocking, EM training, scoring and clustering for `dedupe`. */
#include "dedupe.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedupe_compare.h"
#include "fellegi_sunter.h"
#include "strbuf.h"
#include "strsim.h"
#include "undo.h"
#include "workspace.h"

enum { MAX_COLUMNS = 64, MAX_TERMS = 6, MAX_RULES = 32 };

struct column {
    char *name;
    enum dd_kind kind;
    struct dd_dict dict;
    double *tf_weight;      /* per value: log2(u_exact / term frequency) */
};

enum term_fn { TERM_VALUE, TERM_SOUNDEX, TERM_LEFT };

struct term {
    int col;
    enum term_fn fn;
    int n;                  /* left(col, n) */
};

struct keyed {
    uint64_t key;
    uint32_t rec;
};

struct rule {
    char *text;
    int nterms;
    struct term terms[MAX_TERMS];
    unsigned char uses[MAX_COLUMNS];    /* columns the rule agrees on by construction */
    int plain;              /* only whole-value terms */
    int proposed;           /* proposed automatically (may be dropped) */
    uint64_t *keys;         /* per record; 0: no key, or in a skipped block */
    struct keyed *sorted;   /* records with a key, by key */
    size_t nsorted;
    struct dedupe_rule_report rep;
};

/* The distinct comparison vectors seen, with how often each rule produced them. */
struct patterns {
    int ncols, nrules;
    int8_t *gamma;          /* n * ncols */
    double *counts;         /* n * nrules */
    uint32_t n, cap;
    uint32_t *slots;        /* pattern id + 1 */
    uint32_t nslots;
};

struct decision {
    uint64_t pair;          /* rec_l << 32 | rec_r, rec_l < rec_r */
    size_t seq;             /* order of the decisions: the latest on a pair wins */
    char what;              /* 'a'ccept, 'r'eject */
    char seen;              /* the pair was among the candidates */
};

struct dedupe {
    ctx *c;
    const struct dedupe_options *o;
    char *key_col;          /* NULL: rowid */
    int key_is_int;
    int ncols;
    struct column cols[MAX_COLUMNS];
    uint32_t n;             /* records */
    char **keys;            /* per record, as text */
    uint32_t *vals;         /* n * ncols value ids (0: missing) */
    int nrules;
    struct rule rules[MAX_RULES];
    struct patterns pat;
    uint32_t *pair_pattern; /* pattern of each new candidate pair, in visiting order */
    size_t npairs, cap_pairs;
    struct fs_model *mod;
    struct decision *decisions;
    size_t ndecisions;
    int ndropped;           /* proposed rules left out, kept after the others */
    int em_sessions_run;
    int64_t total_visits;   /* candidate pairs over all rules, for progress */
    uint32_t *key_slots;    /* open addressing over keys: record + 1 */
    uint32_t key_nslots;
};

/* ---- columns ---- */

static int add_column(struct dedupe *d, const char *name, int kind)
{
    if (d->ncols == MAX_COLUMNS)
        return ctx_error(d->c, "dedupe: more than %d columns to compare; choose some with on=", MAX_COLUMNS);
    struct column *col = &d->cols[d->ncols++];
    col->name = xstrdup(name);
    col->kind = (enum dd_kind)kind;
    dd_dict_init(&col->dict, col->kind);
    return 0;
}

static const char *find_name(char **names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (sqlite3_stricmp(names[i], name) == 0)
            return names[i];
    return NULL;
}

/* Chooses the key and the columns to compare: on= as given, or every column whose
 * name says who a record is. */
static int choose_columns(struct dedupe *d)
{
    ctx *c = d->c;
    int n;
    char **names = table_columns(c, "dedupe", d->o->table, &n);
    int rc = 0;
    const char *key = d->o->key;
    char *recorded = key ? NULL : table_key_column(c, d->o->table);
    if (!key)
        key = recorded;
    if (key && strcmp(key, "rowid") != 0) {
        const char *k = find_name(names, n, key);
        if (!k) {
            rc = ctx_error(c, "dedupe: key=%s: no such column in %s", key, d->o->table);
            goto out;
        }
        d->key_col = xstrdup(k);
    }
    if (!d->key_col) {
        /* a column called rowid hides the row number: key the records by the name
         * that still reaches it, so review and merge find the same rows */
        const char *rowid = rowid_alias(c, "dedupe", d->o->table);
        if (!rowid) {
            rc = -1;
            goto out;
        }
        if (strcmp(rowid, "rowid") != 0)
            d->key_col = xstrdup(rowid);
    }
    if (d->o->on) {
        char *list = xstrdup(d->o->on);
        for (char *save = NULL, *item = strtok_r(list, ",", &save); item && !rc;
             item = strtok_r(NULL, ",", &save)) {
            while (*item == ' ')
                item++;
            char *colon = strchr(item, ':');
            if (colon)
                *colon = '\0';
            const char *name = find_name(names, n, item);
            int kind = colon ? dd_kind_parse(colon + 1) : name ? dd_kind_guess(name) : DD_TEXT;
            if (!name)
                rc = ctx_error(c, "dedupe: on=%s: no column '%s' in %s", d->o->on, item, d->o->table);
            else if (kind < 0 && colon)
                rc = ctx_error(c, "dedupe: on=%s: unknown kind '%s'; kinds: %s", d->o->on, colon + 1,
                               dd_kind_list());
            else if (d->key_col && strcmp(name, d->key_col) == 0)
                rc = ctx_error(c, "dedupe: on=%s: '%s' is the key; compare other columns", d->o->on, name);
            else
                rc = add_column(d, name, kind < 0 ? DD_TEXT : kind);
        }
        free(list);
    } else {
        for (int i = 0; i < n && !rc; i++) {
            int kind = dd_kind_guess(names[i]);
            if (kind >= 0 && !(d->key_col && strcmp(names[i], d->key_col) == 0))
                rc = add_column(d, names[i], kind);
        }
        if (!rc && d->ncols == 0)
            rc = ctx_error(c, "dedupe: no column of %s looks like a name, email, phone, birth date or "
                           "address; choose columns with on=COL[:KIND],… (kinds: %s)",
                           d->o->table, dd_kind_list());
    }
out:
    free(recorded);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* ---- reading ---- */

/* Keys must identify records: a set of their hashes finds repeats. */
static int read_records(struct dedupe *d)
{
    ctx *c = d->c;
    struct strbuf sql = {0};
    strbuf_puts(&sql, "SELECT ");
    if (d->key_col)
        strbuf_put_ident(&sql, d->key_col);
    else
        strbuf_puts(&sql, "rowid");
    for (int i = 0; i < d->ncols; i++) {
        strbuf_puts(&sql, ", ");
        strbuf_put_ident(&sql, d->cols[i].name);
    }
    strbuf_puts(&sql, " FROM ");
    strbuf_put_ident(&sql, d->o->table);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "dedupe", strbuf_str(&sql), &st);
    strbuf_free(&sql);
    if (rc)
        return -1;
    char *count_sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", d->o->table);
    sqlite3_stmt *cs;
    int64_t total = 0;
    if (sqlite3_prepare_v2(c->db, count_sql, -1, &cs, NULL) == SQLITE_OK) {
        if (sqlite3_step(cs) == SQLITE_ROW)
            total = sqlite3_column_int64(cs, 0);
        sqlite3_finalize(cs);
    }
    sqlite3_free(count_sql);
    if (total >= UINT32_MAX)
        rc = ctx_error(c, "dedupe: %s has %lld rows; at most %u can be compared at once",
                       d->o->table, (long long)total, UINT32_MAX - 1);
    size_t cap = total > 0 ? (size_t)total : 1;
    d->keys = xmalloc(cap * sizeof *d->keys);
    d->vals = xmalloc(cap * (size_t)(d->ncols ? d->ncols : 1) * sizeof *d->vals);
    uint32_t nslots = 16;
    while (nslots < 2 * cap)
        nslots *= 2;
    uint32_t *slots = xcalloc(nslots, sizeof *slots);
    d->key_is_int = 1;
    int step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (d->n == cap) {      /* rows appeared since the count: grow */
            cap *= 2;
            d->keys = xrealloc(d->keys, cap * sizeof *d->keys);
            d->vals = xrealloc(d->vals, cap * (size_t)(d->ncols ? d->ncols : 1) * sizeof *d->vals);
        }
        const char *key = (const char *)sqlite3_column_text(st, 0);
        if (!key) {
            rc = ctx_error(c, "dedupe: key column %s is empty on row %u of %s; give key=COL with a value "
                           "on every row", d->key_col, d->n + 1, d->o->table);
            break;
        }
        if (sqlite3_column_type(st, 0) != SQLITE_INTEGER)
            d->key_is_int = 0;
        uint64_t h = dd_hash(key, strlen(key));
        uint32_t s = (uint32_t)h & (nslots - 1);
        while (slots[s] && strcmp(d->keys[slots[s] - 1], key) != 0)
            s = (s + 1) & (nslots - 1);
        if (slots[s]) {
            rc = ctx_error(c, "dedupe: key column %s is not unique in %s ('%s' appears twice); give key=COL "
                           "with a unique column", d->key_col, d->o->table, key);
            break;
        }
        if (2 * (d->n + 1) > nslots) {  /* keep the set half empty */
            free(slots);
            nslots *= 2;
            slots = xcalloc(nslots, sizeof *slots);
            for (uint32_t i = 0; i < d->n; i++) {
                uint32_t t = (uint32_t)dd_hash(d->keys[i], strlen(d->keys[i])) & (nslots - 1);
                while (slots[t])
                    t = (t + 1) & (nslots - 1);
                slots[t] = i + 1;
            }
            s = (uint32_t)h & (nslots - 1);
            while (slots[s])
                s = (s + 1) & (nslots - 1);
        }
        d->keys[d->n] = xstrdup(key);
        slots[s] = d->n + 1;
        for (int i = 0; i < d->ncols; i++)
            d->vals[(size_t)d->n * (size_t)d->ncols + (size_t)i] =
                dd_dict_add(&d->cols[i].dict, (const char *)sqlite3_column_text(st, i + 1),
                            (size_t)sqlite3_column_bytes(st, i + 1));
        d->n++;
        if ((d->n & 0x3fff) == 0) {
            ctx_progress(c, d->n, total, "reading");
            if (ctx_is_cancelled(c))
                rc = ctx_cancelled(c);
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = ctx_sqlite_error(c, "dedupe: reading");
    sqlite3_finalize(st);
    d->key_slots = slots;
    d->key_nslots = nslots;
    return rc;
}

/* ---- blocking rules ---- */

static int column_index(struct dedupe *d, const char *name)
{
    for (int i = 0; i < d->ncols; i++)
        if (sqlite3_stricmp(d->cols[i].name, name) == 0)
            return i;
    return -1;
}

static void trim(char *s)
{
    char *start = s;
    while (*start == ' ')
        start++;
    memmove(s, start, strlen(start) + 1);
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = '\0';
}

/* Parses one rule ("surname+postcode", "soundex(surname)+birth_date",
 * "left(postcode,3)+surname") into r. */
static int parse_rule(struct dedupe *d, const char *text, struct rule *r)
{
    memset(r, 0, sizeof *r);
    r->text = xstrdup(text);
    r->plain = 1;
    char *buf = xstrdup(text);
    int rc = 0;
    for (char *save = NULL, *t = strtok_r(buf, "+&", &save); t && !rc; t = strtok_r(NULL, "+&", &save)) {
        trim(t);
        if (r->nterms == MAX_TERMS) {
            rc = ctx_error(d->c, "dedupe: block=%s: at most %d columns in one rule", text, MAX_TERMS);
            break;
        }
        struct term *term = &r->terms[r->nterms++];
        char *open = strchr(t, '(');
        char *name = t;
        term->fn = TERM_VALUE;
        if (open) {
            char *close = strchr(open, ')');
            if (!close || close[1]) {
                rc = ctx_error(d->c, "dedupe: block=%s: '%s' is not COL, soundex(COL) or left(COL,N)", text, t);
                break;
            }
            *open = *close = '\0';
            trim(t);
            name = open + 1;
            if (strcmp(t, "soundex") == 0) {
                term->fn = TERM_SOUNDEX;
            } else if (strcmp(t, "left") == 0) {
                char *comma = strchr(name, ',');
                char *end = NULL;
                term->fn = TERM_LEFT;
                term->n = comma ? (int)strtol(comma + 1, &end, 10) : 0;
                if (!comma || term->n < 1 || *end) {
                    rc = ctx_error(d->c, "dedupe: block=%s: left(COL,N) needs a number N >= 1", text);
                    break;
                }
                *comma = '\0';
            } else {
                rc = ctx_error(d->c, "dedupe: block=%s: unknown function '%s'; use soundex(COL) or left(COL,N)",
                               text, t);
                break;
            }
            trim(name);
            r->plain = 0;
        }
        term->col = column_index(d, name);
        if (term->col < 0) {
            struct strbuf names = {0};
            for (int i = 0; i < d->ncols; i++)
                strbuf_printf(&names, "%s%s", i ? ", " : "", d->cols[i].name);
            rc = ctx_error(d->c, "dedupe: block=%s: '%s' is not a compared column (%s); add it with on=",
                           text, name, strbuf_str(&names));
            strbuf_free(&names);
            break;
        }
        r->uses[term->col] = 1;
    }
    if (!rc && r->nterms == 0)
        rc = ctx_error(d->c, "dedupe: block=: an empty rule; write rules as COL+COL,…");
    free(buf);
    if (rc) {   /* the rule is not counted: nobody else frees it */
        free(r->text);
        r->text = NULL;
    }
    return rc;
}

/* The first compared column of a kind, or -1. */
static int column_of_kind(struct dedupe *d, enum dd_kind k)
{
    for (int i = 0; i < d->ncols; i++)
        if (d->cols[i].kind == k)
            return i;
    return -1;
}

/* Rules proposed from the kinds of the compared columns: each names kinds, with 's'
 * before a kind for its soundex.  Those whose columns are all present are kept. */
static int propose_rules(struct dedupe *d)
{
    static const char *const proposals[][3] = {
        {"email"}, {"phone"}, {"id"},
        {"surname", "postcode"}, {"ssurname", "birth_date"}, {"given_name", "birth_date"},
        {"given_name", "surname"}, {"birth_date", "postcode"}, {"given_name", "postcode"},
        {"street_number", "address"}, {"address", "postcode"}, {"surname", "city"},
        {"name", "city"}, {"sname", "postcode"}, {"address", "city"},
    };
    for (size_t p = 0; p < sizeof proposals / sizeof proposals[0] && d->nrules < MAX_RULES; p++) {
        struct strbuf text = {0};
        int ok = 1;
        for (int t = 0; t < 3 && proposals[p][t] && ok; t++) {
            const char *kind = proposals[p][t];
            int soundex = kind[0] == 's' && dd_kind_parse(kind) < 0;
            int col = column_of_kind(d, (enum dd_kind)dd_kind_parse(kind + soundex));
            if (col < 0) {
                ok = 0;
                break;
            }
            if (t)
                strbuf_putc(&text, '+');
            strbuf_printf(&text, soundex ? "soundex(%s)" : "%s", d->cols[col].name);
        }
        if (ok) {
            struct rule *r = &d->rules[d->nrules];
            if (parse_rule(d, strbuf_str(&text), r)) {
                strbuf_free(&text);
                return -1;
            }
            r->proposed = 1;
            d->nrules++;
        }
        strbuf_free(&text);
    }
    return 0;
}

/* Splits block= at commas outside parentheses. */
static int parse_rules(struct dedupe *d, const char *spec)
{
    char *buf = xstrdup(spec);
    int depth = 0, rc = 0;
    char *start = buf;
    for (char *p = buf;; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')')
            depth--;
        if (*p == '\0' || ((*p == ',' || *p == ';') && depth == 0)) {
            int end = *p == '\0';
            *p = '\0';
            trim(start);
            if (*start) {
                if (d->nrules == MAX_RULES) {
                    rc = ctx_error(d->c, "dedupe: block=: at most %d rules", MAX_RULES);
                    break;
                }
                if ((rc = parse_rule(d, start, &d->rules[d->nrules])) != 0)
                    break;
                d->nrules++;
            }
            if (end)
                break;
            start = p + 1;
        }
    }
    free(buf);
    if (!rc && d->nrules == 0)
        rc = ctx_error(d->c, "dedupe: block=%s: no rule; write rules as COL+COL,…", spec);
    return rc;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

/* The hash of one term for each distinct value of its column (0: none). */
static uint64_t *term_hashes(struct dedupe *d, const struct term *t)
{
    struct dd_dict *dict = &d->cols[t->col].dict;
    uint64_t *h = xcalloc(dict->n + 1, sizeof *h);
    for (uint32_t v = 0; v < dict->n; v++) {
        const struct dd_value *val = &dict->v[v];
        if (t->fn == TERM_VALUE) {
            h[v + 1] = val->hash;
        } else if (t->fn == TERM_SOUNDEX) {
            char code[5];
            if (strsim_soundex(val->s, code))
                h[v + 1] = dd_hash(code, 4);
        } else {
            /* the first n characters, whole code points */
            const char *s = val->s;
            size_t bytes = 0;
            for (int k = 0; k < t->n && s[bytes]; k++)
                do
                    bytes++;
                while ((s[bytes] & 0xC0) == 0x80);
            h[v + 1] = dd_hash(s, bytes);
        }
    }
    return h;
}

static int cmp_keyed(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->rec < y->rec ? -1 : x->rec > y->rec;
}

/* Gives every record its key under the rule, sorts the keyed records into blocks,
 * skips blocks over max_block, and counts the rule's pairs. */
static void build_blocks(struct dedupe *d, struct rule *r)
{
    uint64_t *th[MAX_TERMS];
    for (int t = 0; t < r->nterms; t++)
        th[t] = term_hashes(d, &r->terms[t]);
    r->keys = xmalloc((size_t)(d->n ? d->n : 1) * sizeof *r->keys);
    r->sorted = xmalloc((size_t)(d->n ? d->n : 1) * sizeof *r->sorted);
    r->nsorted = 0;
    for (uint32_t i = 0; i < d->n; i++) {
        uint64_t key = 0x51ed270b27d1e9c3ULL;
        for (int t = 0; t < r->nterms && key; t++) {
            uint64_t v = th[t][d->vals[(size_t)i * (size_t)d->ncols + (size_t)r->terms[t].col]];
            key = v ? mix(key, v) : 0;
        }
        r->keys[i] = key;
        if (key)
            r->sorted[r->nsorted++] = (struct keyed){key, i};
    }
    for (int t = 0; t < r->nterms; t++)
        free(th[t]);
    qsort(r->sorted, r->nsorted, sizeof *r->sorted, cmp_keyed);
    size_t keep = 0;
    for (size_t g = 0; g < r->nsorted;) {
        size_t e = g + 1;
        while (e < r->nsorted && r->sorted[e].key == r->sorted[g].key)
            e++;
        int64_t size = (int64_t)(e - g);
        if (size > r->rep.largest)
            r->rep.largest = size;
        if (size > d->o->max_block) {
            r->rep.skipped_blocks++;
            for (size_t k = g; k < e; k++)
                r->keys[r->sorted[k].rec] = 0;
        } else if (size > 1) {
            r->rep.pairs += size * (size - 1) / 2;
            memmove(&r->sorted[keep], &r->sorted[g], (size_t)size * sizeof *r->sorted);
            keep += (size_t)size;
        } else {
            r->keys[r->sorted[g].rec] = 0;  /* alone: pairs with no one */
        }
        g = e;
    }
    r->nsorted = keep;
}

static void free_rule(struct rule *r)
{
    free(r->text);
    free(r->keys);
    free(r->sorted);
}

/* Builds every rule's blocks; drops proposed rules that would give too many pairs. */
static int build_rules(struct dedupe *d)
{
    int64_t budget = d->o->max_pairs > 0 ? d->o->max_pairs : 20 * (int64_t)d->n + 10000;
    int kept = 0;
    struct dedupe_rule_report dropped[MAX_RULES];
    int ndropped = 0;
    for (int i = 0; i < d->nrules; i++) {
        struct rule *r = &d->rules[i];
        build_blocks(d, r);
        if (r->proposed && r->rep.pairs > budget) {
            dropped[ndropped] = r->rep;
            dropped[ndropped].text = xstrdup(r->text);
            dropped[ndropped++].dropped = 1;
            free_rule(r);
            continue;
        }
        d->rules[kept++] = *r;
        d->total_visits += r->rep.pairs;
        if (ctx_is_cancelled(d->c))
            return ctx_cancelled(d->c);
    }
    d->nrules = kept;
    /* dropped rules are reported after the kept ones, as rules without pairs */
    for (int i = 0; i < ndropped; i++) {
        struct rule *r = &d->rules[d->nrules + i];
        memset(r, 0, sizeof *r);
        r->text = dropped[i].text;
        r->rep = dropped[i];
    }
    d->ndropped = ndropped;
    return 0;
}

/* ---- candidate pairs ---- */

typedef int pair_fn(struct dedupe *d, uint32_t i, uint32_t j, int rule, int is_new, void *arg);

/* Calls fn for every pair of every block of every rule, in a fixed order, telling
 * whether an earlier rule produced the pair already. */
static int for_each_pair(struct dedupe *d, pair_fn *fn, void *arg, const char *phase)
{
    int64_t done = 0;
    for (int r = 0; r < d->nrules; r++) {
        struct rule *R = &d->rules[r];
        for (size_t g = 0; g < R->nsorted;) {
            size_t e = g + 1;
            while (e < R->nsorted && R->sorted[e].key == R->sorted[g].key)
                e++;
            for (size_t a = g; a < e; a++)
                for (size_t b = a + 1; b < e; b++) {
                    uint32_t i = R->sorted[a].rec, j = R->sorted[b].rec;
                    int is_new = 1;
                    for (int q = 0; q < r && is_new; q++)
                        if (d->rules[q].keys[i] && d->rules[q].keys[i] == d->rules[q].keys[j])
                            is_new = 0;
                    if (fn(d, i, j, r, is_new, arg))
                        return -1;
                    if ((++done & 0xffff) == 0) {
                        ctx_progress(d->c, done, d->total_visits, phase);
                        if (ctx_is_cancelled(d->c))
                            return ctx_cancelled(d->c);
                    }
                }
            g = e;
        }
    }
    ctx_progress(d->c, done, d->total_visits, phase);
    return 0;
}

static void compare_records(struct dedupe *d, uint32_t i, uint32_t j, int8_t *gamma)
{
    const uint32_t *a = &d->vals[(size_t)i * (size_t)d->ncols], *b = &d->vals[(size_t)j * (size_t)d->ncols];
    for (int c = 0; c < d->ncols; c++)
        gamma[c] = (int8_t)dd_compare(&d->cols[c].dict, a[c], b[c]);
}

/* The id of a comparison pattern, added if new. */
static uint32_t pattern_id(struct patterns *p, const int8_t *gamma)
{
    uint64_t h = dd_hash(gamma, (size_t)p->ncols);
    if ((p->n + 1) * 2 > p->nslots) {
        uint32_t nslots = p->nslots ? p->nslots * 2 : 256;
        uint32_t *slots = xcalloc(nslots, sizeof *slots);
        for (uint32_t k = 0; k < p->n; k++) {
            uint32_t s = (uint32_t)dd_hash(p->gamma + (size_t)k * (size_t)p->ncols, (size_t)p->ncols) & (nslots - 1);
            while (slots[s])
                s = (s + 1) & (nslots - 1);
            slots[s] = k + 1;
        }
        free(p->slots);
        p->slots = slots;
        p->nslots = nslots;
    }
    uint32_t s = (uint32_t)h & (p->nslots - 1);
    while (p->slots[s]) {
        uint32_t k = p->slots[s] - 1;
        if (memcmp(p->gamma + (size_t)k * (size_t)p->ncols, gamma, (size_t)p->ncols) == 0)
            return k;
        s = (s + 1) & (p->nslots - 1);
    }
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->gamma = xrealloc(p->gamma, (size_t)p->cap * (size_t)p->ncols);
        p->counts = xrealloc(p->counts, (size_t)p->cap * (size_t)p->nrules * sizeof *p->counts);
    }
    memcpy(p->gamma + (size_t)p->n * (size_t)p->ncols, gamma, (size_t)p->ncols);
    memset(p->counts + (size_t)p->n * (size_t)p->nrules, 0, (size_t)p->nrules * sizeof *p->counts);
    p->slots[s] = p->n + 1;
    return p->n++;
}

/* First pass: each rule's pattern counts (for its EM session), and the pattern of
 * each new pair (for scoring). */
static int tally_pair(struct dedupe *d, uint32_t i, uint32_t j, int rule, int is_new, void *arg)
{
    (void)arg;
    int8_t gamma[MAX_COLUMNS];
    compare_records(d, i, j, gamma);
    uint32_t pid = pattern_id(&d->pat, gamma);
    d->pat.counts[(size_t)pid * (size_t)d->pat.nrules + (size_t)rule] += 1;
    if (is_new) {
        d->rules[rule].rep.new_pairs++;
        if (d->npairs == d->cap_pairs) {
            d->cap_pairs = d->cap_pairs ? d->cap_pairs * 2 : 4096;
            d->pair_pattern = xrealloc(d->pair_pattern, d->cap_pairs * sizeof *d->pair_pattern);
        }
        d->pair_pattern[d->npairs++] = pid;
    }
    return 0;
}

/* ---- u from random pairs ---- */

static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* u for each level: the exact level's from the value frequencies (the chance two
 * random records share a value), the others from random pairs, scaled to the rest. */
static int estimate_u(struct dedupe *d)
{
    int nc = d->ncols;
    double (*counts)[FS_MAX_LEVELS] = xcalloc((size_t)nc, sizeof *counts);
    int64_t pairs = d->o->sample;
    if (pairs <= 0)     /* auto */
        pairs = 40 * (int64_t)d->n < 200000 ? 200000 : 40 * (int64_t)d->n > 1000000 ? 1000000 : 40 * (int64_t)d->n;
    double all = (double)d->n * ((double)d->n - 1) / 2;
    if ((double)pairs > all)
        pairs = (int64_t)all;
    uint64_t state = 0x5eed;
    int8_t gamma[MAX_COLUMNS];
    for (int64_t s = 0; s < pairs; s++) {
        uint32_t i = (uint32_t)(splitmix(&state) % d->n), j = (uint32_t)(splitmix(&state) % (d->n - 1));
        if (j >= i)
            j++;
        compare_records(d, i, j, gamma);
        for (int c = 0; c < nc; c++)
            if (gamma[c] >= 0)
                counts[c][gamma[c]] += 1;
        if ((s & 0xffff) == 0xffff) {
            ctx_progress(d->c, s, pairs, "sampling");
            if (ctx_is_cancelled(d->c)) {
                free(counts);
                return ctx_cancelled(d->c);
            }
        }
    }
    for (int c = 0; c < nc; c++) {
        struct dd_dict *dict = &d->cols[c].dict;
        int top = d->mod->nlevels[c] - 1;
        double same = 0, nn = (double)dict->nonnull;
        for (uint32_t v = 0; v < dict->n; v++)
            same += (double)dict->v[v].count * ((double)dict->v[v].count - 1);
        double u_exact = nn > 1 ? same / (nn * (nn - 1)) : 0;
        if (u_exact <= 0)
            u_exact = 0.5 / (nn * nn + 1);
        counts[c][top] = 0;
        fs_set_u_from_counts(d->mod, c, counts[c]);
        double rest = 1 - *fs_u(d->mod, c, top);
        for (int k = 0; k < top; k++)
            *fs_u(d->mod, c, k) *= (1 - u_exact) / rest;
        *fs_u(d->mod, c, top) = u_exact;
        /* the term-frequency adjustment of exact agreement on each value */
        d->cols[c].tf_weight = xmalloc((dict->n + 1) * sizeof *d->cols[c].tf_weight);
        d->cols[c].tf_weight[0] = 0;
        for (uint32_t v = 0; v < dict->n; v++)
            d->cols[c].tf_weight[v + 1] = log2(u_exact / ((double)dict->v[v].count / nn));
    }
    free(counts);
    return 0;
}

/* ---- m and lambda by EM ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The probability that the records of a match agree on the rule's columns: m of
 * their exact level (a soundex or prefix term also holds for most near matches). */
static double rule_m(struct dedupe *d, const struct rule *R)
{
    double m_rule = 1;
    for (int t = 0; t < R->nterms; t++) {
        int c = R->terms[t].col, top = d->mod->nlevels[c] - 1;
        double m = *fs_m(d->mod, c, top);
        if (R->terms[t].fn != TERM_VALUE && top >= 2)
            m += *fs_m(d->mod, c, top - 1);
        m_rule *= m;
    }
    return m_rule;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* EM sessions, one per rule over that rule's pairs, with the rule's own columns left
 * out (they agree by construction).  The first round starts from a generic guess;
 * the second from the pooled result, each session's lambda from the matches the
 * model expects among its pairs, so that a session drawn to a wrong mixture (people
 * sharing a surname and a city) is pulled back.  m of a level is the median over the
 * sessions that estimated it; lambda is the median of the sessions' estimates: the
 * matches a session finds are the share of all matches whose records agree on the
 * rule's columns, so all matches are the session's over that rule's m. */
static int train(struct dedupe *d)
{
    int nc = d->ncols, nr = d->nrules;
    struct patterns *p = &d->pat;
    double total_pairs = (double)d->n * ((double)d->n - 1) / 2;
    double *ms = xmalloc((size_t)nr * (size_t)nc * FS_MAX_LEVELS * sizeof *ms);
    unsigned char *used = xmalloc((size_t)nr * (size_t)nc);
    double *lambdas = xmalloc((size_t)nr * sizeof *lambdas);
    int8_t *gam = xmalloc((size_t)(p->n ? p->n : 1) * (size_t)nc);
    double *cnt = xmalloc((size_t)(p->n ? p->n : 1) * sizeof *cnt);
    double values[MAX_RULES];
    for (int round = 0; round < 2; round++) {
        int nlam = 0;
        memset(used, 0, (size_t)nr * (size_t)nc);
        for (int r = 0; r < nr; r++) {
            struct rule *R = &d->rules[r];
            size_t k = 0;
            double pairs = 0;
            for (uint32_t q = 0; q < p->n; q++) {
                double n = p->counts[(size_t)q * (size_t)nr + (size_t)r];
                if (n <= 0)
                    continue;
                memcpy(gam + k * (size_t)nc, p->gamma + (size_t)q * (size_t)nc, (size_t)nc);
                cnt[k++] = n;
                pairs += n;
            }
            unsigned char use[MAX_COLUMNS];
            int any = 0;
            for (int c = 0; c < nc; c++)
                any |= use[c] = !R->uses[c];
            if (pairs < 1 || !any)
                continue;
            struct fs_model *s = fs_model_new(nc, d->mod->nlevels);
            memcpy(s->u, d->mod->u, (size_t)nc * FS_MAX_LEVELS * sizeof *s->u);
            s->lambda = 0.1;
            if (round) {
                memcpy(s->m, d->mod->m, (size_t)nc * FS_MAX_LEVELS * sizeof *s->m);
                s->lambda = fmin(fmax(d->mod->lambda * rule_m(d, R) * total_pairs / pairs, 1e-6), 0.99);
            }
            fs_em(s, gam, cnt, k, use, 200, 1e-6);
            d->em_sessions_run++;
            memcpy(ms + (size_t)r * (size_t)nc * FS_MAX_LEVELS, s->m, (size_t)nc * FS_MAX_LEVELS * sizeof *ms);
            memcpy(used + (size_t)r * (size_t)nc, use, (size_t)nc);
            lambdas[r] = s->lambda * pairs / total_pairs;   /* over rule_m below */
            fs_model_free(s);
        }
        int trained[MAX_COLUMNS];
        for (int c = 0; c < nc; c++) {
            int n = 0;
            for (int l = 0; l < d->mod->nlevels[c]; l++) {
                n = 0;
                for (int r = 0; r < nr; r++)
                    if (used[(size_t)r * (size_t)nc + (size_t)c])
                        values[n++] = ms[((size_t)r * (size_t)nc + (size_t)c) * FS_MAX_LEVELS + (size_t)l];
                if (n)
                    *fs_m(d->mod, c, l) = median(values, n);
            }
            trained[c] = n > 0;     /* otherwise in every rule: the generic guess stays */
            double sum = 0;
            for (int l = 0; l < d->mod->nlevels[c]; l++)
                sum += *fs_m(d->mod, c, l);
            for (int l = 0; l < d->mod->nlevels[c]; l++)
                *fs_m(d->mod, c, l) /= sum;
        }
        /* lambda from the plain rules whose columns were all trained elsewhere;
         * failing those, from every rule */
        for (int pass = 0; pass < 2 && nlam == 0; pass++)
            for (int r = 0; r < nr; r++) {
                struct rule *R = &d->rules[r];
                int ok = 0;
                for (int c = 0; c < nc; c++)
                    ok |= used[(size_t)r * (size_t)nc + (size_t)c];
                for (int t = 0; t < R->nterms && pass == 0; t++)
                    ok &= trained[R->terms[t].col] && R->plain;
                if (ok)
                    values[nlam++] = lambdas[r] / rule_m(d, R);
            }
        double lambda = nlam ? median(values, nlam) : 0;
        d->mod->lambda = fmin(lambda > 0 ? lambda : 1.0 / (total_pairs > 1 ? total_pairs : 2), 0.5);
    }
    free(ms);
    free(used);
    free(lambdas);
    free(gam);
    free(cnt);
    return 0;
}

/* ---- review decisions ---- */

/* The record of a key, or -1. */
static int64_t record_of_key(struct dedupe *d, const char *key)
{
    uint64_t h = dd_hash(key, strlen(key));
    for (uint32_t s = (uint32_t)h & (d->key_nslots - 1); d->key_slots[s]; s = (s + 1) & (d->key_nslots - 1))
        if (strcmp(d->keys[d->key_slots[s] - 1], key) == 0)
            return d->key_slots[s] - 1;
    return -1;
}

static int cmp_decision(const void *a, const void *b)
{
    uint64_t x = ((const struct decision *)a)->pair, y = ((const struct decision *)b)->pair;
    return x < y ? -1 : x > y;
}

static int cmp_decision_seq(const void *a, const void *b)
{
    int c = cmp_decision(a, b);
    size_t x = ((const struct decision *)a)->seq, y = ((const struct decision *)b)->seq;
    return c ? c : x < y ? -1 : x > y;
}

/* The table's review decisions (the latest for each pair) on records that exist. */
static int load_decisions(struct dedupe *d)
{
    sqlite3_stmt *st;
    if (prepare_sql(d->c, "dedupe: decisions",
                    "SELECT key_l, key_r, decision FROM _persona_dedupe_decisions WHERE table_name = ? "
                    "ORDER BY id", &st))
        return -1;
    sqlite3_bind_text(st, 1, d->o->table, -1, SQLITE_STATIC);
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *kl = (const char *)sqlite3_column_text(st, 0), *kr = (const char *)sqlite3_column_text(st, 1);
        int64_t i = kl ? record_of_key(d, kl) : -1, j = kr ? record_of_key(d, kr) : -1;
        if (i < 0 || j < 0 || i == j)
            continue;
        if (i > j) {
            int64_t t = i;
            i = j;
            j = t;
        }
        if (d->ndecisions == cap) {
            cap = cap ? cap * 2 : 16;
            d->decisions = xrealloc(d->decisions, cap * sizeof *d->decisions);
        }
        const char *what = (const char *)sqlite3_column_text(st, 2);
        d->decisions[d->ndecisions] = (struct decision){(uint64_t)i << 32 | (uint64_t)j, d->ndecisions,
                                                        what && what[0] == 'a' ? 'a' : 'r', 0};
        d->ndecisions++;
    }
    sqlite3_finalize(st);
    /* by pair, then in the order they were made: the last of each pair is the latest */
    if (d->ndecisions)
        qsort(d->decisions, d->ndecisions, sizeof *d->decisions, cmp_decision_seq);
    size_t keep = 0;
    for (size_t k = 0; k < d->ndecisions; k++) {
        if (keep && d->decisions[keep - 1].pair == d->decisions[k].pair)
            keep--;
        d->decisions[keep++] = d->decisions[k];
    }
    d->ndecisions = keep;
    return 0;
}

static struct decision *find_decision(struct dedupe *d, uint32_t i, uint32_t j)
{
    if (!d->ndecisions)
        return NULL;
    struct decision key = {.pair = (uint64_t)i << 32 | j};
    return bsearch(&key, d->decisions, d->ndecisions, sizeof key, cmp_decision);
}

/* ---- writing the results ---- */

/* Stashes an existing table of that name for undo; then notes the new one. */
static int replace_table(ctx *c, const char *name, const char *create_sql)
{
    if (table_exists(c, name) && undo_table_stashed(c, name))
        return -1;
    if (exec_sql(c, "dedupe", create_sql))
        return -1;
    return undo_table_created(c, name);
}

static int create_matches_table(struct dedupe *d, const char *name)
{
    struct strbuf sql = {0};
    const char *kt = d->key_is_int ? "INTEGER" : "TEXT";
    strbuf_puts(&sql, "CREATE TABLE ");
    strbuf_put_ident(&sql, name);
    strbuf_printf(&sql, " (key_l %s, key_r %s, probability REAL, weight REAL, rule TEXT, decision TEXT", kt, kt);
    for (int c = 0; c < d->ncols; c++) {
        strbuf_puts(&sql, ", ");
        char col[256];
        snprintf(col, sizeof col, "%s_level", d->cols[c].name);
        strbuf_put_ident(&sql, col);
        strbuf_puts(&sql, " TEXT");
    }
    strbuf_puts(&sql, ")");
    int rc = replace_table(d->c, name, strbuf_str(&sql));
    strbuf_free(&sql);
    return rc;
}

struct scoring {
    sqlite3_stmt *ins;
    double *pattern_weight;
    size_t next;
    int64_t written, matches;
};

static void bind_key(struct dedupe *d, sqlite3_stmt *st, int i, uint32_t rec)
{
    if (d->key_is_int)
        sqlite3_bind_int64(st, i, strtoll(d->keys[rec], NULL, 10));
    else
        sqlite3_bind_text(st, i, d->keys[rec], -1, SQLITE_STATIC);
}

/* The weight of a pair: its pattern's, plus the term-frequency adjustment of each
 * column on which the two agree exactly. */
static double pair_weight(struct dedupe *d, uint32_t i, const int8_t *gamma, double base)
{
    double w = base;
    for (int c = 0; c < d->ncols; c++)
        if (gamma[c] == d->mod->nlevels[c] - 1)
            w += d->cols[c].tf_weight[d->vals[(size_t)i * (size_t)d->ncols + (size_t)c]];
    return w;
}

static int write_pair(struct dedupe *d, struct scoring *s, uint32_t i, uint32_t j, const char *rule,
                      const int8_t *gamma, double w, const struct decision *dec)
{
    double p = fs_probability(w);
    if (dec ? dec->what == 'a' : p >= d->o->threshold)
        s->matches++;
    if (p < d->o->store && !dec)
        return 0;
    sqlite3_stmt *st = s->ins;
    sqlite3_reset(st);
    bind_key(d, st, 1, i);
    bind_key(d, st, 2, j);
    sqlite3_bind_double(st, 3, p);
    sqlite3_bind_double(st, 4, w);
    sqlite3_bind_text(st, 5, rule, -1, SQLITE_STATIC);
    if (dec)
        sqlite3_bind_text(st, 6, dec->what == 'a' ? "accept" : "reject", -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 6);
    for (int c = 0; c < d->ncols; c++) {
        if (gamma[c] < 0)
            sqlite3_bind_null(st, 7 + c);
        else
            sqlite3_bind_text(st, 7 + c, dd_level_label(d->cols[c].kind, gamma[c]), -1, SQLITE_STATIC);
    }
    if (sqlite3_step(st) != SQLITE_DONE)
        return ctx_sqlite_error(d->c, "dedupe: writing matches");
    s->written++;
    return 0;
}

static int score_pair(struct dedupe *d, uint32_t i, uint32_t j, int rule, int is_new, void *arg)
{
    struct scoring *s = arg;
    if (!is_new)
        return 0;
    uint32_t pid = d->pair_pattern[s->next++];
    const int8_t *gamma = d->pat.gamma + (size_t)pid * (size_t)d->ncols;
    struct decision *dec = find_decision(d, i, j);
    if (dec)
        dec->seen = 1;
    return write_pair(d, s, i, j, d->rules[rule].text, gamma, pair_weight(d, i, gamma, s->pattern_weight[pid]), dec);
}

/* Accepted pairs that blocking did not produce are matches all the same. */
static int write_accepted(struct dedupe *d, struct scoring *s)
{
    for (size_t k = 0; k < d->ndecisions; k++) {
        struct decision *dec = &d->decisions[k];
        if (dec->seen || dec->what != 'a')
            continue;
        uint32_t i = (uint32_t)(dec->pair >> 32), j = (uint32_t)dec->pair;
        int8_t gamma[MAX_COLUMNS];
        compare_records(d, i, j, gamma);
        if (write_pair(d, s, i, j, "review", gamma, pair_weight(d, i, gamma, fs_pattern_weight(d->mod, gamma)), dec))
            return -1;
    }
    return 0;
}

static int score_and_write(struct dedupe *d, const char *matches, int64_t *written, int64_t *nmatches)
{
    struct strbuf sql = {0};
    strbuf_puts(&sql, "INSERT INTO ");
    strbuf_put_ident(&sql, matches);
    strbuf_puts(&sql, " VALUES (?, ?, ?, ?, ?, ?");
    for (int c = 0; c < d->ncols; c++)
        strbuf_puts(&sql, ", ?");
    strbuf_puts(&sql, ")");
    struct scoring s = {0};
    int rc = prepare_sql(d->c, "dedupe", strbuf_str(&sql), &s.ins);
    strbuf_free(&sql);
    if (rc)
        return -1;
    s.pattern_weight = xmalloc((size_t)(d->pat.n ? d->pat.n : 1) * sizeof *s.pattern_weight);
    for (uint32_t q = 0; q < d->pat.n; q++)
        s.pattern_weight[q] = fs_pattern_weight(d->mod, d->pat.gamma + (size_t)q * (size_t)d->ncols);
    rc = for_each_pair(d, score_pair, &s, "scoring");
    if (rc == 0)
        rc = write_accepted(d, &s);
    sqlite3_finalize(s.ins);
    free(s.pattern_weight);
    *written = s.written;
    *nmatches = s.matches;
    return rc;
}

/* Records the run and the fitted model, and how undo forgets them. */
static int record_run(struct dedupe *d, struct dedupe_report *rep)
{
    ctx *c = d->c;
    struct strbuf rules = {0};
    for (int r = 0; r < d->nrules; r++)
        strbuf_printf(&rules, "%s%s", r ? ", " : "", d->rules[r].text);
    char now[32];
    utc_now(now, sizeof now);
    char *sql = sqlite3_mprintf(
        "INSERT INTO _persona_dedupe_runs(command_id, table_name, key_column, columns, rules, threshold, "
        "keep, lambda, records, pairs, matches_table, clusters_table, created_at) "
        "VALUES (%lld, %Q, %Q, %Q, %Q, %.17g, %.17g, %.17g, %lld, %lld, %Q, %Q, %Q)",
        (long long)c->command_id, d->o->table, d->key_col, rep->columns, strbuf_str(&rules), d->o->threshold,
        d->o->store, d->mod->lambda, (long long)d->n, (long long)d->npairs, rep->matches_table,
        rep->clusters_table, now);
    int rc = exec_sql(c, "dedupe: recording the run", sql);
    sqlite3_free(sql);
    strbuf_free(&rules);
    sqlite3_stmt *st;
    if (rc == 0 && prepare_sql(c, "dedupe: recording the model",
                               "INSERT INTO _persona_dedupe_params(command_id, column_name, kind, level, label, "
                               "m, u, weight) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st) == 0) {
        for (int col = 0; col < d->ncols && rc == 0; col++)
            for (int l = d->mod->nlevels[col] - 1; l >= 0 && rc == 0; l--) {
                sqlite3_reset(st);
                sqlite3_bind_int64(st, 1, c->command_id);
                sqlite3_bind_text(st, 2, d->cols[col].name, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 3, dd_kind_name(d->cols[col].kind), -1, SQLITE_STATIC);
                sqlite3_bind_int(st, 4, l);
                sqlite3_bind_text(st, 5, dd_level_label(d->cols[col].kind, l), -1, SQLITE_STATIC);
                sqlite3_bind_double(st, 6, *fs_m(d->mod, col, l));
                sqlite3_bind_double(st, 7, *fs_u(d->mod, col, l));
                sqlite3_bind_double(st, 8, fs_level_weight(d->mod, col, l));
                if (sqlite3_step(st) != SQLITE_DONE)
                    rc = ctx_sqlite_error(c, "dedupe: recording the model");
            }
        sqlite3_finalize(st);
    } else {
        rc = -1;
    }
    if (rc == 0) {
        sql = sqlite3_mprintf("DELETE FROM _persona_dedupe_params WHERE command_id = %lld; "
                              "DELETE FROM _persona_dedupe_runs WHERE command_id = %lld",
                              (long long)c->command_id, (long long)c->command_id);
        rc = undo_exec(c, sql);
        sqlite3_free(sql);
    }
    return rc;
}

/* ---- clusters ---- */

struct members {
    sqlite3_value **key;    /* distinct keys, as stored */
    uint32_t *parent;
    uint32_t n, cap;
    uint32_t *slots;
    uint32_t nslots;
};

static uint64_t value_hash(sqlite3_value *v)
{
    return dd_hash(sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
}

static uint32_t member(struct members *m, sqlite3_value *v)
{
    if ((m->n + 1) * 2 > m->nslots) {
        uint32_t nslots = m->nslots ? m->nslots * 2 : 1024;
        uint32_t *slots = xcalloc(nslots, sizeof *slots);
        for (uint32_t k = 0; k < m->n; k++) {
            uint32_t s = (uint32_t)value_hash(m->key[k]) & (nslots - 1);
            while (slots[s])
                s = (s + 1) & (nslots - 1);
            slots[s] = k + 1;
        }
        free(m->slots);
        m->slots = slots;
        m->nslots = nslots;
    }
    const char *text = (const char *)sqlite3_value_text(v);
    uint32_t s = (uint32_t)value_hash(v) & (m->nslots - 1);
    while (m->slots[s]) {
        uint32_t k = m->slots[s] - 1;
        if (strcmp((const char *)sqlite3_value_text(m->key[k]), text) == 0)
            return k;
        s = (s + 1) & (m->nslots - 1);
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 1024;
        m->key = xrealloc(m->key, m->cap * sizeof *m->key);
        m->parent = xrealloc(m->parent, m->cap * sizeof *m->parent);
    }
    m->key[m->n] = sqlite3_value_dup(v);
    m->parent[m->n] = m->n;
    m->slots[s] = m->n + 1;
    return m->n++;
}

static uint32_t find_root(struct members *m, uint32_t x)
{
    while (m->parent[x] != x) {
        m->parent[x] = m->parent[m->parent[x]];
        x = m->parent[x];
    }
    return x;
}

/* Keys order as SQLite orders them: numbers before text, text by bytes. */
static int cmp_key(sqlite3_value *a, sqlite3_value *b)
{
    int ta = sqlite3_value_type(a), tb = sqlite3_value_type(b);
    int na = ta == SQLITE_INTEGER || ta == SQLITE_FLOAT, nb = tb == SQLITE_INTEGER || tb == SQLITE_FLOAT;
    if (na != nb)
        return na ? -1 : 1;
    if (na) {
        double x = sqlite3_value_double(a), y = sqlite3_value_double(b);
        return x < y ? -1 : x > y;
    }
    return strcmp((const char *)sqlite3_value_text(a), (const char *)sqlite3_value_text(b));
}

static struct members *sort_members;    /* qsort has no argument for it */

static int cmp_member(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;  /* {representative, member} */
    int c = cmp_key(sort_members->key[x[0]], sort_members->key[y[0]]);
    return c ? c : cmp_key(sort_members->key[x[1]], sort_members->key[y[1]]);
}

int dedupe_rebuild_clusters(ctx *c, const char *table, int64_t *clusters, int64_t *clustered)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "dedupe", "SELECT threshold, matches_table, clusters_table FROM _persona_dedupe_runs "
                    "WHERE table_name = ? ORDER BY command_id DESC LIMIT 1", &st))
        return -1;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return ctx_error(c, "dedupe: no dedupe results for %s; run 'dedupe %s' first", table, table);
    }
    double threshold = sqlite3_column_double(st, 0);
    char *matches = xstrdup((const char *)sqlite3_column_text(st, 1));
    char *out = xstrdup((const char *)sqlite3_column_text(st, 2));
    sqlite3_finalize(st);
    struct members m = {0};
    char *sql = sqlite3_mprintf("SELECT key_l, key_r FROM \"%w\" WHERE decision = 'accept' OR "
                                "(probability >= %.17g AND decision IS NOT 'reject')", matches, threshold);
    int rc = prepare_sql(c, "dedupe: clusters", sql, &st);
    sqlite3_free(sql);
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        uint32_t a = find_root(&m, member(&m, sqlite3_column_value(st, 0)));
        uint32_t b = find_root(&m, member(&m, sqlite3_column_value(st, 1)));
        if (a != b)
            m.parent[a > b ? a : b] = a < b ? a : b;
    }
    sqlite3_finalize(st);
    /* each component's representative: its smallest key */
    uint32_t *rep = xmalloc((size_t)(m.n ? m.n : 1) * sizeof *rep);
    uint32_t *size = xcalloc((size_t)(m.n ? m.n : 1), sizeof *size);
    for (uint32_t k = 0; k < m.n; k++)
        rep[k] = UINT32_MAX;
    for (uint32_t k = 0; k < m.n; k++) {
        uint32_t r = find_root(&m, k);
        size[r]++;
        if (rep[r] == UINT32_MAX || cmp_key(m.key[k], m.key[rep[r]]) < 0)
            rep[r] = k;
    }
    uint32_t (*rows)[2] = xmalloc((size_t)(m.n ? m.n : 1) * sizeof *rows);
    *clusters = 0;
    for (uint32_t k = 0; k < m.n; k++) {
        uint32_t r = find_root(&m, k);
        rows[k][0] = rep[r];
        rows[k][1] = k;
        *clusters += r == k;
    }
    sort_members = &m;
    qsort(rows, m.n, sizeof *rows, cmp_member);
    *clustered = m.n;
    if (rc == 0) {
        sql = sqlite3_mprintf("CREATE TABLE \"%w\" (key, cluster_id, cluster_size INTEGER)", out);
        rc = replace_table(c, out, sql);
        sqlite3_free(sql);
    }
    if (rc == 0) {
        sql = sqlite3_mprintf("INSERT INTO \"%w\" VALUES (?, ?, ?)", out);
        rc = prepare_sql(c, "dedupe: clusters", sql, &st);
        sqlite3_free(sql);
        for (uint32_t k = 0; k < m.n && rc == 0; k++) {
            sqlite3_reset(st);
            sqlite3_bind_value(st, 1, m.key[rows[k][1]]);
            sqlite3_bind_value(st, 2, m.key[rows[k][0]]);
            sqlite3_bind_int64(st, 3, size[find_root(&m, rows[k][1])]);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = ctx_sqlite_error(c, "dedupe: writing clusters");
        }
        sqlite3_finalize(st);
    }
    for (uint32_t k = 0; k < m.n; k++)
        sqlite3_value_free(m.key[k]);
    free(m.key);
    free(m.parent);
    free(m.slots);
    free(rep);
    free(size);
    free(rows);
    free(matches);
    free(out);
    return rc;
}

/* ---- the run ---- */

static void dedupe_free(struct dedupe *d)
{
    for (int i = 0; i < d->ncols; i++) {
        free(d->cols[i].name);
        free(d->cols[i].tf_weight);
        dd_dict_free(&d->cols[i].dict);
    }
    for (int r = 0; r < d->nrules + d->ndropped; r++)
        free_rule(&d->rules[r]);
    for (uint32_t i = 0; i < d->n; i++)
        free(d->keys[i]);
    free(d->keys);
    free(d->key_slots);
    free(d->vals);
    free(d->key_col);
    free(d->pat.gamma);
    free(d->pat.counts);
    free(d->pat.slots);
    free(d->pair_pattern);
    free(d->decisions);
    fs_model_free(d->mod);
}

static void fill_report(struct dedupe *d, struct dedupe_report *rep)
{
    struct strbuf cols = {0};
    for (int i = 0; i < d->ncols; i++)
        strbuf_printf(&cols, "%s%s:%s", i ? ", " : "", d->cols[i].name, dd_kind_name(d->cols[i].kind));
    rep->columns = xstrdup(strbuf_str(&cols));
    strbuf_free(&cols);
    rep->records = d->n;
    rep->pairs = (int64_t)d->npairs;
    rep->lambda = d->mod ? d->mod->lambda : 0;
    rep->em_sessions = d->em_sessions_run;
    rep->nrules = d->nrules + d->ndropped;
    rep->rules = xcalloc((size_t)(rep->nrules ? rep->nrules : 1), sizeof *rep->rules);
    for (int r = 0; r < rep->nrules; r++) {
        rep->rules[r] = d->rules[r].rep;
        rep->rules[r].text = xstrdup(d->rules[r].text);
    }
}

void dedupe_report_free(struct dedupe_report *rep)
{
    for (int r = 0; r < rep->nrules; r++)
        free(rep->rules[r].text);
    free(rep->rules);
    free(rep->columns);
    free(rep->matches_table);
    free(rep->clusters_table);
    memset(rep, 0, sizeof *rep);
}

int dedupe_run(ctx *c, const struct dedupe_options *o, struct dedupe_report *rep)
{
    memset(rep, 0, sizeof *rep);
    struct dedupe d = {.c = c, .o = o};
    int rc = choose_columns(&d);
    if (rc == 0)
        rc = read_records(&d);
    if (rc == 0 && d.n < 2)
        rc = ctx_error(c, "dedupe: %s has %s; there is nothing to compare", o->table,
                       d.n ? "one row" : "no rows");
    if (rc == 0)
        rc = o->block ? parse_rules(&d, o->block) : propose_rules(&d);
    if (rc == 0 && d.nrules == 0)
        rc = ctx_error(c, "dedupe: no blocking rule could be proposed for the columns of %s; give rules "
                       "with block=COL+COL,…", o->table);
    if (rc == 0)
        rc = build_rules(&d);
    if (rc == 0) {
        int nlevels[MAX_COLUMNS];
        for (int i = 0; i < d.ncols; i++)
            nlevels[i] = dd_kind_levels(d.cols[i].kind);
        d.mod = fs_model_new(d.ncols, nlevels);
        d.pat.ncols = d.ncols;
        d.pat.nrules = d.nrules ? d.nrules : 1;
        rc = estimate_u(&d);
    }
    if (rc == 0)
        rc = for_each_pair(&d, tally_pair, NULL, "comparing");
    if (rc == 0)
        rc = train(&d);
    if (rc == 0) {
        fill_report(&d, rep);
        struct strbuf name = {0};
        strbuf_printf(&name, "%s_matches", o->table);
        rep->matches_table = xstrdup(strbuf_str(&name));
        strbuf_reset(&name);
        strbuf_printf(&name, "%s_clusters", o->table);
        rep->clusters_table = xstrdup(strbuf_str(&name));
        strbuf_free(&name);
        rc = create_matches_table(&d, rep->matches_table);
    }
    if (rc == 0)
        rc = record_run(&d, rep);
    if (rc == 0)
        rc = load_decisions(&d);
    if (rc == 0)
        rc = score_and_write(&d, rep->matches_table, &rep->written, &rep->matches);
    if (rc == 0)
        rc = dedupe_rebuild_clusters(c, o->table, &rep->clusters, &rep->clustered);
    dedupe_free(&d);
    return rc;
}
