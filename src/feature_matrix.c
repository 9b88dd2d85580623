/* feature_matrix.c — reading a feature matrix from the workspace and scaling it. */
#include "feature_matrix.h"

#include <ctype.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "similar.h"
#include "strbuf.h"
#include "workspace.h"

enum { MAX_CATEGORIES = 50, NULL_EXAMPLES = 5 };

int features_parse_scale(ctx *c, const char *cmd, const char *v, enum scale_method *out)
{
    static const char *const names[] = {"standard", "minmax", "robust", "none"};
    for (int i = 0; i < 4; i++)
        if (strcmp(v, names[i]) == 0) {
            *out = (enum scale_method)i;
            return 0;
        }
    return ctx_error(c, "%s: scale=%s: expected standard, minmax, robust or none", cmd, v);
}

const char *features_scale_name(enum scale_method m)
{
    static const char *const names[] = {"standard", "minmax", "robust", "none"};
    return names[m];
}

int features_parse_nulls(ctx *c, const char *cmd, const char *v, enum null_policy *out)
{
    if (strcmp(v, "error") == 0)
        *out = NULLS_ERROR;
    else if (strcmp(v, "drop") == 0)
        *out = NULLS_DROP;
    else if (strcmp(v, "impute") == 0)
        *out = NULLS_IMPUTE;
    else
        return ctx_error(c, "%s: nulls=%s: expected error, drop or impute", cmd, v);
    return 0;
}

