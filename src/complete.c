/* complete.c — candidates for the word under the cursor, read from the command table.
 *
 * Three steps.  locate() reads the line up to the cursor the way split_commands() and
 * tokenize() will, and finds the command and the word under the cursor, with the
 * word's quotes removed and a map back to the line.  A source (commands, options,
 * tables, columns, files, literal words) then adds the names that fit what is typed
 * from some point of that word on.  finish() picks the point the candidates replace
 * from and writes them as the line needs them. */
#include "complete.h"

#include <ctype.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cmd.h"
#include "strbuf.h"
#include "tokenize.h"
#include "workspace.h"

static int is_blank(char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; }

/* A byte of an unquoted SQL name; any byte of a UTF-8 sequence counts, as in SQLite. */
static int is_name_byte(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_' || ch == '$' || (unsigned char)ch >= 0x80;
}

/* The entry a command word names, exact or a unique prefix as run_line() reads it. */
static const struct cmd_entry *entry_named(const char *name, size_t len)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return NULL;
    memcpy(buf, name, len);
    buf[len] = '\0';
    return cmd_find(buf);
}

/* ---- where the cursor is ---- */

struct spot {
    int raw;                /* the command takes its line raw: text is its SQL */
    int comment;            /* the cursor is in a # comment */
    size_t cmd;             /* where the cursor's command starts */
    size_t word;            /* where the word under the cursor starts */
    struct strbuf text;     /* that word up to the cursor, quotes removed */
    size_t *at;             /* at[i]: the offset of text.buf[i] in the line */
    size_t cap;
    size_t unquoted;        /* text index after the last quote character: candidates
                             * never replace across a quote, which would change what
                             * the rest of the line means */
    char quote;             /* the quote open at the cursor, or 0 */
};

static void spot_put(struct spot *s, char ch, size_t offset)
{
    if (s->text.len == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->at = xrealloc(s->at, s->cap * sizeof *s->at);
    }
    s->at[s->text.len] = offset;
    strbuf_putc(&s->text, ch);
}

static void spot_new_word(struct spot *s, size_t offset)
{
    strbuf_reset(&s->text);
    s->word = offset;
    s->unquoted = 0;
}

/* Reads line[0, cursor) as split_commands() and tokenize() do: ';' and line breaks
 * end commands, '#' starts a comment, a raw command (sql) owns the rest of its line,
 * quotes group and a doubled quote inside quotes stands for itself. */
static void locate(const char *line, size_t cursor, struct spot *s)
{
    int at_command = 1;     /* the next word is a command's first */
    size_t p = 0;
    spot_new_word(s, 0);
    while (p < cursor) {
        char ch = line[p];
        if (s->quote) {
            if (ch != s->quote) {
                spot_put(s, ch, p++);
                continue;
            }
            if (p + 1 < cursor && line[p + 1] == ch) {
                spot_put(s, ch, p);
                p += 2;
            } else {
                s->quote = 0;
                p++;
            }
            s->unquoted = s->text.len;
            continue;
        }
        if (is_blank(ch) || ch == ';') {
            spot_new_word(s, ++p);
            if (ch == ';' || ch == '\n') {
                at_command = 1;
                s->cmd = p;
            }
            continue;
        }
        if (at_command) {
            at_command = 0;
            s->cmd = p;
            const struct cmd_entry *e;
            size_t end = p + strcspn(line + p, " \t\r\n;#'\"");
            if (end < cursor && is_blank(line[end]) && (e = entry_named(line + p, end - p)) &&
                (e->flags & CMD_RAW)) {
                const char *eol = strchr(line + end, '\n');
                if (eol && (size_t)(eol - line) < cursor) {
                    p = (size_t)(eol - line);   /* the next command starts there */
                    continue;
                }
                s->raw = 1;
                spot_new_word(s, end);
                for (size_t i = end; i < cursor; i++)
                    spot_put(s, line[i], i);
                return;
            }
        }
        if (ch == '#') {
            const char *eol = strchr(line + p, '\n');
            if (!eol || (size_t)(eol - line) >= cursor) {
                s->comment = 1;
                return;
            }
            p = (size_t)(eol - line);
            continue;
        }
        if (ch == '\'' || ch == '"') {
            s->quote = ch;
            s->unquoted = s->text.len;
            p++;
            continue;
        }
        spot_put(s, ch, p++);
    }
}

