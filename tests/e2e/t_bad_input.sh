#!/usr/bin/env bash
# Bad input: every mistake a user can make with `load` and the binary gets a clear
# message naming the file, line or option at fault, a non-zero exit, and leaves the
# workspace exactly as it was.  Inputs that look bad but are fine (a 2 MB field,
# duplicate column names) load.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

# bad NAME PATTERN ARGS…: persona ARGS exits 1 with stderr matching PATTERN, and the
# workspace state (ws_state) is the same as before.  $STATE holds the state between
# checks (taken once: the failures in between must not change it).
bad() {
    local name=$1 pattern=$2
    shift 2
    expect_fail "$name: exit 1 and a clear message" 1 "$pattern" "$@"
    unchanged "$name: workspace unchanged" "$STATE"
    STATE=$(ws_state)
}
# Loads that must succeed run in a second workspace, so the one the failures are
# checked against stays small and quick to compare.
in_ok() { local DB=$WORK/ok.db; "$@"; }

# A workspace with something in it, so "unchanged" means something.
printf 'id,name,age\n1,Ann,30\n2,Bob,40\n3,Cy,50\n' >people.csv
expect_ok "setup: load people" -c "load people.csv key=id"
expect_ok "setup: a view" -c "sql CREATE VIEW older AS SELECT * FROM people WHERE age > 35"
STATE=$(ws_state)

# ---- files that are not there or not CSV ----
bad "missing file" '^-c:1: error: load: nope\.csv: no such file' -c "load nope.csv"
mkdir adir
bad "a directory" '^-c:1: error: load: adir: is a directory' -c "load adir"
: >empty.csv
bad "empty file" '^-c:1: error: load: empty\.csv: empty file' -c "load empty.csv"
printf 'id,name,age\n' >header_only.csv
bad "header only" '^-c:1: error: load: header_only\.csv: a header but no rows' -c "load header_only.csv"
printf 'PK\003\004\024\000\000\000\010\000binary\000stuff\n' >binary.csv
bad "binary file (NUL bytes)" '^-c:1: error: load: binary\.csv: not a text file \(NUL byte at offset [0-9]+\)' \
    -c "load binary.csv"

# ---- encodings ----
# Latin-1: 15 of 20 rows have an accent (invalid UTF-8), so the file is the wrong
# encoding, not a few bad rows: the load fails and says to try encoding=latin1.
{
    printf 'id,name,city\n'
    for i in $(seq 1 20); do
        if [ "$i" -le 5 ]; then printf '%d,Ann,Paris\n' "$i"; else printf '%d,Jos\351,K\366ln\n' "$i"; fi
    done
} >latin1.csv
bad "latin-1 file as utf-8" \
    '^-c:1: error: load: latin1\.csv: 15 of 20 rows could not be read \(first: line 7: invalid UTF-8 .*try encoding=latin1' \
    -c "load latin1.csv"
expect_eq "latin-1: no rejects kept after the failed load" "0" "$(q "SELECT count(*) FROM _persona_rejects")"
in_ok expect_ok "latin-1 file with encoding=latin1 loads" -c "load latin1.csv encoding=latin1"
expect_eq "latin-1: all 20 rows" "20" "$(in_ok q "SELECT count(*) FROM latin1")"
expect_eq "latin-1: accents decoded to UTF-8" "José|Köln|4A6F73C3A9" \
    "$(in_ok q "SELECT name || '|' || city || '|' || hex(name) FROM latin1 WHERE id = 6")"
expect_eq "latin-1: nothing rejected" "0" "$(in_ok q "SELECT count(*) FROM _persona_rejects")"

# Every data row Latin-1: the message must still be about the encoding, not
# "a header but no rows" (there are rows; none could be read).
{
    printf 'id,name\n'
    for i in 1 2 3 4 5; do printf '%d,Ren\351e\n' "$i"; done
} >all_latin1.csv
bad "latin-1 in every row" '^-c:1: error: load: all_latin1\.csv: 5 of 5 rows could not be read.*encoding=latin1' \
    -c "load all_latin1.csv"
