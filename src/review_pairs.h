/* review_pairs.h — the pairs of a dedupe run that want a person's eye, and the two
 * records of a pair side by side, for the workbench's review view.  Reads only:
 * decisions are made by the `dedupe review TABLE accept|reject K1 K2` command.
 *
 * The uncertain pairs are the undecided rows of TABLE_matches whose probability is
 * within band of the run's threshold (0.3 around the default 0.5: 0.2 to 0.8), the
 * closest to the threshold first — the ones the model was least sure about. */
#ifndef PERSONA_REVIEW_PAIRS_H
#define PERSONA_REVIEW_PAIRS_H

#include <stdint.h>

#include "ctx.h"

struct review_pair {
    int64_t row;                /* the rowid of the pair in the matches table */
    char *key_l, *key_r;        /* the records' keys as text */
    double probability, weight;
    char *rule;                 /* the blocking rule that proposed it */
};

struct review_queue {
    char *table, *matches;
    char *key;                  /* the key column, NULL: the rowid */
    double threshold, lo, hi;
    int n;
    struct review_pair *pairs;
};

/* Reads the uncertain pairs of table's last dedupe run.  Returns 0 (maybe with no
 * pairs), or -1 with c->err set.  Free with review_queue_free(). */
int review_queue_load(ctx *c, const char *table, double band, struct review_queue *q);
void review_queue_free(struct review_queue *q);

/* The two records of a pair, column by column, values as text (NULL for NULL). */
struct review_record {
    int n;
    char **column;
    char **left, **right;
    char **level;               /* the comparison level of a compared column ("null:
                                 * neutral" when a value is missing), else NULL */
    int key;                    /* the index of the key column, or -1 (rowid) */
};

/* Reads both records of pair p and its comparison levels.  Returns 0, or -1 with
 * c->err set (a record merged away since the run).  Free with review_record_free(). */
int review_record_load(ctx *c, const struct review_queue *q, const struct review_pair *p, struct review_record *out);
void review_record_free(struct review_record *r);

#endif
