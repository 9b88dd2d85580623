/* segment_args.h — the command-line pieces the segmentation commands share
 * (cluster, elbow, pca, plot): the feature options and 'as NAME'. */
#ifndef PERSONA_SEGMENT_ARGS_H
#define PERSONA_SEGMENT_ARGS_H

#include "cmd.h"
#include "feature_matrix.h"

/* The feature options of a command line (features=, onehot=, where=, key=, scale=,
 * nulls=) for `table`; features= is required.  Strings point into a. */
int segment_feature_spec(ctx *c, const struct cmd_args *a, const char *table, struct feature_spec *spec);

/* The result name: "as NAME" at argv[first], or a malloc'ed copy of deflt when the
 * arguments end at first. */
int segment_result_name(ctx *c, const struct cmd_args *a, int first, const char *deflt, char **name);

#endif
