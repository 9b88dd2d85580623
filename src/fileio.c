/* fileio.c — whole-file reads and atomic writes. */
#include "fileio.h"

#include <errno.h>
#include <signal.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"

/* strerror() text starts with a capital; Persona's messages are lowercase. */
static const char *reason(int err)
{
    switch (err) {
    case ENOENT: return "no such file";
    case EACCES: return "permission denied";
    case EISDIR: return "is a directory";
    case ENOTDIR: return "a folder on the path is not a directory";
    case ENOSPC: return "no space left on the device";
    case EEXIST: return "already exists";
    default: return strerror(err);
    }
}

int read_text_file(ctx *c, const char *what, const char *path, struct strbuf *out)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return ctx_error(c, "%s: %s: %s", what, path, reason(errno));
    if (S_ISDIR(st.st_mode))
        return ctx_error(c, "%s: %s: is a directory", what, path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return ctx_error(c, "%s: %s: %s", what, path, reason(errno));
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_append(out, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return ctx_error(c, "%s: %s: read error", what, path);
    if (!out->buf)
        strbuf_append(out, "", 0);
    return 0;
}

/* The canonical path of a file that may not exist yet: its folder's realpath and its
 * name, malloc'ed; NULL when the folder cannot be resolved. */
static char *canonical_path(const char *path)
{
    char *copy = xstrdup(path);
    char *slash = strrchr(copy, '/');
    const char *dir = slash ? (slash == copy ? "/" : copy) : ".";
    const char *name = slash ? slash + 1 : copy;
    if (slash)
        *slash = '\0';
    char *real = realpath(dir, NULL);
    char *out = NULL;
    if (real) {
        size_t n = strlen(real) + strlen(name) + 2;
        out = xmalloc(n);
        snprintf(out, n, "%s/%s", strcmp(real, "/") == 0 ? "" : real, name);
    }
    free(real);
    free(copy);
    return out;
}

/* Whether path names the workspace file or its -wal, -shm or -journal file. */
static int is_workspace_file(ctx *c, const char *path)
{
    if (!c->db_path || strcmp(c->db_path, ":memory:") == 0 || !*c->db_path)
        return 0;
    char *target = canonical_path(path), *db = canonical_path(c->db_path);
    int same = 0;
    if (target && db) {
        static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
        size_t n = strlen(db);
        for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0] && !same; i++)
            same = strncmp(target, db, n) == 0 && strcmp(target + n, suffixes[i]) == 0;
    }
    struct stat a, b;
    if (!same && stat(path, &a) == 0 && stat(c->db_path, &b) == 0)
        same = a.st_dev == b.st_dev && a.st_ino == b.st_ino;     /* a link to it */
    free(target);
    free(db);
    return same;
}

int output_target_check(ctx *c, const char *what, const char *path, int force)
{
    struct stat st;
    if (is_workspace_file(c, path))
        return ctx_error(c, "%s: %s: is the workspace's own file; choose another path", what, path);
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return ctx_error(c, "%s: %s: is a directory", what, path);
        if (!force)
            return ctx_error(c, "%s: %s: already exists (add 'force' to replace it)", what, path);
    }
    return 0;
}

/* Removes "NAME.tmp.PID.XXXXXX" files beside path whose process is gone. */
static void remove_leftovers(const char *path)
{
    char *copy = xstrdup(path);
    char *slash = strrchr(copy, '/');
    const char *dir = slash ? (slash == copy ? "/" : copy) : ".";
    const char *base = slash ? slash + 1 : copy;
    if (slash)
        *slash = '\0';
    struct strbuf prefix = {0};
    strbuf_printf(&prefix, "%s.tmp.", base);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix.buf, prefix.len) != 0)
            continue;
        char *end;
        long pid = strtol(e->d_name + prefix.len, &end, 10);
        if (end == e->d_name + prefix.len || *end != '.' || strlen(end + 1) != 6 || pid <= 0)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;   /* its writer may still be at work */
        struct strbuf full = {0};
        strbuf_printf(&full, "%s/%s", dir, e->d_name);
        unlink(full.buf);
        strbuf_free(&full);
    }
    if (d)
        closedir(d);
    strbuf_free(&prefix);
    free(copy);
}

int temp_file_beside(ctx *c, const char *what, const char *path, struct strbuf *tmp)
{
    remove_leftovers(path);
    strbuf_printf(tmp, "%s.tmp.%ld.XXXXXX", path, (long)getpid());
    int fd = mkstemp(tmp->buf);
    if (fd < 0)
        return ctx_error(c, "%s: %s: %s", what, path, reason(errno));
    fchmod(fd, 0644);
    return fd;
}

int install_file(ctx *c, const char *what, const char *tmp, const char *path, int force)
{
    int err = 0;
    if (force) {
        if (rename(tmp, path) != 0)
            err = errno;
    } else if (link(tmp, path) != 0) {
        err = errno;
    }
    unlink(tmp);    /* after a link: the name only; after a failed rename: the file */
    if (err == EEXIST)
        return ctx_error(c, "%s: %s: already exists (add 'force' to replace it)", what, path);
    if (err)
        return ctx_error(c, "%s: %s: %s", what, path, reason(err));
    return 0;
}

int write_file_atomic(ctx *c, const char *what, const char *path, const char *data, size_t len,
                      int overwrite)
{
    if (output_target_check(c, what, path, overwrite))
        return -1;
    struct strbuf tmp = {0};
    int fd = temp_file_beside(c, what, path, &tmp);
    if (fd < 0) {
        strbuf_free(&tmp);
        return -1;
    }
    size_t done = 0;
    int err = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            break;
        }
        done += (size_t)w;
    }
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    int rc = 0;
    if (err) {
        unlink(tmp.buf);
        rc = ctx_error(c, "%s: %s: %s", what, path, reason(err));
    } else {
        rc = install_file(c, what, tmp.buf, path, overwrite);
    }
    strbuf_free(&tmp);
    return rc;
}
