#!/usr/bin/env bash
# undo puts the workspace back exactly as it was before the last changing command:
# load, load … replace, drop, and data- or schema-changing sql.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

printf 'id,name,age\n1,Ann,30\n2,Bob,40\n3,Cy,50\n' >people.csv
printf 'id,name\n1,X\n2,"Bad\n3,Z\n' >other.csv

# ---- load, then undo: the table and its rejects are gone ----
expect_ok "an empty workspace" -c "tables"
expect_eq "reading an empty workspace creates nothing in it" "" "$(sqlite3 "$DB" "SELECT name FROM sqlite_master")"
expect_ok "a first change adopts it" -c "sql CREATE TABLE first(x)"
expect_ok "… undone" -c "undo"
s0=$(ws_state)
expect_ok "load with a reject" -c "load other.csv rejects=all"
expect_eq "load: one reject recorded" "1" "$(q "SELECT count(*) FROM _persona_rejects")"
expect_ok "undo the load" -c "undo"
expect_match "undo says what it undid" '^command +load other\.csv rejects=all$' "$OUT"
expect_eq "undo load: table gone" "0" "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'other'")"
expect_eq "undo load: rejects gone" "0" "$(q "SELECT count(*) FROM _persona_rejects")"
expect_eq "undo load: no record of the table" "0" "$(q "SELECT count(*) FROM _persona_tables")"
unchanged "undo load: workspace exactly as before" "$s0"
expect_ok "the same load again after undo" -c "load other.csv rejects=all"
expect_ok "… and undo again" -c "undo"

# ---- drop, then undo: the table is back with its rows and its key index ----
expect_ok "setup: load people key=id" -c "load people.csv key=id"
s1=$(ws_state)
expect_ok "drop people" -c "drop people"
expect_eq "drop: table gone" "0" "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'people'")"
p -c "tables"
expect_eq "drop: tables does not list it (nor its stash)" "" "$(sed 1,2d <<<"$OUT")"
expect_ok "undo the drop" -c "undo"
expect_eq "undo drop: rows back" "1 Ann 30|2 Bob 40|3 Cy 50" \
    "$(q "SELECT group_concat(id || ' ' || name || ' ' || age, '|') FROM (SELECT * FROM people ORDER BY id)")"
expect_eq "undo drop: key index back" "people_key|1" \
    "$(q "SELECT name || '|' || \"unique\" FROM pragma_index_list('people')")"
expect_eq "undo drop: key recorded" "id" "$(q "SELECT key_column FROM _persona_tables WHERE name = 'people'")"
expect_fail "undo drop: the key index works (unique)" 1 'UNIQUE constraint failed: people\.id' \
    -c "sql INSERT INTO people VALUES (1, 'Dup', 1)"
unchanged "undo drop: workspace exactly as before" "$s1"

# ---- sql UPDATE, then undo: the old values are back ----
expect_ok "sql UPDATE" -c "sql UPDATE people SET age = age + 1, name = upper(name) WHERE id > 1"
expect_match "sql UPDATE reports the changed rows" '^changes +2$' "$OUT"
expect_eq "sql UPDATE changed the rows" "2 BOB 41" "$(q "SELECT id || ' ' || name || ' ' || age FROM people WHERE id = 2")"
expect_ok "undo the UPDATE" -c "undo"
expect_eq "undo UPDATE: values restored" "1 Ann 30|2 Bob 40|3 Cy 50" \
    "$(q "SELECT group_concat(id || ' ' || name || ' ' || age, '|') FROM (SELECT * FROM people ORDER BY id)")"
unchanged "undo UPDATE: workspace exactly as before (index, rowids)" "$s1"

# DELETE and INSERT in one sql command are one change: one undo takes both back.
expect_ok "sql DELETE; INSERT as one command" -c "sql DELETE FROM people WHERE id = 1; INSERT INTO people VALUES (9, 'Nine', 99)"
expect_eq "both statements ran" "2,3,9" "$(q "SELECT group_concat(id) FROM (SELECT id FROM people ORDER BY id)" | tr -d '"')"
expect_ok "undo the two-statement sql" -c "undo"
unchanged "undo DELETE+INSERT: workspace exactly as before" "$s1"

# Schema changes through sql: a new column, a new table.
expect_ok "sql ALTER TABLE ADD COLUMN" -c "sql ALTER TABLE people ADD COLUMN email TEXT"
expect_ok "undo ALTER TABLE" -c "undo"
expect_eq "undo ALTER: the column is gone" "3" "$(q "SELECT count(*) FROM pragma_table_info('people')")"
unchanged "undo ALTER: workspace exactly as before" "$s1"
expect_ok "sql CREATE TABLE AS" -c "sql CREATE TABLE young AS SELECT * FROM people WHERE age < 45"
expect_ok "undo CREATE TABLE AS" -c "undo"
unchanged "undo CREATE TABLE: workspace exactly as before" "$s1"