# A Latin-1 header (a French export's "Prénom") is the common case of all.
printf 'id,pr\351nom\n1,Ann\n2,Bob\n' >latin1_header.csv
bad "latin-1 header" '^-c:1: error: load: latin1_header\.csv:1: invalid UTF-8.*encoding=latin1' \
    -c "load latin1_header.csv"

# ---- malformed CSV ----
printf 'id,name\n1,Ann\n2,"Bob\n3,Cy\n' >unterminated.csv
bad "unterminated quote" \
    '^-c:1: error: load: unterminated\.csv: 1 of 3 rows could not be read \(first: line 3: unterminated quoted field' \
    -c "load unterminated.csv"

# ---- big and wide ----
# A 2 MB field is unusual but legal: it loads, byte for byte.
awk 'BEGIN { s = "x"; for (i = 0; i < 21; i++) s = s s; printf "id,blob\n1,%s\n2,short\n", s }' >bigfield.csv
in_ok expect_ok "2 MB field loads" -c "load bigfield.csv"
expect_eq "2 MB field: length 2097152" "2097152" "$(in_ok q "SELECT length(blob) FROM bigfield WHERE id = 1")"
expect_eq "2 MB field: the next row intact" "short" "$(in_ok q "SELECT blob FROM bigfield WHERE id = 2")"

awk 'BEGIN { for (r = 0; r < 3; r++) { for (i = 1; i <= 5000; i++) printf "%s%s", (i > 1 ? "," : ""), (r ? i * r : "c" i); printf "\n" } }' >wide.csv
bad "5,000 columns" '^-c:1: error: load: wide\.csv: 5000 columns; a workspace table holds at most 2000' -c "load wide.csv"
awk 'BEGIN { for (r = 0; r < 3; r++) { for (i = 1; i <= 2000; i++) printf "%s%s", (i > 1 ? "," : ""), (r ? i * r : "c" i); printf "\n" } }' >wide2000.csv
in_ok expect_ok "2,000 columns (the limit) load" -c "load wide2000.csv"
expect_eq "2,000 columns: the last one" "c2000|4000" \
    "$(in_ok q "SELECT (SELECT name FROM pragma_table_info('wide2000') WHERE cid = 1999) || '|' || c2000 FROM wide2000 WHERE c1 = 2")"

# ---- names ----
printf 'a,b,a,,B\n1,2,3,4,5\n' >dupcols.csv
in_ok expect_ok "duplicate column names load" -c "load dupcols.csv"
expect_eq "duplicate column names made unique" "a b a_2 col_4 B_2" \
    "$(in_ok q "SELECT name FROM pragma_table_info('dupcols') ORDER BY cid" | tr '\n' ' ' | sed 's/ $//')"
expect_match "load summary says which were renamed" 'a_2 +INTEGER +0 +renamed to be unique' "$OUT"
expect_eq "duplicate column names: values in place" "1 2 3 4 5" \
    "$(in_ok q 'SELECT a || " " || b || " " || a_2 || " " || col_4 || " " || B_2 FROM dupcols')"

bad "table exists" "^-c:1: error: load: table 'people' already exists; add 'replace'" -c "load people.csv"
bad "table exists, other file, same name" "already exists; add 'replace'" -c "load latin1.csv as people encoding=latin1"
printf 'id,name,age\n7,Dee,70\n' >people2.csv
expect_ok "table exists + replace loads over it" -c "load people2.csv as people replace"
expect_eq "replace: the new rows" "7 Dee" "$(q "SELECT id || ' ' || name FROM people")"
STATE=$(ws_state)
bad "reserved table name" "^-c:1: error: load: table name '_persona_log' is reserved" -c "load people.csv as _persona_log"

# ---- commands and options ----
bad "unknown command" "^-c:1: error: unknown command 'lod' \(did you mean 'load'\?\)" -c "lod people.csv"
bad "ambiguous prefix" "^-c:1: error: ambiguous command 'd': describe, drop" -c "d people"
bad "unknown option" "^-c:1: error: load: unknown option 'delimeter=' \(did you mean 'delimiter='\?\); see 'help load'" \
    -c "load people.csv as p2 delimeter=,"
