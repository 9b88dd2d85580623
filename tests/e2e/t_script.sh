#!/usr/bin/env bash
# Script mode: commands from -c, -f FILE and stdin; the first failure stops the run
# (or --keep-going goes on and exits 1 at the end); errors as SCRIPT:LINE: error: …;
# '#' comments, quoting, and `sql` taking the rest of its line.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

printf 'id,name\n1,O'"'"'Neil\n2,Smith\n3,a;b\n4,#1\n' >names.csv

# ---- -c ----
expect_ok "-c with ';' between commands" -c "load names.csv; tables; show names limit=1"
expect_match "-c ';': load ran" '^rows +4$' "$OUT"
expect_match "-c ';': tables ran" '^names +table +4 +2 +rowid +INTEGER *$' "$OUT"
expect_match "-c ';': show ran" "^ 1  O'Neil$" "$OUT"
expect_match "-c: messages go to stderr, not stdout" '^show: first 1 rows; limit=N or limit=all for more$' "$ERR"
expect_eq "-c: stdout has no messages" "0" "$(grep -c 'first 1 rows' <<<"$OUT")"
expect_ok "-c with newlines between commands" -c "tables
show names limit=1"
expect_ok "-c empty" -c ""
expect_eq "-c empty: no output" "" "$OUT$ERR"
expect_ok "-c only a comment" -c "   # nothing to do"
expect_ok "unique prefixes: tab; desc" -c "tab; desc names"
expect_match "unique prefixes: describe ran" '^name +TEXT +4 ' "$OUT"

# ---- -f FILE, -f -, stdin ----
cat >script.persona <<'EOF'
# a script with comments and blank lines

tables   # what is there
show names where="id = 2"
EOF
expect_ok "-f FILE" -f script.persona
expect_match "-f FILE: the show ran" '^ 2  Smith$' "$OUT"
"$PERSONA" -d "$DB" <script.persona >"$WORK/.out" 2>"$WORK/.err"
expect_eq "stdin (no -c/-f, not a terminal): exit 0" "0" "$?"
expect_match "stdin: the show ran" '^ 2  Smith$' "$(cat "$WORK/.out")"
"$PERSONA" -d "$DB" -f - <script.persona >"$WORK/.out" 2>"$WORK/.err"
expect_eq "-f -: exit 0" "0" "$?"
expect_match "-f -: the show ran" '^ 2  Smith$' "$(cat "$WORK/.out")"
printf 'tables\r\nshow names where="id = 2"\r\nsql SELECT 2 AS two\r\n' >crlf.persona
expect_ok "a script with CRLF line ends" -f crlf.persona
expect_match "CRLF script: the last command ran" '^  2$' "$OUT"

# ---- the first failure stops the run ----
cat >fails.persona <<'EOF'
# line 1: comment
sql CREATE TABLE before_fail(x)

show names limit=1
show nothing_here
sql CREATE TABLE after_fail(x)
show nothing_either
EOF
expect_fail "first failure: exit 1, SCRIPT:LINE: error: with the right line" 1 \
    "^fails\.persona:5: error: show: no table named 'nothing_here'" -f fails.persona
expect_eq "first failure: one error line" "1" "$(grep -c 'error:' <<<"$ERR")"
expect_eq "first failure: earlier commands ran" "1" "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'before_fail'")"
expect_eq "first failure: later commands did not run" "0" "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'after_fail'")"
expect_match "first failure: earlier output is on stdout" "^ 1  O'Neil$" "$OUT"

expect_fail "-c with newlines: the line number counts -c lines" 1 "^-c:3: error: unknown command 'shw' \(did you mean 'show'\?\)" \
    -c "tables

shw names"
expect_fail "-c with ';': all on line 1" 1 "^-c:1: error: unknown command 'shw'" -c "tables; shw names; tables"
printf 'tables\n\n\nbogus\n' >stdin.persona
"$PERSONA" -d "$DB" <stdin.persona >"$WORK/.out" 2>"$WORK/.err"
expect_eq "stdin failure: exit 1" "1" "$?"
expect_match "stdin failure: <stdin>:LINE" "^<stdin>:4: error: unknown command 'bogus'" "$(cat "$WORK/.err")"

# ---- --keep-going ----
expect_ok "setup: drop the tables of the last run" -c "drop before_fail"
expect_fail "--keep-going: exit 1 at the end" 1 "^fails\.persona:5: error: show: no table named 'nothing_here'" \
    --keep-going -f fails.persona
