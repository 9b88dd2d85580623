/* cmd-privacy.c — people's data as the law expects: forget. */
#include <stdio.h>

#include "cmd.h"
#include "forget.h"
#include "sink.h"

static const struct cmd_option forget_options[] = {
    {"reason", NULL, "why, for the record of the erasure (no personal data: it is kept)"},
    {"customers", NULL, "the customers table; default: the latest profile build's"},
    {NULL},
};

static int forget_exec(ctx *c, const struct cmd_args *a)
{
    struct forget_report rep;
    if (forget_person(c, a->argv[0], cmd_opt(a, "customers"), cmd_opt(a, "reason"), &rep))
        return -1;
    sink_record_begin(c->out, NULL);
    sink_field(c->out, "customers table", cell_text(rep.customers_table));
    sink_field(c->out, "customer records", cell_int(rep.customers));
    sink_field(c->out, "rows erased", cell_int(rep.rows));
    sink_field(c->out, "tables", cell_int(rep.tables));
    sink_field(c->out, "rows of Persona's tables erased", cell_int(rep.internal));
    sink_field(c->out, "logged commands redacted", cell_int(rep.redacted));
    sink_field(c->out, "identifiers suppressed", cell_int(rep.suppressed));
    sink_field(c->out, "undo", cell_text("erased with them: what forget erased cannot be brought back"));
    sink_record_end(c->out);
    cmd_set_summary(c, "erased one person: %lld rows in %d tables, %lld identifiers suppressed", (long long)rep.rows,
                    rep.tables, (long long)rep.suppressed);
    return 0;
}

const struct cmd_entry cmd_forget_entry = {
    .name = "forget",
    .usage = "forget KEY|EMAIL [reason=TEXT] [customers=TABLE]",
    .summary = "erase one person everywhere Persona keeps data (tables, rejects, issues, undo, log text), put them on "
               "the suppression list, and scrub the file (not undoable)",
    .example = "forget C00042 reason=\"GDPR request 2026-118\"",
    .min_args = 1,
    .max_args = 1,
    .options = forget_options,
    .flags = CMD_CHANGES | CMD_NOSAVE | CMD_PERSONAL,
    .exec = forget_exec,
    .after_commit = forget_scrub,
};
