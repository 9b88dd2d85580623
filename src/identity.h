/* identity.h — salted hashes of a person's identifiers.
 *
 * What Persona keeps about an erased person must not be personal data, yet later
 * loads and exports must still recognise them.  Each identifier is kept as
 * SHA-256(salt ":" kind ":" normalised value) in hex, the salt being a random
 * secret of the workspace (_persona_secrets), so a hash cannot be matched against
 * guessed identifiers outside it.  Normalised: an email trimmed and lower-cased, a
 * phone as its digits, a key as its text. */
#ifndef PERSONA_IDENTITY_H
#define PERSONA_IDENTITY_H

#include "ctx.h"

struct strbuf;

/* The kinds of identifier; a customer key's kind is "key:" and the lower-case name
 * of its column ("key:customer_id"), so it matches that column in any table. */
#define IDENTITY_EMAIL "email"
#define IDENTITY_PHONE "phone"

/* Appends value normalised for its kind into b: an email trimmed and lower-cased, a
 * phone its digits, anything else trimmed. */
void identity_normalise(const char *kind, const char *value, struct strbuf *b);

/* Makes sure the workspace has its salt (inside the caller's transaction). */
int identity_salt_ensure(ctx *c);

/* Registers the SQL function persona_identity(kind, value, salt): the hash above,
 * NULL for a NULL or blank value. */
int identity_register(ctx *c);

/* Appends "persona_identity('KIND', expr, (the salt))" for SQL. */
void identity_sql(struct strbuf *b, const char *kind, const char *expr);

/* The kind of identifier a column's name says it holds, or NULL: email, or phone
 * (the identifier names of infer.h that are phones). */
const char *identity_kind_of_column(const char *name);

/* The kind of a key held in a column: "key:" and its lower-case name, into buf. */
const char *identity_key_kind(const char *column, char *buf, size_t size);

/* Appends an SQL condition, true for a row of table whose email, phone or customer
 * key columns are on the suppression list; "0" when nothing can match (no such
 * columns, or an empty list). */
void identity_suppressed_sql(ctx *c, const char *table, struct strbuf *b);

#endif
