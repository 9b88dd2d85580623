#!/usr/bin/env bash
# tests/workbench/run.sh — drives the real workbench in tmux: starts it detached at
# a fixed size, sends keys, and polls the screen (capture-pane) for what should
# appear, with a deadline instead of fixed sleeps.  Prints TAP lines
# "ok - workbench …" / "not ok - workbench …"; called by tests/run.sh with
# PERSONA=path/to/binary.
set -u
cd "$(dirname "$0")/../.."
PERSONA=${PERSONA:-./persona}
case $PERSONA in /*) ;; *) PERSONA=$PWD/$PERSONA ;; esac
if ! command -v tmux >/dev/null; then
    echo "# workbench: tmux is not installed; skipped"
    exit 0
fi

export LANG=C.UTF-8 LC_ALL=C.UTF-8
dir=$(mktemp -d)
sock=persona-wb-$$
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$dir"' EXIT

# ---- helpers ----

screen() { T capture-pane -p -t wb 2>/dev/null; }

# wait_for TEXT [SECONDS]: polls the screen until it shows TEXT (a fixed string).
wait_for() {
    local deadline=$((SECONDS + ${2:-10}))
    while :; do
        screen | grep -qF -- "$1" && return 0
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.05
    done
}

# wait_gone TEXT [SECONDS]: polls until the screen no longer shows TEXT.
wait_gone() {
    local deadline=$((SECONDS + ${2:-10}))
    while :; do
        screen | grep -qF -- "$1" || return 0
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.05
    done
}

# wait_line N REGEX [SECONDS]: polls until screen line N matches REGEX (grep -E).
wait_line() {
    local deadline=$((SECONDS + ${3:-10}))
    while :; do
        screen | sed -n "${1}p" | grep -qE -- "$2" && return 0
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.05
    done
}

keys() { T send-keys -t wb "$@"; }
type_text() { T send-keys -t wb -l -- "$1"; }

failed_screen() {
    echo "# screen was:"
    screen | sed 's/^/#   /'
}

# check NAME COMMAND…: one TAP line; the screen goes to the log when it fails.
check() {
    local name=$1
    shift
    if "$@"; then
        echo "ok - workbench $name"
    else
        echo "not ok - workbench $name"
        failed_screen
    fi
}

# The display column at which TEXT starts on the screen line holding it.
column_of() {
    local line prefix
    line=$(screen | grep -F -- "$1" | head -1)
    prefix=${line%%"$1"*}
    printf '%s' "$prefix" | wc -L
}

# start [ENV=VALUE…]: the workbench on ws.db in a new 100x30 session.
start() {
    rm -f "$dir/exit"
    cat > "$dir/run" <<EOF
#!/bin/sh
cd "$dir" || exit 1
export XDG_STATE_HOME="$dir/state" LANG=C.UTF-8 LC_ALL=C.UTF-8 $*
"$PERSONA" -d ws.db
echo \$? > "$dir/exit"
EOF
    chmod +x "$dir/run"
    T kill-server 2>/dev/null
    T new-session -d -s wb -x 100 -y 30 "$dir/run"
}

exited_with() {     # exited_with STATUS: the workbench ended with that status
    local deadline=$((SECONDS + 10))
    while [ ! -s "$dir/exit" ]; do
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.05
    done
    [ "$(cat "$dir/exit")" = "$1" ]
}

# ---- a small workspace ----

cat > "$dir/customers.csv" <<'EOF'
customer_id,first_name,last_name,email,country,age,signup_date,lifetime_value
1,Anna,Müller,anna.mueller@example.de,DE,34,2021-03-14,1204.50
2,Bob,Smith,bob@example.com,US,,2020-11-02,88.10
3,Chloé,Dubois,chloe.dubois@example.fr,FR,29,2022-01-20,455.00
4,Dmitri,Ivanov,dmitri@example.ru,RU,51,2019-07-07,2310.75
5,王,小明,xiaoming@example.cn,CN,42,2023-05-30,150.00
6,Eve,Johnson,eve.j@example.com,US,38,2021-09-09,999.99
7,Frank,O'Brien,frank@example.ie,IE,61,2018-02-28,3100.00
8,Grace,Lee,grace.lee@example.kr,KR,25,2022-12-01,75.25
EOF
cat > "$dir/orders.csv" <<'EOF'
order_id,customer_id,amount,ordered_at
100,1,25.00,2023-01-05
101,1,80.50,2023-02-11
102,3,12.99,2023-02-12
EOF
# big enough that loading it takes seconds, so it can be cancelled midway
awk 'BEGIN { print "id,name,email,amount";
             for (i = 1; i <= 1000000; i++) printf "%d,Name %d,user%d@example.com,%d.%02d\n", i, i, i, i % 977, i % 100 }' \
    > "$dir/big.csv"
if ! (cd "$dir" && "$PERSONA" -d ws.db -c "load customers.csv key=customer_id; load orders.csv key=order_id" > /dev/null); then
    echo "not ok - workbench: could not build the test workspace"
    exit 0
fi

# ---- the session ----

start
check "opens on the workspace: tables with row counts, grid, status line" \
    eval 'wait_for "row 1 of 8" && wait_for "orders" && screen | grep -q "customers  *8"'

keys j j
check "j moves down a row" wait_for "row 3 of 8"
keys End
check "End goes to the last row" wait_for "row 8 of 8"
keys Home l l
check "Home and l move to the first row and across columns" eval 'wait_for "row 1 of 8" && wait_for "last_name TEXT"'

check "UTF-8 text takes its display width (CJK, accents)" \
    eval '[ "$(column_of xiaoming@)" = "$(column_of anna.mueller@)" ] && [ "$(column_of chloe.dubois@)" = "$(column_of anna.mueller@)" ]'

keys l l l
wait_for "age INTEGER"
keys S
check "S sorts by the current column, descending" \
    eval 'wait_for "sorted by age ↓" && screen | grep -A1 "age ↓" | tail -1 | grep -q Frank'
keys S
check "S again goes back to the table's order" wait_gone "sorted by age"

keys f
wait_for "filter where:"
type_text "coun"
keys Tab
check "Tab in the filter completes the table's columns" wait_for "filter where: country"
type_text "= 'US'"
keys Enter
check "f filters with a SQL condition and shows the matching count" \
    eval 'wait_for "2 of 8 rows where country = '"'US'"'" && wait_for "row 1 of 2"'
keys F
check "F clears the filter" wait_for "row 1 of 8"

keys f
wait_for "filter where:"
type_text "no_such_column > 1"
keys Enter
check "a bad filter is an error on the message line, the grid unchanged" \
    eval 'wait_for "no such column: no_such_column" && wait_for "row 1 of 8"'

keys /
wait_for "/"
type_text "chloé"
keys Enter
check "/ searches every column and puts the cursor on the match" \
    eval 'wait_for "chloé: row 3" && wait_for "row 3 of 8"'
keys n
check "n finds the next match, wrapping around" wait_for "wrapped to the top"

keys Enter
check "Enter opens the record view with every field" \
    eval 'wait_for "Persona  record" && wait_for "chloe.dubois@example.fr" && wait_for "lifetime_value"'
keys Escape
check "Escape goes back to the grid" wait_for "Persona  grid"

keys 0 l l l l
wait_for "country TEXT"
keys c
check "c opens the column view: figures and the most common values" \
    eval 'wait_for "customers.country" && wait_for "distinct" && wait_for "most common values" && screen | grep -q "US .*2 "'
keys Escape
wait_for "Persona  grid"

keys :
wait_for ":"
type_text "tab"
keys Tab
check "Tab completes the command name" wait_for ":tables"
keys Enter
check "a command from ':' runs and its output shows in the output view" \
    eval 'wait_for "Persona  output" && wait_for "customer_id" && wait_for "2 tables"'
keys Escape
wait_for "Persona  grid"

keys :
wait_for ":"
type_text "sql SELECT country, count(*) AS n FROM customers GROUP BY 1 ORDER BY 2 DESC, 1"
keys Enter
wait_for "Persona  output"
keys Enter
check "Enter on a query's output shows its rows in the grid" \
    eval 'wait_for "query — 7 rows: SELECT country" && screen | grep -A1 "│country" | tail -1 | grep -q "US  *2"'
keys Tab
wait_for "Enter open"
keys Enter
wait_for "customers — 8 rows"

keys :
wait_for ":"
type_text "describe nosuch"
keys Enter
check "a failing command shows its error on the message line and in the output view" \
    eval 'wait_for "error: describe: no table named" && wait_for "failed"'
keys Escape
wait_for "Persona  grid"

keys :
wait_for ":"
type_text "half a line"
keys Escape
check "Escape abandons the command line" eval 'wait_gone ":half a line" && wait_for "Enter record"'

keys ?
check "? opens help with the keys" eval 'wait_for "Keys" && wait_for "Ctrl-C"'
keys NPage
check "help lists the commands with their summaries from the command table" \
    eval 'wait_for "Commands" && wait_for "load a CSV file" && screen | grep -q "tables  *list the tables"'
keys Escape
wait_for "Persona  grid"
keys F1
check "F1 opens help too" wait_for "Keys"
keys Escape
wait_for "Persona  grid"
keys g
wait_for "row 1 of 8"

T resize-window -t wb -x 80 -y 24
check "redraws at 80x24: the status line on row 23, the grid's rows fit" \
    eval 'wait_line 23 "row 1 of 8" && screen | grep -q "grace.lee@example.kr"'
T resize-window -t wb -x 100 -y 30
check "redraws at 100x30 again" \
    wait_line 29 "row 1 of 8"

# a command that runs until it is cancelled (a query counting forever): the
# workbench stays responsive, asks before quitting, and Ctrl-C stops the command
keys :
wait_for ":"
type_text "sql WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c"
keys Enter
check "a running command shows in the status line with its elapsed time" \
    wait_line 29 'sql +running [0-9]+:[0-9][0-9]'
keys q
check "q while a command runs asks before quitting" wait_for "Quit and cancel it? (y/n)"
keys n
keys j
check "the grid still moves while the command runs" wait_for "row 2 of 8"
keys C-c
check "Ctrl-C cancels the command, not the workbench" \
    eval 'wait_for "sql: cancelled; the workspace is unchanged" && wait_for "Persona  output"'
keys Escape
wait_for "Persona  grid"

# a long load, cancelled midway: the workspace is unchanged
keys :
wait_for ":"
type_text "load big.csv key=id"
keys Enter
check "a long load shows its progress and elapsed time in the status line" \
    wait_line 29 'load .*[0-9]+% [a-z]+ [0-9]+:[0-9][0-9]'
keys C-c
check "Ctrl-C cancels the load" wait_for "load: cancelled; the workspace is unchanged" 20
keys Escape
wait_for "Persona  grid"
keys k
check "the workbench goes on after the cancel" wait_for "row 1 of 8"

keys q
check "q quits with exit status 0" exited_with 0
check "the cancelled load left no table behind" \
    eval '! (cd "$dir" && "$PERSONA" -d ws.db -c tables) | grep -q "^big "'
check "commands run in the workbench are in the command log" \
    eval '(cd "$dir" && "$PERSONA" -d ws.db -c history) | grep -q "cancelled  *load big.csv key=id" &&
          (cd "$dir" && "$PERSONA" -d ws.db -c history) | grep -q "ok  *tables"'
check "the command line's history is kept for the next session (and the REPL)" \
    grep -qx "load big.csv key=id" "$dir/state/persona/history"

# colours: on by default, off with NO_COLOR
colour_codes() { T capture-pane -p -e -t wb | grep -cE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7])(;[0-9;]*)?m'; }
start
wait_for "row 1 of 8"
check "colours by default" eval '[ "$(colour_codes)" -gt 0 ]'
keys :
wait_for ":"
type_text "q"
keys Enter
check ":q quits" exited_with 0
start NO_COLOR=1
wait_for "row 1 of 8"
check "no colours with NO_COLOR" eval '[ "$(colour_codes)" -eq 0 ]'
keys q
exited_with 0