/* ---- SQL text: sql and the EXPR and LIST options ---- */

enum sql_token { SQL_END, SQL_NAME, SQL_QUOTED_NAME, SQL_STRING, SQL_COMMENT, SQL_OTHER };

/* Reads the token at *pos of sql[0, len): sets *start, moves *pos past it, and sets
 * *open when a quoted name, string or comment is still open at len. */
static enum sql_token sql_token(const char *sql, size_t len, size_t *pos, size_t *start, int *open)
{
    size_t p = *pos;
    while (p < len && is_blank(sql[p]))
        p++;
    *start = p;
    *open = 0;
    enum sql_token t = SQL_OTHER;
    if (p == len) {
        t = SQL_END;
    } else if (is_name_byte(sql[p])) {
        while (p < len && is_name_byte(sql[p]))
            p++;
        t = SQL_NAME;
    } else if (sql[p] == '\'' || sql[p] == '"') {
        char q = sql[p++];
        t = q == '"' ? SQL_QUOTED_NAME : SQL_STRING;
        *open = 1;
        while (p < len && *open) {
            if (sql[p++] != q)
                continue;
            if (p < len && sql[p] == q)
                p++;            /* a doubled quote stands for itself */
            else
                *open = 0;
        }
    } else if (sql[p] == '-' && p + 1 < len && sql[p + 1] == '-') {
        const char *nl = memchr(sql + p, '\n', len - p);
        t = SQL_COMMENT;
        *open = !nl;
        p = nl ? (size_t)(nl - sql) + 1 : len;
    } else {
        p++;
    }
    *pos = p;
    return t;
}

/* Where the name being typed at the end of sql[0, len) starts; -1 when the end is in
 * a string or a comment, or just after a closed quote.  *quote is '"' inside a quoted
 * name, where names of any spelling complete. */
static long sql_name_start(const char *sql, size_t len, char *quote)
{
    size_t pos = 0, start, last_start = len;
    int open, last_open = 0;
    enum sql_token t, last = SQL_OTHER;
    *quote = 0;
    while ((t = sql_token(sql, len, &pos, &start, &open)) != SQL_END) {
        last = pos == len ? t : SQL_OTHER;
        last_start = start;
        last_open = open;
    }
    switch (last) {
    case SQL_NAME: return (long)last_start;
    case SQL_OTHER: return (long)len;
    case SQL_QUOTED_NAME:
        if (!last_open)
            return -1;
        *quote = '"';
        return (long)last_start + 1;
    default: return -1;
    }
}

/* ---- the usage string ---- */

/* What a usage string says a command takes.  Each form ("history [limit=N]",
 * "history save FILE") is a list of slots, one per positional word; a slot's spec is
 * '|'-separated alternatives, each a PLACEHOLDER or a literal word. */
enum { MAX_FORMS = 8, MAX_SLOTS = 16, MAX_VALUES = 32, MAX_DEPTH = 4 };

struct slot {
    const char *spec;
    int skip_to;            /* an optional group starts here: the slot after it; 0: none */
    int repeat;             /* "TABLE…": any number of words */
};

struct usage {
    char *buf;              /* the usage string, cut into the specs */
    int nforms;
    struct {
        int n;
        struct slot slots[MAX_SLOTS];
    } forms[MAX_FORMS];
    int nvalues;
    struct {
        const char *key, *spec;
    } values[MAX_VALUES];   /* "key=COL": what an option's value takes */
};

static int is_flag_of(const struct cmd_entry *e, const char *word)
{
    for (const struct cmd_option *o = e->options; o && o->key; o++)
        if (o->def == CMD_FLAG && strcmp(o->key, word) == 0)
            return 1;
    return 0;
}

