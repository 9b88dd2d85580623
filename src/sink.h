/* sink.h — where command results go, in one of several output modes.
 *
 * Commands never print: they describe their results as blocks — a table (named
 * columns, rows of typed cells), a record (key/value fields), or free text — and the
 * sink renders them in the chosen format to a FILE* or to a memory buffer (the
 * workbench shows the buffer in a pane).  SQLite's shell output modes are the model.
 *
 * One command, one value: sink_begin()/sink_end() bracket a command's output.  In
 * JSON a command that writes one unnamed block prints that block's value (a table is
 * an array of row objects, a record an object); named blocks are gathered into one
 * object keyed by their names.  A command writes either one unnamed block or only
 * named ones. */
#ifndef PERSONA_SINK_H
#define PERSONA_SINK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum sink_format { FMT_TABLE, FMT_CSV, FMT_TSV, FMT_JSON, FMT_MARKDOWN };

enum cell_type { CELL_NULL, CELL_INT, CELL_REAL, CELL_TEXT, CELL_BOOL };

/* A typed value.  Text is borrowed: the sink copies what it keeps. */
struct cell {
    enum cell_type type;
    int64_t i;          /* CELL_INT, CELL_BOOL */
    double d;           /* CELL_REAL */
    const char *s;      /* CELL_TEXT */
    size_t len;         /* CELL_TEXT */
};

static inline struct cell cell_null(void) { return (struct cell){.type = CELL_NULL}; }
static inline struct cell cell_int(int64_t i) { return (struct cell){.type = CELL_INT, .i = i}; }
static inline struct cell cell_real(double d) { return (struct cell){.type = CELL_REAL, .d = d}; }
static inline struct cell cell_bool(int b) { return (struct cell){.type = CELL_BOOL, .i = !!b}; }
struct cell cell_text(const char *s);   /* NULL s gives a NULL cell */

struct sink;

/* A sink writing to f (not closed by the sink), or into a memory buffer. */
struct sink *sink_open_file(FILE *f, enum sink_format fmt);
struct sink *sink_open_buffer(enum sink_format fmt);
void sink_close(struct sink *s);

/* The buffered text of a memory sink (NUL-terminated, owned by the sink), and
 * forgetting it. */
const char *sink_buffer_text(const struct sink *s, size_t *len);
void sink_buffer_reset(struct sink *s);

/* Caps a memory sink at `bytes` (0: no cap): once a write would pass it, it and
 * everything after it until the next reset is dropped, so a SELECT of ten million
 * rows in the workbench costs a bounded buffer, and the text kept ends where a
 * whole write ended.  sink_buffer_dropped() says how many bytes were dropped. */
void sink_set_buffer_cap(struct sink *s, size_t bytes);
size_t sink_buffer_dropped(const struct sink *s);

/* "table", "csv", "tsv", "json", "markdown" → *fmt; returns -1 for anything else. */
int sink_parse_format(const char *name, enum sink_format *fmt);
enum sink_format sink_format(const struct sink *s);
void sink_set_format(struct sink *s, enum sink_format fmt);

/* Longest cell, in display columns, that the table format prints before cutting it
 * with "…" (default 40; 0 means never cut). */
void sink_set_max_width(struct sink *s, int width);

/* Holds what is written from here on until sink_release(): a changing command's
 * result must reach the output only after its transaction committed, so a closed
 * pipe or a failure cannot show a result that was rolled back.  A file sink holds in
 * a temporary file (any size), a memory sink in its buffer.  keep=1 writes the held
 * text out, keep=0 forgets it.  Calls nest; only the outermost pair acts. */
void sink_hold(struct sink *s);
void sink_release(struct sink *s, int keep);

/* Whether a write to the sink's file failed (a closed pipe: EPIPE), so the front
 * end stops instead of running the rest of a script for nobody. */
int sink_failed(const struct sink *s);

/* Brackets one command's output. */
void sink_begin(struct sink *s);
void sink_end(struct sink *s);

/* A list of unnamed blocks that counts as one block (sql with several statements
 * gives one result each): a JSON array of their values; the other formats print
 * the items one after the other. */
void sink_list_begin(struct sink *s, const char *name);
void sink_list_end(struct sink *s);

/* A table: begin with its columns, a row of ncols cells at a time, end. */
void sink_table_begin(struct sink *s, const char *name, int ncols, const char *const *cols);
void sink_table_row(struct sink *s, const struct cell *cells);
void sink_table_end(struct sink *s);

/* A record of key/value fields; a list field is an array of cells. */
void sink_record_begin(struct sink *s, const char *name);
void sink_field(struct sink *s, const char *key, struct cell value);
void sink_field_list(struct sink *s, const char *key, int n, const struct cell *items);
void sink_record_end(struct sink *s);

/* Free text (help pages, notes): printed as is; a string in JSON. */
void sink_text(struct sink *s, const char *name, const char *text);

/* Renders a cell as text the way the table format shows it ("" for NULL) into buf. */
const char *cell_format(const struct cell *c, char *buf, size_t size);

#endif
