/* batch_reader.c — a producer thread filling two batches in turn. */
#include "batch_reader.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

enum { BATCH_ROWS = 2048 };

struct slot {
    struct batch batch;
    struct batch_row rows[BATCH_ROWS];
    struct converted *cells;
    size_t *text_at;            /* arena offset of each text cell, fixed up at the end */
    struct strbuf arena;        /* copies of the text: the reader's buffers move on */
    int full;
};

struct batch_reader {
    struct csv_reader *rd;
    const struct inferred *types;
    int ncols;
    int skip_first;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct slot slot[2];
    int consuming;              /* slot the consumer holds, -1 none */
    int next;                   /* slot the consumer takes next */
    int done;                   /* the producer has finished (EOF or error) */
    int stop;                   /* the consumer wants the producer to stop */
    int started;                /* the thread is running and must be joined */
    char error[512];
};

/* Rebuilds the text of a record with the wrong number of fields, for the rejects. */
static void rejoin(struct strbuf *b, const struct csv_record *rec, char delim)
{
    for (int i = 0; i < rec->nfields; i++) {
        if (i)
            strbuf_putc(b, delim);
        const char *f = rec->field[i];
        if (!strpbrk(f, "\"\r\n") && !memchr(f, delim, rec->len[i])) {
            strbuf_append(b, f, rec->len[i]);
            continue;
        }
        strbuf_putc(b, '"');
        for (size_t k = 0; k < rec->len[i]; k++) {
            if (f[k] == '"')
                strbuf_putc(b, '"');
            strbuf_putc(b, f[k]);
        }
        strbuf_putc(b, '"');
    }
}

/* Appends a NUL-terminated copy to the arena and returns its offset. */
static size_t stash(struct strbuf *arena, const char *s, size_t len)
{
    size_t at = arena->len;
    strbuf_append(arena, s, len);
    strbuf_putc(arena, '\0');
    return at;
}

/* Fills one slot; returns 0 to go on, 1 at the end of the file, -1 on error. */
static int fill(struct batch_reader *br, struct slot *s)
{
    struct batch *b = &s->batch;
    strbuf_reset(&s->arena);
    b->n = 0;
    int end = 0;
    size_t reason_at[BATCH_ROWS], raw_at[BATCH_ROWS];
    while (b->n < BATCH_ROWS) {
        struct csv_record rec;
        int st = csv_next(br->rd, &rec);
        if (st == CSV_EOF) {
            end = 1;
            break;
        }
        if (st == CSV_ERROR) {
            snprintf(br->error, sizeof br->error, "%s", csv_error(br->rd));
            return -1;
        }
        if (br->skip_first && st == CSV_RECORD) {
            br->skip_first = 0;
            continue;
        }
        br->skip_first = 0;
        struct batch_row *row = &s->rows[b->n];
        row->line = rec.line;
        row->reason = NULL;
        if (st == CSV_BAD || rec.nfields != br->ncols) {
            char reason[96];
            if (st == CSV_BAD) {
                reason_at[b->n] = stash(&s->arena, rec.reason, strlen(rec.reason));
                raw_at[b->n] = stash(&s->arena, rec.raw, rec.raw_len);
                row->raw_len = rec.raw_len;
            } else {
                snprintf(reason, sizeof reason, "%d fields, expected %d", rec.nfields, br->ncols);
                reason_at[b->n] = stash(&s->arena, reason, strlen(reason));
                raw_at[b->n] = s->arena.len;
                rejoin(&s->arena, &rec, (char)csv_delimiter(br->rd));
                row->raw_len = s->arena.len - raw_at[b->n];
                strbuf_putc(&s->arena, '\0');
            }
            row->reason = "";   /* marks a reject; fixed up below */
            b->n++;
            continue;
        }
        struct converted *cv = s->cells + (size_t)b->n * (size_t)br->ncols;
        size_t *at = s->text_at + (size_t)b->n * (size_t)br->ncols;
        for (int i = 0; i < br->ncols; i++) {
            if (type_convert(&br->types[i], rec.field[i], rec.len[i], &cv[i]) != 0) {
                snprintf(br->error, sizeof br->error,
                         "line %lld, column %d: the value changed since the first pass (is the file being written?)",
                         (long long)rec.line, i + 1);
                return -1;
            }
            if (cv[i].type == TYPE_TEXT)
                at[i] = stash(&s->arena, cv[i].text, cv[i].len);
        }
        b->n++;
    }
    /* the arena has stopped moving: point the cells and rejects into it */
    for (int r = 0; r < b->n; r++) {
        struct batch_row *row = &s->rows[r];
        if (row->reason) {
            row->reason = s->arena.buf + reason_at[r];
            row->raw = s->arena.buf + raw_at[r];
            continue;
        }
        struct converted *cv = s->cells + (size_t)r * (size_t)br->ncols;
        size_t *at = s->text_at + (size_t)r * (size_t)br->ncols;
        for (int i = 0; i < br->ncols; i++)
            if (cv[i].type == TYPE_TEXT)
                cv[i].text = s->arena.buf + at[i];
    }
    b->offset = csv_offset(br->rd);
    return end;
}

