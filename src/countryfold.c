/* countryfold.c — folding a country name for matching (see country.h).  Its own
 * file because the build's table generator (src/gen/countries.c) folds the names
 * it writes with the very same function the lookup uses. */
#include "country.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

size_t country_fold(const char *s, size_t len, char *out, size_t size)
{
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &folded,
                                      UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                          UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
    const char *src = n >= 0 ? (const char *)folded : s;
    size_t srclen = n >= 0 ? (size_t)n : len;
    size_t o = 0;
    int space = 0;
    for (size_t i = 0; i < srclen && o + 4 < size; i++) {
        unsigned char ch = (unsigned char)src[i];
        if (ch == '.' || ch == '\'' || ch == '`')
            continue;
        if (ch == 0xE2 && i + 2 < srclen && (unsigned char)src[i + 1] == 0x80 &&
            ((unsigned char)src[i + 2] == 0x99 || (unsigned char)src[i + 2] == 0x98)) {
            i += 2;     /* ’ and ‘ */
            continue;
        }
        if (ch < 0x80 && !isalnum(ch)) {
            space = o > 0;
            continue;
        }
        if (space)
            out[o++] = ' ';
        space = 0;
        out[o++] = (char)(ch < 0x80 ? tolower(ch) : ch);
    }
    out[o] = '\0';
    free(folded);
    if (o > 4 && strncmp(out, "the ", 4) == 0) {
        memmove(out, out + 4, o - 3);
        o -= 4;
    }
    return o;
}
