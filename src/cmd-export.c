/* cmd-export.c — export SOURCE to PATH: a segment or table as CSV for a marketing
 * tool, consent-filtered, with a manifest (export.h). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "export.h"
#include "sink.h"

static const struct cmd_option export_options[] = {
    {"preset", NULL, "the shape a tool imports: mailchimp, hubspot, klaviyo, braze, google-customer-match, meta"},
    {"columns", NULL, "pick and rename: columns=email:Email,first_name:First Name; with a preset, COL:HEADER feeds "
                      "that preset column from COL"},
    {"hash", NULL, "sha256 or none; default: as the preset does (google-customer-match and meta hash); plain "
                   "exports hash their email, phone and name columns"},
    {"consent", NULL, "the consent column; default: the customers' column the profiles were built from, or the "
                      "one whose name says consent (consent_withdrawn reads inverted); consent=none exports without "
                      "asking"},
    {"purpose", NULL, "the consent purpose to check in the ledger (email, sms, ads, analytics); default: the preset's "
                      "(ads for google-customer-match and meta, email for the others)"},
    {"tags", NULL, "mailchimp: the Tags column's value; default: the segment's name"},
    {"bom", CMD_FLAG, "start the file with a UTF-8 byte order mark (for Excel)"},
    {"force", CMD_FLAG, "replace an existing file and its manifest"},
    {NULL},
};

static int export_exec(ctx *c, const struct cmd_args *a)
{
    if (a->argc != 3 || strcmp(a->argv[1], "to") != 0)
        return ctx_error(c, "export: expected 'export SOURCE to PATH'; usage: %s", a->entry->usage);
    struct export_options o = {
        .source = a->argv[0],
        .path = a->argv[2],
        .preset = cmd_opt(a, "preset"),
        .columns = cmd_opt(a, "columns"),
        .hash = cmd_opt(a, "hash"),
        .consent = cmd_opt(a, "consent"),
        .purpose = cmd_opt(a, "purpose"),
        .tags = cmd_opt(a, "tags"),
        .bom = cmd_opt_given(a, "bom"),
        .force = cmd_opt_given(a, "force"),
        .command = a->line,
    };
    struct export_report rep;
    int rc = export_run(c, &o, &rep);
    if (rc == 0) {
        int64_t left = rep.consent_denied + rep.consent_unknown + rep.no_identifier + rep.suppressed;
        sink_record_begin(c->out, NULL);
        sink_field(c->out, "file", cell_text(o.path));
        sink_field(c->out, "manifest", cell_text(rep.manifest));
        sink_field(c->out, "source", cell_text(o.source));
        sink_field(c->out, "preset", cell_text(o.preset));
        sink_field(c->out, "rows", cell_int(rep.rows));
        sink_field(c->out, "candidates", cell_int(rep.candidates));
        sink_field(c->out, "left out", cell_int(left));
        sink_field(c->out, "left out: consent denied", cell_int(rep.consent_denied));
        sink_field(c->out, "left out: consent unknown", cell_int(rep.consent_unknown));
        sink_field(c->out, "left out: no usable identifier", cell_int(rep.no_identifier));
        sink_field(c->out, "left out: erased (suppressed)", cell_int(rep.suppressed));
        sink_field(c->out, "consent column", cell_text(rep.consent_column[0] ? rep.consent_column : "none"));
        sink_field(c->out, "hash", cell_text(rep.hash));
        sink_field(c->out, "hashed columns", cell_int(rep.hashed_columns));
        sink_field(c->out, "bytes", cell_int((int64_t)rep.bytes));
        sink_field(c->out, "sha256", cell_text(rep.sha256));
        sink_record_end(c->out);
        cmd_set_summary(c, "%lld rows of %s to %s%s%s; left out %lld (consent denied %lld, consent unknown %lld, "
                        "no usable identifier %lld)", (long long)rep.rows, o.source, o.path, o.preset ? " as " : "",
                        o.preset ? o.preset : "", (long long)left, (long long)rep.consent_denied,
                        (long long)rep.consent_unknown, (long long)rep.no_identifier);
        if (left)
            ctx_note(c, "export: left out %lld of %lld rows: %lld consent denied, %lld consent unknown, %lld without "
                        "an identifier the tool can use, %lld of erased people", (long long)left,
                     (long long)rep.candidates, (long long)rep.consent_denied, (long long)rep.consent_unknown,
                     (long long)rep.no_identifier, (long long)rep.suppressed);
    }
    export_report_free(&rep);
    return rc;
}

const struct cmd_entry cmd_export_entry = {
    .name = "export",
    .usage = "export SOURCE to PATH [preset=NAME] [columns=COL:Header,…] [hash=sha256|none] [consent=COL|none] "
             "[purpose=P] [tags=TEXT] [bom] [force]",
    .summary = "write a segment or table as CSV for a marketing tool, only customers who consented, with a manifest "
               "(PATH.manifest.json)",
    .example = "export vip to vip-meta.csv preset=meta",
    .min_args = 3,
    .max_args = 3,
    .options = export_options,
    /* an export is logged like a change: the audit trail says who got which data */
    .flags = CMD_CHANGES | CMD_WRITES_FILE,
    .exec = export_exec,
};