/* Strips a trailing suffix; returns whether it was there. */
static int strip_suffix(char *w, const char *suffix)
{
    size_t n = strlen(w), k = strlen(suffix);
    if (n < k || strcmp(w + n - k, suffix) != 0)
        return 0;
    w[n - k] = '\0';
    return 1;
}

/* Reads e's usage: "[…]" groups are optional, " | " separates forms, a word ending
 * in "…" repeats, key=SPEC describes an option's value, a flag's name is not a slot,
 * and each form's first word is the command's name. */
static void usage_parse(const struct cmd_entry *e, struct usage *u)
{
    memset(u, 0, sizeof *u);
    u->buf = xstrdup(e->usage);
    u->nforms = 1;
    int open[MAX_DEPTH], depth = 0, first = 1;
    char *save;
    for (char *w = strtok_r(u->buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (strcmp(w, "|") == 0 && depth == 0) {
            if (u->nforms == MAX_FORMS)
                break;
            u->nforms++;
            first = 1;
            continue;
        }
        int closes = 0, repeat = 0;
        for (;;) {
            if (strip_suffix(w, "]"))
                closes++;
            else if (strip_suffix(w, "…") || strip_suffix(w, "..."))
                repeat = 1;
            else
                break;
        }
        struct slot *slots = u->forms[u->nforms - 1].slots;
        int *n = &u->forms[u->nforms - 1].n;
        for (; *w == '['; w++)
            if (depth < MAX_DEPTH)
                open[depth++] = *n;
        char *eq = strchr(w, '=');
        if (first || !*w || is_flag_of(e, w)) {
            /* the command's name, or not a positional word */
        } else if (eq) {
            if (u->nvalues < MAX_VALUES) {
                *eq = '\0';
                u->values[u->nvalues].key = w;
                u->values[u->nvalues++].spec = eq + 1;
            }
        } else if (*n < MAX_SLOTS) {
            slots[(*n)++] = (struct slot){.spec = w, .repeat = repeat};
        }
        first = 0;
        for (; closes > 0 && depth > 0; closes--) {
            int o = open[--depth];
            if (*n > o && !slots[o].skip_to)
                slots[o].skip_to = *n;
        }
    }
}

static const char *usage_value_spec(const struct usage *u, const char *key)
{
    for (int i = 0; i < u->nvalues; i++)
        if (strcmp(u->values[i].key, key) == 0)
            return u->values[i].spec;
    return NULL;
}

/* Copies the next alternative of *spec into buf, without the quotes that let one
 * be '|' itself, and moves *spec past it; returns 0 at the end. */
static int next_alternative(const char **spec, char *buf, size_t size)
{
    const char *p = *spec;
    if (!*p)
        return 0;
    size_t n = 0;
    int quoted = 0;
    for (; *p && (quoted || *p != '|'); p++) {
        if (*p == '\'')
            quoted = !quoted;
        else if (n + 1 < size)
            buf[n++] = *p;
    }
    buf[n] = '\0';
    *spec = *p ? p + 1 : p;
    return 1;
}

enum kind { KIND_LITERAL, KIND_NONE, KIND_RELATION, KIND_PATH, KIND_COMMAND, KIND_COLUMN, KIND_SQL };

/* What an alternative of a spec stands for: upper case is a placeholder. */
static enum kind alternative_kind(const char *alt)
{
    static const struct {
        const char *word;
        enum kind kind;
    } known[] = {
        {"TABLE", KIND_RELATION}, {"SOURCE", KIND_RELATION}, {"VIEW", KIND_RELATION},
        {"PATH", KIND_PATH},      {"FILE", KIND_PATH},       {"SCRIPT", KIND_PATH},
        {"DIR", KIND_PATH},       {"COMMAND", KIND_COMMAND}, {"COL", KIND_COLUMN},
        {"COLUMN", KIND_COLUMN},  {"COLS", KIND_SQL},        {"LIST", KIND_SQL},
        {"EXPR", KIND_SQL},
    };
    if (!isupper((unsigned char)alt[0]))
        return KIND_LITERAL;
    for (const char *p = alt; *p; p++)
        if (islower((unsigned char)*p))
            return KIND_LITERAL;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(alt, known[i].word) == 0)
            return known[i].kind;
    return KIND_NONE;       /* NAME, N, KEY: something the user makes up */
}

