/* loader.h — loading a CSV file into a new workspace table.
 *
 * Two passes over the file, both streaming: the first infers each column's type
 * over every row (and decides whether the first row is a header), the second
 * creates the table and inserts typed values with one prepared statement.  Runs
 * inside the caller's transaction, so a failed, cancelled or killed load leaves
 * nothing behind.  Rows the reader cannot take go to _persona_rejects; if more than
 * max_reject_fraction of the rows are rejected the load fails instead, because a
 * file that mostly does not parse is the wrong delimiter or encoding, not a few
 * bad rows. */
#ifndef PERSONA_LOADER_H
#define PERSONA_LOADER_H

#include <stdint.h>

#include "csv.h"
#include "ctx.h"
#include "infer.h"

struct load_options {
    const char *path;
    const char *table;          /* NULL: from the file name */
    const char *key;            /* key column, or NULL (rowid) */
    int delimiter;              /* 0: sniff */
    int header;                 /* -1 auto, 0 no, 1 yes */
    enum csv_encoding encoding;
    int replace;                /* an existing table is replaced (undoably) */
    double max_reject_fraction; /* of the data rows; >= 1 accepts any number */
};

struct load_column {
    char *name;
    struct inferred type;
    int64_t nulls;
    int renamed;                /* the name was made unique or invented */
};

struct load_result {
    char *table;
    int64_t rows;
    int64_t rejected;
    int ncols;
    struct load_column *cols;
    int header;
    int delimiter;
    int64_t first_reject_line;
    char first_reject_reason[256];
};

/* Loads o->path into a table of c->db.  The caller has begun the transaction and
 * set c->command_id (undo and rejects are recorded against it).  On success fills
 * *r (free with load_result_free()). */
int load_csv(ctx *c, const struct load_options *o, struct load_result *r);
void load_result_free(struct load_result *r);

/* The default table name for a file: its base name without .gz and one extension. */
char *table_name_for(const char *path);

#endif
