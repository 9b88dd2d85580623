/* tokenize.c — command-line splitting and word tokenizing. */
#include "tokenize.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "strbuf.h"

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* An option key: a letter or '_' then letters, digits, '_' or '-'. */
static int is_option_key(const char *s, size_t len)
{
    if (len == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < len; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

int tokenize(const char *text, struct words *out, char *err, size_t errlen)
{
    out->n = 0;
    out->w = NULL;
    int cap = 0;
    const char *p = text;
    struct strbuf b = {0};
    for (;;) {
        while (is_blank(*p))
            p++;
        if (*p == '\0')
            break;
        strbuf_reset(&b);
        size_t start = (size_t)(p - text);
        long eq = -1;       /* position in b of the first unquoted '=' */
        int quoted = 0;
        while (*p && !is_blank(*p)) {
            if (*p == '\'' || *p == '"') {
                char q = *p++;
                size_t open = (size_t)(p - text);
                quoted = 1;
                for (;;) {
                    if (*p == '\0') {
                        snprintf(err, errlen, "unterminated %c quote at column %zu", q, open);
                        strbuf_free(&b);
                        words_free(out);
                        return -1;
                    }
                    if (*p == q) {
                        if (p[1] != q)
                            break;
                        p++;            /* a doubled quote stands for itself */
                    }
                    strbuf_putc(&b, *p++);
                }
                p++;
                continue;
            }
            if (*p == '=' && eq < 0)
                eq = (long)b.len;
            strbuf_putc(&b, *p++);
        }
        if (out->n == cap) {
            cap = cap ? cap * 2 : 8;
            out->w = xrealloc(out->w, (size_t)cap * sizeof *out->w);
        }
        struct word *w = &out->w[out->n++];
        w->text = xstrdup(strbuf_str(&b));
        w->quoted = quoted;
        w->offset = start;
        w->key = w->value = NULL;
        if (eq > 0 && is_option_key(w->text, (size_t)eq)) {
            w->key = xstrdup(w->text);
            w->key[eq] = '\0';
            w->value = xstrdup(w->text + eq + 1);
        }
    }
    strbuf_free(&b);
    return 0;
}

void words_free(struct words *ws)
{
    for (int i = 0; i < ws->n; i++) {
        free(ws->w[i].text);
        free(ws->w[i].key);
        free(ws->w[i].value);
    }
    free(ws->w);
    ws->w = NULL;
    ws->n = 0;
}

/* Appends the command text [from, to) trimmed, unless it is empty. */
static void push_command(char ***out, int *n, int *cap, const char *from, const char *to)
{
    while (from < to && is_blank(*from))
        from++;
    while (to > from && is_blank(to[-1]))
        to--;
    if (from == to)
        return;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        *out = xrealloc(*out, (size_t)*cap * sizeof **out);
    }
    size_t len = (size_t)(to - from);
    char *s = xmalloc(len + 1);
    memcpy(s, from, len);
    s[len] = '\0';
    (*out)[(*n)++] = s;
}

/* Whether the text at p, on the same line, goes on as SQL after a complete
 * statement and its ';': a comment, or a word (case-insensitive) that starts an SQL
 * statement.  DROP is also Persona's `drop NAME`: it is SQL only when TABLE, VIEW,
 * INDEX or TRIGGER follows. */
static int starts_sql_statement(const char *p)
{
    static const char *const verbs[] = {
        "alter", "analyze", "attach", "begin", "commit", "create", "delete", "detach",
        "end", "explain", "insert", "pragma", "reindex", "release", "replace",
        "rollback", "savepoint", "select", "update", "vacuum", "values", "with",
    };
    while (*p == ' ' || *p == '\t' || *p == '\r')
        p++;
    if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*'))
        return 1;
    size_t len = 0;
    while (isalpha((unsigned char)p[len]))
        len++;
    if (len == 4 && strncasecmp(p, "drop", 4) == 0) {
        const char *q = p + 4;
        while (*q == ' ' || *q == '\t')
            q++;
        static const char *const objects[] = {"table", "view", "index", "trigger"};
        for (size_t i = 0; i < sizeof objects / sizeof objects[0]; i++) {
            size_t n = strlen(objects[i]);
            if (strncasecmp(q, objects[i], n) == 0 && !isalnum((unsigned char)q[n]) && q[n] != '_')
                return 1;
        }
        return 0;
    }
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (strlen(verbs[i]) == len && strncasecmp(p, verbs[i], len) == 0)
            return 1;
    return 0;
}

/* Where the SQL of a raw command starting at p ends: at a ';' that completes a
 * statement (sqlite3_complete: trigger bodies included) and is followed by
 * something other than SQL, at a line break where goes_on() says the SQL does not go
 * on, or at the end.  Quotes and comments are skipped as SQLite reads them.  *more
 * is set when the text ends inside a quote or comment or with SQL that needs more. */
static const char *raw_command_end(const char *p, sql_goes_on_fn *goes_on, int *more)
{
    const char *start = p;
    struct strbuf b = {0};
    *more = 0;
    for (;;) {
        char c = *p;
        if (c == '\0') {
            *more = goes_on && goes_on(start, (size_t)(p - start), NULL);
            break;
        }
        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            char close = c == '[' ? ']' : c;
            const char *q = strchr(p + 1, close);
            if (!q) {
                *more = 1;
                p += strlen(p);
                break;
            }
            p = q + 1;
        } else if (c == '-' && p[1] == '-') {
            p += strcspn(p, "\n");
        } else if (c == '/' && p[1] == '*') {
            const char *q = strstr(p + 2, "*/");
            if (!q) {
                *more = 1;
                p += strlen(p);
                break;
            }
            p = q + 2;
        } else if (c == ';') {
            strbuf_reset(&b);
            strbuf_append(&b, start, (size_t)(p - start) + 1);
            if (sqlite3_complete(strbuf_str(&b)) && !starts_sql_statement(p + 1))
                break;
            p++;
        } else if (c == '\n') {
            if (!goes_on || !goes_on(start, (size_t)(p - start), p + 1))
                break;
            p++;
        } else {
            p++;
        }
    }
    strbuf_free(&b);
    return p;
}

