/* sink.c — rendering command results as aligned tables, CSV, TSV, JSON or Markdown.
 *
 * The table format has to know column widths before it prints the first row, so it
 * holds up to TABLE_PROBE_ROWS rows, sizes the columns from them, and streams the
 * rest with those widths (cutting what does not fit with "…"): memory stays bounded
 * however many rows a query returns.  The other formats stream row by row. */
#include "sink.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "utf8.h"

enum { TABLE_PROBE_ROWS = 1000, DEFAULT_MAX_WIDTH = 40 };

/* What a command has written so far, kept while a command it runs writes its own. */
struct command_state {
    int blocks, named_open, wrote_nested;
};

/* A rendered cell held by the table format until the widths are known. */
struct held_cell {
    char *text;
    size_t len;
    int right;          /* numbers align right */
};

struct sink {
    enum sink_format fmt;
    FILE *file;             /* NULL: render into mem */
    struct strbuf mem;
    size_t cap;             /* mem's cap, 0 for none */
    size_t dropped;         /* bytes not kept since the cap was reached */
    int max_width;

    int blocks;             /* blocks written by the current command */
    int named_open;         /* JSON: the object gathering named blocks is open */
    int wrote_nested;       /* a command it ran printed its own value */
    int depth;              /* commands run by commands (replay) nest */
    int holds;              /* nesting of sink_hold() */
    FILE *held_to;          /* while holding a file sink: the real file */
    size_t hold_mark;       /* while holding a memory sink: its length at the hold */
    int64_t hold_commands;  /* `commands` at the hold */
    int failed;             /* a write to the file failed */
    int64_t commands;       /* top-level commands that wrote something */
    int in_list;            /* inside sink_list_begin()/sink_list_end() */
    int list_items;
    struct command_state *outer;    /* [depth - 1]: the commands running nested ones */
    int outer_cap;

    /* the table being written */
    int ncols;
    char **cols;
    int *widths;
    int64_t rows;
    int streaming;          /* widths are fixed; rows print as they come */
    struct held_cell *held; /* TABLE_PROBE_ROWS × ncols */
    int held_rows;

    /* the record being written (table, CSV, TSV, Markdown hold it until the end) */
    struct strbuf keys;     /* NUL-separated */
    struct strbuf values;   /* NUL-separated rendered values */
    int nfields;
    struct strbuf scratch;
};

struct cell cell_text(const char *s)
{
    if (!s)
        return cell_null();
    return (struct cell){.type = CELL_TEXT, .s = s, .len = strlen(s)};
}

static struct sink *sink_new(FILE *f, enum sink_format fmt)
{
    struct sink *s = xcalloc(1, sizeof *s);
    s->file = f;
    s->fmt = fmt;
    s->max_width = DEFAULT_MAX_WIDTH;
    return s;
}

struct sink *sink_open_file(FILE *f, enum sink_format fmt) { return sink_new(f, fmt); }
struct sink *sink_open_buffer(enum sink_format fmt) { return sink_new(NULL, fmt); }

static void free_table(struct sink *s)
{
    for (int i = 0; i < s->held_rows * s->ncols; i++)
        free(s->held[i].text);
    for (int i = 0; i < s->ncols; i++)
        free(s->cols[i]);
    free(s->held);
    free(s->cols);
    free(s->widths);
    s->held = NULL;
    s->cols = NULL;
    s->widths = NULL;
    s->ncols = 0;
    s->held_rows = 0;
}

void sink_close(struct sink *s)
{
    if (!s)
        return;
    free_table(s);
    strbuf_free(&s->mem);
    strbuf_free(&s->keys);
    strbuf_free(&s->values);
    strbuf_free(&s->scratch);
    free(s->outer);
    free(s);
}

const char *sink_buffer_text(const struct sink *s, size_t *len)
{
    if (len)
        *len = s->mem.len;
    return strbuf_str(&s->mem);
}

