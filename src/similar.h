/* similar.h — edit distance, for "did you mean …?" suggestions. */
#ifndef PERSONA_SIMILAR_H
#define PERSONA_SIMILAR_H

#include <stddef.h>

/* Optimal-string-alignment distance (Levenshtein plus adjacent transpositions)
 * between two UTF-8 strings, counted in code points, case-insensitive for ASCII
 * (strsim_osa_cp does the work). */
int edit_distance(const char *a, const char *b);

/* The candidate closest to word, or NULL when none is close enough to be a likely
 * typo (distance above a third of the word's length, at least 2). */
const char *closest_name(const char *word, const char *const *candidates, size_t n);

#endif
