/* jsonbuf.c — JSON text for stored values. */
#include "jsonbuf.h"

#include <math.h>
#include <stdio.h>

void json_put_string(struct strbuf *b, const char *s)
{
    strbuf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': strbuf_puts(b, "\\\""); break;
        case '\\': strbuf_puts(b, "\\\\"); break;
        case '\n': strbuf_puts(b, "\\n"); break;
        case '\r': strbuf_puts(b, "\\r"); break;
        case '\t': strbuf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20)
                strbuf_printf(b, "\\u%04x", *p);
            else
                strbuf_putc(b, (char)*p);
        }
    }
    strbuf_putc(b, '"');
}

void json_put_number(struct strbuf *b, double v)
{
    if (!isfinite(v))
        strbuf_puts(b, "null");
    else if (v == floor(v) && fabs(v) < 1e15)
        strbuf_printf(b, "%.0f", v);
    else
        strbuf_printf(b, "%.17g", v);
}

void json_put_numbers(struct strbuf *b, const double *v, int64_t n, int64_t stride)
{
    strbuf_putc(b, '[');
    for (int64_t i = 0; i < n; i++) {
        if (i)
            strbuf_putc(b, ',');
        json_put_number(b, v[i * stride]);
    }
    strbuf_putc(b, ']');
}

void json_put_strings(struct strbuf *b, const char *const *s, int n)
{
    strbuf_putc(b, '[');
    for (int i = 0; i < n; i++) {
        if (i)
            strbuf_putc(b, ',');
        json_put_string(b, s[i]);
    }
    strbuf_putc(b, ']');
}

void json_put_key(struct strbuf *b, const char *key, int *first)
{
    if (!*first)
        strbuf_putc(b, ',');
    *first = 0;
    json_put_string(b, key);
    strbuf_putc(b, ':');
}
