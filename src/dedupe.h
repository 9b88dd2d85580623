/* dedupe.h — finding the records of a table that are the same customer: an
 * unsupervised Fellegi–Sunter model over blocked pairs, as splink does it, in C.
 *
 * The run:
 *   1. reads the key and the compared columns once, keeping each column's distinct
 *      canonical values in a dictionary (dedupe_compare.h) and per record their ids;
 *   2. blocking: each rule ("email", "surname+postcode", "soundex(surname)+birth_date")
 *      gives every record a key; records with equal keys form a block and each pair
 *      in a block is a candidate.  A pair an earlier rule already produced is not
 *      produced again.  Blocks larger than max_block are skipped (and reported), so
 *      no rule costs n²;
 *   3. u from random pairs (the exact level's u from the value frequencies);
 *   4. m by EM, one session per rule over that rule's pairs with the rule's own
 *      columns left out (they agree by construction), u fixed; the sessions' m are
 *      pooled, and lambda (the chance that two random records match) follows from
 *      each session's match share and the rule's odds of agreeing;
 *   5. every candidate pair's match weight — with the term-frequency adjustment for
 *      exact agreement on a common or a rare value — and probability; pairs at or
 *      above store= go to TABLE_matches, and the connected components of the pairs at
 *      or above the threshold (review decisions respected) to TABLE_clusters.
 * Results and the fitted model are recorded in _persona_dedupe_runs/_params. */
#ifndef PERSONA_DEDUPE_H
#define PERSONA_DEDUPE_H

#include <stdint.h>

#include "ctx.h"
#include "repoint.h"

struct dedupe_options {
    const char *table;
    const char *key;        /* NULL: the table's recorded key, else the rowid */
    const char *on;         /* "col[:kind],…"; NULL: the columns whose names say who */
    const char *block;      /* "rule,rule,…"; NULL: proposed from the columns */
    double threshold;       /* clusters join pairs with probability >= threshold */
    double store;           /* pairs with probability >= store are written */
    int64_t max_block;      /* records in one block, beyond which it is skipped */
    int64_t max_pairs;      /* a proposed rule with more pairs is left out; 0: auto */
    int64_t sample;         /* random pairs for u; 0: 40 per record within 200k..1M */
};

struct dedupe_rule_report {
    char *text;
    int64_t pairs;          /* candidate pairs of the rule */
    int64_t new_pairs;      /* of them, not produced by an earlier rule */
    int64_t skipped_blocks; /* blocks over max_block */
    int64_t largest;        /* records in its largest block */
    int dropped;            /* a proposed rule left out for producing too many pairs */
};

struct dedupe_report {
    int64_t records;
    int64_t pairs;          /* distinct candidate pairs compared */
    int64_t written;        /* rows of TABLE_matches */
    int64_t matches;        /* pairs at or above the threshold */
    int64_t clusters, clustered;
    double lambda;
    int em_sessions;
    int nrules;
    struct dedupe_rule_report *rules;
    char *columns;          /* "given_name:given_name, email:email, …" */
    char *matches_table, *clusters_table;
};

/* Runs the dedupe inside the caller's transaction (cmd.c opens it), recording undo
 * for the tables it creates or replaces.  Reports progress ("reading", "comparing",
 * "scoring") and polls the cancel flag.  Fills rep (free with dedupe_report_free). */
int dedupe_run(ctx *c, const struct dedupe_options *o, struct dedupe_report *rep);
void dedupe_report_free(struct dedupe_report *rep);

/* Rebuilds TABLE_clusters from TABLE_matches and the review decisions, with the
 * threshold of the table's last run; the old clusters table is stashed for undo.
 * *clusters and *clustered receive the counts. */
int dedupe_rebuild_clusters(ctx *c, const char *table, int64_t *clusters, int64_t *clustered);

/* dedupe merge: one survivor per cluster of TABLE_clusters (the table's last run).
 * The survivor is the most complete record (most non-empty values), the most recent
 * by a column, or the first in table order; ties go to the earlier record.  Each
 * column of the survivor keeps its own value when it has one, else takes the most
 * frequent value of the cluster (ties: the longest); with most-recent every column
 * takes the most recent non-empty value.  The other records are deleted.  Every
 * merged record and every value taken from another record is written to
 * _persona_merges; the table is copied first, so undo restores it. */
enum merge_keep { MERGE_MOST_COMPLETE, MERGE_MOST_RECENT, MERGE_FIRST };

struct merge_options {
    const char *table;
    enum merge_keep keep;
    const char *recent;     /* most-recent: the column that dates a record */
};

struct merge_report {
    int64_t clusters, removed, filled;
    struct repoint_report facts;    /* the facts re-pointed to the survivors */
};

int dedupe_merge(ctx *c, const struct merge_options *o, struct merge_report *rep);

#endif
