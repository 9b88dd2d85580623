/* parallel.c — worker threads pulling row blocks from a shared counter. */
#include "parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "strbuf.h"

int parallel_threads(void)
{
    const char *env = getenv("PERSONA_THREADS");
    if (env && *env) {
        long n = strtol(env, NULL, 10);
        if (n > 0)
            return n > 64 ? 64 : (int)n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

struct job {
    int64_t n, block_size, nblocks;
    atomic_llong next;
    parallel_block_fn *fn;
    void *arg;
};

static void *worker(void *p)
{
    struct job *j = p;
    for (;;) {
        int64_t b = atomic_fetch_add(&j->next, 1);
        if (b >= j->nblocks)
            break;
        int64_t begin = b * j->block_size;
        int64_t end = begin + j->block_size < j->n ? begin + j->block_size : j->n;
        j->fn(j->arg, b, begin, end);
    }
    return NULL;
}

void parallel_blocks(int64_t n, int64_t block_size, int threads, parallel_block_fn *fn, void *arg)
{
    struct job j = {.n = n, .block_size = block_size, .nblocks = parallel_nblocks(n, block_size),
                    .fn = fn, .arg = arg};
    atomic_init(&j.next, 0);
    if (threads > j.nblocks)
        threads = (int)j.nblocks;
    pthread_t tid[64];
    int started = 0;
    for (int t = 1; t < threads && t < 64; t++)
        if (pthread_create(&tid[started], NULL, worker, &j) == 0)
            started++;
    worker(&j);     /* the caller works too; a thread that failed to start costs speed only */
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
}

double parallel_sum(int64_t n, int64_t block_size, int threads, parallel_block_fn *fn, void *arg,
                    double **slots)
{
    int64_t nb = parallel_nblocks(n, block_size);
    *slots = xcalloc((size_t)(nb ? nb : 1), sizeof **slots);
    parallel_blocks(n, block_size, threads, fn, arg);
    double total = 0.0;
    for (int64_t b = 0; b < nb; b++)
        total += (*slots)[b];
    free(*slots);
    *slots = NULL;
    return total;
}