# ---- views: CREATE VIEW and DROP VIEW through sql, and drop of a view ----
expect_ok "sql CREATE VIEW" -c "sql CREATE VIEW older AS SELECT name FROM people WHERE age > 35"
expect_ok "undo CREATE VIEW" -c "undo"
expect_eq "undo CREATE VIEW: the view is gone" "0" "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'older'")"
unchanged "undo CREATE VIEW: workspace exactly as before" "$s1"
expect_ok "sql CREATE VIEW again" -c "sql CREATE VIEW older AS SELECT name FROM people WHERE age > 35"
s2=$(ws_state)
expect_ok "sql DROP VIEW" -c "sql DROP VIEW older"
expect_ok "undo DROP VIEW" -c "undo"
expect_eq "undo DROP VIEW: the view is back and works" "Bob|Cy" "$(q "SELECT group_concat(name, '|') FROM older")"
unchanged "undo DROP VIEW: workspace exactly as before" "$s2"
expect_ok "drop (the command) of a view" -c "drop older"
expect_ok "undo drop of a view" -c "undo"
unchanged "undo drop view: workspace exactly as before" "$s2"

# ---- load … replace, then undo: the old table is back ----
printf 'id,name,age\n7,Dee,70\n' >people2.csv
expect_ok "load replace over a keyed table" -c "load people2.csv as people replace"
expect_eq "replace: new content" "7 Dee" "$(q "SELECT id || ' ' || name FROM people")"
expect_eq "replace: no key now" "" "$(q "SELECT key_column FROM _persona_tables WHERE name = 'people'")"
expect_ok "undo the replace" -c "undo"
expect_eq "undo replace: old rows back" "1|2|3" "$(q "SELECT group_concat(id, '|') FROM (SELECT id FROM people ORDER BY id)")"
expect_eq "undo replace: old key back" "id" "$(q "SELECT key_column FROM _persona_tables WHERE name = 'people'")"
unchanged "undo replace: workspace exactly as before" "$s2"

# ---- the name of a keyed table that was dropped or replaced is free again ----
# The copy kept for undo must not hold on to the key index's name (each in a
# workspace of its own, so a failure here does not shift the undo stack above).
keyed_name_free() {
    expect_ok "$1: setup" -c "load people.csv key=id"
    local before
    before=$(ws_state)
    expect_ok "$1: load the same name with key= again" -c "$2"
    [ "$RC" -eq 0 ] || return 0     # the rest would only repeat the failure
    expect_eq "$1: the new table is keyed" "id|7" \
        "$(q "SELECT (SELECT key_column FROM _persona_tables WHERE name = 'people') || '|' || (SELECT group_concat(id) FROM people)")"
    expect_ok "$1: undo" -c "$3"
    expect_eq "$1: old rows back" "1|2|3" "$(q "SELECT group_concat(id, '|') FROM (SELECT id FROM people ORDER BY id)")"
    expect_eq "$1: old key index back" "people_key" "$(q "SELECT name FROM pragma_index_list('people')")"
    unchanged "$1: workspace exactly as before" "$before"
}
DB=$WORK/replace_keyed.db keyed_name_free "replace key= over a keyed table" \
    "load people2.csv as people replace key=id" "undo"
DB=$WORK/drop_keyed.db keyed_name_free "drop, then load key= under the same name" \
    "drop people
load people2.csv as people key=id" "undo
undo"

# ---- undo is a stack; then nothing is left ----
rm -f "$DB" "$DB-wal" "$DB-shm"
expect_ok "three changes in one session" -c "load people.csv
sql INSERT INTO people VALUES (4, 'Dan', 60)
drop people"
expect_ok "undo, undo" -c "undo; undo"
expect_eq "two undos: back to the loaded table" "3" "$(q "SELECT count(*) FROM people")"
expect_ok "third undo" -c "undo"
expect_eq "third undo: the load undone" "0" "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'people'")"
s3=$(ws_state)
expect_fail "undo with nothing left fails" 1 '^-c:1: error: undo: nothing to undo' -c "undo"
unchanged "undo with nothing left: workspace unchanged" "$s3"

p -c "history"
expect_match "history: the drop is marked undone" 'ok, undone +drop people' "$OUT"
expect_match "history: the load is marked undone" 'ok, undone +load people\.csv' "$OUT"
expect_match "history: the failed undo is an error" 'error +undo +undo: nothing to undo' "$OUT"
expect_eq "history: three commands undone" "3" "$(q "SELECT count(*) FROM _persona_log WHERE undone")"

# The last ten changes can be undone, not more.
cmds="load people.csv"
for i in $(seq 1 11); do cmds="$cmds
sql INSERT INTO people VALUES ($((i + 10)), 'n$i', $i)"; done
expect_ok "twelve changes" -c "$cmds"
undos=$(for i in $(seq 1 10); do echo undo; done)
expect_ok "ten undos work" -c "$undos"
expect_eq "after ten undos: the first insert remains" "4|11" "$(q "SELECT count(*) || '|' || max(id) FROM people")"
expect_fail "the eleventh undo: nothing to undo" 1 'undo: nothing to undo \(the last 10 changes can be undone\)' -c "undo"
expect_eq "no stash tables left behind" "0" "$(q "SELECT count(*) FROM sqlite_master WHERE name LIKE '\\_persona\\_stash%' ESCAPE '\\'")"
