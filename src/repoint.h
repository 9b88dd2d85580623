/* repoint.h — facts follow their customer through a merge.
 *
 * A merge is a fact about identity: when `dedupe merge TABLE` removes the records
 * of a cluster but its survivor, the orders, events and other facts of the removed
 * records must belong to the survivor, or they drop out of every profile.  The
 * merge writes the crosswalk (a _persona_merges row per removed record: merged_key
 * → survivor); repoint_facts() then re-points, in the merge's own transaction,
 * every fact table: a user table with a column named like the customers' key
 * (customer_id) that is not its own key.  Each changed cell is audited in
 * _persona_changes, so `undo` puts the facts back with the merged records.
 *
 * Tables keyed by customers' keys (profiles, rfm, cluster results) are results
 * built before the merge: they are not rewritten (two rows would share a key) but
 * reported as stale, with how many of their rows name a merged-away customer. */
#ifndef PERSONA_REPOINT_H
#define PERSONA_REPOINT_H

#include <stdint.h>

#include "ctx.h"

enum { REPOINT_MAX = 32 };

struct repoint_report {
    int ntables;
    char tables[REPOINT_MAX][160];      /* "orders.customer_id" */
    int64_t rows[REPOINT_MAX];          /* rows re-pointed in each */
    int nstale;
    char stale[REPOINT_MAX][160];       /* "profiles.customer_id" */
    int64_t stale_rows[REPOINT_MAX];    /* rows naming a merged-away customer */
    int64_t ledger_events;              /* consent events moved to the survivors */
};

/* Re-points the facts of the records the running command merged away from
 * customers (whose key column is key_col, or the rowid when NULL).  Returns 0, or
 * -1 with c->err set. */
int repoint_facts(ctx *c, const char *customers, const char *key_col, struct repoint_report *rep);

#endif
