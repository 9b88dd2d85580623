/* outblocks.h — a command's output in the table format, read back into its blocks.
 *
 * The workbench runs commands on its job runner, whose sink writes the table format
 * (sink.h); a view that lays a result out its own way (the profile card) reads the
 * text back: blocks are separated by blank lines, a block after the first may have
 * a "name:" line, a table is a header line over a rule of dashes (whose runs give
 * the columns' spans), and a record is "key  value" lines with the values in one
 * column. */
#ifndef PERSONA_OUTBLOCKS_H
#define PERSONA_OUTBLOCKS_H

enum outblock_kind { OUTBLOCK_RECORD, OUTBLOCK_TABLE, OUTBLOCK_TEXT };

struct outblock {
    enum outblock_kind kind;
    char *name;         /* from a "name:" line, or NULL */
    int ncols;          /* a table's columns; a record has 2 (key, value); text 1 */
    int nrows;
    char **cols;        /* a table's column names (NULL for records and text) */
    char **cells;       /* nrows * ncols, trimmed; a text block's lines */
    unsigned char *numeric;     /* a table's columns whose cells are all numbers */
};

struct outblocks {
    int n;
    struct outblock *blocks;
};

/* Parses text (free with outblocks_free()). */
void outblocks_parse(const char *text, struct outblocks *out);
void outblocks_free(struct outblocks *o);

#endif