void sink_buffer_reset(struct sink *s)
{
    strbuf_reset(&s->mem);
    s->dropped = 0;
}

void sink_set_buffer_cap(struct sink *s, size_t bytes) { s->cap = bytes; }
size_t sink_buffer_dropped(const struct sink *s) { return s->dropped; }

int sink_parse_format(const char *name, enum sink_format *fmt)
{
    static const struct { const char *name; enum sink_format fmt; } formats[] = {
        {"table", FMT_TABLE}, {"csv", FMT_CSV}, {"tsv", FMT_TSV},
        {"json", FMT_JSON}, {"markdown", FMT_MARKDOWN},
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (strcmp(name, formats[i].name) == 0) {
            *fmt = formats[i].fmt;
            return 0;
        }
    }
    return -1;
}

enum sink_format sink_format(const struct sink *s) { return s->fmt; }
void sink_set_format(struct sink *s, enum sink_format fmt) { s->fmt = fmt; }
void sink_set_max_width(struct sink *s, int width) { s->max_width = width; }

static void out(struct sink *s, const char *p, size_t n)
{
    if (s->file) {
        if (fwrite(p, 1, n, s->file) < n)
            s->failed = 1;
    }
    else if (s->dropped || (s->cap && s->mem.len + n > s->cap))
        s->dropped += n;
    else
        strbuf_append(&s->mem, p, n);
}

static void outs(struct sink *s, const char *p) { out(s, p, strlen(p)); }

static void pad(struct sink *s, int n)
{
    static const char spaces[] = "                                ";
    while (n > 0) {
        int k = n < 32 ? n : 32;
        out(s, spaces, (size_t)k);
        n -= k;
    }
}

