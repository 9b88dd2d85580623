/* segment_args.c — feature options and result names for the segmentation commands. */
#include "segment_args.h"

#include <string.h>

#include "strbuf.h"

int segment_feature_spec(ctx *c, const struct cmd_args *a, const char *table, struct feature_spec *spec)
{
    const char *cmd = a->entry->name;
    *spec = (struct feature_spec){.cmd = cmd, .table = table, .features = cmd_opt(a, "features"),
                                  .onehot = cmd_opt(a, "onehot"), .where = cmd_opt(a, "where"),
                                  .key = cmd_opt(a, "key")};
    if (!spec->features)
        return ctx_error(c, "%s: features= is missing: name the numeric columns to use, e.g. features=age,income",
                         cmd);
    const char *scale = cmd_opt(a, "scale"), *nulls = cmd_opt(a, "nulls");
    if (features_parse_scale(c, cmd, scale ? scale : "standard", &spec->scale) ||
        features_parse_nulls(c, cmd, nulls ? nulls : "error", &spec->nulls))
        return -1;
    return 0;
}

int segment_result_name(ctx *c, const struct cmd_args *a, int first, const char *deflt, char **name)
{
    const char *cmd = a->entry->name;
    if (a->argc == first + 2) {
        if (strcmp(a->argv[first], "as") != 0)
            return ctx_error(c, "%s: expected 'as NAME' after the table, got '%s'", cmd, a->argv[first]);
        *name = xstrdup(a->argv[first + 1]);
    } else if (a->argc == first + 1) {
        return ctx_error(c, "%s: '%s' after the table: did you mean 'as %s'?", cmd, a->argv[first], a->argv[first]);
    } else if (a->argc > first + 2) {
        return ctx_error(c, "%s: too many arguments; usage: %s", cmd, a->entry->usage);
    } else {
        *name = xstrdup(deflt);
    }
    return 0;
}