/* ---- scalers ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* numpy's default (linear) percentile of sorted values. */
static double percentile(const double *sorted, int64_t n, double q)
{
    double pos = q / 100.0 * (double)(n - 1);
    int64_t lo = (int64_t)floor(pos);
    int64_t hi = lo + 1 < n ? lo + 1 : lo;
    double frac = pos - (double)lo;
    return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

void scaler_fit(enum scale_method method, const double *x, int64_t n, int d, int j,
                double *center, double *scale)
{
    *center = 0.0;
    *scale = 1.0;
    if (n == 0 || method == SCALE_NONE)
        return;
    if (method == SCALE_STANDARD) {
        double sum = 0.0;
        for (int64_t i = 0; i < n; i++)
            sum += x[i * d + j];
        double mean = sum / (double)n, ss = 0.0, corr = 0.0;
        for (int64_t i = 0; i < n; i++) {
            double e = x[i * d + j] - mean;
            ss += e * e;
            corr += e;
        }
        /* the corrected two-pass variance (Chan, Golub and LeVeque) */
        double var = (ss - corr * corr / (double)n) / (double)n;
        *center = mean;
        *scale = var > 0 ? sqrt(var) : 1.0;
    } else if (method == SCALE_MINMAX) {
        double lo = x[j], hi = x[j];
        for (int64_t i = 1; i < n; i++) {
            double v = x[i * d + j];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        *center = lo;
        *scale = hi > lo ? hi - lo : 1.0;
    } else {
        double *col = malloc((size_t)n * sizeof *col);
        if (!col)
            return;     /* leaves the column unscaled rather than failing the command */
        for (int64_t i = 0; i < n; i++)
            col[i] = x[i * d + j];
        qsort(col, (size_t)n, sizeof *col, cmp_double);
        double iqr = percentile(col, n, 75.0) - percentile(col, n, 25.0);
        *center = percentile(col, n, 50.0);
        *scale = iqr > 0 ? iqr : 1.0;
        free(col);
    }
}

/* ---- parsing the feature list ---- */

/* Splits a list at commas outside parentheses and quotes; pieces are trimmed and
 * malloc'ed.  Returns the count, or -1 for an empty piece or unbalanced brackets. */
static int split_list(const char *s, char ***out)
{
    char **items = NULL;
    int n = 0, depth = 0;
    char quote = 0;
    const char *start = s;
    for (const char *p = s;; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            else if (*p == '\0')
                break;
            continue;
        }
        if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
            quote = *p == '[' ? ']' : *p;
            continue;
        }
        if (*p == '(')
            depth++;
        else if (*p == ')')
            depth--;
        if ((*p == ',' && depth == 0) || *p == '\0') {
            const char *a = start, *b = p;
            while (a < b && isspace((unsigned char)*a))
                a++;
            while (b > a && isspace((unsigned char)b[-1]))
                b--;
            items = xrealloc(items, (size_t)(n + 1) * sizeof *items);
            items[n] = xmalloc((size_t)(b - a) + 1);
            memcpy(items[n], a, (size_t)(b - a));
            items[n][b - a] = '\0';
            n++;
            if (b == a)
                depth = -1;     /* an empty piece: reported below */
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    if (quote || depth != 0) {
        for (int i = 0; i < n; i++)
            free(items[i]);
        free(items);
        return -1;
    }
    *out = items;
    return n;
}

static void free_list(char **items, int n)
{
    for (int i = 0; i < n; i++)
        free(items[i]);
    free(items);
}

static int is_identifier(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

static int find_column(char **cols, int ncols, const char *name)
{
    for (int i = 0; i < ncols; i++)
        if (sqlite3_stricmp(cols[i], name) == 0)
            return i;
    return -1;
}

/* The column whose name contains `word` (case-insensitively), if exactly one does:
 * "income" suggests "Annual Income (k$)". */
static const char *column_containing(char **cols, int ncols, const char *word)
{
    const char *found = NULL;
    size_t len = strlen(word);
    for (int i = 0; i < ncols; i++) {
        for (const char *p = cols[i]; *p; p++) {
            if (sqlite3_strnicmp(p, word, (int)len) == 0) {
                if (found)
                    return NULL;
                found = cols[i];
                break;
            }
        }
    }
    return found;
}

/* Sets "CMD: unknown column 'x' in OPTION= (did you mean …?); TABLE has: …". */
static int unknown_column(ctx *c, const struct feature_spec *s, const char *option, const char *name,
                          char **cols, int ncols)
{
    const char *near = closest_name(name, (const char *const *)cols, (size_t)ncols);
    if (!near)
        near = column_containing(cols, ncols, name);
    struct strbuf list = {0};
    for (int i = 0; i < ncols; i++)
        strbuf_printf(&list, "%s%s", i ? ", " : "", cols[i]);
    if (near && is_identifier(near))
        ctx_error(c, "%s: unknown column '%s' in %s= (did you mean '%s'?); %s has: %s", s->cmd, name, option,
                  near, s->table, strbuf_str(&list));
    else if (near)  /* a name with blanks or symbols must be quoted inside the list */
        ctx_error(c, "%s: unknown column '%s' in %s= (did you mean \"%s\"? quote the whole list: "
                     "%s='\"%s\",…'); %s has: %s", s->cmd, name, option, near, option, near, s->table,
                  strbuf_str(&list));
    else
        ctx_error(c, "%s: unknown column '%s' in %s=; %s has: %s", s->cmd, name, option, s->table,
                  strbuf_str(&list));
    strbuf_free(&list);
    return -1;
}

/* A feature as written: a column (plain, or quoted "…" for names with blanks) or an
 * SQL expression.  *sql gets what to select, *name the display name. */
static int resolve_feature(ctx *c, const struct feature_spec *s, const char *option, const char *text,
                           char **cols, int ncols, char **sql, char **name, int column_only)
{
    char *unquoted = NULL;
    size_t len = strlen(text);
    if (len >= 2 && text[0] == '"' && text[len - 1] == '"') {
        unquoted = xmalloc(len);
        size_t k = 0;
        for (size_t i = 1; i + 1 < len; i++) {
            unquoted[k++] = text[i];
            if (text[i] == '"' && text[i + 1] == '"')
                i++;
        }
        unquoted[k] = '\0';
    }
    const char *plain = unquoted ? unquoted : text;
    int col = find_column(cols, ncols, plain);
    if (col >= 0) {
        struct strbuf b = {0};
        strbuf_put_ident(&b, cols[col]);
        *sql = xstrdup(strbuf_str(&b));
        *name = xstrdup(cols[col]);
        strbuf_free(&b);
        free(unquoted);
        return 0;
    }
    /* a name that is no column is an error, unless it is an SQL keyword (NULL, CURRENT_DATE) */
    if (unquoted || column_only || (is_identifier(text) && !sqlite3_keyword_check(text, (int)strlen(text)))) {
        unknown_column(c, s, option, plain, cols, ncols);
        free(unquoted);
        return -1;
    }
    *sql = xstrdup(text);
    *name = xstrdup(text);
    return 0;
}

/* ---- reading rows ---- */

/* What a pass over the rows learns besides the values. */
struct scan {
    int64_t rows;               /* rows read, before dropping */
    int64_t null_rows;
    int64_t *null_counts;       /* per numeric feature */
    char *null_keys[NULL_EXAMPLES];
    int64_t cap;                /* rows allocated in m */
    int64_t key_text_len, key_text_cap;
};

static int grow_rows(ctx *c, const struct feature_spec *s, struct feature_matrix *m, struct scan *sc)
{
    int64_t cap = sc->cap ? sc->cap * 2 : 4096;
    double *x = realloc(m->x, (size_t)cap * (size_t)m->d * sizeof *x);
    if (!x)
        return ctx_error(c, "%s: not enough memory for %lld rows of %d features", s->cmd, (long long)cap, m->d);
    m->x = x;
    if (m->key_is_text) {
        int64_t *off = realloc(m->key_off, (size_t)cap * sizeof *off);
        if (!off)
            return ctx_error(c, "%s: not enough memory for %lld keys", s->cmd, (long long)cap);
        m->key_off = off;
    } else {
        int64_t *k = realloc(m->key_int, (size_t)cap * sizeof *k);
        if (!k)
            return ctx_error(c, "%s: not enough memory for %lld keys", s->cmd, (long long)cap);
        m->key_int = k;
    }
    sc->cap = cap;
    return 0;
}

static void store_key(struct feature_matrix *m, struct scan *sc, sqlite3_stmt *st)
{
    int64_t i = m->n;
    if (!m->key_is_text) {
        m->key_int[i] = sqlite3_column_int64(st, 0);
        return;
    }
    const char *t = (const char *)sqlite3_column_text(st, 0);
    int64_t len = t ? sqlite3_column_bytes(st, 0) : 0;
    if (sc->key_text_len + len + 1 > sc->key_text_cap) {
        sc->key_text_cap = (sc->key_text_cap + len + 1) * 2;
        m->key_text = xrealloc(m->key_text, (size_t)sc->key_text_cap);
    }
    memcpy(m->key_text + sc->key_text_len, t ? t : "", (size_t)len);
    m->key_text[sc->key_text_len + len] = '\0';
    m->key_off[i] = sc->key_text_len;
    sc->key_text_len += len + 1;
}

const char *features_key_text(const struct feature_matrix *m, int64_t i, char *buf, int size)
{
    if (m->key_is_text)
        snprintf(buf, (size_t)size, "%s", m->key_text + m->key_off[i]);
    else if (strcmp(m->key_column, "rowid") == 0)
        snprintf(buf, (size_t)size, "rowid %lld", (long long)m->key_int[i]);
    else
        snprintf(buf, (size_t)size, "%lld", (long long)m->key_int[i]);
    return buf;
}

int features_bind_key(sqlite3_stmt *st, int param, const struct feature_matrix *m, int64_t i)
{
    if (m->key_is_text)
        return sqlite3_bind_text(st, param, m->key_text + m->key_off[i], -1, SQLITE_STATIC);
    return sqlite3_bind_int64(st, param, m->key_int[i]);
}

/* The current row's key as text for a message (the statement's column 0). */
static char *row_key(const struct feature_matrix *m, sqlite3_stmt *st)
{
    const char *t = (const char *)sqlite3_column_text(st, 0);
    char buf[96];
    if (strcmp(m->key_column, "rowid") == 0)
        snprintf(buf, sizeof buf, "rowid %s", t ? t : "NULL");
    else
        snprintf(buf, sizeof buf, "%s", t ? t : "NULL");
    return xstrdup(buf);
}

/* A text cell that is wholly a number ("12.5", " 7 ") is read as one. */
static int parse_number(const char *t, double *out)
{
    char *end;
    while (isspace((unsigned char)*t))
        t++;
    if (!*t)
        return -1;
    double v = strtod(t, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (*end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* One-hot categories of a column: its distinct non-NULL values, sorted. */
struct onehot {
    char *column;
    int nvalues;
    char **values;
    int first;      /* index of its first feature */
};

static int read_categories(ctx *c, const struct feature_spec *s, struct onehot *o, const char *from_where)
{
    struct strbuf sql = {0};
    strbuf_puts(&sql, "SELECT DISTINCT CAST(");
    strbuf_put_ident(&sql, o->column);
    strbuf_puts(&sql, " AS TEXT) AS v ");
    strbuf_puts(&sql, from_where);
    strbuf_puts(&sql, s->where ? " AND " : " WHERE ");
    strbuf_put_ident(&sql, o->column);
    strbuf_printf(&sql, " IS NOT NULL ORDER BY v LIMIT %d", MAX_CATEGORIES + 1);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, s->cmd, strbuf_str(&sql), &st);
    strbuf_free(&sql);
    if (rc)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        o->values = xrealloc(o->values, (size_t)(o->nvalues + 1) * sizeof *o->values);
        o->values[o->nvalues++] = xstrdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (o->nvalues > MAX_CATEGORIES)
        return ctx_error(c, "%s: onehot=%s: more than %d distinct values; one-hot encoding suits a category "
                            "with few values", s->cmd, o->column, MAX_CATEGORIES);
    if (o->nvalues == 1)
        return ctx_error(c, "%s: onehot=%s: every row has the same value ('%s'), so it cannot tell rows apart; "
                            "leave it out", s->cmd, o->column, o->values[0]);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Builds the message for rows with NULL features. */
static int null_error(ctx *c, const struct feature_spec *s, const struct feature_matrix *m, const struct scan *sc)
{
    struct strbuf b = {0};
    strbuf_printf(&b, "%s: %lld of %lld rows have NULL features (", s->cmd, (long long)sc->null_rows,
                  (long long)sc->rows);
    int listed = 0;
    for (int j = 0; j < m->nnumeric; j++) {
        if (!sc->null_counts[j])
            continue;
        strbuf_printf(&b, "%s%s: %lld", listed++ ? ", " : "", m->names[j], (long long)sc->null_counts[j]);
    }
    strbuf_puts(&b, "; rows ");
    for (int i = 0; i < NULL_EXAMPLES && sc->null_keys[i]; i++)
        strbuf_printf(&b, "%s%s", i ? ", " : "", sc->null_keys[i]);
    if (sc->null_rows > NULL_EXAMPLES)
        strbuf_puts(&b, ", …");
    strbuf_puts(&b, "); nulls=drop leaves those rows out, nulls=impute fills in the feature's mean");
    ctx_error(c, "%s", strbuf_str(&b));
    strbuf_free(&b);
    return -1;
}

static int read_rows(ctx *c, const struct feature_spec *s, struct feature_matrix *m, sqlite3_stmt *st,
                     struct onehot *oh, int noh, struct scan *sc)
{
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if ((sc->rows & 65535) == 65535) {
            if (ctx_is_cancelled(c))
                return ctx_cancelled(c);
            ctx_progress(c, sc->rows, 0, "reading rows");
        }
        sc->rows++;
        if (m->n == sc->cap && grow_rows(c, s, m, sc))
            return -1;
        double *row = m->x + m->n * m->d;
        int has_null = 0;
        for (int j = 0; j < m->nnumeric; j++) {
            int t = sqlite3_column_type(st, 1 + j);
            if (t == SQLITE_INTEGER || t == SQLITE_FLOAT) {
                row[j] = sqlite3_column_double(st, 1 + j);
                if (!isfinite(row[j])) {
                    char *key = row_key(m, st);
                    ctx_error(c, "%s: feature '%s' is not a finite number on row %s", s->cmd, m->names[j], key);
                    free(key);
                    return -1;
                }
            } else if (t == SQLITE_NULL) {
                row[j] = NAN;
                has_null = 1;
                sc->null_counts[j]++;
            } else if (t == SQLITE_BLOB ||
                       parse_number((const char *)sqlite3_column_text(st, 1 + j), &row[j]) != 0) {
                char *key = row_key(m, st);
                int column = is_identifier(m->names[j]);
                ctx_error(c, "%s: feature '%s' is not numeric: row %s has '%.40s'%s%s", s->cmd, m->names[j], key,
                          t == SQLITE_BLOB ? "(a blob)" : (const char *)sqlite3_column_text(st, 1 + j),
                          column ? "; a category can be one-hot encoded with onehot=" : "",
                          column ? m->names[j] : "");
                free(key);
                return -1;
            }
        }
        if (has_null) {
            if (sc->null_rows < NULL_EXAMPLES)
                sc->null_keys[sc->null_rows] = row_key(m, st);
            sc->null_rows++;
            if (s->nulls == NULLS_DROP)
                continue;
        }
        for (int h = 0; h < noh; h++) {
            const char *v = (const char *)sqlite3_column_text(st, 1 + m->nnumeric + h);
            for (int k = 0; k < oh[h].nvalues; k++)
                row[oh[h].first + k] = 0.0;
            if (!v)
                continue;
            char **hit = bsearch(&v, oh[h].values, (size_t)oh[h].nvalues, sizeof *oh[h].values, cmp_str);
            if (hit)
                row[oh[h].first + (hit - oh[h].values)] = 1.0;
        }
        store_key(m, sc, st);
        m->n++;
    }
    if (step != SQLITE_DONE)
        return ctx_sqlite_error(c, s->cmd);
    return 0;
}

/* Fills NULLs with the mean of the feature's other values. */
static void impute_means(struct feature_matrix *m)
{
    m->impute = xcalloc((size_t)m->nnumeric, sizeof *m->impute);
    for (int j = 0; j < m->nnumeric; j++) {
        double sum = 0;
        int64_t count = 0;
        for (int64_t i = 0; i < m->n; i++)
            if (!isnan(m->x[i * m->d + j])) {
                sum += m->x[i * m->d + j];
                count++;
            }
        m->impute[j] = count ? sum / (double)count : 0.0;
    }
    for (int64_t i = 0; i < m->n; i++) {
        int filled = 0;
        for (int j = 0; j < m->nnumeric; j++)
            if (isnan(m->x[i * m->d + j])) {
                m->x[i * m->d + j] = m->impute[j];
                filled = 1;
            }
        m->imputed += filled;
    }
}

/* Checks what the rows read allow and finishes the matrix: NULL policy, constant
 * features, scaling. */
static int finish(ctx *c, const struct feature_spec *s, struct feature_matrix *m, const struct scan *sc)
{
    if (sc->rows == 0)
        return s->where ? ctx_error(c, "%s: no rows of %s match where=%s", s->cmd, s->table, s->where)
                        : ctx_error(c, "%s: %s has no rows", s->cmd, s->table);
    for (int j = 0; j < m->nnumeric; j++)
        if (sc->null_counts[j] == sc->rows)
            return ctx_error(c, "%s: feature '%s' is NULL on every row%s; leave it out", s->cmd, m->names[j],
                             s->where ? " that matches where=" : "");
    if (sc->null_rows && s->nulls == NULLS_ERROR)
        return null_error(c, s, m, sc);
    if (m->n == 0)
        return ctx_error(c, "%s: every row has a NULL feature, so nulls=drop leaves none", s->cmd);
    m->dropped = s->nulls == NULLS_DROP ? sc->null_rows : 0;
    if (s->nulls == NULLS_IMPUTE && sc->null_rows)
        impute_means(m);
    for (int j = 0; j < m->nnumeric; j++) {
        double first = m->x[j];
        int64_t i = 1;
        while (i < m->n && m->x[i * m->d + j] == first)
            i++;
        if (i == m->n && m->n > 1)
            return ctx_error(c, "%s: feature '%s' has the same value (%g) on every row, so it cannot tell rows "
                                "apart; leave it out", s->cmd, m->names[j], first);
    }
    for (int j = 0; j < m->d; j++) {
        m->center[j] = 0.0;
        m->scale[j] = 1.0;
    }
    for (int j = 0; j < m->nnumeric; j++) {
        scaler_fit(s->scale, m->x, m->n, m->d, j, &m->center[j], &m->scale[j]);
        double ctr = m->center[j], inv = 1.0 / m->scale[j];
        if (ctr == 0.0 && inv == 1.0)
            continue;
        for (int64_t i = 0; i < m->n; i++)
            m->x[i * m->d + j] = (m->x[i * m->d + j] - ctr) * inv;
    }
    return 0;
}

/* Decides the key: key= (a column), the table's recorded key, or the rowid. */
static int choose_key(ctx *c, const struct feature_spec *s, struct feature_matrix *m, char **cols, int ncols)
{
    char *key = s->key ? xstrdup(s->key) : table_key_column(c, s->table);
    if (key) {
        int k = find_column(cols, ncols, key);
        if (k < 0) {
            unknown_column(c, s, "key", key, cols, ncols);
            free(key);
            return -1;
        }
        free(key);
        m->key_column = xstrdup(cols[k]);
        m->key_type = xstrdup(column_key_type(c, s->table, m->key_column));
        m->key_is_text = strcmp(m->key_type, "INTEGER") != 0;
        return 0;
    }
    if (!table_exists(c, s->table))
        return ctx_error(c, "%s: %s is a view, which has no rowid: name its key column with key=COL",
                         s->cmd, s->table);
    const char *rowid = rowid_alias(c, s->cmd, s->table);
    if (!rowid)
        return -1;
    m->key_column = xstrdup(rowid);
    m->key_type = xstrdup("INTEGER");
    return 0;
}

int features_load(ctx *c, const struct feature_spec *s, struct feature_matrix *m)
{
    memset(m, 0, sizeof *m);
    m->scale_method = s->scale;
    if (require_relation(c, s->cmd, s->table, 1))
        return -1;
    int ncols = 0, nfeat = 0, noh = 0, rc = -1;
    char **cols = table_columns(c, "columns", s->table, &ncols);
    char **feats = NULL, **ohcols = NULL;
    char **sqls = NULL;
    struct onehot *oh = NULL;
    struct scan sc = {0};
    sqlite3_stmt *st = NULL;
    struct strbuf sql = {0}, from = {0};

    nfeat = s->features ? split_list(s->features, &feats) : 0;
    if (!s->features || nfeat <= 0 || (nfeat == 1 && !feats[0][0])) {
        if (nfeat > 0)
            free_list(feats, nfeat);
        nfeat = 0;
        ctx_error(c, "%s: features=%s: expected numeric columns or SQL expressions separated by commas, "
                     "e.g. features=age,income", s->cmd, s->features ? s->features : "");
        goto out;
    }
    if (s->onehot && (noh = split_list(s->onehot, &ohcols)) <= 0) {
        noh = 0;
        ctx_error(c, "%s: onehot=%s: expected columns separated by commas", s->cmd, s->onehot);
        goto out;
    }
    if (choose_key(c, s, m, cols, ncols))
        goto out;

    m->nnumeric = nfeat;
    sqls = xcalloc((size_t)nfeat, sizeof *sqls);
    char **names = xcalloc((size_t)nfeat, sizeof *names);
    m->names = names;
    m->d = nfeat;       /* names[] holds nfeat until the one-hot names are added */
    for (int j = 0; j < nfeat; j++) {
        if (resolve_feature(c, s, "features", feats[j], cols, ncols, &sqls[j], &names[j], 0))
            goto out;
        for (int i = 0; i < j; i++)
            if (strcmp(names[i], names[j]) == 0) {
                ctx_error(c, "%s: feature '%s' is listed twice in features=", s->cmd, names[j]);
                goto out;
            }
    }

    strbuf_puts(&from, "FROM ");
    strbuf_put_ident(&from, s->table);
    if (s->where)
        strbuf_printf(&from, " WHERE (%s)", s->where);

    oh = xcalloc((size_t)noh + 1, sizeof *oh);
    int d = nfeat;
    for (int h = 0; h < noh; h++) {
        char *osql = NULL, *oname = NULL;
        if (resolve_feature(c, s, "onehot", ohcols[h], cols, ncols, &osql, &oname, 1))
            goto out;
        free(osql);
        oh[h].column = oname;
        oh[h].first = d;
        if (read_categories(c, s, &oh[h], strbuf_str(&from)))
            goto out;
        d += oh[h].nvalues;
    }
    m->names = xrealloc(m->names, (size_t)d * sizeof *m->names);
    for (int h = 0; h < noh; h++)
        for (int k = 0; k < oh[h].nvalues; k++) {
            struct strbuf nm = {0};
            strbuf_printf(&nm, "%s=%s", oh[h].column, oh[h].values[k]);
            m->names[oh[h].first + k] = xstrdup(strbuf_str(&nm));
            strbuf_free(&nm);
        }
    m->d = d;
    m->center = xcalloc((size_t)d, sizeof *m->center);
    m->scale = xcalloc((size_t)d, sizeof *m->scale);

    strbuf_puts(&sql, "SELECT ");
    if (strcmp(m->key_column, "rowid") == 0)
        strbuf_puts(&sql, "rowid");
    else
        strbuf_put_ident(&sql, m->key_column);
    for (int j = 0; j < nfeat; j++)
        strbuf_printf(&sql, ", (%s)", sqls[j]);
    for (int h = 0; h < noh; h++) {
        strbuf_puts(&sql, ", CAST(");
        strbuf_put_ident(&sql, oh[h].column);
        strbuf_puts(&sql, " AS TEXT)");
    }
    strbuf_printf(&sql, " %s", strbuf_str(&from));
    if (sqlite3_prepare_v2(c->db, strbuf_str(&sql), -1, &st, NULL) != SQLITE_OK) {
        ctx_error(c, "%s: %s (in features=%s%s%s)", s->cmd, sqlite3_errmsg(c->db), s->features,
                  s->where ? " or where=" : "", s->where ? s->where : "");
        st = NULL;
        goto out;
    }
    sc.null_counts = xcalloc((size_t)nfeat, sizeof *sc.null_counts);
    if (read_rows(c, s, m, st, oh, noh, &sc) || finish(c, s, m, &sc))
        goto out;
    rc = 0;
out:
    sqlite3_finalize(st);
    strbuf_free(&sql);
    strbuf_free(&from);
    for (int i = 0; i < NULL_EXAMPLES; i++)
        free(sc.null_keys[i]);
    free(sc.null_counts);
    for (int h = 0; oh && h < noh; h++) {
        free(oh[h].column);
        free_list(oh[h].values, oh[h].nvalues);
    }
    free(oh);
    if (sqls)
        free_list(sqls, nfeat);
    if (feats)
        free_list(feats, nfeat);
    if (ohcols)
        free_list(ohcols, noh);
    free_list(cols, ncols);
    if (rc)
        features_free(m);
    return rc;
}

void features_free(struct feature_matrix *m)
{
    if (m->names)
        for (int j = 0; j < m->d; j++)
            free(m->names[j]);
    free(m->names);
    free(m->x);
    free(m->center);
    free(m->scale);
    free(m->impute);
    free(m->key_column);
    free(m->key_type);
    free(m->key_int);
    free(m->key_text);
    free(m->key_off);
    memset(m, 0, sizeof *m);
}
