/* ctx.h — the context every command runs in.
 *
 * A ctx carries the open workspace, the output sink, the last error message, and the
 * hooks for long work (progress and cancel).  Core functions never print and never
 * exit: they return 0 on success or -1 after setting ctx->err with ctx_error(), and
 * the front end (script runner, REPL, workbench) decides where the message goes. */
#ifndef PERSONA_CTX_H
#define PERSONA_CTX_H

#include <signal.h>
#include <stdint.h>

struct sqlite3;
struct sink;

/* Called by long work with how far it is (done of total, in the unit the phase
 * names: bytes, rows, pairs).  total is 0 when unknown. */
typedef void progress_fn(void *arg, int64_t done, int64_t total, const char *phase);

typedef struct ctx {
    struct sqlite3 *db;         /* the workspace */
    const char *db_path;        /* as given by -d */
    int readonly;               /* the file could only be opened for reading */
    int meta_shadowed;          /* some of Persona's tables are TEMP shadows (workspace.c) */
    struct sink *out;           /* where results go */
    char err[2048];             /* the last error, lowercase, "cmd: what: why" */

    progress_fn *progress;      /* NULL: nobody is watching */
    void *progress_arg;
    volatile sig_atomic_t *cancel; /* set (non-zero) asynchronously to cancel */

    /* Warnings and notes that are not results ("3 rows rejected"): the front end
     * shows them (stderr, status line).  NULL: they are dropped. */
    void (*note)(void *arg, const char *message);
    void *note_arg;

    int64_t command_id;         /* _persona_log id of the running command, 0 if none */
    const char *command_name;   /* the running command's name, prefixes errors */
    char summary[512];          /* one line for the command log, set by the command */
    int depth;                  /* nesting of replay, to refuse a script replaying itself */
    int color;                  /* front end may use colours */
} ctx;

/* Formats a message into c->err and returns -1, so callers can write
 * `return ctx_error(c, "load: %s: empty file", path);`. */
int ctx_error(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Puts "prefix: " in front of the current error and returns -1. */
int ctx_error_prefix(ctx *c, const char *prefix);

/* Sets c->err from the workspace's last SQLite error, prefixed with what was being
 * done ("sql", "load: insert"), and returns -1. */
int ctx_sqlite_error(ctx *c, const char *what);

/* Returns non-zero when the user asked to cancel; long work polls it between
 * batches and, when set, returns ctx_cancelled(). */
int ctx_is_cancelled(const ctx *c);

/* Sets the "cancelled" error for the running command and returns -1. */
int ctx_cancelled(ctx *c);

/* Passes a formatted note to the front end. */
void ctx_note(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reports progress if anyone listens. */
void ctx_progress(ctx *c, int64_t done, int64_t total, const char *phase);

#endif
