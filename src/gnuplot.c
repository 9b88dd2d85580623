/* gnuplot.c — the gnuplot process, its pipes, and reading its answers back. */
#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"

enum { TIMEOUT_MS = 60000 };

static struct {
    pid_t pid;
    int in, out, err;       /* our ends: gnuplot's stdin, stdout, stderr */
    unsigned serial;        /* numbers the end markers */
} gp = {.pid = 0, .in = -1, .out = -1, .err = -1};

void gnuplot_close(void)
{
    if (gp.in >= 0)
        close(gp.in);
    if (gp.out >= 0)
        close(gp.out);
    if (gp.err >= 0)
        close(gp.err);
    if (gp.pid > 0) {
        kill(gp.pid, SIGTERM);
        waitpid(gp.pid, NULL, 0);
    }
    gp.pid = 0;
    gp.in = gp.out = gp.err = -1;
}

static const char *gnuplot_path(void)
{
    const char *p = getenv("PERSONA_GNUPLOT");
    return p && *p ? p : "gnuplot";
}

/* Starts gnuplot; an exec that fails reports its errno through a close-on-exec pipe,
 * so a missing program is known at once rather than as a silent EOF later. */
static int start(ctx *c, const char *cmd)
{
    int in[2], out[2], err[2], status[2];
    if (pipe(in) || pipe(out) || pipe(err) || pipe(status) || fcntl(status[1], F_SETFD, FD_CLOEXEC))
        return ctx_error(c, "%s: cannot start gnuplot: %s", cmd, strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        return ctx_error(c, "%s: cannot start gnuplot: %s", cmd, strerror(errno));
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        close(err[0]);
        close(err[1]);
        close(status[0]);
        setenv("LC_NUMERIC", "C", 1);
        execlp(gnuplot_path(), gnuplot_path(), (char *)NULL);
        int e = errno;
        if (write(status[1], &e, sizeof e) < 0)
            _exit(127);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    close(status[1]);
    int e = 0;
    ssize_t got = read(status[0], &e, sizeof e);
    close(status[0]);
    gp.pid = pid;
    gp.in = in[1];
    gp.out = out[0];
    gp.err = err[0];
    fcntl(gp.in, F_SETFD, FD_CLOEXEC);
    fcntl(gp.out, F_SETFD, FD_CLOEXEC);
    fcntl(gp.err, F_SETFD, FD_CLOEXEC);
    if (got == (ssize_t)sizeof e) {
        gnuplot_close();
        if (e == ENOENT)
            return ctx_error(c, "%s: gnuplot is not installed (it draws Persona's plots): install the "
                                "gnuplot-nox package (make deps does)", cmd);
        return ctx_error(c, "%s: cannot run %s: %s", cmd, gnuplot_path(), strerror(e));
    }
    return 0;
}

/* Writes all of buf to gnuplot's stdin; a gnuplot that died gives EPIPE, not a
 * SIGPIPE that would end Persona (the signal is blocked and consumed here). */
static int write_all(const char *buf, size_t len)
{
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    int rc = 0;
    while (len > 0) {
        ssize_t n = write(gp.in, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = -1;
            break;
        }
        buf += n;
        len -= (size_t)n;
    }
    if (rc) {
        struct timespec zero = {0, 0};
        sigtimedwait(&pipe_set, NULL, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

/* Whether text ends with the marker line. */
static int ends_with_marker(const struct strbuf *b, const char *marker)
{
    size_t m = strlen(marker);
    return b->len >= m + 1 && memcmp(b->buf + b->len - m - 1, marker, m) == 0 && b->buf[b->len - 1] == '\n';
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Reads both outputs until each ends with the marker, gnuplot exits, or time runs
 * out (-1, with why in *why). */
static int read_until(const char *marker, struct strbuf *out, struct strbuf *err, const char **why)
{
    int out_done = 0, err_done = 0;
    double deadline = now_ms() + TIMEOUT_MS;
    char buf[65536];
    while (!out_done || !err_done) {
        struct pollfd fds[2] = {{.fd = gp.out, .events = POLLIN}, {.fd = gp.err, .events = POLLIN}};
        int left = (int)(deadline - now_ms());
        if (left <= 0) {
            *why = "no answer within 60 seconds";
            return -1;
        }
        int r = poll(fds, 2, left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            *why = "no answer within 60 seconds";
            return -1;
        }
        for (int i = 0; i < 2; i++) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                *why = "it stopped";
                return -1;
            }
            struct strbuf *b = i == 0 ? out : err;
            strbuf_append(b, buf, (size_t)n);
            if (i == 0)
                out_done = ends_with_marker(b, marker);
            else
                err_done = ends_with_marker(b, marker);
        }
    }
    out->len -= strlen(marker) + 1;
    out->buf[out->len] = '\0';
    err->len -= strlen(marker) + 1;
    err->buf[err->len] = '\0';
    return 0;
}

/* gnuplot's complaint in one line: its "line N: message" and warning lines, joined
 * (the echoed command and the caret under it are left out). */
static void error_text(const char *text, struct strbuf *msg, int *is_error)
{
    *is_error = 0;
    struct strbuf line = {0};
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        strbuf_reset(&line);
        strbuf_append(&line, p, len);
        p += len + (eol != NULL);
        const char *s = strbuf_str(&line);
        while (*s == ' ' || *s == '\t')
            s++;
        int warning = strstr(s, "warning") != NULL;
        if (!*s || *s == '^' || (!strstr(s, "line ") && !warning))
            continue;
        if (!warning)
            *is_error = 1;
        if (msg->len)
            strbuf_puts(msg, "; ");
        strbuf_puts(msg, s);
    }
    strbuf_free(&line);
}

int gnuplot_run(ctx *c, const char *cmd, const char *script, struct strbuf *out)
{
    if (gp.pid <= 0 && start(c, cmd))
        return -1;
    char marker[64];
    snprintf(marker, sizeof marker, "persona-gnuplot-done-%u", ++gp.serial);
    struct strbuf text = {0}, got_out = {0}, got_err = {0};
    strbuf_puts(&text, script);
    /* back to a known state for the next plot, then the markers on both outputs */
    strbuf_printf(&text, "\nunset output\nreset\nset print '-'\nprint '%s'\nset print\nprint '%s'\n", marker, marker);
    const char *why = NULL;
    int rc = 0;
    if (write_all(text.buf, text.len))
        why = "it stopped";
    else if (read_until(marker, &got_out, &got_err, &why))
        rc = -1;
    if (why) {
        struct strbuf msg = {0};
        int is_error;
        error_text(strbuf_str(&got_err), &msg, &is_error);
        rc = ctx_error(c, "%s: gnuplot failed (%s)%s%s", cmd, why, msg.len ? ": " : "", strbuf_str(&msg));
        strbuf_free(&msg);
        gnuplot_close();
    } else {
        struct strbuf msg = {0};
        int is_error;
        error_text(strbuf_str(&got_err), &msg, &is_error);
        if (is_error)
            rc = ctx_error(c, "%s: gnuplot: %s", cmd, strbuf_str(&msg));
        else if (msg.len)
            ctx_note(c, "%s: gnuplot: %s", cmd, strbuf_str(&msg));
        else if (got_err.len)   /* something that is not in gnuplot's error format */
            ctx_note(c, "%s: gnuplot: %.200s", cmd, strbuf_str(&got_err));
        strbuf_free(&msg);
        if (rc == 0 && out)
            strbuf_append(out, got_out.len ? got_out.buf : "", got_out.len);
    }
    strbuf_free(&text);
    strbuf_free(&got_out);
    strbuf_free(&got_err);
    return rc;
}

int gnuplot_has_terminal(ctx *c, const char *terminal)
{
    static struct { char name[32]; int has; } known[8];
    static int nknown;
    for (int i = 0; i < nknown; i++)
        if (strcmp(known[i].name, terminal) == 0)
            return known[i].has;
    struct strbuf out = {0};
    char script[160];
    snprintf(script, sizeof script, "set print '-'\nprint strstrt(GPVAL_TERMINALS, ' %s ') > 0 ? 'yes' : 'no'\n",
             terminal);
    char keep[sizeof c->err];
    memcpy(keep, c->err, sizeof keep);
    int has = gnuplot_run(c, "plot", script, &out) == 0 && strstr(strbuf_str(&out), "yes") != NULL;
    memcpy(c->err, keep, sizeof keep);
    strbuf_free(&out);
    if (nknown < 8) {
        snprintf(known[nknown].name, sizeof known[nknown].name, "%s", terminal);
        known[nknown++].has = has;
    }
    return has;
}
