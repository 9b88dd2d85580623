/* jobs.c — a worker thread with its own workspace connection that runs command lines. */
#include "jobs.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "sink.h"
#include "strbuf.h"
#include "workspace.h"

/* The most output a job keeps for the workbench's panes: a SELECT of millions of rows
 * would otherwise hold all of its text in memory for a pager nobody scrolls through. */
enum { OUTPUT_CAP = 16 << 20 };

struct job_runner {
    ctx *front;                 /* the front end's context */
    int in_process;             /* a memory workspace: jobs run on front's connection */
    ctx wc;                     /* the worker's context (not used in process) */
    struct sink *out;           /* where jobs write */
    volatile sig_atomic_t cancel;
    int changed;                /* the running job wrote rows (worker only) */

    pthread_t thread;
    int started_thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    /* under mu: */
    enum job_state state;
    int queued;                 /* line is waiting for the worker */
    int quit;
    char *line;
    double t0;
    int64_t done, total;
    char phase[32];
    struct strbuf notes;
    struct job_result result;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Progress and notes arrive on the worker thread while the front end reads them. */
static void on_progress(void *arg, int64_t done, int64_t total, const char *phase)
{
    struct job_runner *r = arg;
    pthread_mutex_lock(&r->mu);
    r->done = done;
    r->total = total;
    snprintf(r->phase, sizeof r->phase, "%s", phase ? phase : "");
    pthread_mutex_unlock(&r->mu);
}

static void on_note(void *arg, const char *message)
{
    struct job_runner *r = arg;
    pthread_mutex_lock(&r->mu);
    strbuf_puts(&r->notes, message);
    strbuf_putc(&r->notes, '\n');
    pthread_mutex_unlock(&r->mu);
}

/* Every row a command writes passes here; the command log's own rows do not
 * count as a change to what the front end shows. */
static void on_update(void *arg, int op, const char *db, const char *table, sqlite3_int64 rowid)
{
    (void)op;
    (void)db;
    (void)rowid;
    struct job_runner *r = arg;
    if (strcmp(table, "_persona_log") != 0)
        r->changed = 1;
}

/* Runs r->line on c and fills r->result; called with mu unlocked. */
static void run_job(struct job_runner *r, ctx *c)
{
    double t0 = now_seconds();
    c->summary[0] = '\0';
    r->changed = 0;
    sqlite3_update_hook(c->db, on_update, r);
    int rc = run_line(c, r->line);
    sqlite3_update_hook(c->db, NULL, NULL);
    int cancelled = rc != 0 && r->cancel;
    if (cancelled && !strstr(c->err, "cancelled")) {
        /* An interrupted statement says "load: insert: interrupted": say what it
         * means, for the command the message names. */
        size_t n = strcspn(c->err, ":");
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), c->err);
        ctx_error(c, "%s: cancelled; the workspace is unchanged", name);
    }
    size_t len;
    const char *text = sink_buffer_text(r->out, &len);
    if (sink_buffer_dropped(r->out))
        strbuf_printf(&r->notes, "output cut at %d MiB (%zu bytes more): export or persona -c writes it all\n",
                      OUTPUT_CAP >> 20, sink_buffer_dropped(r->out));
    pthread_mutex_lock(&r->mu);
    r->result = (struct job_result){
        .line = xstrdup(r->line),
        .failed = rc != 0,
        .cancelled = cancelled,
        .error = rc ? xstrdup(c->err) : NULL,
        .output = xstrdup(text ? text : ""),
        .notes = xstrdup(strbuf_str(&r->notes)),
        .changed = r->changed,
        .seconds = now_seconds() - t0,
    };
    snprintf(r->result.summary, sizeof r->result.summary, "%s", c->summary);
    strbuf_reset(&r->notes);
    sink_buffer_reset(r->out);
    r->state = JOB_DONE;
    pthread_mutex_unlock(&r->mu);
}

