/* draw.c — UTF-8 text into terminal cells: cut to a width without splitting a
 * character, wide characters counted twice, control characters and invalid bytes
 * drawn as one harmless cell each. */
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"
#include "utf8.h"
#include "wb.h"

static int utf8_terminal;

void draw_init(void)
{
    const char *cs = nl_langinfo(CODESET);
    utf8_terminal = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* What the workbench's own symbols become on a terminal that is not UTF-8: one
 * column each, like the symbol. */
static char ascii_for(int cp)
{
    switch (cp) {
    case 0x2014: case 0x2013: case 0x2500: return '-';  /* — – ─ */
    case 0x2502: return '|';                            /* │ */
    case 0x2026: return '.';                            /* … */
    case 0x2191: return '^';                            /* ↑ */
    case 0x2193: return 'v';                            /* ↓ */
    case 0x2190: return '<';                            /* ← */
    case 0x2192: return '>';                            /* → */
    default: return cp >= 0x2588 && cp <= 0x258f ? '#' : '?';  /* █ and its eighths */
    }
}

/* Copies s[0, len) into out (size bytes) as it can be drawn: control characters
 * become blanks, invalid bytes '?', and on a terminal that is not UTF-8 every
 * non-ASCII character one ASCII character.  Returns the bytes written. */
static size_t sanitize(const char *s, size_t len, char *out, size_t size)
{
    size_t o = 0, i = 0;
    while (i < len && o + 4 < size) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x80) {
            out[o++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
            i++;
            continue;
        }
        int cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (cp < 0 || (cp >= 0x80 && cp < 0xa0)) {
            out[o++] = '?';
        } else if (!utf8_terminal) {
            out[o++] = ascii_for(cp);
        } else {
            memcpy(out + o, s + i, n);
            o += n;
        }
        i += n;
    }
    out[o] = '\0';
    return o;
}

void draw_bar(int y, int x, int width, double fraction, attr_t a)
{
    static const char *const eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    if (width <= 0)
        return;
    if (fraction < 0)
        fraction = 0;
    if (fraction > 1)
        fraction = 1;
    int units = (int)(fraction * width * 8 + 0.5);
    struct strbuf b = {0};
    for (int i = 0; i < units / 8; i++)
        strbuf_puts(&b, "█");
    if (units % 8 && utf8_terminal)   /* no eighths in ASCII */
        strbuf_puts(&b, eighths[units % 8]);
    draw_text(y, x, width, strbuf_str(&b), -1, a, 0);
    strbuf_free(&b);
}

int text_width(const char *s) { return utf8_width(s, strlen(s)); }

int draw_text(int y, int x, int width, const char *s, int len, attr_t a, int ellipsis)
{
    if (width <= 0 || !s)
        return 0;
    size_t n = len < 0 ? strlen(s) : (size_t)len;
    int w;
    size_t fit = utf8_fit(s, n, width, &w);
    int cut = fit < n;
    if (cut && ellipsis) {      /* make room for the "…" */
        fit = utf8_fit(s, n, width - 1, &w);
    }
    char buf[1024];
    size_t b = sanitize(s, fit, buf, sizeof buf - 4);
    if (cut && ellipsis) {
        memcpy(buf + b, utf8_terminal ? "…" : ">", utf8_terminal ? 4 : 2);
        w++;
    }
    attr_t old;
    short pair;
    attr_get(&old, &pair, NULL);
    attrset(a);
    mvaddstr(y, x, buf);
    attrset(old);
    return w;
}

void draw_fill(int y, int x, int width, attr_t a)
{
    if (width <= 0)
        return;
    attr_t old;
    short pair;
    attr_get(&old, &pair, NULL);
    attrset(a);
    mvhline(y, x, ' ', width);
    attrset(old);
}

void draw_cell(int y, int x, int width, const char *s, int right, attr_t a)
{
    if (width <= 0)
        return;
    int w = utf8_width(s, strlen(s));
    if (w > width) {
        draw_text(y, x, width, s, -1, a, 1);
        return;
    }
    int pad = width - w;
    draw_fill(y, x, width, a);
    draw_text(y, x + (right ? pad : 0), w, s, -1, a, 0);
}

void draw_fmt(int y, int x, int width, attr_t a, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    draw_cell(y, x, width, buf, 0, a);
}

void draw_text_from(int y, int x, int width, const char *s, int skip, attr_t a)
{
    size_t n = strlen(s);
    int w;
    size_t at = utf8_fit(s, n, skip, &w);
    /* a wide character cut by the left edge: skip it, keep the columns lined up */
    if (w < skip && at < n) {
        int cp;
        at += utf8_decode(s + at, n - at, &cp);
        x += 1;
        width -= 1;
    }
    draw_text(y, x, width, s + at, (int)(n - at), a, 0);
}

const char *fmt_count(int64_t n, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? -n : n));
    size_t o = 0;
    if (n < 0 && o + 1 < size)
        buf[o++] = '-';
    for (int i = 0; i < len && o + 1 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 1 < size)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}
