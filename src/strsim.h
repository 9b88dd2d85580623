/* strsim.h — string similarity for record linkage: Jaro, Jaro–Winkler, Levenshtein,
 * optimal string alignment, Soundex, and the folded form strings are compared in.
 *
 * The measures work on code points, so "Müller" and "Muller" are one substitution
 * apart, not two.  The *_cp functions take decoded arrays (the dedupe engine decodes
 * each distinct value once); the others take UTF-8 and decode on the fly.  The
 * definitions follow the common reference implementations (jellyfish, R stringdist):
 * tests/fixtures/strsim/reference.csv holds values computed by jellyfish. */
#ifndef PERSONA_STRSIM_H
#define PERSONA_STRSIM_H

#include <stddef.h>
#include <stdint.h>

/* Jaro similarity in [0, 1]: matching characters within a window of
 * max(len)/2 - 1 positions, less half the transpositions.  Two empty strings are 1. */
double strsim_jaro_cp(const int32_t *a, size_t na, const int32_t *b, size_t nb);

/* Jaro–Winkler: Jaro plus a bonus of 0.1 per character of common prefix (at most 4)
 * times (1 - Jaro), given only when Jaro exceeds 0.7 (Winkler's boost threshold, as
 * jellyfish and rapidfuzz do). */
double strsim_jaro_winkler_cp(const int32_t *a, size_t na, const int32_t *b, size_t nb);

/* Levenshtein distance: insertions, deletions and substitutions. */
int strsim_levenshtein_cp(const int32_t *a, size_t na, const int32_t *b, size_t nb);

/* Optimal string alignment distance (restricted Damerau–Levenshtein): Levenshtein
 * plus transpositions of adjacent characters, no substring edited twice. */
int strsim_osa_cp(const int32_t *a, size_t na, const int32_t *b, size_t nb);

/* The OSA distance when it is at most bound, else bound + 1: a banded DP that
 * costs O(length * bound) and stops early — for "within one edit?" tests. */
int strsim_osa_within_cp(const int32_t *a, size_t na, const int32_t *b, size_t nb, int bound);

/* Decodes UTF-8 text into code points: a malloc'ed array the caller frees, with its
 * length in *n.  Invalid bytes become U+FFFD. */
int32_t *strsim_decode(const char *s, size_t len, size_t *n);

/* The same measures on UTF-8 strings. */
double strsim_jaro(const char *a, const char *b);
double strsim_jaro_winkler(const char *a, const char *b);
int strsim_levenshtein(const char *a, const char *b);
int strsim_osa(const char *a, const char *b);

/* American Soundex (as the US National Archives define it, and jellyfish): the first
 * letter, then the digits of the following consonants, adjacent equal digits merged
 * also across H and W, padded with zeros to four characters.  Letters with accents
 * count as their base letter; other characters are skipped.  out must hold 5 bytes;
 * returns out, or NULL (out empty) when s has no letter. */
char *strsim_soundex(const char *s, char out[5]);

/* The form values are compared in: Unicode case folding and compatibility
 * decomposition (utf8proc), accents removed, leading and trailing blanks dropped and
 * inner runs of blanks made one space.  Returns a malloc'ed string (the caller frees
 * it), or NULL when nothing but blanks is left. */
char *strsim_fold(const char *s, size_t len);

#endif
