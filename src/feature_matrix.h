/* feature_matrix.h — the feature matrix every clustering and PCA command works on.
 *
 * A table (or view) and a list of features — numeric columns or SQL expressions,
 * plus categorical columns one-hot encoded — become one contiguous row-major matrix
 * of doubles, n rows by d features, with the key of every row kept beside it.  NULLs
 * are an error that counts and names the rows unless the caller drops or imputes
 * them; text that is not a number is an error naming the row.  The numeric features
 * are then scaled (standard, min-max, robust or none), and the scaler is kept so a
 * model can say what its numbers mean in the table's units. */
#ifndef PERSONA_FEATURE_MATRIX_H
#define PERSONA_FEATURE_MATRIX_H

#include <stdint.h>

#include "ctx.h"

enum scale_method { SCALE_STANDARD, SCALE_MINMAX, SCALE_ROBUST, SCALE_NONE };
enum null_policy { NULLS_ERROR, NULLS_DROP, NULLS_IMPUTE };

/* What to read.  Strings are borrowed for the duration of features_load(). */
struct feature_spec {
    const char *cmd;            /* names the command in messages: "cluster" */
    const char *table;
    const char *features;       /* "age,income,log(spend + 1)": top-level commas split */
    const char *onehot;         /* categorical columns, or NULL */
    const char *where;          /* SQL condition, or NULL */
    const char *key;            /* key column, or NULL: the table's key, else rowid */
    enum scale_method scale;
    enum null_policy nulls;
};

struct feature_matrix {
    int64_t n;                  /* rows */
    int d;                      /* features: nnumeric numeric ones, then the one-hot ones */
    int nnumeric;
    double *x;                  /* n × d, row-major, scaled */
    char **names;               /* d display names ("age", "Genre=Female") */
    double *center, *scale;     /* d: x = (raw - center) / scale; one-hot: 0 and 1 */
    double *impute;             /* nnumeric raw values put in for NULL, or NULL */
    enum scale_method scale_method;
    int64_t dropped;            /* rows left out for NULLs (nulls=drop) */
    int64_t imputed;            /* rows with a NULL filled in (nulls=impute) */

    char *key_column;           /* the column named by key values, "rowid" for rowids */
    char *key_type;             /* declared type for a result table's key column */
    int key_is_text;
    int64_t *key_int;           /* n keys when !key_is_text */
    char *key_text;             /* arena of NUL-terminated keys when key_is_text */
    int64_t *key_off;           /* n offsets into key_text */
};

/* Reads the rows of spec->table into m (zeroed by the caller or not: it is
 * overwritten).  Returns 0, or -1 with c->err naming the column, row or option at
 * fault; on failure m holds nothing to free.  Polls the cancel flag. */
int features_load(ctx *c, const struct feature_spec *spec, struct feature_matrix *m);

/* Frees what features_load() allocated. */
void features_free(struct feature_matrix *m);

/* Parses scale= and nulls= values; errors name the option and the accepted words. */
int features_parse_scale(ctx *c, const char *cmd, const char *v, enum scale_method *out);
int features_parse_nulls(ctx *c, const char *cmd, const char *v, enum null_policy *out);
const char *features_scale_name(enum scale_method m);

/* Key of row i as text, for messages ("0017", "rowid 17"), into buf. */
const char *features_key_text(const struct feature_matrix *m, int64_t i, char *buf, int size);

/* Binds the key of row i to parameter `param` of a statement. */
struct sqlite3_stmt;
int features_bind_key(struct sqlite3_stmt *st, int param, const struct feature_matrix *m, int64_t i);

/* A value of feature j given in scaled units, back in the table's units. */
static inline double features_unscale(const struct feature_matrix *m, int j, double v)
{
    return m->center[j] + m->scale[j] * v;
}

/* Fits a scaler on column j of the n × d matrix x: *center and *scale such that
 * (x - center) / scale is standardised (population standard deviation, as
 * scikit-learn's StandardScaler), in [0, 1] (MinMaxScaler), or centred on the
 * median and divided by the interquartile range (RobustScaler).  A column with no
 * spread gets scale 1, as scikit-learn does. */
void scaler_fit(enum scale_method method, const double *x, int64_t n, int d, int j,
                double *center, double *scale);

#endif
