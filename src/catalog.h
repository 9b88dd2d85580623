/* catalog.h — what the workbench lists beside its grid, and the few facts about the
 * workspace its views look up before they run a command.  Reads only; no curses.
 *
 * The catalog is the user's tables with their row counts, then what Persona made of
 * them: segments (_persona_segments) with their member counts, models (the latest
 * version of each name in _persona_models) with the rows of their result tables,
 * and experiments — the tables an `abtest` ran on successfully (from the command
 * log, since an A/B test keeps no state of its own), with their row counts. */
#ifndef PERSONA_CATALOG_H
#define PERSONA_CATALOG_H

#include <stdint.h>

#include "ctx.h"

enum catalog_kind { CATALOG_TABLE, CATALOG_SEGMENT, CATALOG_MODEL, CATALOG_EXPERIMENT, CATALOG_KINDS };

struct catalog_item {
    enum catalog_kind kind;
    char *name;             /* table, segment, model (its result table) or experiment table */
    int64_t count;          /* rows, or a segment's members; -1 when they could not be counted */
    char *table;            /* the table to open: a segment's source table, else name */
    char *detail;           /* segment: an SQL condition on table selecting its members;
                             * model: its kind ("kmeans", "pca", …);
                             * experiment: the last abtest command line run on it */
};

struct catalog {
    int n;
    struct catalog_item *items;     /* tables, segments, models, experiments, in that order */
};

/* Reads the catalog from c->db (free with catalog_free()).  What cannot be read is
 * left out; a count that fails (c's interrupt hook may stop it) is -1. */
void catalog_load(ctx *c, struct catalog *cat);
void catalog_free(struct catalog *cat);

/* For rows of table — a customers table profiles were built from, or the profiles
 * table itself — the profiles table whose cards `profile KEY` shows and the key
 * column (malloc'ed, into *profiles and *key).  Returns 1, or 0 when table has no
 * profiles (or they are gone). */
int catalog_profiles_for(ctx *c, const char *table, char **profiles, char **key);

/* The table `dedupe review` takes for table: table itself when dedupe ran on it,
 * or the table whose results table (TABLE_matches, TABLE_clusters) it is; malloc'ed,
 * or NULL. */
char *catalog_dedupe_table(ctx *c, const char *table);

#endif
