/* colguess.c — columns by role: name patterns checked against the values. */
#include "colguess.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "workspace.h"

/* The name lower-cased without '_', ' ' and '-' ("Invoice_Date" → "invoicedate"). */
static void squash(const char *s, char *out, size_t size)
{
    size_t k = 0;
    for (; *s && k + 1 < size; s++)
        if (*s != '_' && *s != ' ' && *s != '-')
            out[k++] = (char)tolower((unsigned char)*s);
    out[k] = '\0';
}

/* Whether at least 80% of the first 200 non-null values fit. */
static int content_fits(ctx *c, const char *table, const char *col, enum col_content content)
{
    if (content == COL_ANY)
        return 1;
    const char *test = content == COL_DATE ? "julianday(v) IS NOT NULL AND typeof(v) = 'text'"
                                           : "typeof(v) IN ('integer', 'real')";
    char *sql = sqlite3_mprintf("SELECT count(*), sum(%s) FROM (SELECT \"%w\" AS v FROM \"%w\" "
                                "WHERE \"%w\" IS NOT NULL LIMIT 200)", test, col, table, col);
    sqlite3_stmt *st;
    int fits = 0;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) {
            int64_t n = sqlite3_column_int64(st, 0), ok = sqlite3_column_int64(st, 1);
            fits = n > 0 && ok * 5 >= n * 4;
        }
        sqlite3_finalize(st);
    }
    sqlite3_free(sql);
    return fits;
}

char *guess_column(ctx *c, const char *table, const char *const *names, const char *const *contains,
                   enum col_content content)
{
    int n;
    char **cols = table_columns(c, "columns", table, &n);
    char *found = NULL;
    for (int pass = 0; pass < 2 && !found; pass++) {
        const char *const *list = pass == 0 ? names : contains;
        for (; list && *list && !found; list++)
            for (int i = 0; i < n && !found; i++) {
                char sq[128];
                squash(cols[i], sq, sizeof sq);
                int hit = pass == 0 ? strcmp(sq, *list) == 0 : strstr(sq, *list) != NULL;
                if (hit && content_fits(c, table, cols[i], content))
                    found = xstrdup(cols[i]);
            }
    }
    free_names(cols, n);
    return found;
}

char *require_column(ctx *c, const char *cmd, const char *option, const char *table, const char *name)
{
    int n;
    char **cols = table_columns(c, "columns", table, &n);
    char *found = NULL;
    struct strbuf list = {0};
    for (int i = 0; i < n; i++) {
        if (!found && sqlite3_stricmp(cols[i], name) == 0)
            found = xstrdup(cols[i]);
        strbuf_printf(&list, "%s%s", i ? ", " : "", cols[i]);
    }
    if (!found)
        ctx_error(c, "%s: %s=%s: no column '%s' in %s (columns: %s)", cmd, option, name, name, table,
                  strbuf_str(&list));
    strbuf_free(&list);
    free_names(cols, n);
    return found;
}