/* Whether a typed positional word fits a slot: any word fits a placeholder, a
 * literal only itself. */
static int spec_accepts(const char *spec, const char *word)
{
    char alt[64];
    while (next_alternative(&spec, alt, sizeof alt))
        if (alternative_kind(alt) != KIND_LITERAL || strcmp(alt, word) == 0)
            return 1;
    return 0;
}

/* Adds to specs[] the specs of the slots from slot i of form f on that can take the
 * next positional word, when words[0, n) are the positional words before it. */
static void reachable_slots(const struct usage *u, int f, int i, char *const *words, int n,
                            const char **specs, int *nspecs)
{
    if (i >= u->forms[f].n)
        return;
    const struct slot *s = &u->forms[f].slots[i];
    if (s->skip_to)
        reachable_slots(u, f, s->skip_to, words, n, specs, nspecs);
    if (n == 0) {
        if (*nspecs < MAX_FORMS * MAX_SLOTS)
            specs[(*nspecs)++] = s->spec;
    } else if (spec_accepts(s->spec, words[0])) {
        reachable_slots(u, f, i + 1, words + 1, n - 1, specs, nspecs);
        if (s->repeat)
            reachable_slots(u, f, i, words + 1, n - 1, specs, nspecs);
    }
}

/* ---- candidates ---- */

struct completer {
    ctx *c;
    struct spot s;
    struct words before;    /* the command's words before the word under the cursor */
    char **rels;            /* the workspace's tables and views, read when first needed */
    int nrels, have_rels;
    size_t from;            /* candidates are kept whole from s.text[from]: the word's
                             * start, or its value's after "key=" */
    size_t cut;             /* the latest point a source matched from */
    int ends_word;
    char quote;             /* sql: the quote open in the statement */
    char **v;
    int n, cap;
};

/* How a source's names are matched and written. */
enum {
    MATCH_FOLD = 1,     /* compared without regard to case, as SQL does */
    MATCH_INSIDE = 2,   /* inside a list or an expression: the word goes on */
    MATCH_SQL = 4,      /* written as an SQL name: in double quotes unless plain */
};

/* Whether an SQL statement can use name without quotes. */
static int is_plain_sql_name(const char *name)
{
    if (!*name || isdigit((unsigned char)*name))
        return 0;
    for (const char *p = name; *p; p++)
        if (!is_name_byte(*p))
            return 0;
    return !sqlite3_keyword_check(name, (int)strlen(name));
}

/* Adds name if it starts with what is typed from s.text[at] on. */
static void cand_add(struct completer *k, size_t at, const char *name, int how)
{
    const char *typed = strbuf_str(&k->s.text) + at;
    size_t len = k->s.text.len - at;
    if ((how & MATCH_FOLD) ? strncasecmp(name, typed, len) != 0 : strncmp(name, typed, len) != 0)
        return;
    struct strbuf b = {0};
    strbuf_append(&b, strbuf_str(&k->s.text) + k->from, at - k->from);
    /* A quoted name no longer starts with what is typed, so finish() must replace
     * from at: not when a quote of the command line falls inside the name. */
    if ((how & MATCH_SQL) && !is_plain_sql_name(name) && k->s.unquoted <= at)
        strbuf_put_ident(&b, name);
    else
        strbuf_puts(&b, name);
    if (k->n == k->cap) {
        k->cap = k->cap ? 2 * k->cap : 32;
        k->v = xrealloc(k->v, (size_t)k->cap * sizeof *k->v);
    }
    k->v[k->n++] = b.buf;
    if (at > k->cut)
        k->cut = at;
    if (how & MATCH_INSIDE)
        k->ends_word = 0;
}

