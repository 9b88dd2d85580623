/* utf8.h — display width of UTF-8 text, for aligning tables in a terminal. */
#ifndef PERSONA_UTF8_H
#define PERSONA_UTF8_H

#include <stddef.h>

/* Columns the text takes on a terminal: wide (CJK) characters count 2, combining
 * marks 0, control characters 1 (they are drawn as a placeholder).  Invalid bytes
 * count 1 each. */
int utf8_width(const char *s, size_t len);

/* The number of bytes of s that fit in max_width columns without splitting a
 * character; *width receives the columns they take. */
size_t utf8_fit(const char *s, size_t len, int max_width, int *width);

/* Decodes one character at s (len > 0) into *cp and returns its byte length;
 * an invalid sequence gives length 1 and *cp = -1. */
size_t utf8_decode(const char *s, size_t len, int *cp);

#endif
