/* segment_expr.c — conditions with behavioural helpers, and combinations. */
#include "segment_expr.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* ---- a lexer that knows just enough SQL to find words, strings and groups ---- */

enum tok_kind { T_WORD, T_STRING, T_IDENT, T_OPEN, T_CLOSE, T_COMMA, T_OP, T_OTHER };

struct tok {
    enum tok_kind kind;
    size_t start, end;
};

struct lexed {
    int n;
    struct tok *t;
};

static int is_word_byte(unsigned char ch)
{
    return isalnum(ch) || ch == '_' || ch == '$' || ch == '.' || ch >= 0x80;
}

/* The UTF-8 comparison signs ≥ ≤ ≠ (E2 89 A5/A4/A0), which analysts type. */
static int unicode_op(const char *p)
{
    return (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x89 &&
           ((unsigned char)p[2] == 0xA5 || (unsigned char)p[2] == 0xA4 || (unsigned char)p[2] == 0xA0);
}

static void push_tok(struct lexed *lx, enum tok_kind kind, size_t start, size_t end)
{
    lx->t = xrealloc(lx->t, (size_t)(lx->n + 1) * sizeof *lx->t);
    lx->t[lx->n++] = (struct tok){kind, start, end};
}

static int lex(const char *s, struct lexed *lx, size_t *err_at, char *err, size_t errlen)
{
    size_t i = 0;
    while (s[i]) {
        unsigned char ch = (unsigned char)s[i];
        size_t start = i;
        if (isspace(ch)) {
            i++;
            continue;
        }
        if ((ch == '-' && s[i + 1] == '-') || (ch == '/' && s[i + 1] == '*')) {
            /* the condition is spliced into larger statements: a comment would hide
             * the rest of them */
            *err_at = i;
            snprintf(err, errlen, "comments are not allowed in a condition");
            return -1;
        }
        if (ch == ';') {
            *err_at = i;
            snprintf(err, errlen, "a condition is one SQL expression: ';' cannot be in it");
            return -1;
        }
        if (ch == '\'' || ch == '"' || ch == '`' || ch == '[') {
            char close = ch == '[' ? ']' : (char)ch;
            for (i++;; i++) {
                if (!s[i]) {
                    *err_at = start;
                    snprintf(err, errlen, "unterminated %c", ch);
                    return -1;
                }
                if (s[i] == close) {
                    if (close != ']' && s[i + 1] == close) {
                        i++;
                        continue;
                    }
                    break;
                }
            }
            push_tok(lx, ch == '\'' ? T_STRING : T_IDENT, start, ++i);
        } else if (ch == '(' || ch == ')' || ch == ',') {
            push_tok(lx, ch == '(' ? T_OPEN : ch == ')' ? T_CLOSE : T_COMMA, start, ++i);
        } else if (unicode_op(s + i)) {
            i += 3;
            push_tok(lx, T_OP, start, i);
        } else if (strchr("<>=!", ch)) {
            while (s[i] && strchr("<>=!", s[i]))
                i++;
            push_tok(lx, T_OP, start, i);
        } else if (is_word_byte(ch)) {
            while (s[i] && is_word_byte((unsigned char)s[i]) && !unicode_op(s + i))
                i++;
            push_tok(lx, T_WORD, start, i);
        } else {
            push_tok(lx, T_OTHER, start, ++i);
        }
    }
    return 0;
}

static int tok_is(const char *s, const struct tok *t, const char *word)
{
    size_t len = strlen(word);
    return t->kind == T_WORD && t->end - t->start == len && sqlite3_strnicmp(s + t->start, word, (int)len) == 0;
}

/* A whole number in a word token: 0 and *v, or -1. */
static int tok_int(const char *s, const struct tok *t, int64_t *v)
{
    if (t->kind != T_WORD || t->end - t->start > 12)
        return -1;
    int64_t n = 0;
    for (size_t i = t->start; i < t->end; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        n = n * 10 + (s[i] - '0');
    }
    *v = n;
    return 0;
}

/* The text of a quoted token without its quotes, doubled quotes undone. */
static char *unquote(const char *s, const struct tok *t)
{
    struct strbuf b = {0};
    char q = s[t->start];
    for (size_t i = t->start + 1; i + 1 < t->end; i++) {
        strbuf_putc(&b, s[i]);
        if (s[i] == q && q != '[')
            i++;
    }
    char *out = xstrdup(strbuf_str(&b));
    strbuf_free(&b);
    return out;
}

/* ---- helpers ---- */

static int fail(size_t *err_at, size_t at, char *err, size_t errlen, const char *msg)
{
    *err_at = at;
    snprintf(err, errlen, "%s", msg);
    return -1;
}

/* The SQL form of a comparison token, or NULL. */
static const char *comparison(const char *s, const struct tok *t)
{
    static const struct { const char *typed, *sql; } ops[] = {
        {">=", ">="}, {">", ">"}, {"<=", "<="}, {"<", "<"}, {"=", "="}, {"==", "="}, {"!=", "!="},
        {"<>", "!="}, {"\xE2\x89\xA5", ">="}, {"\xE2\x89\xA4", "<="}, {"\xE2\x89\xA0", "!="},
    };
    if (t->kind != T_OP)
        return NULL;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strlen(ops[i].typed) == t->end - t->start && memcmp(s + t->start, ops[i].typed, t->end - t->start) == 0)
            return ops[i].sql;
    return NULL;
}