static void add_commands(struct completer *k, size_t at)
{
    int n;
    const struct cmd_entry *const *e = cmd_entries(&n);
    for (int i = 0; i < n; i++)
        cand_add(k, at, e[i]->name, 0);
}

static void load_relations(struct completer *k)
{
    if (!k->have_rels && k->c->db)
        k->rels = user_relations(k->c, &k->nrels);
    k->have_rels = 1;
}

static void add_relations(struct completer *k, size_t at, int how)
{
    load_relations(k);
    for (int i = 0; i < k->nrels; i++)
        cand_add(k, at, k->rels[i], how);
}

static void add_columns_of(struct completer *k, const char *table, size_t at, int how)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(k->c->db, "SELECT name FROM pragma_table_info(?1)", -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW)
        cand_add(k, at, (const char *)sqlite3_column_text(st, 0), how);
    sqlite3_finalize(st);
}

/* The workspace's name for a table or view named name[0, len) in any case, or NULL. */
static const char *relation_named(struct completer *k, const char *name, size_t len)
{
    load_relations(k);
    for (int i = 0; i < k->nrels; i++)
        if (strlen(k->rels[i]) == len && sqlite3_strnicmp(k->rels[i], name, (int)len) == 0)
            return k->rels[i];
    return NULL;
}

/* Columns of the tables named by the positional words before the cursor. */
static void add_columns(struct completer *k, size_t at, int how)
{
    for (int i = 1; i < k->before.n; i++) {
        const struct word *w = &k->before.w[i];
        const char *table = w->key ? NULL : relation_named(k, w->text, strlen(w->text));
        if (table)
            add_columns_of(k, table, at, how);
    }
}

/* Files and folders (with a '/') whose names go on the part of the path after its
 * last '/'; dot files only when that part starts with a dot. */
static void add_paths(struct completer *k)
{
    const char *path = strbuf_str(&k->s.text) + k->from;
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    size_t at = k->from + dirlen;
    const char *typed = path + dirlen;
    struct strbuf file = {0};
    strbuf_append(&file, path, dirlen);
    DIR *d = opendir(dirlen ? strbuf_str(&file) : ".");
    if (!d) {
        strbuf_free(&file);
        return;
    }
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        const char *name = de->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || (name[0] == '.' && typed[0] != '.') ||
            strncmp(name, typed, strlen(typed)) != 0)
            continue;
        file.len = dirlen;
        strbuf_puts(&file, name);
        struct stat st;
        if (stat(file.buf, &st) == 0 && S_ISDIR(st.st_mode))
            strbuf_putc(&file, '/');
        cand_add(k, at, file.buf + dirlen, 0);
    }
    closedir(d);
    strbuf_free(&file);
}

/* Names inside SQL text from s.text[k->from] to the cursor (an EXPR or LIST value). */
static void add_sql_columns(struct completer *k)
{
    char quote;
    long start = sql_name_start(strbuf_str(&k->s.text) + k->from, k->s.text.len - k->from, &quote);
    if (start >= 0)
        add_columns(k, k->from + (size_t)start, MATCH_FOLD | MATCH_INSIDE | (quote ? 0 : MATCH_SQL));
}

/* Adds what a spec takes; literal words only when with_literals (an option's value
 * spec offers them only when it lists choices: "rejects=1%" shows a default). */
static void add_spec(struct completer *k, const char *spec, int with_literals)
{
    char alt[64];
    while (next_alternative(&spec, alt, sizeof alt)) {
        switch (alternative_kind(alt)) {
        case KIND_LITERAL:
            if (with_literals)
                cand_add(k, k->from, alt, 0);
            break;
        case KIND_RELATION: add_relations(k, k->from, 0); break;
        case KIND_PATH: add_paths(k); break;
        case KIND_COMMAND: add_commands(k, k->from); break;
        case KIND_COLUMN: add_columns(k, k->from, 0); break;
        case KIND_SQL: add_sql_columns(k); break;
        case KIND_NONE: break;
        }
    }
}

