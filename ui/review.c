/* review.c — the dedupe review view: the pairs the model was least sure about,
 * one at a time, the two records side by side with the fields that differ marked,
 * decided with a key each.
 *
 * It opens on `dedupe review TABLE` — the command without decision words, which
 * lists the undecided pairs near the threshold; here the view runs it (so the
 * review is in the log, and a table without dedupe results gets the command's own
 * message) and then walks the uncertain pairs (review_pairs.h).  Every decision is
 * the command `dedupe review TABLE accept|reject K1 K2`, run as a job: kept, logged
 * and undoable like any other.  Decisions queue while the previous one is saved,
 * so a fast reviewer never waits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdwords.h"
#include "jobs.h"
#include "review_pairs.h"
#include "strbuf.h"
#include "wb.h"

enum { BAND_PERCENT = 30, NAME_CAP = 18, LEVEL_CAP = 20 };

enum pair_state { UNDECIDED, QUEUED_ACCEPT, QUEUED_REJECT, SAVING, ACCEPTED, REJECTED, FAILED };

struct review_view {
    char *table;
    char *line;                 /* `dedupe review TABLE` as typed */
    int started, loaded;        /* the command was started; the pairs are read */
    char *error;                /* the review could not start: why */
    struct review_queue q;
    enum pair_state *state;     /* by pair */
    int cur;                    /* the pair shown; q.n: past the last */
    struct review_record rec;
    int rec_for;                /* the pair rec holds, -1: none */
    char *rec_error;
    int saving;                 /* the pair whose decision is being saved, -1: none */
    int saving_accept;          /* and whether it is an accept */
    char *last_error;           /* the last decision that failed: why */
    int leaving;                /* Esc was pressed with decisions still queued */
};

static void review_free(void *state)
{
    struct review_view *rv = state;
    review_queue_free(&rv->q);
    review_record_free(&rv->rec);
    free(rv->state);
    free(rv->table);
    free(rv->line);
    free(rv->error);
    free(rv->rec_error);
    free(rv->last_error);
    free(rv);
}

static int queued(const struct review_view *rv)
{
    int n = 0;
    for (int i = 0; i < rv->q.n; i++)
        n += rv->state[i] == QUEUED_ACCEPT || rv->state[i] == QUEUED_REJECT;
    return n;
}

/* Starts saving the first queued decision, when no command runs. */
static void flush(struct wb *w, struct view *v)
{
    struct review_view *rv = v->state;
    if (rv->saving >= 0 || wb_job_running(w))
        return;
    for (int i = 0; i < rv->q.n; i++) {
        if (rv->state[i] != QUEUED_ACCEPT && rv->state[i] != QUEUED_REJECT)
            continue;
        struct strbuf line = {0};
        strbuf_printf(&line, "dedupe review ");
        cmdwords_quote(&line, rv->table);
        strbuf_puts(&line, rv->state[i] == QUEUED_ACCEPT ? " accept " : " reject ");
        cmdwords_quote(&line, rv->q.pairs[i].key_l);
        strbuf_putc(&line, ' ');
        cmdwords_quote(&line, rv->q.pairs[i].key_r);
        if (wb_run_for(w, v, strbuf_str(&line)) == 0) {
            rv->saving = i;
            rv->saving_accept = rv->state[i] == QUEUED_ACCEPT;
            rv->state[i] = SAVING;
        }
        strbuf_free(&line);
        return;
    }
}

static int review_job_done(struct wb *w, struct view *v, const struct job_result *r)
{
    struct review_view *rv = v->state;
    if (!rv->loaded && !rv->error) {        /* the review command itself */
        if (r->failed) {
            rv->error = xstrdup(r->error);
            return 1;
        }
        if (review_queue_load(wb_ctx(w), rv->table, BAND_PERCENT / 100.0, &rv->q) != 0) {
            rv->error = xstrdup(wb_ctx(w)->err);
            return 1;
        }
        rv->loaded = 1;
        rv->state = xcalloc((size_t)rv->q.n + 1, sizeof *rv->state);
        char n[32];
        wb_message(w, 0, "%s: %s uncertain %s to review", rv->table, fmt_count(rv->q.n, n, sizeof n),
                   rv->q.n == 1 ? "pair" : "pairs");
        return 1;
    }
    if (rv->saving >= 0) {
        int i = rv->saving;
        rv->saving = -1;
        if (r->failed) {
            rv->state[i] = FAILED;
            free(rv->last_error);
            rv->last_error = xstrdup(r->error);
        } else {
            rv->state[i] = rv->saving_accept ? ACCEPTED : REJECTED;
        }
    }
    flush(w, v);
    return 1;
}

/* ---- drawing ---- */

static int differs(const char *a, const char *b)
{
    return (a == NULL) != (b == NULL) || (a && b && strcmp(a, b) != 0);
}

