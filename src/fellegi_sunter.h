/* fellegi_sunter.h — the Fellegi–Sunter record-linkage model and its EM estimation.
 *
 * A pair of records is compared column by column; each comparison gives a level
 * (0 = the worst, "else", up to nlevels - 1 = the best, usually "exact"; -1 when
 * either value is missing, which counts for nothing).  The model holds for every
 * level m = P(level | match) and u = P(level | non-match), and lambda, the prior
 * probability that a pair is a match.  A pair's match weight is
 *     log2(lambda / (1 - lambda)) + sum over columns of log2(m / u)
 * and its match probability 2^w / (1 + 2^w).
 *
 * As splink does it: u comes from comparing random pairs (nearly all non-matches),
 * and m and lambda are found by expectation maximisation over the pairs that
 * blocking produced, with u held fixed.  EM runs on distinct comparison patterns with
 * their counts, so its cost does not grow with the number of pairs. */
#ifndef PERSONA_FELLEGI_SUNTER_H
#define PERSONA_FELLEGI_SUNTER_H

#include <stddef.h>
#include <stdint.h>

enum { FS_MAX_LEVELS = 8 };

struct fs_model {
    int ncols;
    int *nlevels;       /* per column, levels other than missing (2..FS_MAX_LEVELS) */
    double *m, *u;      /* [col * FS_MAX_LEVELS + level] */
    double lambda;
};

/* A model for ncols columns with the given level counts (copied): m starts at a
 * match-like guess (most weight on the best level), u uniform, lambda 1e-4.
 * Free with fs_model_free(). */
struct fs_model *fs_model_new(int ncols, const int *nlevels);
void fs_model_free(struct fs_model *mod);

/* The m or u of a column's level. */
static inline double *fs_m(struct fs_model *mod, int col, int level) { return &mod->m[col * FS_MAX_LEVELS + level]; }
static inline double *fs_u(struct fs_model *mod, int col, int level) { return &mod->u[col * FS_MAX_LEVELS + level]; }

/* Sets a column's u from level counts over random pairs (missing levels excluded),
 * with half a pair added to every level so none is zero. */
void fs_set_u_from_counts(struct fs_model *mod, int col, const double *counts);

/* Fits m and lambda by EM over npat comparison patterns (ncols levels each, row by
 * row in patterns) occurring counts[i] times, u fixed.  Only columns with
 * use[col] set take part (the others — those the pairs were blocked on — neither
 * count in the likelihood nor change); use NULL means all.  Stops when no parameter
 * moves more than tol, or after max_iter rounds; returns the rounds run. */
int fs_em(struct fs_model *mod, const int8_t *patterns, const double *counts, size_t npat,
          const unsigned char *use, int max_iter, double tol);

/* log2(m / u) of a level; 0 for missing (level < 0). */
double fs_level_weight(const struct fs_model *mod, int col, int level);

/* The match weight of a pattern (prior included) and the probability for a weight. */
double fs_pattern_weight(const struct fs_model *mod, const int8_t *pattern);
double fs_probability(double weight);

#endif