expect_match "--keep-going: every failure reported with its line" "^fails\.persona:7: error: show: no table named 'nothing_either'" "$ERR"
expect_eq "--keep-going: two error lines" "2" "$(grep -c 'error:' <<<"$ERR")"
expect_eq "--keep-going: later commands ran" "1" "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'after_fail'")"
# ';' separates commands as a newline does, so --keep-going goes on after it too
expect_fail "--keep-going with -c" 1 "^-c:1: error: unknown command 'nope'" --keep-going -c "nope; sql CREATE TABLE kept(x)"
expect_eq "--keep-going with -c: the command after ';' ran" "1" "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'kept'")"

# ---- comments and quoting ----
expect_ok "a quoted '#' is not a comment" -c "show names where=\"name = '#1'\" # but this is"
expect_match "quoted '#': the row" '^ 4  #1$' "$OUT"
expect_ok "a quoted ';' does not split the command" -c "show names where=\"name = 'a;b'\"; tables"
expect_match "quoted ';': the row" '^ 3  a;b$' "$OUT"
expect_match "quoted ';': the next command ran" '^names +table' "$OUT"
expect_ok "doubled quote inside quotes: O''Neil" -c "show names where=\"name = 'O''Neil'\""
expect_match "O''Neil: found" "^ 1  O'Neil$" "$OUT"
expect_eq "O''Neil: only that row" "3" "$(wc -l <<<"$OUT")"
expect_ok "single-quoted with doubled quotes" -c "show names where='name = ''Smith'''"
expect_match "'…''…''…': found" '^ 2  Smith$' "$OUT"
expect_ok "quotes inside a word: columns='id',name" -c "show names columns='id',name where=\"id < 2\""
printf 'a,b\n1,2\n' >"file with spaces.csv"
expect_ok "a quoted path with spaces" -c "load 'file with spaces.csv' as spaced"
expect_eq "quoted path: loaded" "1|2" "$(q "SELECT a || '|' || b FROM spaced")"
expect_fail "an unterminated quote names the column" 1 "^-c:1: error: .*unterminated \" quote at column [0-9]+" \
    -c "show names where=\"id = 1"

# ---- sql takes the rest of the line, ';' included ----
expect_ok "sql SELECT 1; SELECT 2 in -c runs both statements" -c "sql SELECT 1 AS one; SELECT 2 AS two"
expect_eq "sql two statements: both results, in order" "one
---
  1

two
---
  2" "$OUT"
before=$(ws_state)
# SQL ends where SQL does: after a complete statement, a word that starts no SQL
# statement is the next Persona command.
expect_ok "sql …; tables: two commands" -c "sql UPDATE names SET name = 'changed' WHERE id = 1; tables"
expect_match "sql …; tables: the UPDATE ran" '^changes +1$' "$OUT"
expect_match "sql …; tables: tables ran" '^names +table' "$OUT"
expect_ok "undo it" -c "undo"
before=$(ws_state)
expect_fail "sql …; a bad command: the UPDATE before it is kept, the error names the command" 1 \
    '^-c:1: error: unknown command .tabels.' -c "sql UPDATE names SET name = 'changed' WHERE id = 1; tabels"
expect_eq "… the UPDATE committed on its own" "changed" "$(q "SELECT name FROM names WHERE id = 1")"
expect_ok "undo it" -c "undo"
unchanged "… and undo took it back" "$before"
expect_ok "a statement over several lines in a script" -c "sql SELECT count(*)
    AS n FROM names WHERE
    id > 1
tables"
expect_match "multi-line sql: the count" '^3$' "$OUT"
printf 'sql SELECT name,\n  id\nFROM names\nWHERE id = 2\nshow names where="id = 2"\n' >multi.persona
expect_ok "multi-line sql in a -f script" -f multi.persona
expect_match "multi-line sql in -f: the row" '^Smith +2$' "$OUT"
printf 'sql SELECT name FROM names WHERE id =\nnot sql\n' >badmulti.persona
expect_fail "a multi-line statement that goes wrong names its first line" 1 '^badmulti.persona:1: error: sql: ' \
    -f badmulti.persona
expect_ok "sql on its own line, then a command on the next" -c "sql UPDATE names SET name = upper(name) WHERE id = 2
show names where=\"id = 2\""
expect_match "sql then a command: both ran" '^ 2  SMITH$' "$OUT"
expect_ok "sql with an SQL comment" -c "sql SELECT count(*) AS n FROM names -- how many"
expect_match "sql comment: ran" '^4$' "$OUT"
expect_ok "a '#' comment line between sql lines" -c "sql SELECT 1 AS a
# comment
sql SELECT 2 AS b"
expect_fail "sql with no statement" 1 "^-c:1: error: sql: no statement; usage: sql STATEMENT" -c "sql"
expect_fail "sql BEGIN is refused (each command is a transaction)" 1 "^-c:1: error: sql: transactions are Persona's" -c "sql BEGIN"
