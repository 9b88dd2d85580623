/* rng.h — a small seeded random number generator (xoshiro256**).
 *
 * Clustering restarts, k-means++ seeding and silhouette sampling need random numbers
 * that are the same for the same seed on every machine and every thread count, so
 * Persona carries its own generator rather than rand(). */
#ifndef PERSONA_RNG_H
#define PERSONA_RNG_H

#include <stdint.h>

struct rng {
    uint64_t s[4];
};

/* Seeds the generator; each (seed, stream) pair gives an independent sequence, so
 * restart i of a run seeded N draws from stream i. */
void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);

/* The next 64 random bits. */
uint64_t rng_next(struct rng *r);

/* A uniform double in [0, 1), with 53 random bits. */
double rng_uniform(struct rng *r);

/* A uniform integer in [0, n), n > 0, without modulo bias. */
uint64_t rng_below(struct rng *r, uint64_t n);

#endif
