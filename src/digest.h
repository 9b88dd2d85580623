/* digest.h — SHA-256 through OpenSSL's libcrypto, as lowercase hex.
 *
 * One context serves a whole export: reset and reused for every value hashed (the
 * per-value cost is then a few hundred nanoseconds), or fed a stream of bytes (the
 * file's own digest for its manifest). */
#ifndef PERSONA_DIGEST_H
#define PERSONA_DIGEST_H

#include <stddef.h>

enum { SHA256_HEX = 65 };   /* 64 hex digits and the NUL */

struct sha256;

/* A new context, ready for sha256_update(); aborts when libcrypto has no SHA-256
 * (a broken installation: nothing sensible can go on).  Free with sha256_free(). */
struct sha256 *sha256_new(void);
void sha256_free(struct sha256 *h);

/* Adds bytes to the running digest. */
void sha256_update(struct sha256 *h, const void *data, size_t len);

/* Writes the digest of everything added as lowercase hex into hex and starts over. */
void sha256_final_hex(struct sha256 *h, char hex[SHA256_HEX]);

/* The digest of [data, data+len) alone, as lowercase hex; h is reused (and must not
 * be in the middle of a stream). */
void sha256_hex(struct sha256 *h, const void *data, size_t len, char hex[SHA256_HEX]);

/* Writes n bytes as 2n lowercase hex digits and a NUL into hex. */
void hex_encode(const unsigned char *bytes, size_t n, char *hex);

#endif