static int option_given(const struct completer *k, const struct cmd_entry *e, const struct cmd_option *o)
{
    for (int i = 1; i < k->before.n; i++) {
        const struct word *w = &k->before.w[i];
        if (w->key ? cmd_find_option(e, w->key) == o
                   : !w->quoted && o->def == CMD_FLAG && strcmp(w->text, o->key) == 0)
            return 1;
    }
    return 0;
}

/* Options not yet on the line, as "key=" or a flag's word. */
static void add_options(struct completer *k, const struct cmd_entry *e)
{
    struct strbuf b = {0};
    for (const struct cmd_option *o = e->options; o && o->key; o++) {
        if (option_given(k, e, o))
            continue;
        strbuf_reset(&b);
        strbuf_puts(&b, o->key);
        if (o->def != CMD_FLAG)
            strbuf_putc(&b, '=');
        cand_add(k, 0, b.buf, 0);
    }
    strbuf_free(&b);
}

/* A word after the command's: an option's value after "key=", else a positional
 * word, which may also be an option. */
static void complete_argument(struct completer *k, const struct cmd_entry *e, const char *line,
                              size_t cursor)
{
    struct usage u;
    usage_parse(e, &u);
    /* the tokenizer decides whether the word is key=value; its quote closed for it */
    struct strbuf raw = {0};
    strbuf_append(&raw, line + k->s.word, cursor - k->s.word);
    if (k->s.quote)
        strbuf_putc(&raw, k->s.quote);
    struct words cur = {0};
    char err[128];
    if (tokenize(strbuf_str(&raw), &cur, err, sizeof err) == 0 && cur.n == 1 && cur.w[0].key) {
        const struct cmd_option *o = cmd_find_option(e, cur.w[0].key);
        const char *spec = o && o->def != CMD_FLAG ? usage_value_spec(&u, o->key) : NULL;
        if (spec) {
            k->from = strlen(cur.w[0].key) + 1;
            add_spec(k, spec, strchr(spec, '|') != NULL);
        }
    } else {
        char *words[k->before.n];
        int n = 0;
        for (int i = 1; i < k->before.n; i++) {
            const struct word *w = &k->before.w[i];
            if (!w->key && (w->quoted || !is_flag_of(e, w->text)))
                words[n++] = w->text;
        }
        const char *specs[MAX_FORMS * MAX_SLOTS];
        int nspecs = 0;
        for (int f = 0; f < u.nforms; f++)
            reachable_slots(&u, f, 0, words, n, specs, &nspecs);
        for (int i = 0; i < nspecs; i++)
            add_spec(k, specs[i], 1);
        add_options(k, e);
    }
    words_free(&cur);
    strbuf_free(&raw);
    free(u.buf);
}

/* A word of a command that is not raw. */
static void complete_words(struct completer *k, const char *line, size_t cursor)
{
    struct strbuf before = {0};
    strbuf_append(&before, line + k->s.cmd, k->s.word - k->s.cmd);
    char err[128];
    int bad = tokenize(strbuf_str(&before), &k->before, err, sizeof err);
    strbuf_free(&before);
    if (bad)
        return;
    if (k->before.n == 0) {
        add_commands(k, 0);
        return;
    }
    const char *name = k->before.w[0].text;
    const struct cmd_entry *e = entry_named(name, strlen(name));
    if (e)
        complete_argument(k, e, line, cursor);
}

/* Adds the columns of the tables named in sql[pos, len). */
static void add_mentioned_columns(struct completer *k, const char *sql, size_t pos, size_t len,
                                  size_t at, int how)
{
    size_t start;
    int open;
    enum sql_token t;
    while ((t = sql_token(sql, len, &pos, &start, &open)) != SQL_END) {
        const char *table = NULL;
        if (t == SQL_NAME)
            table = relation_named(k, sql + start, pos - start);
        else if (t == SQL_QUOTED_NAME && !open)
            table = relation_named(k, sql + start + 1, pos - start - 2);
        if (table)
            add_columns_of(k, table, at, how);
    }
}