static void *produce(void *arg)
{
    struct batch_reader *br = arg;
    for (int i = 0;; i ^= 1) {
        struct slot *s = &br->slot[i];
        pthread_mutex_lock(&br->mu);
        while ((s->full || br->consuming == i) && !br->stop)
            pthread_cond_wait(&br->cv, &br->mu);
        int stop = br->stop;
        pthread_mutex_unlock(&br->mu);
        if (stop)
            break;
        int rc = fill(br, s);
        pthread_mutex_lock(&br->mu);
        if (rc >= 0 && s->batch.n > 0)
            s->full = 1;
        if (rc != 0)
            br->done = 1;
        pthread_cond_broadcast(&br->cv);
        pthread_mutex_unlock(&br->mu);
        if (rc != 0)
            break;
    }
    return NULL;
}

struct batch_reader *batch_reader_start(struct csv_reader *rd, const struct inferred *types, int ncols,
                                        int skip_first)
{
    struct batch_reader *br = xcalloc(1, sizeof *br);
    br->rd = rd;
    br->types = types;
    br->ncols = ncols;
    br->skip_first = skip_first;
    br->consuming = -1;
    for (int i = 0; i < 2; i++) {
        br->slot[i].cells = xcalloc((size_t)BATCH_ROWS * (size_t)ncols, sizeof *br->slot[i].cells);
        br->slot[i].text_at = xcalloc((size_t)BATCH_ROWS * (size_t)ncols, sizeof *br->slot[i].text_at);
        br->slot[i].batch.rows = br->slot[i].rows;
        br->slot[i].batch.cells = br->slot[i].cells;
    }
    pthread_mutex_init(&br->mu, NULL);
    pthread_cond_init(&br->cv, NULL);
    if (pthread_create(&br->thread, NULL, produce, br) != 0) {
        batch_reader_stop(br);
        return NULL;
    }
    br->started = 1;
    return br;
}

const struct batch *batch_reader_next(struct batch_reader *br)
{
    pthread_mutex_lock(&br->mu);
    if (br->consuming >= 0) {   /* give the previous batch back */
        br->slot[br->consuming].full = 0;
        br->consuming = -1;
        pthread_cond_broadcast(&br->cv);
    }
    struct slot *s = &br->slot[br->next];
    while (!s->full && !br->done)
        pthread_cond_wait(&br->cv, &br->mu);
    const struct batch *b = NULL;
    if (s->full) {
        br->consuming = br->next;
        br->next ^= 1;
        b = &s->batch;
    }
    pthread_mutex_unlock(&br->mu);
    return b;
}

const char *batch_reader_error(const struct batch_reader *br)
{
    return br->error[0] ? br->error : NULL;
}

void batch_reader_stop(struct batch_reader *br)
{
    if (!br)
        return;
    pthread_mutex_lock(&br->mu);
    br->stop = 1;
    pthread_cond_broadcast(&br->cv);
    pthread_mutex_unlock(&br->mu);
    if (br->started)
        pthread_join(br->thread, NULL);
    for (int i = 0; i < 2; i++) {
        free(br->slot[i].cells);
        free(br->slot[i].text_at);
        strbuf_free(&br->slot[i].arena);
    }
    pthread_mutex_destroy(&br->mu);
    pthread_cond_destroy(&br->cv);
    free(br);
}
