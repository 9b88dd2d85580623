/* strbuf.h — a growable byte string (the sds idea, kept minimal).
 *
 * A zeroed struct strbuf is an empty string; the bytes are always NUL-terminated
 * once anything was appended.  The owner frees the bytes with strbuf_free(). */
#ifndef PERSONA_STRBUF_H
#define PERSONA_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *buf;
    size_t len;
    size_t cap;
};

/* Appends len bytes. Aborts on out-of-memory (there is no sensible recovery). */
void strbuf_append(struct strbuf *b, const char *s, size_t len);

/* Appends a NUL-terminated string, or one character. */
void strbuf_puts(struct strbuf *b, const char *s);
void strbuf_putc(struct strbuf *b, char c);

/* Appends printf-formatted text. */
void strbuf_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s as an SQL identifier in double quotes, doubling embedded quotes, so any
 * column or table name is safe to splice into a statement. */
void strbuf_put_ident(struct strbuf *b, const char *s);

/* Empties the string, keeping its memory. */
void strbuf_reset(struct strbuf *b);

/* The text so far ("" when nothing was appended); owned by b. */
const char *strbuf_str(const struct strbuf *b);

void strbuf_free(struct strbuf *b);

/* Returns a malloc'ed copy of s; aborts on out-of-memory. */
char *xstrdup(const char *s);

/* malloc/calloc/realloc that abort on out-of-memory. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);

#endif
