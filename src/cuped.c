/* cuped.c — co-moments and the CUPED adjustment (see cuped.h). */
#include "cuped.h"

#include <math.h>

void comoments_add(struct comoments *c, double x, double y)
{
    if (c->n == 0) {
        c->shift_x = x;
        c->shift_y = y;
    }
    c->n++;
    x -= c->shift_x;
    y -= c->shift_y;
    double n = (double)c->n;
    double dx = x - c->mean_x, dy = y - c->mean_y;
    c->mean_x += dx / n;
    c->mean_y += dy / n;
    c->m2x += dx * (x - c->mean_x);
    c->m2y += dy * (y - c->mean_y);
    c->cxy += dx * (y - c->mean_y);
}

void comoments_merge(struct comoments *into, const struct comoments *from)
{
    if (from->n == 0)
        return;
    if (into->n == 0) {
        *into = *from;
        return;
    }
    double na = (double)into->n, nb = (double)from->n, n = na + nb;
    /* from's means in into's frame: the shifts' difference first, then the small parts */
    double dx = (from->shift_x - into->shift_x) + (from->mean_x - into->mean_x);
    double dy = (from->shift_y - into->shift_y) + (from->mean_y - into->mean_y);
    into->m2x += from->m2x + dx * dx * na * nb / n;
    into->m2y += from->m2y + dy * dy * na * nb / n;
    into->cxy += from->cxy + dx * dy * na * nb / n;
    into->mean_x += dx * nb / n;
    into->mean_y += dy * nb / n;
    into->n += from->n;
}

double cuped_theta(const struct comoments *pooled)
{
    if (pooled->n < 2 || !(pooled->m2x > 0))
        return NAN;
    return pooled->cxy / pooled->m2x;
}

struct moments cuped_adjust(const struct comoments *arm, double theta, const struct comoments *pooled)
{
    double m2 = arm->m2y - 2.0 * theta * arm->cxy + theta * theta * arm->m2x;
    double x_offset = (arm->shift_x - pooled->shift_x) + (arm->mean_x - pooled->mean_x);
    return (struct moments){
        .n = arm->n,
        .shift = arm->shift_y,
        .mean = arm->mean_y - theta * x_offset,
        .m2 = m2 > 0 ? m2 : 0.0,
    };
}
