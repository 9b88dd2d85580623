/* segment.h — named sets of customers, kept in _persona_segments.
 *
 * A segment is SQL that selects the keys of its members from a table (its source,
 * profiles by default).  Three kinds:
 *   dynamic  a condition (segment_expr.h) evaluated at each use; also kept as a view
 *            named like the segment, so `show NAME` and any SQLite tool see the
 *            members' rows.  Combinations of segments are dynamic too.
 *   static   a frozen list of members: a table NAME(key, snapshot_at).
 *   cluster  one per cluster of a clustering, written by `cluster` (model_store.c);
 *            segment_from_cluster() rewrites them from the model's latest version.
 * The operations here run inside the command's transaction and record their undo:
 * views through a schema snapshot, tables as created or stashed, segment rows as SQL
 * that puts them back.  Errors start with the command's name (cmd). */
#ifndef PERSONA_SEGMENT_H
#define PERSONA_SEGMENT_H

#include <stdint.h>

#include "ctx.h"

struct strbuf;

struct segment {
    char *name, *kind, *definition, *source, *created_at;
    char *label;            /* cluster: the cluster's label; dynamic: the condition or
                               combination as typed; static: what it is a snapshot of */
    int64_t model_id;       /* cluster segments; else 0 */
};

/* Reads the segment called name into *s (free with segment_free()).  Returns 1 when
 * found, 0 when there is none, -1 on error. */
int segment_lookup(ctx *c, const char *name, struct segment *s);

/* Like segment_lookup(), but a missing segment is the error "cmd: no segment named
 * 'x' (did you mean 'y'?)": returns 0 or -1. */
int segment_get(ctx *c, const char *cmd, const char *name, struct segment *s);
void segment_free(struct segment *s);

/* The key column of a table (as recorded; "rowid" for a table without one),
 * malloc'ed; NULL with an error for a view without a recorded key. */
char *segment_table_key(ctx *c, const char *cmd, const char *table);

/* The number of members a definition selects now, or -1 with c->err set (e.g. its
 * source was dropped). */
int64_t segment_count(ctx *c, const char *cmd, const char *definition);

/* Appends an SQL condition on the rows of the segment's source that holds for its
 * members: a dynamic segment's own condition (cheaper than a membership test: no
 * list of a million keys to build), else segment_member_test(). */
void segment_filter_sql(ctx *c, const struct segment *s, const char *key, struct strbuf *out);

/* Appends "key IN (…the definition's keys…)" for rows of table that compares like
 * with like: the definition's keys are brought to the type of table's key
 * (column_key_type()) — integers written as text become integers, integers become
 * text — so a cluster result keyed by text finds rfm's integer customers, and text
 * that is not an integer never matches an integer key (it is not cast to 0). */
void segment_member_test(ctx *c, const char *table, const char *key, const char *definition, struct strbuf *out);

/* segment define NAME where CONDITION from TABLE: checks the condition (a mistake is
 * reported with its column in the condition), creates the view and the segment. */
int segment_define(ctx *c, const char *name, const char *table, const char *condition);

/* segment combine NAME = EXPR: a dynamic segment of other segments' members (their
 * definitions as they are now), all of the same source. */
int segment_combine(ctx *c, const char *name, const char *expr);

/* segment snapshot NAME [as NEW]: freezes the members into the table NEW (as NULL:
 * NAME_YYYYMMDD_HHMMSS) and records it as a static segment; *made receives the new
 * segment's name (malloc'ed). */
int segment_snapshot(ctx *c, const char *name, const char *as, char **made);

/* segment drop NAME: the segment, and its view (dynamic) or table (static).  A static
 * segment that other segments' definitions read is refused. */
int segment_drop(ctx *c, const char *name);

/* segment from-cluster MODEL: replaces the segments of the clustering MODEL by one per
 * cluster of its latest version (MODEL/label, and MODEL/noise when it has noise). */
int segment_from_cluster(ctx *c, const char *model);

#endif