static char unit_of(const char *s, const struct tok *t)
{
    static const char *const words[] = {"day", "days", "week", "weeks", "hour", "hours"};
    for (int i = 0; i < 6; i++)
        if (tok_is(s, t, words[i]))
            return words[i][0];
    return 0;
}

/* Parses the helper in tokens [a, b) into *h. */
static int parse_helper(const char *s, const struct tok *t, int a, int b, struct seg_helper *h, size_t *err_at,
                        char *err, size_t errlen)
{
    const char *name = t[a].kind == T_WORD && tok_is(s, &t[a], "did") ? "did" : "count of";
    h->is_count = name[0] == 'c';
    h->start = t[a].start;
    h->end = t[b - 1].end;
    int i = a + (h->is_count ? 2 : 1);
    char msg[256];
    if (i >= b || (t[i].kind != T_WORD && t[i].kind != T_STRING && t[i].kind != T_IDENT)) {
        snprintf(msg, sizeof msg, "%s: expected an event type (a word, 'in quotes', or any)", name);
        return fail(err_at, i < b ? t[i].start : h->end, err, errlen, msg);
    }
    h->event_at = t[i].start;
    h->event = t[i].kind == T_WORD ? NULL : unquote(s, &t[i]);
    if (t[i].kind == T_WORD && !tok_is(s, &t[i], "any")) {
        h->event = xmalloc(t[i].end - t[i].start + 1);
        memcpy(h->event, s + t[i].start, t[i].end - t[i].start);
        h->event[t[i].end - t[i].start] = '\0';
    }
    i++;
    int end = b;
    if (h->is_count) {
        const char *op = end - 2 >= i ? comparison(s, &t[end - 2]) : NULL;
        if (!op || tok_int(s, &t[end - 1], &h->count)) {
            snprintf(msg, sizeof msg, "count of: expected a comparison with a whole number at the end, e.g. "
                                      "count of %.40s >= 3 (put the helper in parentheses if more follows)",
                     h->event ? h->event : "any");
            return fail(err_at, end - 1 >= i ? t[end - 1].start : h->end, err, errlen, msg);
        }
        snprintf(h->op, sizeof h->op, "%s", op);
        end -= 2;
    }
    h->unit = 'd';
    if (end - 3 >= i && tok_is(s, &t[end - 3], "within")) {
        if (tok_int(s, &t[end - 2], &h->within) || h->within <= 0)
            return fail(err_at, t[end - 2].start, err, errlen,
                        "within: expected a whole number of days, weeks or hours");
        if (!(h->unit = unit_of(s, &t[end - 1])))
            return fail(err_at, t[end - 1].start, err, errlen, "within N: expected days, weeks or hours");
        end -= 3;
    }
    h->cond_start = h->cond_end = 0;
    if (i < end) {
        if (!tok_is(s, &t[i], "where")) {
            snprintf(msg, sizeof msg, "%s %.40s: expected 'where CONDITION' or 'within N days' here; a helper runs "
                     "to the end of its parentheses, so put it in parentheses when more conditions follow",
                     name, h->event ? h->event : "any");
            return fail(err_at, t[i].start, err, errlen, msg);
        }
        if (i + 1 >= end) {
            snprintf(msg, sizeof msg, "%s: expected a condition on the events after 'where'", name);
            return fail(err_at, t[i].end, err, errlen, msg);
        }
        h->cond_start = t[i + 1].start;
        h->cond_end = t[end - 1].end;
    }
    return 0;
}