bad "wrong option value: delimiter=x" "^-c:1: error: load: delimiter=x: expected auto, ',', ';', tab or '\|'" \
    -c "load people.csv as p2 delimiter=x"
bad "wrong option value: header=maybe" "^-c:1: error: load: header=maybe: expected auto, yes or no" \
    -c "load people.csv as p2 header=maybe"
bad "wrong option value: encoding=ebcdic" "^-c:1: error: load: encoding=ebcdic: expected utf-8 or latin1" \
    -c "load people.csv as p2 encoding=ebcdic"
bad "wrong option value: rejects=lots" "^-c:1: error: load: rejects=lots: expected a count \\(0 to 10\\^15\\), a percentage" \
    -c "load people.csv as p2 rejects=lots"
bad "a name without 'as'" "^-c:1: error: load: 'p2' after the path: did you mean 'as p2'\?" -c "load people.csv p2"
bad "missing argument" "^-c:1: error: load: missing arguments; usage: load PATH" -c "load"
bad "show limit=x" "^-c:1: error: show: option limit=x: expected a number of rows or 'all'" -c "show people limit=x"
bad "show of a table not there" "^-c:1: error: show: no table named 'peple' \(did you mean 'people'\?\)" -c "show peple"
bad "unterminated quote in a command" "^-c:1: error: .*unterminated ' quote" -c "show people where='age > 3"
bad "sql syntax error names the place" '^-c:1: error: sql: near "SELEC": syntax error \(at column 1' -c "sql SELEC 1"
bad "sql on Persona's own tables" "^-c:1: error: sql: the _persona_ tables are Persona's own" -c "sql DELETE FROM _persona_tables"

# ---- key= ----
bad "key= not a column" "^-c:1: error: load: key=idd: no such column in people\.csv \(did you mean 'id'\?\)" \
    -c "load people.csv as p2 key=idd"
printf 'id,name\n1,Ann\n2,Bob\n1,Ann again\n' >dupkey.csv
bad "key with duplicates" "^-c:1: error: load: key=id: value '1' is on 2 rows; a key must be unique" \
    -c "load dupkey.csv key=id"
printf 'id,name\n1,Ann\n,Bob\n3,Cy\n' >blankkey.csv
bad "key with a blank" "^-c:1: error: load: key=id: 1 rows have no id; a key needs a value on every row" \
    -c "load blankkey.csv key=id"

# ---- usage errors of the binary: exit 2, and no workspace is created ----
usage_error() {   # NAME PATTERN ARGS…
    local name=$1 pattern=$2
    shift 2
    "$PERSONA" -d "$WORK/usage.db" "$@" >"$WORK/.out" 2>"$WORK/.err" </dev/null
    RC=$?
    ERR=$(cat "$WORK/.err")
    if [ "$RC" -ne 2 ]; then not_ok "$name: exit 2" "got exit $RC" "$ERR"; else ok "$name: exit 2"; fi
    expect_match "$name: says what is wrong" "$pattern" "$ERR"
    if [ -e "$WORK/usage.db" ]; then not_ok "$name: no workspace created"; else ok "$name: no workspace created"; fi
    if [ -s "$WORK/.out" ]; then not_ok "$name: nothing on stdout" "$(head -3 "$WORK/.out")"; else ok "$name: nothing on stdout"; fi
}
usage_error "unknown flag" "^persona: unknown option '--bogus'" --bogus
usage_error "-c and -f together" "^persona: give -c or -f, not both" -c tables -f script.persona
usage_error "--format bogus" "^persona: --format bogus: expected table, csv, tsv, json" --format bogus -c tables
usage_error "-c without a value" "^persona: option -c needs a value" -c
usage_error "stray argument" "^persona: unexpected argument 'tables'" tables

# -f with a script that is not there is a failure of the run, not of usage
expect_fail "-f missing script" 1 'nope\.persona: no such file' -f nope.persona
