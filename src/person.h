/* person.h — one person across the workspace.
 *
 * forget and subject both need to find a person everywhere: their records in the
 * customers table (the latest profile build's, or customers=TABLE), found by key or
 * email, and what they are known by — keys, emails, phones, full names — kept in a
 * TEMP table (temp._persona_forget: kind 'key' the keys as text, 'text' strings to
 * find in free text, 'hash' salted hashes by hash_kind) that the conditions below
 * read.  A row of a table is theirs when a column holding customers' keys (named
 * like the key, rfm's customer, a result's key, a match's key_l and key_r) holds
 * one of their keys, or a column whose name says email or phone holds one of
 * theirs (compared by salted hash, so normalised). */
#ifndef PERSONA_PERSON_H
#define PERSONA_PERSON_H

#include <stdint.h>

#include "ctx.h"

struct strbuf;

struct person {
    char *customers;        /* the customers table */
    char *key;              /* its key column */
    int64_t records;        /* the person's records in it (0: known only elsewhere) */
};

/* Finds the person known as who (a key or an email) and fills the TEMP table.
 * Returns 0, or -1 with c->err naming cmd.  Release with person_release() either
 * way. */
int person_locate(ctx *c, const char *cmd, const char *who, const char *customers, struct person *p);

/* Appends to cond the SQL condition that holds for the person's rows of table
 * (terms joined with OR); returns how many terms (0: the table cannot hold them). */
int person_condition(ctx *c, const struct person *p, const char *table, struct strbuf *cond);

void person_release(ctx *c, struct person *p);

#endif
