/* undo.h — recording what a changing command did, so `undo` can put it back.
 *
 * A changing command runs inside one transaction (cmd.c opens it); before it touches
 * a table it records here how to restore it, in _persona_undo, in the same
 * transaction.  Four ways:
 *   - a table it creates is noted, and undo drops it;
 *   - a table it drops or replaces is renamed away (cheap, no copy) and undo renames
 *     it back, indexes and all;
 *   - a table it changes in place is copied first, and undo swaps the copy back in;
 *   - cells it changes one by one (cleaning) are logged with their old values in
 *     _persona_changes, and undo writes the old values back.
 * Schema objects (views, indexes, triggers) that appear, vanish or change during a
 * `sql` statement are found by comparing the schema before and after.
 * Only the last UNDO_DEPTH changing commands keep their undo data. */
#ifndef PERSONA_UNDO_H
#define PERSONA_UNDO_H

#include "ctx.h"

enum { UNDO_DEPTH = 10 };

/* The running command (c->command_id) created this table. */
int undo_table_created(ctx *c, const char *table);

/* Moves the table out of the way (the command is about to drop or replace it). */
int undo_table_stashed(ctx *c, const char *table);

/* Copies the table aside (the command is about to change it in place).  Does
 * nothing when the command already recorded how to restore this table. */
int undo_table_copied(ctx *c, const char *table);

/* The command is about to change single cells of the table and records each old value
 * in _persona_changes (cleaning.c does): undo writes those values back, by rowid, and
 * deletes the command's change rows.  Recorded once per table and command. */
int undo_cells_changed(ctx *c, const char *table);

/* Runs sql when this command is undone (after the other steps recorded before it). */
int undo_exec(ctx *c, const char *sql);

/* A picture of the schema (type, name, sql of every non-internal object). */
struct schema_snapshot;
struct schema_snapshot *schema_snapshot_take(ctx *c);
void schema_snapshot_free(struct schema_snapshot *s);

/* Records how to undo the differences between `before` and the schema now: objects
 * that appeared are dropped, views/indexes/triggers that vanished or changed are
 * recreated.  Tables already recorded by this command are left to that record. */
int undo_schema_changes(ctx *c, const struct schema_snapshot *before);

/* Forgets undo data beyond the last UNDO_DEPTH commands: drops their stashes and
 * their rows of _persona_changes, so undo and change data stay bounded. */
int undo_prune(ctx *c);

/* Forgets all undo data, stashes and the change rows that go with them (forget: the
 * stashed copies hold the erased person too). */
int undo_clear(ctx *c);

/* Undoes the last changing command that can be undone, inside the caller's
 * transaction; *undone receives its log id.  Fails when there is nothing to undo. */
int undo_last(ctx *c, int64_t *undone);

#endif