static const char *state_text(enum pair_state s, enum role *role)
{
    *role = T_DIM;
    switch (s) {
    case QUEUED_ACCEPT: case QUEUED_REJECT: case SAVING: return "saving…";
    case ACCEPTED: *role = T_ACCEPT; return "✓ accepted";
    case REJECTED: *role = T_REJECT; return "✗ rejected";
    case FAILED: *role = T_ERROR; return "the decision failed (see below)";
    default: return "undecided";
    }
}

static void draw_pair(struct wb *w, struct review_view *rv, struct rect r)
{
    const struct review_pair *p = &rv->q.pairs[rv->cur];
    if (rv->rec_for != rv->cur) {
        review_record_free(&rv->rec);
        free(rv->rec_error);
        rv->rec_error = NULL;
        if (review_record_load(wb_ctx(w), &rv->q, p, &rv->rec) != 0)
            rv->rec_error = xstrdup(wb_ctx(w)->err);
        rv->rec_for = rv->cur;
    }
    char n[32], m[32], where[96];
    snprintf(where, sizeof where, "pair %s of %s", fmt_count(rv->cur + 1, n, sizeof n), fmt_count(rv->q.n, m, sizeof m));
    int ww = text_width(where);
    draw_text(r.y, r.x + r.w - ww, ww, where, -1, theme(T_NORMAL), 0);
    enum role role;
    const char *st = state_text(rv->state[rv->cur], &role);
    int sw = text_width(st);
    draw_text(r.y + 1, r.x + r.w - sw, sw, st, -1, theme(role), 0);
    draw_fmt(r.y + 1, r.x, r.w - sw - 2, theme(T_DIM), "probability %.4f (threshold %.2g) · rule %s", p->probability,
             rv->q.threshold, p->rule ? p->rule : "?");
    if (rv->rec_error) {
        draw_text(r.y + 3, r.x + 1, r.w - 2, rv->rec_error, -1, theme(T_ERROR), 1);
        return;
    }
    const struct review_record *rec = &rv->rec;
    int namew = 6, levelw = 5;
    for (int i = 0; i < rec->n; i++) {
        int nw = text_width(rec->column[i]), lw = rec->level[i] ? text_width(rec->level[i]) : 0;
        namew = nw > namew ? nw : namew;
        levelw = lw > levelw ? lw : levelw;
    }
    namew = namew > NAME_CAP ? NAME_CAP : namew;
    levelw = levelw > LEVEL_CAP ? LEVEL_CAP : levelw;
    /* ≠ | name | left | right | level */
    int valw = (r.w - 2 - namew - levelw - 6) / 2;
    int xn = r.x + 2, xl = xn + namew + 2, xr = xl + valw + 2, xv = xr + valw + 2;
    int y = r.y + 3;
    draw_cell(y, xn, namew, "column", 0, theme(T_HEADER));
    draw_cell(y, xl, valw, p->key_l, 0, theme(T_HEADER));
    draw_cell(y, xr, valw, p->key_r, 0, theme(T_HEADER));
    draw_cell(y, xv, levelw, "level", 0, theme(T_HEADER));
    y++;
    for (int i = 0; i < rec->n && y < r.y + r.h - 2; i++) {
        if (i == rec->key)      /* the keys head the columns */
            continue;
        const char *l = rec->left[i], *rt = rec->right[i];
        int diff = differs(l, rt);
        attr_t a = theme(diff ? T_DIFF : T_NORMAL);
        if (diff)
            draw_text(y, r.x, 1, "≠", -1, theme(T_DIFF), 0);
        draw_cell(y, xn, namew, rec->column[i], 0, theme(rec->level[i] ? T_NORMAL : T_DIM));
        draw_cell(y, xl, valw, l ? l : "NULL", 0, l ? a : theme(T_NULL));
        draw_cell(y, xr, valw, rt ? rt : "NULL", 0, rt ? a : theme(T_NULL));
        if (rec->level[i])
            draw_cell(y, xv, levelw, rec->level[i], 0, theme(T_DIM));
        y++;
    }
}

static void draw_summary(struct review_view *rv, struct rect r)
{
    int counts[FAILED + 1] = {0};
    for (int i = 0; i < rv->q.n; i++)
        counts[rv->state[i]]++;
    int pending = counts[QUEUED_ACCEPT] + counts[QUEUED_REJECT] + counts[SAVING];
    int y = r.y + r.h - 1;
    int x = r.x;
    char buf[160];
    snprintf(buf, sizeof buf, "%d accepted", counts[ACCEPTED]);
    x += draw_text(y, x, r.w - (x - r.x), buf, -1, theme(T_ACCEPT), 1);
    snprintf(buf, sizeof buf, " · %d rejected", counts[REJECTED]);
    x += draw_text(y, x, r.w - (x - r.x), buf, -1, theme(T_REJECT), 1);
    snprintf(buf, sizeof buf, " · %d undecided%s%s · probabilities %.2g to %.2g", counts[UNDECIDED],
             pending ? " · saving " : "", pending ? (pending == 1 ? "1" : "some") : "", rv->q.lo, rv->q.hi);
    draw_text(y, x, r.w - (x - r.x), buf, -1, theme(T_DIM), 1);
    if (rv->last_error)
        draw_text(y - 1, r.x, r.w, rv->last_error, -1, theme(T_ERROR), 1);
}

