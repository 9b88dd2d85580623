/* consent_ledger.c — consent events per purpose (see consent_ledger.h). */
#include "consent_ledger.h"

#include <sqlite3.h>
#include <string.h>

#include "strbuf.h"
#include "undo.h"
#include "workspace.h"

int ledger_purpose_ok(const char *purpose)
{
    static const char *const purposes[] = {"email", "sms", "ads", "analytics"};
    for (size_t i = 0; i < sizeof purposes / sizeof purposes[0]; i++)
        if (strcmp(purpose, purposes[i]) == 0)
            return 1;
    return 0;
}

int ledger_record(ctx *c, const char *customer, const char *purpose, int granted, const char *at, const char *source)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "consent", "INSERT INTO _persona_consent(customer, purpose, granted, at, source, command_id) "
                                  "VALUES (?1, ?2, ?3, coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', ?4), "
                                  "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')), ?5, ?6)", &st))
        return -1;
    sqlite3_bind_text(st, 1, customer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, purpose, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, granted);
    if (at)
        sqlite3_bind_text(st, 4, at, -1, SQLITE_STATIC);
    if (source)
        sqlite3_bind_text(st, 5, source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, c->command_id);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ctx_sqlite_error(c, "consent");
    sqlite3_finalize(st);
    if (rc)
        return -1;
    /* undone by deleting what this command recorded (once per command) */
    if (query_int(c, "SELECT count(*) FROM _persona_undo WHERE command_id = %lld AND sql LIKE 'DELETE FROM "
                     "_persona_consent%%'", (long long)c->command_id) > 0)
        return 0;
    char *undo = sqlite3_mprintf("DELETE FROM _persona_consent WHERE command_id = %lld", (long long)c->command_id);
    rc = undo_exec(c, undo);
    sqlite3_free(undo);
    return rc;
}

void ledger_state_sql(const char *key_expr, const char *purpose, struct strbuf *b)
{
    strbuf_printf(b, "(SELECT e.granted FROM _persona_consent e WHERE e.customer = CAST(%s AS TEXT) AND "
                     "e.purpose = '%s' ORDER BY e.at DESC, e.id DESC LIMIT 1)", key_expr, purpose);
}

int ledger_has(ctx *c, const char *purpose)
{
    return query_int(c, "SELECT count(*) FROM _persona_consent WHERE purpose = %Q", purpose) > 0;
}
