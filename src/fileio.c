/* fileio.c — whole-file reads and atomic writes. */
#include "fileio.h"

#include <errno.h>
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

int write_file_atomic(ctx *c, const char *what, const char *path, const char *data, size_t len,
                      int overwrite)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return ctx_error(c, "%s: %s: is a directory", what, path);
        if (!overwrite)
            return ctx_error(c, "%s: %s: already exists (add 'force' to replace it)", what, path);
    }
    struct strbuf tmp = {0};
    strbuf_printf(&tmp, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp.buf);
    if (fd < 0) {
        int e = errno;
        strbuf_free(&tmp);
        return ctx_error(c, "%s: %s: %s", what, path, reason(e));
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
    fchmod(fd, 0644);
    if (close(fd) != 0 && !err)
        err = errno;
    if (!err && rename(tmp.buf, path) != 0)
        err = errno;
    if (err)
        unlink(tmp.buf);
    strbuf_free(&tmp);
    if (err)
        return ctx_error(c, "%s: %s: %s", what, path, reason(err));
    return 0;
}
