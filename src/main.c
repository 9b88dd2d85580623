/* main.c — the persona binary: options, the workspace, and the front end.
 *
 *   persona [-d FILE] [-c COMMANDS] [-f SCRIPT|-] [--format table|csv|tsv|json]
 *           [--keep-going] [--repl] [--no-color] [--version] [--help]
 *
 * With -c or -f, or when stdin is not a terminal, commands run as a script: results
 * to stdout in --format, messages to stderr, `SCRIPT:LINE: error: …` on failure and
 * exit 1 (after the first failure, or at the end with --keep-going); usage errors
 * exit 2.  Otherwise the interactive front end runs. */
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "fileio.h"
#include "manpage.h"
#include "sink.h"
#include "strbuf.h"
#include "workspace.h"
#include "../ui/ui.h"

static volatile sig_atomic_t cancel_requested, terminated;

/* The first Ctrl-C (or SIGTERM) cancels the running command: its transaction rolls
 * back and an export removes its temporary file; a second one, before the command
 * has noticed, ends the process.  After SIGTERM nothing more runs. */
static void on_sigint(int sig)
{
    if (cancel_requested)
        _exit(128 + sig);
    if (sig == SIGTERM)
        terminated = 1;
    cancel_requested = 1;
}

static void usage(FILE *f)
{
    fputs("usage: persona [-d FILE] [-c COMMANDS] [-f SCRIPT|-] [--format table|csv|tsv|json]\n"
          "               [--keep-going] [--repl] [--no-color] [--version] [--help]\n"
          "\n"
          "  -d FILE          the workspace (a SQLite file; default ./persona.db, :memory: for none)\n"
          "  -c COMMANDS      run these commands (separated by newlines or ';') and exit;\n"
          "                   -c may be given again: each adds its commands as a new line\n"
          "  -f SCRIPT        run the commands in SCRIPT ('-' for stdin) and exit\n"
          "  --format F       how results print: table (default), csv, tsv, json\n"
          "  --keep-going     in a script, go on after a failing command (exit 1 at the end)\n"
          "  --repl           a line-by-line prompt with history and Tab completion\n"
          "  --no-color       no colours (also when NO_COLOR is set)\n"
          "  --version        print the version\n"
          "\n"
          "Without -c or -f: the interactive front end when stdin and stdout are terminals,\n"
          "otherwise commands are read from stdin.  'persona -c help' lists the commands.\n",
          f);
}

static void report_error(void *arg, const char *script, int line, const char *message)
{
    (void)arg;
    fflush(stdout);
    fprintf(stderr, "%s:%d: error: %s\n", script, line, message);
}

static void print_note(void *arg, const char *message)
{
    (void)arg;
    fflush(stdout);     /* keep results and notes in the order they happened */
    fprintf(stderr, "%s\n", message);
}

/* Progress on stderr, only when a person is watching it. */
static void print_progress(void *arg, int64_t done, int64_t total, const char *phase)
{
    (void)arg;
    if (total > 0 && done < total)
        fprintf(stderr, "\r%-10s %5.1f%%", phase, 100.0 * (double)done / (double)total);
    else
        fprintf(stderr, "\r%-20s\r", "");
}

struct options {
    const char *db;
    struct strbuf commands;     /* every -c, one per line */
    int ncommands;
    const char *script;
    enum sink_format format;
    int keep_going;
    int repl;
    int color;
};

