/* utf8.c — display width of UTF-8 text (utf8proc knows the Unicode width tables). */
#include "utf8.h"

#include <utf8proc.h>

size_t utf8_decode(const char *s, size_t len, int *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s,
                                          (utf8proc_ssize_t)len, &c);
    if (n <= 0) {
        *cp = -1;
        return 1;
    }
    *cp = c;
    return (size_t)n;
}

/* Width of one code point; control characters and invalid bytes are drawn as a
 * one-column placeholder by the renderers, so they count 1. */
static int char_width(int cp)
{
    if (cp < 0x20 || cp == 0x7f)
        return 1;
    if (cp < 0x7f)
        return 1;
    return utf8proc_charwidth(cp);
}

int utf8_width(const char *s, size_t len)
{
    int width = 0;
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {   /* ASCII fast path */
            width++;
            i++;
            continue;
        }
        int cp;
        i += utf8_decode(s + i, len - i, &cp);
        width += char_width(cp);
    }
    return width;
}

size_t utf8_fit(const char *s, size_t len, int max_width, int *width)
{
    int w = 0;
    size_t i = 0;
    while (i < len) {
        int cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        int cw = char_width(cp);
        if (w + cw > max_width)
            break;
        w += cw;
        i += n;
    }
    *width = w;
    return i;
}
