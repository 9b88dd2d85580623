/* cmdwords.c — quoting words and reading one command line, for front ends. */
#include "cmdwords.h"

#include <string.h>

void cmdwords_quote(struct strbuf *b, const char *text)
{
    /* '=' too: "a=b" as a plain word would read as an option */
    if (*text && !strpbrk(text, " \t\r\n'\";#=")) {
        strbuf_puts(b, text);
        return;
    }
    strbuf_putc(b, '\'');
    for (const char *p = text; *p; p++) {
        if (*p == '\'')
            strbuf_putc(b, '\'');
        strbuf_putc(b, *p);
    }
    strbuf_putc(b, '\'');
}

void cmdwords_append(struct strbuf *b, const struct word *w)
{
    if (b->len)
        strbuf_putc(b, ' ');
    if (w->key) {
        strbuf_printf(b, "%s=", w->key);
        cmdwords_quote(b, w->value);
    } else {
        cmdwords_quote(b, w->text);
    }
}

int cmdwords_single(const char *line, const struct cmd_entry **entry, struct words *out)
{
    char err[256], **cmds;
    int n;
    memset(out, 0, sizeof *out);
    *entry = NULL;
    if (split_commands(line, cmd_is_raw, cmd_sql_goes_on, &cmds, &n, err, sizeof err) != 0)
        return -1;
    int rc = n == 1 ? tokenize(cmds[0], out, err, sizeof err) : -1;
    commands_free(cmds, n);
    if (rc != 0 || out->n == 0) {
        words_free(out);
        memset(out, 0, sizeof *out);
        return -1;
    }
    *entry = out->w[0].key ? NULL : cmd_find(out->w[0].text);
    return 0;
}

int cmdwords_is_option(const struct cmd_entry *e, const struct word *w, const char *key)
{
    if (!e || !w->key)
        return 0;
    const struct cmd_option *o = cmd_find_option(e, w->key);
    return o && strcmp(o->key, key) == 0;
}
