/* resultset.c — query rows into the sink. */
#include "resultset.h"

#include <sqlite3.h>
#include <stdlib.h>

#include "sink.h"
#include "strbuf.h"

struct cell column_cell(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return cell_int(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
        return cell_real(sqlite3_column_double(st, i));
    case SQLITE_NULL:
        return cell_null();
    default: {      /* text, and blobs shown as their bytes */
        const char *t = (const char *)sqlite3_column_text(st, i);
        return (struct cell){.type = CELL_TEXT, .s = t ? t : "", .len = (size_t)sqlite3_column_bytes(st, i)};
    }
    }
}

int64_t resultset_write(ctx *c, sqlite3_stmt *st, const char *name, int64_t limit, int *more)
{
    int ncols = sqlite3_column_count(st);
    const char **cols = xcalloc((size_t)ncols, sizeof *cols);
    struct cell *row = xcalloc((size_t)ncols, sizeof *row);
    for (int i = 0; i < ncols; i++)
        cols[i] = sqlite3_column_name(st, i);
    sink_table_begin(c->out, name, ncols, cols);
    int64_t n = 0;
    int rc;
    if (more)
        *more = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (limit >= 0 && n == limit) {
            if (more)
                *more = 1;
            break;
        }
        if ((n & 4095) == 4095 && ctx_is_cancelled(c))
            break;
        for (int i = 0; i < ncols; i++)
            row[i] = column_cell(st, i);
        sink_table_row(c->out, row);
        n++;
    }
    sink_table_end(c->out);
    free(cols);
    free(row);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return ctx_sqlite_error(c, c->command_name ? c->command_name : "query");
    if (ctx_is_cancelled(c))
        return ctx_cancelled(c);
    return n;
}
