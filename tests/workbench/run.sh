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

# page_until TEXT: sends PgDn until the screen shows TEXT (ten pages at most).
page_until() {
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        wait_for "$1" 1 && return 0
        keys NPage
    done
    wait_for "$1" 1
}

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

# start [ENV=VALUE…]: the workbench on $ws (ws.db) in a new $cols x $rows
# (100x30) session.
ws=ws.db cols=100 rows=30
start() {
    rm -f "$dir/exit"
    cat > "$dir/run" <<EOF
#!/bin/sh
cd "$dir" || exit 1
export XDG_STATE_HOME="$dir/state" LANG=C.UTF-8 LC_ALL=C.UTF-8 $*
"$PERSONA" -d $ws
echo \$? > "$dir/exit"
EOF
    chmod +x "$dir/run"
    T kill-server 2>/dev/null
    T new-session -d -s wb -x "$cols" -y "$rows" "$dir/run"
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

# a query printing ~40 MB of rows: the output pane keeps 16 MiB and says so
keys :
wait_for ":"
type_text "sql WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1500000) SELECT i, 'customer number ' || i AS label FROM c"
keys Enter
check "a huge output is cut at 16 MiB with a note saying how to get all of it" \
    eval 'wait_for "output cut at 16 MiB" 90 && wait_for "export" && screen | grep -q "customer number 1 *$"'
keys Escape
wait_for "Persona  grid"

keys :
wait_for ":"
type_text "half a line"
keys Escape
check "Escape abandons the command line" eval 'wait_gone ":half a line" && wait_for "Enter record"'

keys ?
check "? opens help with the keys" eval 'wait_for "Keys" && wait_for "Ctrl-C"'
check "help lists the commands with their summaries from the command table" \
    eval 'page_until "Commands (" && page_until "load a CSV file" && screen | grep -q "tables  *list the tables"'
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
check "commands run in the workbench are in the command log (reading ones write nothing)" \
    eval '(cd "$dir" && "$PERSONA" -d ws.db -c history) | grep -q "cancelled  *load big.csv key=id" &&
          ! (cd "$dir" && "$PERSONA" -d ws.db -c history) | grep -q "ok  *tables"'
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

# ---- the views over what Persona made of the data ----
# the samples with profiles, a clustering (segments and a model), a PCA, an A/B
# test and a dedupe run whose uncertain pairs want a review
samples=$PWD/samples
if ! (cd "$dir" && "$PERSONA" -d ws2.db -c "load '$samples/customers.csv' key=customer_id
        load '$samples/orders.csv' key=order_id; load '$samples/experiment.csv' key=user_id
        load '$samples/rates.csv' key=currency
        profile build customers=customers orders=orders rates=rates in=USD
        cluster kmeans profiles features=revenue,orders nulls=drop k=3 as cust_k3
        pca profiles features=revenue,orders,recency_days nulls=drop as cust_pca
        abtest experiment variant=variant metric=converted; dedupe customers" > /dev/null); then
    echo "not ok - workbench: could not build the sample workspace"
    exit 0
fi
# every command the workbench ran, in full
log() { (cd "$dir" && "$PERSONA" -d ws2.db -c "sql SELECT command FROM _persona_log ORDER BY id"); }
last_line() { screen | tail -1; }

# side_to TEXT: moves down the workspace list until the description of the
# selected entry (on the message line) holds TEXT.
side_to() {
    local i
    keys g
    for i in $(seq 40); do
        wait_for "Tab back" 2 || return 1
        last_line | grep -qF -- "$1" && return 0
        keys j
    done
    return 1
}

ws=ws2.db cols=120 rows=40
start
check "the workspace list has sections for segments, models and experiments, with counts" \
    eval 'wait_for "row 1 of" && wait_for "Segments" && wait_for "Models" && wait_for "Experiments" &&
          screen | grep -q " cust_k3/ " && screen | grep -q " cust_pca  *3,976 " && screen | grep -q " experiment  *20,000 "'

keys Tab
side_to "segment cust_k3/very high orders"
members=$(last_line | sed -n 's/.*: \([0-9,]*\) members of profiles.*/\1/p')
keys Enter
check "Enter on a segment shows its members: the source table filtered to them" \
    eval '[ -n "$members" ] && wait_for "rows: segment cust_k3/very high orders" && wait_for "row 1 of $members │"'

keys Enter
check "Enter on a profiled customer shows the profile card from 'profile KEY'" \
    eval 'wait_for "Persona  profile" && wait_for "Attributes" && wait_for "Orders" && wait_for "Last orders (" &&
          wait_for "Segments (" && screen | grep -q "cust_k3/very high orders" && screen | grep -q "consent"'
check "the card is 'profile KEY', which reads and so names no one in the log" \
    eval '! log | grep -qE "^profile C[0-9]+ *$"'
keys f
check "f shows the plain fields of the same row" eval 'wait_for "Persona  record" && wait_for "loyalty_tier"'
keys Escape
wait_for "Persona  profile"
first=$(screen | sed -n 4p)
keys Right
check "→ shows the next customer's card" \
    eval 'wait_for "row 2 of $members" && wait_for "Last orders (" && [ "$(screen | sed -n 4p)" != "$first" ]'
keys Escape
wait_for "Persona  grid"

plot_colours() { T capture-pane -p -e -t wb | sed -n '3,$p' | grep -cE $'\e\\[(38;5;[0-9]+|3[1-7])m'; }
keys Tab
side_to "model cust_pca"
keys p
check "p on a model plots it in the plot view, in colour" \
    eval 'wait_for "Persona  plot" && wait_for "first two principal components" && [ "$(plot_colours)" -gt 0 ]'
check "the plot is drawn at the pane's size (the plot command with width= height=)" \
    eval 'log | grep -qx "plot pca cust_pca width=120 height=36 *"'
T resize-window -t wb -x 80 -y 24
check "a resize draws the plot again at the new size" \
    eval 'wait_line 23 "cust_k3|profiles" && wait_for "pc1 (" && log | grep -qx "plot pca cust_pca width=80 height=20 *"'
keys w
check "w asks where to write the PNG, offering a name" wait_for "write the plot to (.png or .svg): pca-cust_pca.png"
keys Enter
check "the PNG is written by the same command with out=, its name shown" \
    eval 'wait_for "plot written to $dir/pca-cust_pca.png" && wait_for "saved as pca-cust_pca.png" &&
          [ "$(head -c 4 "$dir/pca-cust_pca.png" | tail -c 3)" = PNG ] && log | grep -qx "plot pca cust_pca out=pca-cust_pca.png *"'
T resize-window -t wb -x 120 -y 40

keys :
wait_for ":"
type_text "plot hist customers column=no_such_column"
keys Enter
check "a plot that fails shows the command's error in the plot view" \
    eval 'wait_for "The plot could not be drawn" && wait_for "no_such_column"'
keys e
wait_for ":plot hist customers column=no_such_column"
keys C-u
type_text "plot hist customers column=age bins=20"
keys Enter
check "e edits the plot command; the new plot replaces the old in the same view" \
    eval 'wait_for "customers: age (" && wait_for "histogram of age in customers, 20 bins"'
keys Escape
wait_for "Persona  grid"

keys Tab
side_to "customers: 5,000 rows"
keys Enter
wait_for "row 1 of 5,000"
keys '$' h h h
wait_for "age INTEGER"
keys c
wait_for "customers.age"
keys p
check "p in the column view plots the column's histogram" \
    eval 'wait_for "plot hist customers column=age" && wait_for "customers: age (4572 values"'
keys Escape
wait_for "Persona  column"
keys Escape
wait_for "Persona  grid"

keys :
wait_for ":"
type_text "dedupe review customers"
keys Enter
check ":dedupe review TABLE opens the review: two records side by side, differences marked" \
    eval 'wait_for "Review pairs — customers" && wait_for "pair 1 of" && wait_for "level" && screen | grep -q "^≠ "'
pair=$(screen | sed -n 5p | awk '{print $2, $3}')
keys a
check "a accepts the pair with 'dedupe review TABLE accept K1 K2' and goes on" \
    eval 'wait_for "1 accepted · 0 rejected" && wait_for "pair 2 of" && log | grep -qx "dedupe review customers accept $pair *"'
keys r
check "r rejects the next pair" eval 'wait_for "1 accepted · 1 rejected" && wait_for "pair 3 of"'
keys n
wait_for "pair 4 of"
keys p p
check "n skips a pair; p goes back and shows the decision taken" eval 'wait_for "pair 2 of" && wait_for "✗ rejected"'
keys Escape
wait_for "Persona  grid"

keys Tab
side_to "customers_matches: "
keys Enter
wait_for "customers_matches — "
keys R
check "R on a _matches table opens the review of its dedupe run" \
    eval 'wait_for "Review pairs — customers" && wait_for "pair 1 of"'
keys Escape
wait_for "Persona  grid"
keys :
wait_for ":"
type_text "dedupe review orders"
keys Enter
check "a review of a table without dedupe results says what to run" \
    wait_for "no dedupe results for orders; run 'dedupe orders' first"
keys Escape
wait_for "Persona  grid"

keys Tab
side_to "A/B test on experiment"
keys Enter
check "Enter on an experiment runs its A/B test again and shows the result" \
    eval 'wait_for "Persona  output" && wait_for ":abtest experiment variant=variant metric=converted — ok"'
keys Escape
wait_for "Persona  grid"
keys q
check "q quits after all that with exit status 0" exited_with 0
