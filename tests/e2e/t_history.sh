#!/usr/bin/env bash
# The command log: history lists it, history save writes the commands that rebuild
# the workspace, and `persona -f` or `replay` runs them to the same result.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

# user_state DB: what the user built in a workspace: user objects and their SQL, each
# table's and view's rows, Persona's record of keys and sources, and the rejects.
# (ws_state would differ between two workspaces built by the same commands: load
# times, command ids in undo data and stash names are per workspace.)
user_state() {
    local db=$1 t
    local user="name NOT LIKE '\\_persona\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    sqlite3 "$db" "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE $user ORDER BY 1, 2"
    for t in $(sqlite3 "$db" "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND $user ORDER BY 1"); do
        echo "== $t"
        sqlite3 -csv "$db" "SELECT * FROM \"$t\""
    done
    echo "== tables"
    sqlite3 "$db" "SELECT name, key_column, source FROM _persona_tables WHERE $user ORDER BY 1"
    echo "== rejects"
    sqlite3 "$db" "SELECT table_name, file, line, reason, raw FROM _persona_rejects ORDER BY 1, 3"
}

printf 'id,name,age\n1,Ann,30\n2,Bob,40\n3,Cy,50\n4,"Bad\n5,Eve,25\n' >people.csv
printf 'order_id;customer;amount\n10;1;9.5\n11;2;20\n12;1;3.25\n' >orders.csv

# A session with a bit of everything: loads with options, changes, a view, a drop,
# an undone load, a failed command, and commands that change nothing.
expect_ok "a session" -c "load people.csv key=id rejects=all
load orders.csv delimiter=';'
sql UPDATE people SET age = age + 1 WHERE name = 'Ann'
sql CREATE VIEW big_spenders AS SELECT customer, sum(amount) AS total FROM orders GROUP BY 1 HAVING total > 10
load people.csv as scratch rejects=all
drop scratch
load orders.csv as oops delimiter=';'
undo
tables
show people
describe orders
help load"
expect_fail "a failing command in the session" 1 "load: nope\.csv: no such file" -c "load nope.csv"
expect_ok "history save" -c "history save saved.persona"
expect_match "history save reports the file and count" '^commands +6$' "$OUT"

expect_eq "saved script: the commands that rebuild the workspace, in order" \
"load people.csv key=id rejects=all
load orders.csv delimiter=';'
sql UPDATE people SET age = age + 1 WHERE name = 'Ann'
sql CREATE VIEW big_spenders AS SELECT customer, sum(amount) AS total FROM orders GROUP BY 1 HAVING total > 10
load people.csv as scratch rejects=all
drop scratch" "$(grep -v '^#' saved.persona)"
expect_match "saved script: a comment says how to run it" '^# run: persona -f saved\.persona$' "$(cat saved.persona)"

# ---- persona -f rebuilds the same workspace ----
expect_ok "persona -d new.db -f saved.persona" -f saved.persona -d "$WORK/new.db"
expect_eq "-f: the same workspace (schema, rows, keys, rejects)" "$(user_state "$DB")" "$(user_state "$WORK/new.db")"
expect_eq "-f: spot check: people" "1|Ann|31 2|Bob|40 3|Cy|50 5|Eve|25" \
    "$(sqlite3 "$WORK/new.db" "SELECT id, name, age FROM people ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "-f: spot check: the view" "1|12.75 2|20.0" \
    "$(sqlite3 "$WORK/new.db" "SELECT * FROM big_spenders ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "-f: the rejects of the rebuilt loads" "people|people.csv|5 scratch|people.csv|5" \
    "$(sqlite3 "$WORK/new.db" "SELECT table_name, file, line FROM _persona_rejects ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "-f: undo still works in the rebuilt workspace (drop scratch undone)" "4" \
    "$("$PERSONA" -d "$WORK/new.db" -c undo >/dev/null 2>&1; sqlite3 "$WORK/new.db" "SELECT count(*) FROM scratch")"

# ---- replay FILE from inside a session ----
expect_ok "replay inside a session" -d "$WORK/third.db" -c "tables
replay saved.persona
tables"
expect_eq "replay: the same workspace" "$(user_state "$DB")" "$(user_state "$WORK/third.db")"
expect_ok "history save after a replay" -d "$WORK/third.db" -c "history save again.persona"
expect_eq "after a replay, history save writes the replayed commands (not 'replay')" \
    "$(grep -v '^#' saved.persona)" "$(grep -v '^#' again.persona)"

# A script that fails part-way: replay fails naming the script and line.
printf 'load orders.csv as o2 delimiter=%s\nshow o2 limit=1\nshow no_such_table\nload people.csv as never rejects=all\n' "';'" >broken.persona
expect_fail "replay of a failing script names script:line" 1 \
    "^-c:1: error: replay: broken\.persona:3: show: no table named 'no_such_table'" -d "$WORK/third.db" -c "replay broken.persona"
expect_eq "replay stops at the failure (later commands did not run)" "0" \
    "$(sqlite3 "$WORK/third.db" "SELECT count(*) FROM sqlite_master WHERE name = 'never'")"
expect_fail "replay of a missing script" 1 "^-c:1: error: replay: missing\.persona: no such file" -c "replay missing.persona"

# ---- a script replaying itself fails cleanly ----
printf '# replays itself\nreplay self.persona\n' >self.persona
before=$(ws_state)
expect_fail "a script replaying itself fails" 1 "replay: .*self\.persona.*(itself|nested|recurs)" -c "replay self.persona"
expect_eq "self-replay: one error line" "1" "$(grep -c . <<<"$ERR")"
unchanged "self-replay: workspace unchanged" "$before"
expect_fail "a script replaying itself under -f fails" 1 "self\.persona.*(itself|nested|recurs)" -f self.persona
printf 'replay pong.persona\n' >ping.persona
printf 'replay ping.persona\n' >pong.persona
expect_fail "two scripts replaying each other fail" 1 "(ping|pong)\.persona.*(itself|nested|recurs)" -c "replay ping.persona"

# ---- history itself ----
p -c "history"
expect_match "history: columns" '^id +started_at +ms +status +command +summary$' "$OUT"
expect_match "history: the failed load with its error" 'error +load nope\.csv +load: nope\.csv: no such file' "$OUT"
expect_match "history: the undone load" 'ok, undone +load orders\.csv as oops' "$OUT"
expect_match "history: summaries" 'ok +load people\.csv key=id rejects=all +loaded 4 rows, 3 columns into people \(some rows rejected\)' "$OUT"
p -c "history limit=2"
expect_eq "history limit=2: two commands (not counting itself)" "4" "$(wc -l <<<"$OUT")"
expect_fail "history limit=x" 1 "history: option limit=x: expected a whole number" -c "history limit=x"
expect_fail "history bogus" 1 "history: expected 'history' or 'history save FILE'" -c "history bogus"
mkdir adir
expect_fail "history save into a directory" 1 "history save: adir: is a directory" -c "history save adir"
