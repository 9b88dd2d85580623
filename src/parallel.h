/* parallel.h — a loop over blocks of rows on every core.
 *
 * The numeric work (k-means, silhouette, GMM, DBSCAN) splits its rows into fixed
 * blocks; worker threads take blocks in turn and write what they compute into
 * per-block slots, which the caller then reduces in block order.  The blocks depend
 * only on the row count, never on the thread count, so results are bit-for-bit the
 * same on one core or sixteen. */
#ifndef PERSONA_PARALLEL_H
#define PERSONA_PARALLEL_H

#include <stdint.h>

/* How many threads numeric work uses: the online cores (at most 64), or
 * PERSONA_THREADS when set to a positive number. */
int parallel_threads(void);

/* Runs fn(arg, block, begin, end) for each block [begin, end) of block_size rows
 * of [0, n), on up to `threads` threads (the caller's thread among them); returns
 * when every block is done.  With one thread or one block it runs inline. */
typedef void parallel_block_fn(void *arg, int64_t block, int64_t begin, int64_t end);
void parallel_blocks(int64_t n, int64_t block_size, int threads, parallel_block_fn *fn, void *arg);

/* parallel_blocks() for a sum: *slots points, while fn runs, at one zeroed double per
 * block for fn to fill with its block's part; returns the parts added in block order,
 * so the total is the same on any number of threads. */
double parallel_sum(int64_t n, int64_t block_size, int threads, parallel_block_fn *fn, void *arg,
                    double **slots);

/* The number of blocks parallel_blocks() makes of n rows. */
static inline int64_t parallel_nblocks(int64_t n, int64_t block_size)
{
    return n <= 0 ? 0 : (n + block_size - 1) / block_size;
}

#endif