/* sql: table names, and the columns of the tables its statement mentions anywhere on
 * its line, also after the cursor ("SELECT em| FROM customers").  The text after the
 * cursor is read on its own, so that a quote open at the cursor does not take it in
 * ("SELECT \"Order D| FROM orders"). */
static void complete_sql(struct completer *k, const char *line, size_t cursor)
{
    long at = sql_name_start(strbuf_str(&k->s.text), k->s.text.len, &k->quote);
    if (at < 0)
        return;
    int how = MATCH_FOLD | (k->quote ? 0 : MATCH_SQL);
    add_relations(k, (size_t)at, how);
    const char *sql = line + k->s.word;
    add_mentioned_columns(k, sql, 0, (size_t)at, (size_t)at, how);
    add_mentioned_columns(k, sql, cursor - k->s.word, strcspn(sql, "\n"), (size_t)at, how);
}

/* Text to insert, written for the quote open at the cursor: quotes doubled inside
 * one; outside, a candidate the tokenizer would split comes quoted, a folder with its
 * quote left open so completing goes on inside it. */
static char *quote_for_line(const char *s, char quote)
{
    struct strbuf b = {0};
    int close = 0;
    if (!quote) {
        if (!s[strcspn(s, " \t\r\n'\";#")])
            return xstrdup(s);
        quote = strchr(s, '"') && !strchr(s, '\'') ? '\'' : '"';
        strbuf_putc(&b, quote);
        close = s[strlen(s) - 1] != '/';
    }
    for (; *s; s++) {
        if (*s == quote)
            strbuf_putc(&b, quote);
        strbuf_putc(&b, *s);
    }
    if (close)
        strbuf_putc(&b, quote);
    return b.buf;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replaces from the latest point any source matched from (and never across a quote),
 * so candidates are short: "country", not "where=country". */
static void finish(struct completer *k, size_t cursor, struct completion *out)
{
    size_t cut = k->cut > k->s.unquoted ? k->cut : k->s.unquoted;
    out->start = k->n && cut < k->s.text.len ? k->s.at[cut] : cursor;
    out->quote = k->s.raw ? k->quote : k->s.quote;
    out->ends_word = k->ends_word;
    out->items = xcalloc((size_t)k->n, sizeof *out->items);
    for (int i = 0; i < k->n; i++) {
        const char *part = k->v[i] + (cut - k->from);
        out->items[i] = k->s.raw ? xstrdup(part) : quote_for_line(part, k->s.quote);
    }
    qsort(out->items, (size_t)k->n, sizeof *out->items, compare_strings);
    for (int i = 0; i < k->n; i++) {
        if (out->n > 0 && strcmp(out->items[out->n - 1], out->items[i]) == 0)
            free(out->items[i]);
        else
            out->items[out->n++] = out->items[i];
    }
}

int complete_line(ctx *c, const char *line, size_t cursor, struct completion *out)
{
    memset(out, 0, sizeof *out);
    size_t len = strlen(line);
    if (cursor > len)
        cursor = len;
    struct completer k = {.c = c, .ends_word = 1};
    locate(line, cursor, &k.s);
    if (k.s.raw)
        complete_sql(&k, line, cursor);
    else if (!k.s.comment)
        complete_words(&k, line, cursor);
    finish(&k, cursor, out);
    for (int i = 0; i < k.n; i++)
        free(k.v[i]);
    free(k.v);
    words_free(&k.before);
    free_names(k.rels, k.nrels);
    strbuf_free(&k.s.text);
    free(k.s.at);
    return out->n;
}

int completion_is_final(const struct completion *cp)
{
    if (cp->n != 1 || !cp->ends_word)
        return 0;
    size_t len = strlen(cp->items[0]);
    return len > 0 && cp->items[0][len - 1] != '=' && cp->items[0][len - 1] != '/';
}

void completion_free(struct completion *cp)
{
    for (int i = 0; i < cp->n; i++)
        free(cp->items[i]);
    free(cp->items);
    memset(cp, 0, sizeof *cp);
}