static void review_draw(struct wb *w, struct view *v, struct rect r)
{
    struct review_view *rv = v->state;
    for (int y = r.y; y < r.y + r.h; y++)
        draw_fill(y, r.x, r.w, theme(T_NORMAL));
    if (!rv->started && !wb_job_running(w) && wb_run_for(w, v, rv->line) == 0)
        rv->started = 1;
    flush(w, v);
    int x = draw_text(r.y, r.x, r.w, "Review pairs", -1, theme(T_TITLE), 1);
    draw_fmt(r.y, r.x + x, r.w - x - 20, theme(T_DIM), " — %s%s%s", rv->table, rv->q.matches ? ", from " : "",
             rv->q.matches ? rv->q.matches : "");
    if (rv->error) {
        draw_text(r.y + 2, r.x + 1, r.w - 2, rv->error, -1, theme(T_ERROR), 1);
        return;
    }
    if (!rv->loaded) {
        draw_text(r.y + 2, r.x + 1, r.w - 2, "reading the pairs…", -1, theme(T_DIM), 1);
        return;
    }
    if (rv->q.n == 0) {
        draw_fmt(r.y + 2, r.x + 1, r.w - 2, theme(T_NORMAL),
                 "No undecided pairs with a probability from %.2g to %.2g: the model is sure of the rest.", rv->q.lo,
                 rv->q.hi);
        draw_text(r.y + 4, r.x + 1, r.w - 2, "Esc goes back; the grid on the _matches table shows every pair.", -1,
                  theme(T_DIM), 1);
        return;
    }
    if (rv->cur >= rv->q.n) {
        draw_text(r.y + 2, r.x + 1, r.w - 2, "That was the last uncertain pair.", -1, theme(T_NORMAL), 1);
        draw_text(r.y + 3, r.x + 1, r.w - 2, "p goes back through them; Esc leaves the review.", -1, theme(T_DIM), 1);
    } else {
        draw_pair(w, rv, r);
    }
    draw_summary(rv, r);
}

/* ---- keys ---- */

static void decide(struct wb *w, struct view *v, enum pair_state how)
{
    struct review_view *rv = v->state;
    if (!rv->loaded || rv->cur >= rv->q.n)
        return;
    if (rv->state[rv->cur] == SAVING) {
        wb_message(w, 1, "this pair's decision is being saved; decide it again once it is");
        return;
    }
    rv->state[rv->cur] = how;
    rv->cur++;
    rv->leaving = 0;
    flush(w, v);
}

static int review_key(struct wb *w, struct view *v, int ch)
{
    struct review_view *rv = v->state;
    switch (ch) {
    case 'a': decide(w, v, QUEUED_ACCEPT); break;
    case 'r': decide(w, v, QUEUED_REJECT); break;
    case 'n': case ' ': case KEY_RIGHT: case 'l': case KEY_DOWN: case 'j':
        if (rv->cur < rv->q.n)
            rv->cur++;
        break;
    case 'p': case KEY_LEFT: case 'h': case KEY_UP: case 'k':
        if (rv->cur > 0)
            rv->cur--;
        break;
    case KEY_HOME: case 'g': rv->cur = 0; break;
    case KEY_ESC: case 'q':
        /* decisions not yet saved would be lost with the view */
        if (queued(rv) && !rv->leaving) {
            rv->leaving = 1;
            wb_message(w, 1, "%d decisions are still to be saved: wait a moment, or %s again to drop them",
                       queued(rv), ch == 'q' ? "q" : "Esc");
            break;
        }
        return 0;
    default:
        return 0;
    }
    return 1;
}

static const struct view_ops review_ops = {
    .name = "review",
    .draw = review_draw,
    .key = review_key,
    .hints = "a accept (same customer)  r reject  n skip  p previous  Esc back",
    .free = review_free,
    .job_done = review_job_done,
    .wide = 1,
};

int review_view_open(struct wb *w, const char *line)
{
    const struct cmd_entry *e;
    struct words ws;
    if (cmdwords_single(line, &e, &ws) != 0)
        return 0;
    int plain = 0;
    const char *table = NULL;
    for (int i = 1; i < ws.n; i++)
        if (!ws.w[i].key && ++plain == 2)
            table = ws.w[i].text;
    int mine = e == &cmd_dedupe_entry && plain == 2 && !ws.w[1].key && strcmp(ws.w[1].text, "review") == 0;
    if (mine) {
        struct review_view *rv = xcalloc(1, sizeof *rv);
        rv->table = xstrdup(table);
        rv->line = xstrdup(line);
        rv->rec_for = -1;
        rv->saving = -1;
        wb_push(w, &review_ops, rv);
    }
    words_free(&ws);
    return mine;
}
