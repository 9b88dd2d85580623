/* csvwrite.c — buffered RFC 4180 output with a running digest. */
#include "csvwrite.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"

enum { FLUSH_AT = 1 << 18 };

void csv_writer_init(struct csv_writer *w, int fd, struct sha256 *sha)
{
    memset(w, 0, sizeof *w);
    w->fd = fd;
    w->sha = sha;
}

int csv_writer_flush(struct csv_writer *w)
{
    /* digested a buffer at a time: a call per field would cost more than the hashing */
    if (w->sha && w->buf.len > w->hashed)
        sha256_update(w->sha, w->buf.buf + w->hashed, w->buf.len - w->hashed);
    w->hashed = w->buf.len;
    if (w->fd < 0)
        return w->err;
    for (size_t done = 0; !w->err && done < w->buf.len;) {
        ssize_t n = write(w->fd, w->buf.buf + done, w->buf.len - done);
        if (n >= 0)
            done += (size_t)n;
        else if (errno != EINTR)
            w->err = errno;
    }
    strbuf_reset(&w->buf);
    w->hashed = 0;
    return w->err;
}

/* Every byte goes through here. */
static void put(struct csv_writer *w, const char *s, size_t len)
{
    w->bytes += len;
    strbuf_append(&w->buf, s, len);
    if (w->fd >= 0 && w->buf.len >= FLUSH_AT)
        csv_writer_flush(w);
}

void csv_put_raw(struct csv_writer *w, const char *s, size_t len)
{
    put(w, s, len);
}

int csv_formula_risk(const char *s, size_t len)
{
    /* a control character first is a risk of its own; spreadsheets also skip
     * leading blanks and line breaks before they read a formula */
    if (len == 0)
        return 0;
    if ((unsigned char)s[0] < 0x20 || s[0] == 0x7f)
        return 1;
    size_t i = 0;
    while (i < len && s[i] == ' ')
        i++;
    return i < len && memchr("=+-@", s[i], 4) != NULL;
}

void csv_put_field(struct csv_writer *w, const char *s, size_t len, int neutralise)
{
    if (w->fields++)
        put(w, ",", 1);
    int quote = 0;
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (quote)
        put(w, "\"", 1);
    if (neutralise && csv_formula_risk(s, len))
        put(w, "'", 1);
    if (!quote) {
        put(w, s, len);
        return;
    }
    size_t from = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '"') {
            put(w, s + from, i + 1 - from);     /* up to and with the quote, then its double */
            put(w, "\"", 1);
            from = i + 1;
        }
    put(w, s + from, len - from);
    put(w, "\"", 1);
}

void csv_end_row(struct csv_writer *w)
{
    put(w, "\r\n", 2);
    w->fields = 0;
}

void csv_writer_free(struct csv_writer *w)
{
    strbuf_free(&w->buf);
}
