/* theme.c — the workbench's few colours, and what stands in for them without; and
 * the colours of plots, which gnuplot picks from the xterm 256-colour palette. */
#include "wb.h"

static attr_t attrs[T_ROLES];
static int use_colors;
static short xterm_pairs[256];      /* colour pair of each palette colour, 0: not yet made */
static short next_pair = T_ROLES + 1;

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
    [T_DIFF] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE},
    [T_ACCEPT] = {COLOR_GREEN, -1, A_BOLD, A_BOLD},
    [T_REJECT] = {COLOR_RED, -1, A_BOLD, A_BOLD},
};

void theme_init(int color)
{
    int use = color && has_colors() && start_color() == OK;
    if (use)
        use_default_colors();
    use_colors = use;
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

/* The red, green and blue (0-255) of xterm colour n. */
static void xterm_rgb(int n, int rgb[3])
{
    static const int basic[16][3] = {
        {0, 0, 0}, {205, 0, 0}, {0, 205, 0}, {205, 205, 0}, {0, 0, 238}, {205, 0, 205}, {0, 205, 205},
        {229, 229, 229}, {127, 127, 127}, {255, 0, 0}, {0, 255, 0}, {255, 255, 0}, {92, 92, 255},
        {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
    };
    static const int level[6] = {0, 95, 135, 175, 215, 255};
    if (n < 16) {
        for (int i = 0; i < 3; i++)
            rgb[i] = basic[n][i];
    } else if (n < 232) {       /* the 6×6×6 cube */
        rgb[0] = level[(n - 16) / 36];
        rgb[1] = level[(n - 16) / 6 % 6];
        rgb[2] = level[(n - 16) % 6];
    } else {                    /* the grey ramp */
        rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (n - 232);
    }
}

/* The nearest of the eight basic colours by hue: each channel near the strongest
 * one is on.  Dark colours and greys become the terminal's own text colour, which
 * is readable whatever its background. */
static short basic_color(int n)
{
    int rgb[3];
    xterm_rgb(n, rgb);
    int max = rgb[0] > rgb[1] ? rgb[0] : rgb[1];
    max = rgb[2] > max ? rgb[2] : max;
    int min = rgb[0] < rgb[1] ? rgb[0] : rgb[1];
    min = rgb[2] < min ? rgb[2] : min;
    if (max < 64 || max - min < 40)
        return -1;
    short c = 0;
    for (int i = 0; i < 3; i++)
        if (rgb[i] * 10 >= max * 6)
            c |= (short)(1 << i);   /* COLOR_RED 1, COLOR_GREEN 2, COLOR_BLUE 4 */
    if (c == 7)     /* a pale colour, not white (unreadable on a light terminal): its hue */
        c &= (short)~(1 << (rgb[0] == min ? 0 : rgb[1] == min ? 1 : 2));
    return c;
}

attr_t theme_xterm(int n)
{
    if (!use_colors || n < 0 || n > 255)
        return 0;
    if (!xterm_pairs[n]) {
        if (next_pair >= COLOR_PAIRS)
            return 0;
        short fg = COLORS >= 256 ? (short)n : basic_color(n);
        init_pair(next_pair, fg, -1);
        xterm_pairs[n] = next_pair++;
    }
    return COLOR_PAIR(xterm_pairs[n]);
}
