/* sqlfunc.h — SQL functions Persona adds to the workspace connection. */
#ifndef PERSONA_SQLFUNC_H
#define PERSONA_SQLFUNC_H

#include "ctx.h"

/* Registers Persona's SQL functions on c->db (edit_distance(a, b), jaro(a, b),
 * jaro_winkler(a, b), levenshtein(a, b), soundex(s), stddev(x)) so analysts
 * can use them in `sql`, `show where=` and filters. */
int sqlfunc_register(ctx *c);

#endif
