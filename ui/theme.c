/* theme.c — the workbench's few colours, and what stands in for them without. */
#include "wb.h"

static attr_t attrs[T_ROLES];

struct style {
    short fg, bg;       /* -1: the terminal's default */
    attr_t extra;       /* added to the colour */
    attr_t mono;        /* without colours */
};

static const struct style styles[T_ROLES] = {
    [T_NORMAL] = {-1, -1, 0, 0},
    [T_BAR] = {COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE},
    [T_BAR_KEY] = {COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD},
    [T_TITLE] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
    [T_HEADER] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE},
    [T_HEADER_CUR] = {COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD},
    [T_ROW_CUR] = {-1, COLOR_BLUE, 0, A_BOLD},
    [T_CELL_CUR] = {COLOR_BLACK, COLOR_WHITE, A_BOLD, A_REVERSE},
    [T_KEY_COL] = {COLOR_GREEN, -1, 0, 0},
    [T_NULL] = {COLOR_BLUE, -1, A_BOLD, A_DIM},
    [T_ERROR] = {COLOR_RED, -1, A_BOLD, A_BOLD},
    [T_OK] = {COLOR_GREEN, -1, 0, 0},
    [T_DIM] = {-1, -1, A_DIM, A_DIM},
    [T_SIDE_SEL] = {COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE},
    [T_SIDE_SEL_OFF] = {-1, -1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE},
    [T_PROGRESS] = {COLOR_GREEN, COLOR_BLACK, A_BOLD, A_BOLD},
    [T_HIST] = {COLOR_CYAN, -1, 0, 0},
    [T_MATCH] = {COLOR_BLACK, COLOR_YELLOW, 0, A_REVERSE | A_UNDERLINE},
    [T_POPUP] = {COLOR_WHITE, COLOR_BLUE, 0, A_REVERSE},
    [T_POPUP_SEL] = {COLOR_BLACK, COLOR_YELLOW, 0, A_BOLD},
};

void theme_init(int color)
{
    int use = color && has_colors() && start_color() == OK;
    if (use)
        use_default_colors();
    for (int r = 0; r < T_ROLES; r++) {
        if (!use) {
            attrs[r] = styles[r].mono;
            continue;
        }
        init_pair((short)(r + 1), styles[r].fg, styles[r].bg);
        attrs[r] = COLOR_PAIR(r + 1) | styles[r].extra;
    }
}

attr_t theme(enum role r) { return attrs[r]; }
