/* similar.c — edit distance for suggestions (the measure itself is strsim's). */
#include "similar.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strsim.h"

/* Code points of s with ASCII letters lower-cased: suggestions ignore case. */
static int32_t *decode_lower(const char *s, size_t *n)
{
    int32_t *cp = strsim_decode(s, strlen(s), n);
    for (size_t i = 0; i < *n; i++)
        if (cp[i] >= 'A' && cp[i] <= 'Z')
            cp[i] += 'a' - 'A';
    return cp;
}

int edit_distance(const char *a, const char *b)
{
    size_t na, nb;
    int32_t *ca = decode_lower(a, &na), *cb = decode_lower(b, &nb);
    int d = strsim_osa_cp(ca, na, cb, nb);
    free(ca);
    free(cb);
    return d;
}

const char *closest_name(const char *word, const char *const *candidates, size_t n)
{
    int limit = (int)strlen(word) / 3;
    if (limit < 2)
        limit = 2;
    const char *best = NULL;
    int best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        int d = edit_distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}
