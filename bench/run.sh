#!/usr/bin/env bash
# bench/run.sh — Persona's load against `sqlite3 .import --csv` into a pre-created
# typed table, on the same files in the same run, alternated, reporting the ratio of
# median times (lower is better; the target is ≤ 0.7) and Persona's peak RSS.
# `cat FILE > /dev/null` is printed as the floor for reading the file at all.
set -eu
cd "$(dirname "$0")/.."
PERSONA=${PERSONA:-./persona}
ROUNDS=${ROUNDS:-3}
DATA=../shared/data
work=bench/data
mkdir -p "$work"

gen=$work/customers-1m.csv
[ -s "$gen" ] || awk -v n=1000000 -f bench/gen-customers.awk > "$gen"

# seconds of one run of a command
elapsed() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# bench_file NAME CSV CREATE-TABLE-SQL
bench_file() {
    local name=$1 csv=$2 create=$3 p_times=() s_times=() i rss
    for i in $(seq "$ROUNDS"); do
        rm -f "$work"/p.db* "$work"/s.db*
        p_times+=("$(elapsed "$PERSONA" -d "$work/p.db" -c "load $csv as t")")
        sqlite3 "$work/s.db" "PRAGMA journal_mode=WAL; $create" >/dev/null
        s_times+=("$(elapsed sqlite3 "$work/s.db" ".import --csv --skip 1 $csv t")")
    done
    rm -f "$work"/p.db*
    rss=$(/usr/bin/time -f %M "$PERSONA" -d "$work/p.db" -c "load $csv as t" 2>&1 >/dev/null | tail -1)
    local pm sm cat_t rows
    pm=$(printf '%s\n' "${p_times[@]}" | median)
    sm=$(printf '%s\n' "${s_times[@]}" | median)
    cat_t=$(elapsed cat "$csv")
    rows=$(sqlite3 "$work/s.db" "SELECT count(*) FROM t")
    printf '%-28s %9s rows  persona %6.2fs  sqlite3 .import %6.2fs  ratio %.2f  cat %.2fs  peak RSS %d MiB\n' \
        "$name" "$rows" "$pm" "$sm" "$(echo "$pm / $sm" | bc -l)" "$cat_t" "$((rss / 1024))"
    rm -f "$work"/p.db* "$work"/s.db*
}

echo "load benchmark: median of $ROUNDS alternated runs each"
bench_file "customers (generated, 1M)" "$gen" \
    "CREATE TABLE t(customer_id TEXT, first_name TEXT, last_name TEXT, email TEXT, country TEXT, signup_date DATE, birth_year INTEGER, orders INTEGER, lifetime_value REAL, consent TEXT)"
if [ -f "$DATA/transactions/online_retail_uci.csv" ]; then
    bench_file "online_retail_uci (542k)" "$DATA/transactions/online_retail_uci.csv" \
        "CREATE TABLE t(InvoiceNo TEXT, StockCode TEXT, Description TEXT, Quantity INTEGER, InvoiceDate DATETIME, UnitPrice REAL, CustomerID INTEGER, Country TEXT)"
fi
