/* vecdist.h — squared distances from one point to many, four at a time.
 *
 * The k-means assignment (a row against every centre), k-means++ seeding (a row
 * against the candidates) and the k-d tree's leaf scan (a query against a leaf's
 * rows) all measure one point against a small set of others.  Stored as a panel —
 * dimension j of point c at panel[j * stride + c] — four points fill one vector, and
 * the GCC/Clang vector extensions compile the loop to SSE2 pairs or to AVX2.
 *
 * Each lane adds the dimensions in the order 0..d-1, as sqdist() does, and the build
 * never contracts a*b+c into a fused multiply-add (-ffp-contract=off), so a distance is
 * bit-for-bit the same from the kernel, from sqdist() and on any instruction set:
 * DBSCAN's eps boundary and the thread-count-independent k-means results rely on it.
 *
 * VECDIST_CLONES marks a function whose loop calls the kernel: on x86-64 it is also
 * compiled for AVX2 and the better copy is picked when the program loads.  Use it on
 * static functions only: Clang 14 dispatches a cloned function only from callers
 * that see the attribute, so an exported entry point calls a static clone. */
#ifndef PERSONA_VECDIST_H
#define PERSONA_VECDIST_H

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define VECDIST_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef VECDIST_CLONES
#define VECDIST_CLONES
#endif

enum { VECDIST_LANES = 4 };

/* Four doubles; aligned(8) so a vector may be loaded from any double's address. */
typedef double vecdist_v __attribute__((vector_size(4 * sizeof(double)), aligned(8)));

/* Lane masks of vector comparisons (all ones where true). */
typedef int64_t vecdist_mask __attribute__((vector_size(4 * sizeof(int64_t)), aligned(8)));

/* The panel width for count points: count rounded up to whole vectors. */
static inline int vecdist_width(int count)
{
    return (count + VECDIST_LANES - 1) / VECDIST_LANES * VECDIST_LANES;
}

/* out[c] = |q - point c|² for c in [0, vecdist_width(count)): the panel and out must
 * have vecdist_width(count) columns (the padding columns give values to ignore). */
static inline void vecdist_panel(const double *q, int d, const double *panel, int64_t stride, int count,
                                 double *out)
{
    /* two vectors at a time: their sums are independent chains the CPU can overlap */
    int c = 0;
    for (; c + VECDIST_LANES < count; c += 2 * VECDIST_LANES) {
        vecdist_v acc0 = {0.0, 0.0, 0.0, 0.0}, acc1 = acc0;
        for (int j = 0; j < d; j++) {
            vecdist_v p0, p1;
            memcpy(&p0, panel + j * stride + c, sizeof p0);
            memcpy(&p1, panel + j * stride + c + VECDIST_LANES, sizeof p1);
            vecdist_v e0 = q[j] - p0, e1 = q[j] - p1;
            acc0 += e0 * e0;
            acc1 += e1 * e1;
        }
        memcpy(out + c, &acc0, sizeof acc0);
        memcpy(out + c + VECDIST_LANES, &acc1, sizeof acc1);
    }
    if (c < count) {
        vecdist_v acc = {0.0, 0.0, 0.0, 0.0};
        for (int j = 0; j < d; j++) {
            vecdist_v p;
            memcpy(&p, panel + j * stride + c, sizeof p);
            vecdist_v e = q[j] - p;
            acc += e * e;
        }
        memcpy(out + c, &acc, sizeof acc);
    }
}

/* Writes count rows of the row-major matrix rows (count × d) into panel (d × stride,
 * stride >= vecdist_width(count)), filling the padding columns with zeros. */
static inline void vecdist_transpose(const double *rows, int count, int d, double *panel, int64_t stride)
{
    for (int j = 0; j < d; j++) {
        double *col = panel + j * stride;
        for (int c = 0; c < count; c++)
            col[c] = rows[(int64_t)c * d + j];
        for (int c = count; c < vecdist_width(count); c++)
            col[c] = 0.0;
    }
}

#endif