int seg_condition_parse(const char *text, struct seg_condition *cond, size_t *err_at, char *err, size_t errlen)
{
    memset(cond, 0, sizeof *cond);
    cond->outer = xstrdup(text);
    struct lexed lx = {0};
    int rc = lex(text, &lx, err_at, err, errlen);
    if (rc == 0 && lx.n == 0)
        rc = fail(err_at, 0, err, errlen, "the condition is empty");
    for (int i = 0; rc == 0 && i < lx.n; i++) {
        int did = tok_is(text, &lx.t[i], "did") && i + 1 < lx.n &&
                  (lx.t[i + 1].kind == T_WORD || lx.t[i + 1].kind == T_STRING || lx.t[i + 1].kind == T_IDENT);
        int count = tok_is(text, &lx.t[i], "count") && i + 1 < lx.n && tok_is(text, &lx.t[i + 1], "of");
        if (!did && !count)
            continue;
        /* the helper ends where its group does: a ')' or ',' at its own depth */
        int j = i, depth = 0;
        for (; j < lx.n; j++) {
            if (lx.t[j].kind == T_OPEN)
                depth++;
            else if ((lx.t[j].kind == T_CLOSE || lx.t[j].kind == T_COMMA) && depth-- == 0)
                break;
        }
        cond->helpers = xrealloc(cond->helpers, (size_t)(cond->n + 1) * sizeof *cond->helpers);
        struct seg_helper *h = &cond->helpers[cond->n++];
        memset(h, 0, sizeof *h);
        rc = parse_helper(text, lx.t, i, j, h, err_at, err, errlen);
        if (rc == 0) {
            cond->outer[h->start] = '1';
            memset(cond->outer + h->start + 1, ' ', h->end - h->start - 1);
        }
        i = j;
    }
    free(lx.t);
    return rc;
}

void seg_condition_free(struct seg_condition *cond)
{
    for (int i = 0; i < cond->n; i++)
        free(cond->helpers[i].event);
    free(cond->helpers);
    free(cond->outer);
    memset(cond, 0, sizeof *cond);
}

void seg_helper_filter_sql(const char *text, const struct seg_helper *h, const struct event_source *ev,
                           struct strbuf *out)
{
    size_t before = out->len;
    if (h->event && ev->type) {
        strbuf_put_ident(out, ev->type);
        char *lit = sqlite3_mprintf(" = %Q", h->event);
        strbuf_puts(out, lit);
        sqlite3_free(lit);
    }
    if (h->cond_end > h->cond_start) {
        strbuf_puts(out, out->len > before ? " AND (" : "(");
        strbuf_append(out, text + h->cond_start, h->cond_end - h->cond_start);
        strbuf_putc(out, ')');
    }
    if (h->within) {
        strbuf_puts(out, out->len > before ? " AND julianday(" : "julianday(");
        strbuf_put_ident(out, ev->time);
        strbuf_printf(out, ") >= julianday(%s) - ", ev->asof_sql);
        if (h->unit == 'h')
            strbuf_printf(out, "%lld / 24.0", (long long)h->within);
        else
            strbuf_printf(out, "%lld", (long long)(h->unit == 'w' ? 7 * h->within : h->within));
        strbuf_puts(out, " AND julianday(");
        strbuf_put_ident(out, ev->time);
        strbuf_printf(out, ") < julianday(%s)", ev->asof_sql);
    }
    if (out->len == before)
        strbuf_putc(out, '1');
}

/* Whether `0 op n` holds: customers without any such event then meet the count. */
static int zero_meets(const char *op, int64_t n)
{
    if (strcmp(op, ">=") == 0) return 0 >= n;
    if (strcmp(op, ">") == 0) return 0 > n;
    if (strcmp(op, "<=") == 0) return 0 <= n;
    if (strcmp(op, "<") == 0) return 0 < n;
    if (strcmp(op, "=") == 0) return n == 0;
    return n != 0;
}

/* A helper as `row_key [NOT] IN (SELECT customer FROM events WHERE …)`: the subquery
 * does not depend on the row, so SQLite runs it once per statement. */
static void helper_sql(const char *text, const struct seg_helper *h, const char *row_key,
                       const struct event_source *ev, struct strbuf *out)
{
    /* a count that zero meets is the complement of the customers whose count fails */
    int negate = h->is_count && zero_meets(h->op, h->count);
    strbuf_printf(out, "%s %sIN (SELECT ", row_key, negate ? "NOT " : "");
    strbuf_put_ident(out, ev->customer);
    strbuf_puts(out, " FROM ");
    strbuf_put_ident(out, ev->table);
    strbuf_puts(out, " WHERE ");
    strbuf_put_ident(out, ev->customer);
    strbuf_puts(out, " IS NOT NULL AND ");
    seg_helper_filter_sql(text, h, ev, out);
    if (h->is_count)
        strbuf_printf(out, " GROUP BY 1 HAVING %s(count(*) %s %lld)", negate ? "NOT " : "", h->op, (long long)h->count);
    strbuf_putc(out, ')');
}