/* Parses argv; returns -1 to exit 0 (--help, --version), 2 for a usage error. */
static int parse_options(int argc, char **argv, struct options *o)
{
    enum { OPT_FORMAT = 256, OPT_KEEP_GOING, OPT_REPL, OPT_NO_COLOR, OPT_VERSION, OPT_HELP, OPT_MAN };
    static const struct option longopts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"keep-going", no_argument, NULL, OPT_KEEP_GOING},
        {"repl", no_argument, NULL, OPT_REPL},
        {"no-color", no_argument, NULL, OPT_NO_COLOR},
        {"version", no_argument, NULL, OPT_VERSION},
        {"help", no_argument, NULL, OPT_HELP},
        {"man", no_argument, NULL, OPT_MAN},    /* the man page, for `make install` */
        {NULL, 0, NULL, 0},
    };
    int ch;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":d:c:f:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd': o->db = optarg; break;
        case 'c':
            strbuf_printf(&o->commands, "%s%s", o->ncommands++ ? "\n" : "", optarg);
            break;
        case 'f': o->script = optarg; break;
        case OPT_FORMAT:
            if (sink_parse_format(optarg, &o->format) != 0) {
                fprintf(stderr, "persona: --format %s: expected table, csv, tsv, json or markdown\n", optarg);
                return 2;
            }
            break;
        case OPT_KEEP_GOING: o->keep_going = 1; break;
        case OPT_REPL: o->repl = 1; break;
        case OPT_NO_COLOR: o->color = 0; break;
        case OPT_VERSION:
            printf("persona %s\n", PERSONA_VERSION);
            return -1;
        case OPT_MAN: {
            struct strbuf page = {0};
            manpage_write(&page);
            fputs(strbuf_str(&page), stdout);
            strbuf_free(&page);
            return -1;
        }
        case 'h':
        case OPT_HELP:
            usage(stdout);
            return -1;
        case ':':
            fprintf(stderr, "persona: option %s needs a value\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        default:
            fprintf(stderr, "persona: unknown option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "persona: unexpected argument '%s' (commands go in -c \"…\" or a script)\n", argv[optind]);
        return 2;
    }
    if (o->ncommands && o->script) {
        fputs("persona: give -c or -f, not both\n", stderr);
        return 2;
    }
    return 0;
}

/* Runs the script text and returns the exit status. */
static int run_script_mode(ctx *c, const struct options *o)
{
    struct strbuf text = {0};
    const char *name = "-c";
    if (o->ncommands) {
        strbuf_append(&text, o->commands.buf, o->commands.len);
    } else if (o->script && strcmp(o->script, "-") != 0) {
        name = o->script;
        if (read_text_file(c, "persona", o->script, &text)) {
            fprintf(stderr, "%s\n", c->err);
            return 1;
        }
    } else {
        name = "<stdin>";
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
            strbuf_append(&text, buf, n);
    }
    int failures = run_script(c, strbuf_str(&text), name, o->keep_going, report_error, NULL);
    strbuf_free(&text);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    /* Only the character type follows the user's locale: numbers are always read
     * and written with a '.' decimal point. */
    setlocale(LC_CTYPE, "");
    struct options o = {.db = "persona.db", .format = FMT_TABLE, .color = 1};
    int st = parse_options(argc, argv, &o);
    if (st) {
        strbuf_free(&o.commands);
        return st < 0 ? 0 : st;
    }
    if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
        o.color = 0;

    int interactive = !o.ncommands && !o.script && isatty(STDIN_FILENO);
    if (interactive && !o.repl && !isatty(STDOUT_FILENO))
        interactive = 0;

    ctx c = {.cancel = &cancel_requested, .color = o.color, .note = print_note};
    c.out = sink_open_file(stdout, o.format);
    if (!interactive && isatty(STDERR_FILENO))
        c.progress = print_progress;
    struct sigaction sa = {.sa_handler = on_sigint};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A closed pipe (`persona … | head`) must not kill a command between its
     * commit and its log entry: writes fail instead, and the script stops. */
    signal(SIGPIPE, SIG_IGN);

    if (workspace_open(&c, o.db) != 0) {
        fprintf(stderr, "persona: %s\n", c.err);
        sink_close(c.out);
        strbuf_free(&o.commands);
        return 1;
    }
    int status = !interactive ? run_script_mode(&c, &o) : o.repl ? repl_run(&c) : workbench_run(&c);
    /* output nobody reads ends the run as a closed pipe would have, but only
     * after every command it ran was committed and logged */
    if (fflush(stdout) != 0 || sink_failed(c.out))
        status = 128 + SIGPIPE;
    if (terminated)
        status = 128 + SIGTERM;
    workspace_close(&c);
    sink_close(c.out);
    strbuf_free(&o.commands);
    return status;
}
