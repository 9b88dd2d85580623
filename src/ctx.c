/* ctx.c — error, progress and cancel plumbing for commands. */
#include "ctx.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ctx_error(ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
    return -1;
}

int ctx_error_prefix(ctx *c, const char *prefix)
{
    size_t p = strlen(prefix) + 2, n = strlen(c->err);
    if (p >= sizeof c->err)
        return -1;
    if (n + p >= sizeof c->err)
        n = sizeof c->err - p - 1;
    memmove(c->err + p, c->err, n);
    memcpy(c->err, prefix, p - 2);
    memcpy(c->err + p - 2, ": ", 2);
    c->err[n + p] = '\0';
    return -1;
}

int ctx_sqlite_error(ctx *c, const char *what)
{
    return ctx_error(c, "%s: %s", what, sqlite3_errmsg(c->db));
}

int ctx_is_cancelled(const ctx *c)
{
    return c->cancel != NULL && *c->cancel != 0;
}

int ctx_cancelled(ctx *c)
{
    return ctx_error(c, "%s: cancelled; the workspace is unchanged",
                     c->command_name ? c->command_name : "command");
}

void ctx_progress(ctx *c, int64_t done, int64_t total, const char *phase)
{
    if (c->progress)
        c->progress(c->progress_arg, done, total, phase);
}

void ctx_note(ctx *c, const char *fmt, ...)
{
    if (!c->note)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->note(c->note_arg, msg);
}
