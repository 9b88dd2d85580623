/* batch_reader.h — reading and converting CSV records on a second thread.
 *
 * A load spends its time in two places: parsing and converting text, and SQLite
 * inserting rows.  This module runs the first on its own thread and hands rows to
 * the caller in batches (two buffers, one being filled while the other is
 * inserted), so on two cores the load takes about as long as SQLite alone. */
#ifndef PERSONA_BATCH_READER_H
#define PERSONA_BATCH_READER_H

#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "infer.h"

/* One record of a batch: data (reason NULL, its cells in the batch), or a record
 * the table cannot take (reason and raw text set). */
struct batch_row {
    int64_t line;
    const char *reason;
    const char *raw;
    size_t raw_len;
};

struct batch {
    int n;
    struct batch_row *rows;
    struct converted *cells;    /* n × ncols; text points into the batch */
    int64_t offset;             /* bytes of the file read when the batch was made */
};

struct batch_reader;

/* Starts reading rd (positioned at the first record) on a new thread.  Records with
 * a field count other than ncols, and records the reader rejects, come back as
 * rejects; with skip_first the first record (the header) is skipped.  types must
 * outlive the reader.  Returns NULL if the thread cannot start. */
struct batch_reader *batch_reader_start(struct csv_reader *rd, const struct inferred *types, int ncols,
                                        int skip_first);

/* The next batch, waiting for it; the previous batch is given back.  NULL at the end
 * of the file or after an error (batch_reader_error() says which). */
const struct batch *batch_reader_next(struct batch_reader *br);

/* The error that ended reading early, or NULL. */
const char *batch_reader_error(const struct batch_reader *br);

/* Stops the thread (also mid-file, on cancel) and frees everything. */
void batch_reader_stop(struct batch_reader *br);

#endif
