/* model_store.h — writing a fitted model back into the workspace.
 *
 * A clustering or PCA run leaves three things, all inside the command's transaction
 * and all undoable: a result table (key plus the run's columns), a row in
 * _persona_models, and for clusterings one _persona_segments row per cluster named
 * MODEL/label.  Fitting a name again needs `replace`: the old table is stashed and
 * its segments are put back on undo; the old model row stays as history. */
#ifndef PERSONA_MODEL_STORE_H
#define PERSONA_MODEL_STORE_H

#include <stdint.h>

#include "ctx.h"
#include "feature_matrix.h"

/* Checks that NAME may receive a result from `source`: not reserved, not the source
 * itself, and not an existing table unless replace is set.  Call before the work. */
int model_store_check(ctx *c, const char *cmd, const char *name, const char *source, int replace);

/* Creates the result table NAME(key, cols…) with one row per row of fm (origin, the
 * command that made it, is recorded as its source): values is n × ncols row-major; integer columns (is_int[j]) are stored as integers.  An
 * existing table is stashed first (undo brings it back), along with the segments of
 * the model it held.  Polls the cancel flag. */
int model_store_table(ctx *c, const char *cmd, const char *name, const char *origin,
                      const struct feature_matrix *fm, int ncols, const char *const *cols, const int *is_int,
                      const double *values);

/* What the model row holds (JSON text built by the caller, NULL for SQL NULL). */
struct model_row {
    const char *name, *kind, *source_table;
    const char *parameters, *centroids, *labels, *metrics, *details;
};

/* Inserts the model row (features and scaler from fm) and returns its id in *id. */
int model_store_row(ctx *c, const char *cmd, const struct model_row *row, const struct feature_matrix *fm,
                    int64_t *id);

/* One segment per cluster: NAME/labels[i] selecting cluster i, and NAME/noise for
 * cluster -1 when noise is set. */
int model_store_segments(ctx *c, const char *cmd, int64_t model_id, const char *name, const char *source,
                         int k, const char *const *labels, int noise);

/* The scaler of fm as JSON ({"method": …, "center": […], "scale": […], "impute": …}). */
struct strbuf;
void model_scaler_json(struct strbuf *b, const struct feature_matrix *fm);

#endif