void seg_condition_sql(const char *text, const struct seg_condition *cond, const char *row_key,
                       const struct event_source *ev, struct strbuf *out)
{
    size_t at = 0;
    for (int i = 0; i < cond->n; i++) {
        const struct seg_helper *h = &cond->helpers[i];
        strbuf_append(out, text + at, h->start - at);
        strbuf_putc(out, '(');
        helper_sql(text, h, row_key, ev, out);
        strbuf_putc(out, ')');
        at = h->end;
    }
    strbuf_puts(out, text + at);
}

/* ---- combinations: or-terms of and-factors of [not] names ---- */

struct combine {
    const char *s;
    struct lexed lx;
    int i;
    seg_operand_fn *resolve;
    void *arg;
    struct strbuf *sql;
    size_t *err_at;
    char *err;
    size_t errlen;
};

static int combine_or(struct combine *p);

static size_t here(const struct combine *p)
{
    return p->i < p->lx.n ? p->lx.t[p->i].start : strlen(p->s);
}

static int combine_factor(struct combine *p)
{
    if (p->i >= p->lx.n)
        return fail(p->err_at, here(p), p->err, p->errlen, "expected a segment name");
    const struct tok *t = &p->lx.t[p->i];
    if (tok_is(p->s, t, "not")) {
        p->i++;
        strbuf_puts(p->sql, "NOT ");
        return combine_factor(p);
    }
    if (t->kind == T_OPEN) {
        p->i++;
        strbuf_putc(p->sql, '(');
        if (combine_or(p))
            return -1;
        if (p->i >= p->lx.n || p->lx.t[p->i].kind != T_CLOSE)
            return fail(p->err_at, here(p), p->err, p->errlen, "expected ')'");
        p->i++;
        strbuf_putc(p->sql, ')');
        return 0;
    }
    /* a name: a quoted string, or the bare text up to a blank or parenthesis */
    char *name;
    size_t at = t->start;
    if (t->kind == T_STRING || t->kind == T_IDENT) {
        name = unquote(p->s, t);
        p->i++;
    } else if (t->kind == T_WORD && !tok_is(p->s, t, "and") && !tok_is(p->s, t, "or")) {
        size_t end = t->end;
        for (p->i++; p->i < p->lx.n && p->lx.t[p->i].start == end && p->lx.t[p->i].kind != T_OPEN &&
                     p->lx.t[p->i].kind != T_CLOSE; p->i++)
            end = p->lx.t[p->i].end;
        name = xmalloc(end - at + 1);
        memcpy(name, p->s + at, end - at);
        name[end - at] = '\0';
    } else {
        return fail(p->err_at, at, p->err, p->errlen, "expected a segment name");
    }
    int rc = p->resolve(p->arg, name, p->sql, p->err, p->errlen);
    free(name);
    if (rc)
        *p->err_at = at;
    return rc;
}

static int combine_and(struct combine *p)
{
    if (combine_factor(p))
        return -1;
    while (p->i < p->lx.n && tok_is(p->s, &p->lx.t[p->i], "and")) {
        p->i++;
        strbuf_puts(p->sql, " AND ");
        if (combine_factor(p))
            return -1;
    }
    return 0;
}

static int combine_or(struct combine *p)
{
    if (combine_and(p))
        return -1;
    while (p->i < p->lx.n && tok_is(p->s, &p->lx.t[p->i], "or")) {
        p->i++;
        strbuf_puts(p->sql, " OR ");
        if (combine_and(p))
            return -1;
    }
    return 0;
}

int seg_combine_parse(const char *text, seg_operand_fn *resolve, void *arg, struct strbuf *sql, size_t *err_at,
                      char *err, size_t errlen)
{
    struct combine p = {.s = text, .resolve = resolve, .arg = arg, .sql = sql,
                        .err_at = err_at, .err = err, .errlen = errlen};
    int rc = lex(text, &p.lx, err_at, err, errlen);
    if (rc == 0)
        rc = combine_or(&p);
    if (rc == 0 && p.i < p.lx.n)
        rc = fail(err_at, here(&p), err, errlen, "expected 'and', 'or' or the end");
    free(p.lx.t);
    return rc;
}

int seg_name_valid(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 64 || !(isalpha((unsigned char)name[0]) || name[0] == '_'))
        return 0;
    for (size_t i = 1; i < len; i++)
        if (!(isalnum((unsigned char)name[i]) || name[i] == '_'))
            return 0;
    return 1;
}
