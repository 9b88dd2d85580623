/* help.c — the help screen: the workbench's keys, then every command with its
 * summary, read from the command table. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "strbuf.h"
#include "wb.h"

static const char *const keys[][2] = {
    {"Everywhere", NULL},
    {":", "the command line: Tab completes, ↑ ↓ history, Ctrl-R searches it, Esc or Ctrl-G abandons the "
          "line, :q quits"},
    {"Tab", "the workspace list: tables, segments, models, experiments; Enter opens one (a segment shows "
            "its members, a model its result table), p plots a model"},
    {"o", "the output of the last command"},
    {"Ctrl-C", "cancel the running command (its changes roll back)"},
    {"? F1", "this help"},
    {"Esc q", "back to the previous view"},
    {"Grid", NULL},
    {"↑ ↓ ← → h j k l", "move by row and column (the key column stays at the left)"},
    {"PgUp PgDn Space", "move by a screen"},
    {"Home End g G", "first and last row"},
    {"0 $", "first and last column"},
    {"Enter", "the record: every field of the row; on customers with profiles built, the profile card "
              "(attributes, metrics, segments, last orders and events)"},
    {"c", "the column: describe's figures and a histogram"},
    {"s S", "sort by the column, ascending or descending (again: unsorted)"},
    {"f F", "filter with a SQL condition, e.g. age > 40 (Tab completes); clear it"},
    {"/ n N", "search every column for a value; next; previous"},
    {"R", "review the uncertain pairs of a dedupe run (on its table or its _matches table)"},
    {"q", "quit (asks first while a command runs)"},
    {"Profile card", NULL},
    {"← → n p", "the previous and next row's card"},
    {"f", "the row's plain fields"},
    {"Column", NULL},
    {"← →", "the previous and next column"},
    {"p", "gnuplot's histogram of the column in the plot view"},
    {"Plot (:plot … without out=)", NULL},
    {"w", "write the plot to a PNG (or SVG) file: the same command with out="},
    {"e r", "edit the plot command; draw it again"},
    {"Review (:dedupe review TABLE)", NULL},
    {"a r", "accept the pair (the same customer) or reject it: dedupe review TABLE accept|reject K1 K2"},
    {"n p", "skip to the next pair; back to the previous"},
};

void help_open(struct wb *w)
{
    struct strbuf b = {0};
    strbuf_puts(&b, "Keys\n");
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (!keys[i][1])
            strbuf_printf(&b, "\n  %s\n", keys[i][0]);
        else    /* padded by display columns: the arrows are 3 bytes each */
            strbuf_printf(&b, "    %s%*s %s\n", keys[i][0], 18 - text_width(keys[i][0]), "", keys[i][1]);
    }
    strbuf_puts(&b, "\nCommands (run them from ':'; ':help COMMAND' shows one in full)\n\n");
    int n;
    const struct cmd_entry *const *cmds = cmd_entries(&n);
    for (int i = 0; i < n; i++)
        strbuf_printf(&b, "    %-12s %s\n", cmds[i]->name, cmds[i]->summary);
    pager_open_help(w, "Help", strbuf_str(&b));
    strbuf_free(&b);
}