/* Shortest text that reads back as the same double. */
static void format_real(double d, char *buf, size_t size)
{
    if (isnan(d)) {
        snprintf(buf, size, "NaN");
        return;
    }
    if (isinf(d)) {
        snprintf(buf, size, d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    /* 15 significant digits give the shortest text of every normal double that has
     * one of at most 15 digits; subnormals carry fewer digits, so they start at 1. */
    int prec = d != 0 && fabs(d) < DBL_MIN ? 1 : 15;
    for (; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    /* "3" would read back as an integer: keep reals recognisable. */
    if (!strpbrk(buf, ".eE"))
        strncat(buf, ".0", size - strlen(buf) - 1);
}

const char *cell_format(const struct cell *c, char *buf, size_t size)
{
    switch (c->type) {
    case CELL_NULL:
        return "";
    case CELL_INT:
        snprintf(buf, size, "%lld", (long long)c->i);
        return buf;
    case CELL_REAL:
        format_real(c->d, buf, size);
        return buf;
    case CELL_BOOL:
        return c->i ? "true" : "false";
    case CELL_TEXT:
        return c->s;
    }
    return "";
}

/* Text and length of a cell, without copying text cells.  For a person reading a
 * table (table and Markdown formats) reals show 10 significant digits; the
 * machine formats (CSV, TSV, JSON) carry the exact shortest round-trip text. */
static const char *render(const struct sink *s, const struct cell *c, char *buf, size_t size, size_t *len)
{
    if (c->type == CELL_TEXT) {
        *len = c->len;
        return c->s;
    }
    const char *t;
    if (c->type == CELL_REAL && isfinite(c->d) && (s->fmt == FMT_TABLE || s->fmt == FMT_MARKDOWN)) {
        snprintf(buf, size, "%.10g", c->d);
        if (!strpbrk(buf, ".eE"))
            strncat(buf, ".0", size - strlen(buf) - 1);
        t = buf;
    } else {
        t = cell_format(c, buf, size);
    }
    *len = strlen(t);
    return t;
}

/* ---- escaping for each format ---- */

static void put_csv_field(struct sink *s, const char *p, size_t n, char delim)
{
    int quote = n > 0 && (p[0] == ' ' || p[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        quote = p[i] == delim || p[i] == '"' || p[i] == '\n' || p[i] == '\r';
    if (!quote) {
        out(s, p, n);
        return;
    }
    out(s, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"') {
            out(s, p + start, i - start + 1);
            out(s, "\"", 1);
            start = i + 1;
        }
    }
    out(s, p + start, n - start);
    out(s, "\"", 1);
}

/* Writes p with some bytes replaced: escape() returns the replacement for the byte
 * at p[i] ("" drops it), or NULL to keep it.  Formats differ only in what they
 * replace. */
typedef const char *escape_fn(const char *p, size_t i, size_t n);

static void put_escaped(struct sink *s, const char *p, size_t n, escape_fn *escape)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc = escape(p, i, n);
        if (!esc)
            continue;
        out(s, p + start, i - start);
        outs(s, esc);
        start = i + 1;
    }
    out(s, p + start, n - start);
}

/* TSV cannot quote, so tab, newline, CR and backslash are escaped as \t \n \r \\. */
static const char *tsv_escape(const char *p, size_t i, size_t n)
{
    (void)n;
    switch (p[i]) {
    case '\t': return "\\t";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\\': return "\\\\";
    default: return NULL;
    }
}

static void put_tsv_field(struct sink *s, const char *p, size_t n)
{
    put_escaped(s, p, n, tsv_escape);
}

/* JSON text must be UTF-8: a byte that does not start a valid sequence (blobs are
 * shown as their bytes, Latin-1 may have slipped in) becomes U+FFFD. */
static void put_json_string(struct sink *s, const char *p, size_t n)
{
    out(s, "\"", 1);
    size_t start = 0, i = 0;
    while (i < n) {
        unsigned char ch = (unsigned char)p[i];
        if (ch >= 0x80) {
            int cp;
            size_t k = utf8_decode(p + i, n - i, &cp);
            if (cp >= 0) {
                i += k;
                continue;
            }
        } else if (ch >= 0x20 && ch != '"' && ch != '\\') {
            i++;
            continue;
        }
        out(s, p + start, i - start);
        char esc[8];
        switch (ch) {
        case '"': outs(s, "\\\""); break;
        case '\\': outs(s, "\\\\"); break;
        case '\n': outs(s, "\\n"); break;
        case '\r': outs(s, "\\r"); break;
        case '\t': outs(s, "\\t"); break;
        default:
            snprintf(esc, sizeof esc, "\\u%04x", ch < 0x80 ? ch : 0xfffd);
            outs(s, esc);
        }
        start = ++i;
    }
    out(s, p + start, n - start);
    out(s, "\"", 1);
}

static void put_json_cell(struct sink *s, const struct cell *c)
{
    char buf[64];
    switch (c->type) {
    case CELL_NULL:
        outs(s, "null");
        break;
    case CELL_TEXT:
        put_json_string(s, c->s, c->len);
        break;
    case CELL_REAL:
        if (!isfinite(c->d)) {
            outs(s, "null");
            break;
        }
        /* fall through */
    default:
        outs(s, cell_format(c, buf, sizeof buf));
    }
}

/* A Markdown table row is one line split at unescaped pipes: a pipe is escaped, a
 * backslash too (else "\\|" would escape the backslash and end the cell), and a line
 * break, which CommonMark also sees in a lone CR, becomes <br>. */
static const char *markdown_escape(const char *p, size_t i, size_t n)
{
    switch (p[i]) {
    case '|': return "\\|";
    case '\\': return "\\\\";
    case '\r': return i + 1 < n && p[i + 1] == '\n' ? "" : "<br>";  /* CRLF: one <br> */
    case '\n': return "<br>";
    default: return NULL;
    }
}

static void put_markdown_field(struct sink *s, const char *p, size_t n)
{
    put_escaped(s, p, n, markdown_escape);
}

/* Table format: control characters would break the alignment, so a line break shows
 * as ↵ and other controls as a space; each keeps its one column. */
static const char *display_escape(const char *p, size_t i, size_t n)
{
    (void)n;
    unsigned char ch = (unsigned char)p[i];
    if (ch >= 0x20 && ch != 0x7f)
        return NULL;
    return ch == '\n' || ch == '\r' ? "\xe2\x86\xb5" : " ";
}

static void put_display(struct sink *s, const char *p, size_t n)
{
    put_escaped(s, p, n, display_escape);
}

/* Prints text in exactly width columns (cut with "…" or padded), right-aligned or
 * not; the last column of a row is not padded on the right. */
static void put_aligned(struct sink *s, const char *p, size_t n, int width, int right, int last)
{
    int w = utf8_width(p, n);
    if (w > width && width > 0 && !last) {
        int fitted;
        n = utf8_fit(p, n, width - 1, &fitted);
        put_display(s, p, n);
        outs(s, "\xe2\x80\xa6");
        pad(s, width - 1 - fitted);
        return;
    }
    if (right)
        pad(s, width - w);
    put_display(s, p, n);
    if (!right && !last)
        pad(s, width - w);
}

/* ---- blocks ---- */

/* Separates blocks of one command; JSON gathers named blocks into one object. */
static void block_start(struct sink *s, const char *name)
{
    if (s->in_list) {      /* an item of a list block: JSON separates, others space */
        if (s->list_items++ > 0)
            outs(s, s->fmt == FMT_JSON ? ",\n" : "\n");
        return;
    }
    /* one command's table output is set off from the previous command's */
    if (s->blocks == 0 && s->fmt == FMT_TABLE && s->commands > 0)
        outs(s, "\n");
    if (s->blocks == 0)
        s->commands++;
    if (s->fmt == FMT_JSON) {
        if (name) {
            outs(s, s->named_open ? ",\n" : "{");
            s->named_open = 1;
            put_json_string(s, name, strlen(name));
            outs(s, ":");
        }
    } else if (s->blocks > 0) {
        outs(s, "\n");
        if (name && (s->fmt == FMT_TABLE || s->fmt == FMT_MARKDOWN)) {
            outs(s, name);
            outs(s, ":\n");
        }
    }
    s->blocks++;
}

/* A command run by another (replay runs a script, which may replay another) prints
 * its own value; a command that only ran others prints nothing of its own, at any
 * depth, unless it also wrote a block. */
void sink_hold(struct sink *s)
{
    if (s->holds++ > 0)
        return;
    s->hold_commands = s->commands;
    s->hold_mark = s->mem.len;
    if (s->file) {
        FILE *tmp = tmpfile();
        if (tmp) {      /* without one the output streams as before */
            s->held_to = s->file;
            s->file = tmp;
        }
    }
}

void sink_release(struct sink *s, int keep)
{
    if (s->holds == 0 || --s->holds > 0)
        return;
    if (!keep) {
        s->commands = s->hold_commands;
        if (!s->file && s->mem.len > s->hold_mark)
            s->mem.len = s->hold_mark, s->mem.buf[s->hold_mark] = '\0';
    }
    if (!s->held_to)
        return;
    FILE *tmp = s->file;
    s->file = s->held_to;
    s->held_to = NULL;
    if (keep) {
        char buf[65536];
        size_t n;
        rewind(tmp);
        while ((n = fread(buf, 1, sizeof buf, tmp)) > 0 && !s->failed)
            if (fwrite(buf, 1, n, s->file) < n)
                s->failed = 1;
        if (fflush(s->file) != 0)
            s->failed = 1;
    }
    fclose(tmp);
}

int sink_failed(const struct sink *s) { return s->failed; }

void sink_begin(struct sink *s)
{
    if (s->depth > 0) {
        if (s->depth > s->outer_cap) {
            s->outer_cap = s->outer_cap ? 2 * s->outer_cap : 8;
            s->outer = xrealloc(s->outer, (size_t)s->outer_cap * sizeof *s->outer);
        }
        s->outer[s->depth - 1] = (struct command_state){s->blocks, s->named_open, s->wrote_nested};
    }
    s->depth++;
    s->blocks = 0;
    s->named_open = 0;
    s->wrote_nested = 0;
}

void sink_end(struct sink *s)
{
    s->depth--;
    int nested_only = s->blocks == 0 && s->wrote_nested;
    if (s->fmt == FMT_JSON && !nested_only) {
        if (s->named_open)
            outs(s, "}");
        else if (s->blocks == 0)
            outs(s, "null");
        outs(s, "\n");
    }
    if (s->depth > 0) {
        const struct command_state *up = &s->outer[s->depth - 1];
        s->blocks = up->blocks;
        s->named_open = up->named_open;
        s->wrote_nested = 1;
    }
}

void sink_list_begin(struct sink *s, const char *name)
{
    block_start(s, name);
    if (s->fmt == FMT_JSON)
        outs(s, "[");
    s->in_list = 1;
    s->list_items = 0;
}

void sink_list_end(struct sink *s)
{
    s->in_list = 0;
    if (s->fmt == FMT_JSON)
        outs(s, "]");
}

/* ---- tables ---- */

static void table_rule(struct sink *s)
{
    for (int c = 0; c < s->ncols; c++) {
        if (c)
            outs(s, "  ");
        for (int i = 0; i < s->widths[c]; i++)
            out(s, "-", 1);
    }
    outs(s, "\n");
}

static void table_header(struct sink *s)
{
    char delim = s->fmt == FMT_CSV ? ',' : '\t';
    switch (s->fmt) {
    case FMT_TABLE:
        for (int c = 0; c < s->ncols; c++) {
            if (c)
                outs(s, "  ");
            put_aligned(s, s->cols[c], strlen(s->cols[c]), s->widths[c], 0, c == s->ncols - 1);
        }
        outs(s, "\n");
        table_rule(s);
        break;
    case FMT_CSV:
    case FMT_TSV:
        for (int c = 0; c < s->ncols; c++) {
            if (c)
                out(s, &delim, 1);
            if (s->fmt == FMT_CSV)
                put_csv_field(s, s->cols[c], strlen(s->cols[c]), ',');
            else
                put_tsv_field(s, s->cols[c], strlen(s->cols[c]));
        }
        outs(s, s->fmt == FMT_CSV ? "\r\n" : "\n");
        break;
    case FMT_MARKDOWN:
        outs(s, "|");
        for (int c = 0; c < s->ncols; c++) {
            outs(s, " ");
            put_markdown_field(s, s->cols[c], strlen(s->cols[c]));
            outs(s, " |");
        }
        outs(s, "\n|");
        for (int c = 0; c < s->ncols; c++)
            outs(s, "---|");
        outs(s, "\n");
        break;
    case FMT_JSON:
        outs(s, "[");
        break;
    }
}

void sink_table_begin(struct sink *s, const char *name, int ncols, const char *const *cols)
{
    free_table(s);
    block_start(s, name);
    s->ncols = ncols;
    s->cols = xcalloc((size_t)ncols, sizeof *s->cols);
    s->widths = xcalloc((size_t)ncols, sizeof *s->widths);
    for (int c = 0; c < ncols; c++) {
        s->cols[c] = xstrdup(cols[c]);
        s->widths[c] = utf8_width(cols[c], strlen(cols[c]));
    }
    s->rows = 0;
    s->held_rows = 0;
    s->streaming = s->fmt != FMT_TABLE;
    if (s->streaming)
        table_header(s);
    else
        s->held = xcalloc((size_t)TABLE_PROBE_ROWS * (size_t)ncols, sizeof *s->held);
}

static void table_print_row(struct sink *s, const struct held_cell *row)
{
    for (int c = 0; c < s->ncols; c++) {
        if (c)
            outs(s, "  ");
        put_aligned(s, row[c].text, row[c].len, s->widths[c], row[c].right, c == s->ncols - 1);
    }
    outs(s, "\n");
}

/* Fixes the widths from the held rows and prints them: from here on rows stream. */
static void table_release(struct sink *s)
{
    table_header(s);
    for (int r = 0; r < s->held_rows; r++)
        table_print_row(s, s->held + (size_t)r * (size_t)s->ncols);
    s->streaming = 1;
}

static void table_row_streamed(struct sink *s, const struct cell *cells)
{
    char buf[64];
    size_t len;
    switch (s->fmt) {
    case FMT_TABLE: {
        struct held_cell row[s->ncols];
        char bufs[s->ncols][64];
        for (int c = 0; c < s->ncols; c++) {
            row[c].text = (char *)render(s, &cells[c], bufs[c], sizeof bufs[c], &row[c].len);
            row[c].right = cells[c].type == CELL_INT || cells[c].type == CELL_REAL;
        }
        table_print_row(s, row);
        break;
    }
    case FMT_CSV:
    case FMT_TSV:
        for (int c = 0; c < s->ncols; c++) {
            if (c)
                outs(s, s->fmt == FMT_CSV ? "," : "\t");
            const char *t = render(s, &cells[c], buf, sizeof buf, &len);
            if (s->fmt == FMT_CSV)
                put_csv_field(s, t, len, ',');
            else
                put_tsv_field(s, t, len);
        }
        outs(s, s->fmt == FMT_CSV ? "\r\n" : "\n");
        break;
    case FMT_MARKDOWN:
        outs(s, "|");
        for (int c = 0; c < s->ncols; c++) {
            const char *t = render(s, &cells[c], buf, sizeof buf, &len);
            outs(s, " ");
            put_markdown_field(s, t, len);
            outs(s, " |");
        }
        outs(s, "\n");
        break;
    case FMT_JSON:
        outs(s, s->rows ? ",\n  {" : "\n  {");
        for (int c = 0; c < s->ncols; c++) {
            if (c)
                outs(s, ",");
            put_json_string(s, s->cols[c], strlen(s->cols[c]));
            outs(s, ":");
            put_json_cell(s, &cells[c]);
        }
        outs(s, "}");
        break;
    }
}

void sink_table_row(struct sink *s, const struct cell *cells)
{
    if (s->streaming) {
        table_row_streamed(s, cells);
        s->rows++;
        return;
    }
    struct held_cell *row = s->held + (size_t)s->held_rows * (size_t)s->ncols;
    char buf[64];
    for (int c = 0; c < s->ncols; c++) {
        size_t len;
        const char *t = render(s, &cells[c], buf, sizeof buf, &len);
        row[c].text = memcpy(xmalloc(len + 1), t, len);
        row[c].text[len] = '\0';
        row[c].len = len;
        row[c].right = cells[c].type == CELL_INT || cells[c].type == CELL_REAL;
        int w = utf8_width(t, len);
        /* the last column cannot push anything out of line, so it is never cut */
        if (s->max_width > 0 && w > s->max_width && c < s->ncols - 1)
            w = s->max_width;
        if (w > s->widths[c])
            s->widths[c] = w;
    }
    s->held_rows++;
    s->rows++;
    if (s->held_rows == TABLE_PROBE_ROWS)
        table_release(s);
}

void sink_table_end(struct sink *s)
{
    if (!s->streaming)
        table_release(s);
    if (s->fmt == FMT_JSON)
        outs(s, s->rows ? "\n]" : "]");
    free_table(s);
}

/* ---- records ---- */

void sink_record_begin(struct sink *s, const char *name)
{
    block_start(s, name);
    strbuf_reset(&s->keys);
    strbuf_reset(&s->values);
    s->nfields = 0;
    if (s->fmt == FMT_JSON)
        outs(s, "{");
}

/* Holds a rendered field for the formats that print records at the end. */
static void hold_field(struct sink *s, const char *key, const char *text, size_t len)
{
    strbuf_append(&s->keys, key, strlen(key) + 1);
    strbuf_append(&s->values, text, len);
    strbuf_putc(&s->values, '\0');
    s->nfields++;
}

static void json_key(struct sink *s, const char *key)
{
    outs(s, s->nfields ? ",\n  " : "\n  ");
    put_json_string(s, key, strlen(key));
    outs(s, ":");
    s->nfields++;
}

void sink_field(struct sink *s, const char *key, struct cell value)
{
    if (s->fmt == FMT_JSON) {
        json_key(s, key);
        put_json_cell(s, &value);
        return;
    }
    char buf[64];
    size_t len;
    const char *t = render(s, &value, buf, sizeof buf, &len);
    hold_field(s, key, t, len);
}

void sink_field_list(struct sink *s, const char *key, int n, const struct cell *items)
{
    if (s->fmt == FMT_JSON) {
        json_key(s, key);
        outs(s, "[");
        for (int i = 0; i < n; i++) {
            if (i)
                outs(s, ",");
            put_json_cell(s, &items[i]);
        }
        outs(s, "]");
        return;
    }
    strbuf_reset(&s->scratch);
    char buf[64];
    for (int i = 0; i < n; i++) {
        size_t len;
        const char *t = render(s, &items[i], buf, sizeof buf, &len);
        if (i)
            strbuf_puts(&s->scratch, ", ");
        strbuf_append(&s->scratch, t, len);
    }
    hold_field(s, key, strbuf_str(&s->scratch), s->scratch.len);
}

/* Walks the held NUL-separated keys and values. */
#define FOR_EACH_HELD(s, k, v)                                                   \
    for (const char *k = strbuf_str(&(s)->keys), *v = strbuf_str(&(s)->values), \
                    *k##_end = k + (s)->keys.len;                                \
         k < k##_end; k += strlen(k) + 1, v += strlen(v) + 1)

void sink_record_end(struct sink *s)
{
    int keyw = 0;
    switch (s->fmt) {
    case FMT_JSON:
        outs(s, s->nfields ? "\n}" : "}");
        return;
    case FMT_TABLE:
        FOR_EACH_HELD(s, k, v) {
            int w = utf8_width(k, strlen(k));
            if (w > keyw)
                keyw = w;
        }
        FOR_EACH_HELD(s, k, v) {
            put_aligned(s, k, strlen(k), keyw, 0, 0);
            outs(s, "  ");
            put_display(s, v, strlen(v));   /* a line break would break the key column */
            outs(s, "\n");
        }
        return;
    case FMT_CSV:
    case FMT_TSV: {
        const char *sep = s->fmt == FMT_CSV ? "," : "\t";
        const char *eol = s->fmt == FMT_CSV ? "\r\n" : "\n";
        for (int pass = 0; pass < 2; pass++) {
            int first = 1;
            FOR_EACH_HELD(s, k, v) {
                const char *t = pass ? v : k;
                if (!first)
                    outs(s, sep);
                first = 0;
                if (s->fmt == FMT_CSV)
                    put_csv_field(s, t, strlen(t), ',');
                else
                    put_tsv_field(s, t, strlen(t));
            }
            outs(s, eol);
        }
        return;
    }
    case FMT_MARKDOWN:
        outs(s, "| field | value |\n|---|---|\n");
        FOR_EACH_HELD(s, k, v) {
            outs(s, "| ");
            put_markdown_field(s, k, strlen(k));
            outs(s, " | ");
            put_markdown_field(s, v, strlen(v));
            outs(s, " |\n");
        }
        return;
    }
}

void sink_text(struct sink *s, const char *name, const char *text)
{
    block_start(s, name);
    size_t n = strlen(text);
    if (s->fmt == FMT_JSON) {
        put_json_string(s, text, n);
        return;
    }
    out(s, text, n);
    if (n && text[n - 1] != '\n')
        outs(s, "\n");
}