int split_commands(const char *line, raw_command_fn *is_raw, sql_goes_on_fn *goes_on,
                   char ***out, int *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    int cap = 0, more = 0;
    const char *start = line, *p = line;
    int at_word_start = 1;      /* still at the command's first word */
    for (;;) {
        if (at_word_start) {
            /* The first word counts only when it ends at a blank: "sql;tables" is the
             * commands sql and tables, as it would be were sql not raw.  A line break
             * is left to the loop below, so each command's word is looked at once. */
            const char *w = start;
            while (is_blank(*w) && *w != '\n')
                w++;
            const char *e = w + strcspn(w, " \t\r\n;#'\"");
            if (e > w && (is_blank(*e) || *e == '\0') && is_raw && is_raw(w, (size_t)(e - w))) {
                /* the command's SQL, as far as it goes */
                const char *end = raw_command_end(e, goes_on, &more);
                push_command(out, n, &cap, start, end);
                if (*end == '\0')
                    return more;
                start = p = end + 1;
                continue;
            }
        at_word_start = 0;
        }
        char c = *p;
        if (c == '\0' || c == ';' || c == '\n') {
            push_command(out, n, &cap, start, p);
            if (c == '\0')
                return 0;
            start = ++p;
            at_word_start = 1;
        } else if (c == '#') {
            push_command(out, n, &cap, start, p);
            while (*p && *p != '\n')
                p++;
            start = p;
            at_word_start = 1;
        } else if (c == '\'' || c == '"') {
            /* a doubled quote stands for itself, as in tokenize(), so an error points
             * at the quote that opened the string, not at the middle of a '' */
            const char *q = p + 1;
            for (; *q && !(*q == c && q[1] != c); q++)
                if (*q == c)
                    q++;
            if (!*q) {
                snprintf(err, errlen, "unterminated %c quote at column %zu", c,
                         (size_t)(p - line) + 1);
                commands_free(*out, *n);
                *out = NULL;
                *n = 0;
                return -1;
            }
            p = q + 1;
        } else {
            p++;
        }
    }
}

void commands_free(char **cmds, int n)
{
    for (int i = 0; i < n; i++)
        free(cmds[i]);
    free(cmds);
}
