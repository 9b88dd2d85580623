/* pseudonym.h — keyed tokens for identifiers, and masks for display.
 *
 * A pseudonym is HMAC-SHA256(key, kind ":" normalised value), hex, the key 32 random
 * bytes in a file kept outside the workspace: the same person gets the same token
 * in every table and every run with that key, and without the key a token cannot be
 * traced back by hashing guesses (a plain hash of an email can: anyone can hash
 * every address they know and compare).  Values are normalised as identity.h says
 * (an email trimmed and lower-cased, a phone its digits), so "A@X.com " and
 * "a@x.com" are one token. */
#ifndef PERSONA_PSEUDONYM_H
#define PERSONA_PSEUDONYM_H

#include <stddef.h>

#include "ctx.h"

struct strbuf;

enum { PSEUDONYM_KEY_BYTES = 32 };

/* Reads the key file, creating it (mode 0600, 32 random bytes as hex) when it does
 * not exist; a file inside the workspace's folder named like the workspace is
 * refused.  key receives the bytes.  Returns 0, or -1 with c->err naming cmd. */
int pseudonym_key_load(ctx *c, const char *cmd, const char *path, unsigned char key[PSEUDONYM_KEY_BYTES]);

/* Registers persona_pseudonym(kind, value, keyhex): the token, NULL for NULL. */
int pseudonym_register(ctx *c);

/* Appends a masked form of value for display into out: an email keeps its first
 * letter and its domain (j***@example.com), a phone its last two digits (***-**12),
 * anything else its first letter (J***). */
void mask_value(const char *kind, const char *value, struct strbuf *out);

/* Registers persona_mask(kind, value). */
int mask_register(ctx *c);

#endif
