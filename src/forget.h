/* forget.h — erasing one person from everything Persona keeps.
 *
 * `forget KEY|EMAIL` finds the person in the customers table (the latest profile
 * build's, or customers=TABLE) and erases, in one transaction:
 *   - every row of every user table that holds one of their keys (in a column named
 *     like the customers' key, rfm's customer, a result's key, a match's key_l and
 *     key_r) or their email or phone (in a column whose name says so);
 *   - the rows of the rejects, issues, change, merge and review tables about them,
 *     and their identifiers in the text of logged commands (redacted in place, so
 *     the history stays readable);
 *   - the whole undo store (stashed copies of tables hold them too): nothing
 *     erased can be brought back, and undo says so.
 * The erasure is recorded (time, reason, a salted hash of the identifier given) and
 * the person's identifiers go on the suppression list as salted hashes.  After the
 * commit, forget_scrub() compacts the file (VACUUM with secure_delete) and empties
 * the WAL, so no byte of the erased values is left in the workspace or its -wal. */
#ifndef PERSONA_FORGET_H
#define PERSONA_FORGET_H

#include <stdint.h>

#include "ctx.h"

struct forget_report {
    int64_t customers;          /* customer records of the person */
    int64_t rows;               /* user-table rows erased */
    int64_t internal;           /* rows of Persona's own tables erased */
    int64_t redacted;           /* logged commands whose text was redacted */
    int64_t suppressed;         /* identifiers put on the suppression list */
    int tables;                 /* user tables that held the person */
    char customers_table[128];
};

/* Erases the person identified by who (a key, or an email).  customers may be NULL
 * (the latest profile build's).  Returns 0, or -1 with c->err set. */
int forget_person(ctx *c, const char *who, const char *customers, const char *reason, struct forget_report *rep);

/* After the erasure committed: VACUUM with secure_delete on and a truncating WAL
 * checkpoint, so the erased bytes are gone from the file and its WAL. */
int forget_scrub(ctx *c);

#endif
