/* outblocks.c — reading the table format back into records and tables. */
#include "outblocks.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "utf8.h"

enum { MAX_COLS = 256 };

/* The text of line between display columns from and to (to < 0: the end),
 * without the blanks around it, malloc'ed. */
static char *slice(const char *line, int from, int to)
{
    size_t n = strlen(line);
    int w, w2;
    size_t a = utf8_fit(line, n, from, &w);
    size_t b = to < 0 ? n : a + utf8_fit(line + a, n - a, to - w, &w2);
    while (a < b && line[a] == ' ')
        a++;
    while (b > a && line[b - 1] == ' ')
        b--;
    char *s = xmalloc(b - a + 1);
    memcpy(s, line + a, b - a);
    s[b - a] = '\0';
    return s;
}

static int is_rule(const char *line)
{
    return *line == '-' && line[strspn(line, "- ")] == '\0';
}

static int is_number(const char *s)
{
    char *end;
    strtod(s, &end);
    return *s && end != s && *end == '\0';
}

/* A header line over a rule: the runs of dashes are the columns' spans. */
static void parse_table(struct outblock *b, char **lines, int n)
{
    const char *rule = lines[1];
    int starts[MAX_COLS], ends[MAX_COLS], k = 0;
    for (int i = 0; rule[i] && k < MAX_COLS;) {
        if (rule[i] != '-') {
            i++;
            continue;
        }
        starts[k] = i;
        while (rule[i] == '-')
            i++;
        ends[k++] = i;
    }
    b->kind = OUTBLOCK_TABLE;
    b->ncols = k;
    b->nrows = n - 2;
    b->cols = xcalloc((size_t)k + 1, sizeof *b->cols);
    b->numeric = xcalloc((size_t)k + 1, 1);
    b->cells = xcalloc((size_t)(b->nrows * k) + 1, sizeof *b->cells);
    for (int c = 0; c < k; c++) {
        /* the last column is never cut, so it may run past its rule */
        int to = c + 1 < k ? ends[c] : -1;
        b->cols[c] = slice(lines[0], starts[c], to);
        b->numeric[c] = b->nrows > 0;
        for (int r = 0; r < b->nrows; r++) {
            char *cell = slice(lines[r + 2], starts[c], to);
            if (*cell && !is_number(cell))
                b->numeric[c] = 0;
            b->cells[r * k + c] = cell;
        }
    }
}

/* "key  value" lines: the values start two columns after the longest key. */
static void parse_record(struct outblock *b, char **lines, int n)
{
    int keyw = 0;
    for (int r = 0; r < n; r++) {
        const char *gap = strstr(lines[r], "  ");
        int w = utf8_width(lines[r], gap ? (size_t)(gap - lines[r]) : strlen(lines[r]));
        if (w > keyw)
            keyw = w;
    }
    b->kind = OUTBLOCK_RECORD;
    b->ncols = 2;
    b->nrows = n;
    b->cells = xcalloc((size_t)n * 2 + 1, sizeof *b->cells);
    for (int r = 0; r < n; r++) {
        b->cells[r * 2] = slice(lines[r], 0, keyw);
        b->cells[r * 2 + 1] = slice(lines[r], keyw + 2, -1);
    }
}

static void parse_text(struct outblock *b, char **lines, int n)
{
    b->kind = OUTBLOCK_TEXT;
    b->ncols = 1;
    b->nrows = n;
    b->cells = xcalloc((size_t)n + 1, sizeof *b->cells);
    for (int r = 0; r < n; r++)
        b->cells[r] = xstrdup(lines[r]);
}

/* Whether every line has a key, two blanks, and then its value (or nothing). */
static int looks_like_record(char **lines, int n)
{
    for (int r = 0; r < n; r++)
        if (lines[r][0] == ' ' || !strstr(lines[r], "  "))
            return 0;
    return 1;
}

void outblocks_parse(const char *text, struct outblocks *out)
{
    memset(out, 0, sizeof *out);
    /* the lines, split in a copy */
    char *copy = xstrdup(text);
    int nlines = 0, cap = 16;
    char **lines = xmalloc((size_t)cap * sizeof *lines);
    for (char *s = copy; *s;) {
        if (nlines == cap)
            lines = xrealloc(lines, (size_t)(cap *= 2) * sizeof *lines);
        lines[nlines++] = s;
        s += strcspn(s, "\n");
        if (*s)
            *s++ = '\0';
    }
    for (int i = 0; i < nlines;) {
        if (!lines[i][strspn(lines[i], " \f\r")]) {
            i++;
            continue;
        }
        int end = i;
        while (end < nlines && lines[end][strspn(lines[end], " \f\r")])
            end++;
        char *name = NULL;
        size_t len = strlen(lines[i]);
        if (end - i > 1 && len > 1 && lines[i][len - 1] == ':' && !strstr(lines[i], "  ")) {
            name = xstrdup(lines[i]);
            name[len - 1] = '\0';
            i++;
        }
        out->blocks = xrealloc(out->blocks, (size_t)(out->n + 1) * sizeof *out->blocks);
        struct outblock *b = &out->blocks[out->n++];
        memset(b, 0, sizeof *b);
        b->name = name;
        if (end - i >= 2 && is_rule(lines[i + 1]))
            parse_table(b, lines + i, end - i);
        else if (looks_like_record(lines + i, end - i))
            parse_record(b, lines + i, end - i);
        else
            parse_text(b, lines + i, end - i);
        i = end;
    }
    free(lines);
    free(copy);
}

void outblocks_free(struct outblocks *o)
{
    for (int i = 0; i < o->n; i++) {
        struct outblock *b = &o->blocks[i];
        for (int c = 0; b->cols && c < b->ncols; c++)
            free(b->cols[c]);
        for (int k = 0; k < b->nrows * b->ncols; k++)
            free(b->cells[k]);
        free(b->cols);
        free(b->cells);
        free(b->numeric);
        free(b->name);
    }
    free(o->blocks);
    memset(o, 0, sizeof *o);
}