static void *worker(void *arg)
{
    struct job_runner *r = arg;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        while (!r->queued && !r->quit)
            pthread_cond_wait(&r->wake, &r->mu);
        if (r->quit)
            break;
        r->queued = 0;
        pthread_mutex_unlock(&r->mu);
        run_job(r, &r->wc);
        pthread_mutex_lock(&r->mu);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

static int is_memory_path(const char *path)
{
    return !path || !*path || strcmp(path, ":memory:") == 0;
}

struct job_runner *job_runner_open(ctx *c)
{
    struct job_runner *r = xcalloc(1, sizeof *r);
    r->front = c;
    r->out = sink_open_buffer(FMT_TABLE);
    sink_set_buffer_cap(r->out, OUTPUT_CAP);
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->wake, NULL);
    r->in_process = is_memory_path(c->db_path);
    if (r->in_process)
        return r;
    r->wc = (ctx){.out = r->out, .cancel = &r->cancel, .color = c->color,
                  .progress = on_progress, .progress_arg = r, .note = on_note, .note_arg = r};
    if (workspace_open(&r->wc, c->db_path) != 0) {
        ctx_error(c, "%s", r->wc.err);
        job_runner_close(r);
        return NULL;
    }
    if (pthread_create(&r->thread, NULL, worker, r) != 0) {
        ctx_error(c, "cannot start the worker thread");
        job_runner_close(r);
        return NULL;
    }
    r->started_thread = 1;
    return r;
}

void job_runner_close(struct job_runner *r)
{
    if (!r)
        return;
    if (r->started_thread) {
        job_cancel(r);
        pthread_mutex_lock(&r->mu);
        r->quit = 1;
        pthread_cond_signal(&r->wake);
        pthread_mutex_unlock(&r->mu);
        pthread_join(r->thread, NULL);
    }
    workspace_close(&r->wc);
    job_result_free(&r->result);
    free(r->line);
    strbuf_free(&r->notes);
    sink_close(r->out);
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

/* A memory workspace: the job runs here, on the front end's connection, with the
 * runner's sink and cancel flag standing in for the front end's. */
static void run_in_process(struct job_runner *r)
{
    ctx *c = r->front;
    ctx saved = *c;
    c->out = r->out;
    c->cancel = &r->cancel;
    c->progress = NULL;
    c->note = on_note;
    c->note_arg = r;
    run_job(r, c);
    c->out = saved.out;
    c->cancel = saved.cancel;
    c->progress = saved.progress;
    c->note = saved.note;
    c->note_arg = saved.note_arg;
}

int job_start(struct job_runner *r, const char *line)
{
    pthread_mutex_lock(&r->mu);
    if (r->state != JOB_IDLE) {
        pthread_mutex_unlock(&r->mu);
        return -1;
    }
    free(r->line);
    r->line = xstrdup(line);
    r->cancel = 0;
    r->t0 = now_seconds();
    r->done = r->total = 0;
    r->phase[0] = '\0';
    r->state = JOB_RUNNING;
    r->queued = !r->in_process;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->mu);
    if (r->in_process)
        run_in_process(r);
    return 0;
}

void job_status(struct job_runner *r, struct job_status *st)
{
    pthread_mutex_lock(&r->mu);
    st->state = r->state;
    snprintf(st->line, sizeof st->line, "%s", r->state != JOB_IDLE ? r->line : "");
    st->elapsed = r->state == JOB_RUNNING ? now_seconds() - r->t0 : 0;
    st->done = r->done;
    st->total = r->total;
    snprintf(st->phase, sizeof st->phase, "%s", r->phase);
    st->cancelling = r->state == JOB_RUNNING && r->cancel;
    pthread_mutex_unlock(&r->mu);
}

void job_cancel(struct job_runner *r)
{
    pthread_mutex_lock(&r->mu);
    if (r->state == JOB_RUNNING) {
        r->cancel = 1;
        /* A long statement (a big `sql` query) polls nothing: interrupt it.  Safe
         * from another thread while the connection is open, and the worker's
         * connection stays open until the runner closes. */
        if (!r->in_process && r->wc.db)
            sqlite3_interrupt(r->wc.db);
    }
    pthread_mutex_unlock(&r->mu);
}

int job_take(struct job_runner *r, struct job_result *res)
{
    pthread_mutex_lock(&r->mu);
    if (r->state != JOB_DONE) {
        pthread_mutex_unlock(&r->mu);
        return -1;
    }
    *res = r->result;
    memset(&r->result, 0, sizeof r->result);
    r->state = JOB_IDLE;
    pthread_mutex_unlock(&r->mu);
    return 0;
}

void job_result_free(struct job_result *res)
{
    free(res->line);
    free(res->error);
    free(res->output);
    free(res->notes);
    memset(res, 0, sizeof *res);
}
