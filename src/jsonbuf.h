/* jsonbuf.h — writing JSON text into a strbuf, for the JSON columns of Persona's own
 * tables (_persona_models: parameters, scaler, centroids, metrics).  The output sink
 * renders command results; this only builds values that are stored. */
#ifndef PERSONA_JSONBUF_H
#define PERSONA_JSONBUF_H

#include <stdint.h>

#include "strbuf.h"

/* A JSON string with the escapes RFC 8259 requires. */
void json_put_string(struct strbuf *b, const char *s);

/* A number that reads back as the same double (%.17g); NaN and infinities, which
 * JSON cannot hold, become null. */
void json_put_number(struct strbuf *b, double v);

/* [v0, v1, …] of n numbers, each scaled by `stride` apart in v (1: contiguous). */
void json_put_numbers(struct strbuf *b, const double *v, int64_t n, int64_t stride);

/* [s0, s1, …] of n strings. */
void json_put_strings(struct strbuf *b, const char *const *s, int n);

/* "key": — with a comma before it unless it is the object's first member (*first
 * tracks that and is cleared). */
void json_put_key(struct strbuf *b, const char *key, int *first);

#endif
