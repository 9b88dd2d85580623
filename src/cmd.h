/* cmd.h — the one command table.
 *
 * Every action is a command: a key in the workbench, a line in the REPL and a line in
 * a script all become a command line and go through run_line().  Each family of
 * commands lives in its own cmd-<family>.c and exports entries; cmd.c holds the
 * table, looks names up (exact or unique prefix, with a suggestion for typos), checks
 * arguments and options against the entry, logs the command, and runs changing
 * commands in one transaction with undo recorded.  Help and completion read the same
 * table. */
#ifndef PERSONA_CMD_H
#define PERSONA_CMD_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

/* An option: key=value, or a bare flag word (def == CMD_FLAG). */
struct cmd_option {
    const char *key;
    const char *def;        /* default value shown in help; NULL: none */
    const char *help;
};

/* The def of a flag option: compared by address. */
extern const char cmd_flag[];
#define CMD_FLAG cmd_flag

enum cmd_flags {
    CMD_CHANGES = 1 << 0,   /* may change data: one transaction, undo recorded */
    CMD_RAW = 1 << 1,       /* takes the rest of its line as written (sql) */
    CMD_NOSAVE = 1 << 2,    /* not written by `history save` (help, history, undo) */
    CMD_NOLOG = 1 << 3,     /* not logged at all */
    CMD_PAIRS = 1 << 4,     /* takes COL=VALUE words: a key=value word whose key is not
                               exactly an option's is a positional argument */
    CMD_WRITES_FILE = 1 << 5, /* writes a file that its `force` flag may replace: `history
                               save` adds force, so a saved script replays over the files
                               its earlier run wrote */
    CMD_PERSONAL = 1 << 6,  /* its words are personal data: the log keeps only its name */
    CMD_RECORDED = 1 << 7,  /* changes no data but is an analysis to find again (abtest,
                               plot, elbow): logged, though it runs outside a transaction */
};

struct cmd_args;

struct cmd_entry {
    const char *name;
    const char *usage;      /* "load PATH [as NAME] [key=COL] …" */
    const char *summary;    /* one line, lowercase, no full stop */
    const char *example;
    int min_args, max_args; /* positional words; max -1: any number */
    const struct cmd_option *options;   /* ends with {NULL}; NULL: none */
    int flags;
    int (*exec)(ctx *c, const struct cmd_args *a);
    /* CMD_CHANGES commands: whether this invocation only reads (NULL: never).  A
     * reading run writes nothing to the workspace, not even the log. */
    int (*reads_only)(ctx *c, const struct cmd_args *a);
    /* CMD_CHANGES commands: what runs after the transaction committed, outside it
     * (VACUUM cannot run in one); NULL: nothing.  A failure fails the command. */
    int (*after_commit)(ctx *c);
};

struct cmd_args {
    const struct cmd_entry *entry;
    int argc;
    char **argv;            /* positional words, quotes removed */
    int nopts;
    const char **keys;      /* full option keys as declared (prefixes resolved) */
    char **values;          /* flags have the value "1" */
    const char *raw;        /* CMD_RAW: the text after the command word */
    const char *line;       /* the whole command as typed */
};

/* The value given for an option, or its declared default, or NULL. */
const char *cmd_opt(const struct cmd_args *a, const char *key);

/* Whether an option or flag was given on the line. */
int cmd_opt_given(const struct cmd_args *a, const char *key);

/* Parses an integer option (default included) into *out; a value that is not a whole
 * number gives an error naming the option. */
int cmd_opt_int(ctx *c, const struct cmd_args *a, const char *key, int64_t *out);

/* Whether an SQL statement goes on at the next line: it is cut short (SQLite's
 * parser says "incomplete input"), or the next line starts with a word that is no
 * Persona command (FROM, WHERE, AND, …) and is not blank or a comment.  The
 * sql_goes_on_fn split_commands() needs. */
int cmd_sql_goes_on(const char *sql, size_t len, const char *next);

/* Whether a line ends inside an SQL statement that goes on at the next line, so
 * the REPL asks for more and a script joins the next line. */
int cmd_line_needs_more(const char *text);

/* Runs every command of a line (';'-separated) and stops at the first that fails:
 * returns 0, or -1 with c->err set ("load: …"). */
int run_line(ctx *c, const char *line);

/* Runs a script's text: each line's commands in turn.  name is what error messages
 * call the script ("demo.persona", "-c", "<stdin>").  Without keep_going it stops
 * at the first failure; failures are reported through report().  Returns the
 * number of failed commands. */
typedef void report_fn(void *arg, const char *script, int line, const char *message);
int run_script(ctx *c, const char *text, const char *name, int keep_going,
               report_fn *report, void *arg);

/* The command table, for help screens and completion. */
const struct cmd_entry *const *cmd_entries(int *n);

/* Looks a command name up: exact, or a unique prefix.  NULL with c->err set
 * (unknown, with a suggestion; or ambiguous, listing the candidates). */
const struct cmd_entry *cmd_lookup(ctx *c, const char *name);

/* The entry a name means (exact, or a unique prefix), or NULL: no message. */
const struct cmd_entry *cmd_find(const char *name);

/* The option a key means for this entry (exact, or a unique prefix), or NULL. */
const struct cmd_option *cmd_find_option(const struct cmd_entry *e, const char *key);

/* Whether the command a first word names takes the rest of its line raw (sql):
 * the raw_command_fn that split_commands() needs. */
int cmd_is_raw(const char *name, size_t len);

/* Sets the one-line summary the command log keeps for the running command. */
void cmd_set_summary(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The command entries of each family (cmd-*.c). */
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_load_entry;
extern const struct cmd_entry cmd_tables_entry, cmd_describe_entry, cmd_show_entry,
    cmd_sql_entry, cmd_drop_entry;
extern const struct cmd_entry cmd_history_entry, cmd_undo_entry, cmd_replay_entry;
extern const struct cmd_entry cmd_normalize_entry, cmd_validate_entry, cmd_impute_entry, cmd_outliers_entry;
extern const struct cmd_entry cmd_cluster_entry, cmd_elbow_entry, cmd_pca_entry, cmd_plot_entry;
extern const struct cmd_entry cmd_dedupe_entry, cmd_profile_entry, cmd_rfm_entry;
extern const struct cmd_entry cmd_abtest_entry, cmd_samplesize_entry, cmd_power_entry;
extern const struct cmd_entry cmd_segment_entry, cmd_export_entry;
extern const struct cmd_entry cmd_consent_entry, cmd_forget_entry, cmd_subject_entry, cmd_pseudonymize_entry, cmd_mask_entry, cmd_anonymity_entry;

#endif
