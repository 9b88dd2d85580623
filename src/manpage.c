/* manpage.c — the man page from the command table. */
#include "manpage.h"

#include "cmd.h"
#include "strbuf.h"

/* Text with troff's special characters escaped: backslash, and a leading '.' or '''
 * that would read as a request. */
static void put_roff(struct strbuf *out, const char *s)
{
    if (*s == '.' || *s == '\'')
        strbuf_puts(out, "\\&");
    for (; *s; s++) {
        if (*s == '\\')
            strbuf_puts(out, "\\e");
        else if (*s == '-')
            strbuf_puts(out, "\\-");
        else
            strbuf_putc(out, *s);
    }
}

static void put_command(struct strbuf *out, const struct cmd_entry *e)
{
    strbuf_puts(out, ".SS ");
    put_roff(out, e->name);
    strbuf_puts(out, "\n.nf\n");
    put_roff(out, e->usage);
    strbuf_puts(out, "\n.fi\n");
    put_roff(out, e->summary);
    strbuf_puts(out, ".\n");
    for (const struct cmd_option *o = e->options; o && o->key; o++) {
        strbuf_puts(out, ".TP\n.B ");
        put_roff(out, o->key);
        if (o->def != CMD_FLAG) {
            strbuf_puts(out, "=");
            put_roff(out, o->def ? o->def : "VALUE");
        }
        strbuf_puts(out, "\n");
        put_roff(out, o->help);
        strbuf_puts(out, "\n");
    }
    strbuf_puts(out, ".PP\nExample:\n.RS\n.nf\n");
    put_roff(out, e->example);
    strbuf_puts(out, "\n.fi\n.RE\n");
}

void manpage_write(struct strbuf *out)
{
    strbuf_printf(out, ".TH PERSONA 1 \"\" \"persona %s\" \"User Commands\"\n", PERSONA_VERSION);
    strbuf_puts(out,
                ".SH NAME\npersona \\- a terminal workbench for customer data\n"
                ".SH SYNOPSIS\n.B persona\n[\\-d FILE] [\\-c COMMANDS] [\\-f SCRIPT|\\-] "
                "[\\-\\-format table|csv|tsv|json] [\\-\\-keep\\-going] [\\-\\-repl] [\\-\\-no\\-color] "
                "[\\-\\-version] [\\-\\-help]\n"
                ".SH DESCRIPTION\nPersona loads CSV exports into one SQLite workspace, where they can be "
                "inspected, cleaned, profiled, segmented and exported.  Every action is a command; "
                "the same commands run interactively and in scripts.\n"
                ".PP\nWith \\-c or \\-f, or when standard input is not a terminal, commands run as a "
                "script: results go to standard output in the chosen format, messages to standard "
                "error, and the first failing command stops the script with "
                "\\fISCRIPT\\fR:\\fILINE\\fR: error: \\fImessage\\fR.\n"
                ".SH OPTIONS\n"
                ".TP\n.BI \\-d \" FILE\"\nThe workspace file (default ./persona.db; :memory: for a throwaway one).\n"
                ".TP\n.BI \\-c \" COMMANDS\"\nRun these commands, separated by newlines or ';'.\n"
                ".TP\n.BI \\-f \" SCRIPT\"\nRun the commands in SCRIPT ('\\-' reads standard input).\n"
                ".TP\n.BI \\-\\-format \" F\"\nResults as table (default), csv, tsv or json.\n"
                ".TP\n.B \\-\\-keep\\-going\nGo on after a failing command; exit 1 at the end.\n"
                ".TP\n.B \\-\\-repl\nA line prompt with history and completion.\n"
                ".TP\n.B \\-\\-no\\-color\nNo colours (also when NO_COLOR is set).\n"
                ".SH COMMANDS\n");
    int n;
    const struct cmd_entry *const *entries = cmd_entries(&n);
    for (int i = 0; i < n; i++)
        put_command(out, entries[i]);
    strbuf_puts(out,
                ".SH EXIT STATUS\n0 when every command succeeded, 1 when a command failed, 2 for a usage error.\n"
                ".SH ENVIRONMENT\n.TP\n.B XDG_STATE_HOME\nWhere the REPL keeps its history "
                "(persona/history).\n.TP\n.B NO_COLOR\nNo colours when set.\n");
}
