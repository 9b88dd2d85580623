#!/usr/bin/env bash
# Trust: nothing on the analysis path is silently lost, changed or emptied.  One
# check (or a few) per thing seen when the product was tried (issue "Trust I"), then
# the whole path on generated data — integer customer keys, orders in two currencies
# with a rates table, duplicates whose orders sit on both records, a rowid column, a
# phone column with one exponent value — with orders and money conserved from load
# to export, and the export holding exactly the segment's members.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

# ---- the data, generated here ----
# 40 people; people 5, 10, 15, … also appear a second time as customer 1000+i with the
# same name and email (the planted duplicates), and their orders sit on both records.
awk 'BEGIN {
    srand(7);
    print "customer_id,first_name,last_name,email,phone,consent" > "customers.csv";
    print "order_id,customer_id,order_date,amount,currency" > "orders.csv";
    split("Ann Bob Cy Dee Eve Fay Gus Hal Ivy Jo", given, " ");
    split("Smith Jones Brown Taylor Wilson Evans Walker Wright Green Hall", family, " ");
    o = 0;
    for (i = 1; i <= 40; i++) {
        g = given[(i % 10) + 1]; f = family[int(i / 4) % 10 + 1];
        phone = (i == 3) ? "7.73E+016" : sprintf("4915112%06d", i * 37);
        printf "%d,%s,%s,%s.%s%d@example.com,%s,yes\n", i, g, f, tolower(g), tolower(f), i, phone >> "customers.csv";
        if (i % 5 == 0)
            printf "%d,%s,%s,%s.%s%d@example.com,%s,yes\n", 1000 + i, g, f, tolower(g), tolower(f), i, phone >> "customers.csv";
        for (k = 1; k <= 1 + i % 4; k++) {
            who = (i % 5 == 0 && k % 2 == 0) ? 1000 + i : i;
            cur = (o % 3 == 0) ? "USD" : "EUR";
            printf "%d,%d,2025-%02d-%02d,%d.%02d,%s\n", ++o, who, 1 + k % 12, 1 + i % 28, 10 + i * k, k * 7 % 100, cur >> "orders.csv";
        }
    }
    # a return of customer 7 against an earlier purchase
    printf "%d,7,2025-12-01,-5.00,EUR\n", ++o >> "orders.csv";
}'
printf 'currency,rate\nUSD,1\nEUR,1.25\n' >rates.csv

# ---- 4: loading never changes a value ----
expect_ok "load customers with integer keys" -c "load customers.csv key=customer_id"
expect_match "the phone column stays text: an exponent value among integers" '^phone +TEXT ' "$OUT"
expect_eq "the exponent value is byte-identical" "7.73E+016" "$(q "SELECT phone FROM customers WHERE customer_id = 3")"
expect_eq "digits-only phones keep every digit as text" "text|4915112000037" \
    "$(q "SELECT typeof(phone) || '|' || phone FROM customers WHERE customer_id = 1")"
expect_eq "the integer key stays INTEGER" "INTEGER" "$(q "SELECT type FROM pragma_table_info('customers') WHERE name = 'customer_id'")"
printf 'id,mobile_no\n1,15112345678\n2,15112345679\n' >mobiles.csv
expect_ok "a digits-only column named like a phone" -c "load mobiles.csv"
expect_ok "… normalizes to E.164 without a type in the way" -c "normalize mobiles mobile_no=phone:DE"
expect_eq "… every value cleaned" "+4915112345678" "$(q "SELECT mobile_no FROM mobiles WHERE id = 1")"
printf 'id,contact\n1,15112345678\n2,15112345679\n' >contacts.csv
expect_ok "a numeric column of phones that no name gives away" -c "load contacts.csv key=id"
expect_eq "… loads as INTEGER" "INTEGER" "$(q "SELECT type FROM pragma_table_info('contacts') WHERE name = 'contact'")"
expect_ok "normalize retypes it to TEXT and cleans every value" -c "normalize contacts contact=phone:DE"
expect_eq "… the column is TEXT with the E.164 forms" "TEXT|+4915112345678" \
    "$(q "SELECT (SELECT type FROM pragma_table_info('contacts') WHERE name = 'contact') || '|' || contact FROM contacts WHERE id = 1")"
expect_ok "undo the retype" -c "undo"
expect_eq "… the column is INTEGER again with its values" "INTEGER|15112345678" \
    "$(q "SELECT (SELECT type FROM pragma_table_info('contacts') WHERE name = 'contact') || '|' || contact FROM contacts WHERE id = 1")"
expect_ok "load orders" -c "load orders.csv key=order_id; load rates.csv key=currency"
orders_total=$(q "SELECT count(*) FROM orders")

# ---- 3: money has a currency ----
expect_fail "rfm refuses to sum two currencies" 1 \
    'rfm: the amounts of orders are in 2 currencies \(EUR, USD, column currency\)' -c "rfm orders"
expect_fail "profile build refuses too" 1 'profile build: the amounts of orders are in 2 currencies' \
    -c "profile build customers=customers orders=orders"
printf 'currency,rate\nEUR,1.25\n' >eur_only.csv
expect_ok "load a rates table with EUR only" -c "load eur_only.csv"
expect_fail "a rates table without a currency it needs" 1 'rfm: rates=eur_only has no positive rate for USD' \
    -c "rfm orders rates=eur_only in=GBP"

# dated rates: each order converted at the rate in force on its day
printf 'order_id,customer_id,order_date,amount,currency\n1,1,2024-01-10,100,EUR\n2,1,2024-03-10,100,EUR\n3,2,2024-02-10,50,USD\n' >dated.csv
printf 'currency,rate,date\nEUR,1.10,2024-01-01\nEUR,1.20,2024-03-01\n' >dated_rates.csv
(DB=$WORK/dated.db
 expect_ok "dated rates" -c "load dated.csv key=order_id; load dated_rates.csv; rfm dated rates=dated_rates in=USD"
 expect_eq "… each order at its day's rate (100 × 1.10 + 100 × 1.20)" "230.0|50.0" \
     "$(q "SELECT group_concat(monetary, '|') FROM (SELECT monetary FROM rfm ORDER BY customer)")"
 printf 'currency,rate,date\nEUR,1.10,2024-02-01\n' >late_rates.csv
 expect_ok "rates that start after an order" -c "load late_rates.csv; rfm dated rates=late_rates in=USD as rfm_late"
 expect_match "… that order is left out as having no rate, and counted" '^left out: no rate +1$' "$OUT")

# ---- 2: a merge re-points the facts, and nothing drops out of a profile ----
expect_ok "dedupe by email" -c "dedupe customers on=first_name,last_name,email block=email"
expect_ok "merge the duplicates" -c "dedupe merge customers keep=first"
expect_match "the orders followed their customers" '^re-pointed: orders\.customer_id +[1-9]' "$OUT"
expect_eq "no order points at a removed customer" "0" \
    "$(q "SELECT count(*) FROM orders WHERE customer_id NOT IN (SELECT customer_id FROM customers)")"
expect_eq "the crosswalk names every removed record's survivor" "8" \
    "$(q "SELECT count(*) FROM _persona_merges WHERE column_name IS NULL")"
expect_ok "profile build in one currency" -c "profile build customers=customers orders=orders rates=rates in=USD"
expect_match "every order row is accounted for" "^order rows +$orders_total\$" "$OUT"
used=$(sed -n 's/^order rows used: purchases *//p' <<<"$OUT")
netted=$(sed -n 's/^order rows used: returns netted *//p' <<<"$OUT")
left=$(sed -n 's/^order rows left out: [^0-9]* \([0-9]*\)$/\1/p' <<<"$OUT" | paste -sd+ | bc)
expect_eq "used + netted + left out = the table's rows" "$orders_total" "$((used + netted + left))"
expect_eq "revenue is the net of every order, each in USD" \
    "$(q "SELECT round(sum(r), 2) FROM (SELECT round(sum(amount * CASE currency WHEN 'USD' THEN 1 ELSE 1.25 END), 2) AS r FROM orders GROUP BY customer_id)")" \
    "$(q "SELECT round(sum(revenue), 2) FROM profiles")"
expect_eq "the return is netted: customer 7 bought and returned 5 EUR" \
    "$(q "SELECT round(sum(amount * CASE currency WHEN 'USD' THEN 1 ELSE 1.25 END), 2) FROM orders WHERE customer_id = 7")" \
    "$(q "SELECT revenue FROM profiles WHERE customer_id = 7")"

# ---- 12: returns are not purchases ----
expect_ok "rfm with rates" -c "rfm orders rates=rates in=USD"
expect_match "rfm says it netted the return" '^returns netted +1$' "$OUT"
expect_eq "the return is not a purchase: customer 7's frequency counts purchases" \
    "$(q "SELECT count(*) FROM orders WHERE customer_id = 7 AND amount > 0")" \
    "$(q "SELECT frequency FROM rfm WHERE customer = 7")"

# ---- 1: cluster segments of integer-keyed tables export their members ----
expect_eq "rfm keys its customers with the customers' type" "INTEGER" \
    "$(q "SELECT type FROM pragma_table_info('rfm') WHERE name = 'customer'")"
expect_ok "cluster rfm" -c "cluster kmeans rfm features=recency_days,frequency,monetary k=3 as rfm_k3"
seg=$(q "SELECT name FROM _persona_segments ORDER BY name LIMIT 1")
cluster=$(q "SELECT CAST(substr(definition, instr(definition, 'cluster = ') + 10) AS INTEGER) FROM _persona_segments WHERE name = '$seg'")
members=$(q "SELECT group_concat(key, ' ') FROM (SELECT key FROM rfm_k3 WHERE cluster = $cluster ORDER BY key)")
expect_ok "export a cluster segment" -c "export \"$seg\" to seg.csv consent=none"
expect_eq "the export holds exactly the segment's members" "$members" \
    "$(tail -n +2 seg.csv | cut -d, -f1 | tr -d '\r' | sort -n | paste -sd' ')"
p -c "segment show \"$seg\" sample=1"
expect_match "segment show finds the members' rows" '^ +[0-9]+ +[0-9]+ ' "$OUT"
# a text-keyed cluster result against an integer-keyed table: compared like with like
expect_ok "a segment whose keys are text" -c "sql CREATE TABLE textkeys AS SELECT CAST(customer AS TEXT) AS k FROM rfm LIMIT 3"
expect_ok "… snapshot-like static membership through segment define" -c "segment define few where customer IN (SELECT k FROM textkeys) from rfm"
p -c "export few to few.csv consent=none"
expect_eq "text keys find integer customers" "4" "$(wc -l <few.csv)"
expect_ok "a consent column that says no to everyone" -c "sql ALTER TABLE rfm ADD COLUMN consent TEXT; UPDATE rfm SET consent = 'no'"
expect_fail "an export that would be empty fails and says why" 1 \
    'export: all 3 candidates were left out \(consent denied 3' -c "export few to none.csv"
[ ! -e none.csv ] && ok "… and no file is written" || not_ok "… and no file is written"
expect_fail "an empty segment exports nothing and says so" 1 'export: .*(no row|no rows)' \
    -c "segment define nobody where recency_days < 0 from rfm; export nobody to nobody.csv consent=none"
[ ! -e nobody.csv ] && ok "… and no file is written" || not_ok "… and no file is written"

# ---- 5: a result is printed only after its commit; a closed pipe undoes nothing ----
"$PERSONA" -d "$DB" -c "outliers customers customer_id action=flag" 2>/dev/null | head -c 10 >/dev/null
expect_eq "the piped command committed (its column is there)" "1" \
    "$(q "SELECT count(*) FROM pragma_table_info('customers') WHERE name = 'customer_id_outlier'")"
expect_eq "its log entry is ok, not running" "ok" \
    "$(q "SELECT status FROM _persona_log WHERE command LIKE 'outliers customers%' ORDER BY id DESC LIMIT 1")"
p -c "undo"
expect_match "undo undoes that command, not the one before" '^command +outliers customers' "$OUT"

# ---- 6: opening writes nothing ----
sqlite3 foreign.db "CREATE TABLE t(a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'x'), (2, 'y')"
sum_before=$(md5sum <foreign.db)
"$PERSONA" -d foreign.db -c "tables; describe t; show t; sql SELECT count(*) FROM t; history" >/dev/null 2>&1
expect_eq "a foreign file is byte-identical after reading commands" "$sum_before" "$(md5sum <foreign.db)"
expect_eq "… and gets no -wal or Persona tables" "foreign.db" "$(ls foreign.db* | tr '\n' ' ' | sed 's/ $//')"
cp foreign.db ro.db && chmod 444 ro.db
if [ "$(id -u)" -ne 0 ]; then
    "$PERSONA" -d ro.db -c "show t" >ro.out 2>&1
    expect_match "a read-only file can be read" '^ *2 +y$' "$(cat ro.out)"
else
    ok "a read-only file can be read # skip root can write anything"
fi
expect_ok "a change adopts the file" -c "sql SELECT 1" -d foreign.db
# readers never wait for a writer: hold a write transaction in another process
(printf 'BEGIN IMMEDIATE;\nINSERT INTO orders(order_id) VALUES (999999);\n'; sleep 3; printf 'COMMIT;\n') | sqlite3 "$DB" &
writer=$!
sleep 0.5
start=$(date +%s%N)
p -c "sql SELECT count(*) FROM orders"
elapsed=$((($(date +%s%N) - start) / 1000000))
wait $writer
expect_eq "a reader during a write sees the committed rows" "$orders_total" "$(tail -1 <<<"$OUT" | tr -d ' ')"
[ "$elapsed" -lt 2500 ] && ok "… without waiting for the writer (${elapsed} ms)" || not_ok "… without waiting for the writer" "took ${elapsed} ms"
expect_ok "remove the writer's row" -c "sql DELETE FROM orders WHERE order_id = 999999"

# ---- 7: a column named rowid loses nothing ----
printf 'rowid,email,name\n1,A@X.COM,ann\n1,B@X.COM,bob\n,C@X.COM,cy\n' >r.csv
expect_ok "load rowid,email,name" -c "load r.csv as r"
before=$(q "SELECT group_concat(quote(rowid) || email || name, '|') FROM (SELECT * FROM r ORDER BY _rowid_)")
expect_ok "normalize it" -c "normalize r email=lower name=upper"
expect_eq "every row cleaned, none copied over another" "1a@x.comANN|1b@x.comBOB|NULLc@x.comCY" \
    "$(q "SELECT group_concat(quote(rowid) || email || name, '|') FROM (SELECT * FROM r ORDER BY _rowid_)")"
expect_ok "undo it" -c "undo"
expect_eq "undo brings every row back" "$before" \
    "$(q "SELECT group_concat(quote(rowid) || email || name, '|') FROM (SELECT * FROM r ORDER BY _rowid_)")"
expect_ok "dedupe a table with a rowid column" -c "dedupe r on=email block=email"
expect_fail "… nothing to merge: the rows are distinct" 1 'dedupe merge: r has no clusters' -c "dedupe merge r"
expect_eq "… and all rows are still there" "3" "$(q "SELECT count(*) FROM r")"

# ---- 8: reserved names in any case ----
expect_fail "load as _PERSONA_LOG" 1 "load: table name '_PERSONA_LOG' is reserved" -c "load r.csv as _PERSONA_LOG replace"
expect_fail "drop _PERSONA_LOG" 1 "drop: no table named '_PERSONA_LOG'" -c "drop _PERSONA_LOG"
expect_ok "the workspace still opens" -c "tables"

# ---- 9: internal state is out of reach ----
echo keep >kept.txt
expect_fail "history save over a file needs force" 1 'history save: kept\.txt: already exists \(add .force.' \
    -c "history save kept.txt"
expect_eq "… the file is kept" "keep" "$(cat kept.txt)"
expect_fail "history save over the workspace" 1 'is the workspace.s own file' -c "history save $DB force"
expect_fail "export over the workspace's WAL" 1 'is the workspace.s own file' -c "export customers to $DB-wal force consent=none"
expect_fail "a trigger" 1 'sql: triggers are not allowed' \
    -c "sql CREATE TRIGGER t AFTER INSERT ON r BEGIN DELETE FROM _persona_undo; END"
expect_fail "writable_schema" 1 'sql: pragmas that set a value are not allowed' -c "sql PRAGMA writable_schema=ON"
expect_fail "ATTACH" 1 'sql: ATTACH and DETACH are not allowed' -c "sql ATTACH '$WORK/elsewhere.db' AS e"
[ ! -e elsewhere.db ] && ok "… and no file was created" || not_ok "… and no file was created"

# ---- 10: one rule for overwriting; a saved script replays over its own outputs ----
expect_fail "rfm over an existing table needs replace" 1 "rfm: table 'rfm' already exists; add 'replace'" \
    -c "rfm orders rates=rates in=USD"
expect_fail "plot over an existing file needs force" 1 'plot: kept\.txt: already exists' \
    -c "plot hist rfm column=monetary out=kept.txt"
expect_ok "save the analysis" -c "history save analysis.persona force"
expect_match "file-writing commands are saved with force" '^export .* force$' "$(grep '^export' analysis.persona | head -1)"
mkdir replay && cp ./*.csv replay/ && cp analysis.persona replay/
(cd replay && "$PERSONA" -d fresh.db -f analysis.persona >/dev/null 2>replay.err)
expect_eq "the saved script replays in a fresh workspace" "0" "$?"
(cd replay && "$PERSONA" -d fresh2.db -f analysis.persona >/dev/null 2>>replay.err)
expect_eq "… again, where its files exist from the run before" "0" "$?"

# ---- 11: ';' and lines ----
expect_ok "sql then a command after ';'" -c "sql SELECT 1 AS one; tables"
expect_match "… both ran" '^rfm +table' "$OUT"
printf 'sql SELECT count(*) AS n\n  FROM orders\n  WHERE amount > 0\ntables\n' >multi.persona
expect_ok "an SQL statement over several lines" -f multi.persona

# ---- 13: values that used to be undefined behaviour ----
expect_fail "rejects=1e400" 1 'load: rejects=1e400: expected a count' -c "load r.csv as r2 rejects=1e400"

# ---- 12 on real data: UCI 12346 bought and returned 77,183.60 ----
if [ -f "$DATA/transactions/online_retail_uci.csv" ]; then
    DB=$WORK/uci.db
    expect_ok "UCI: load and rfm" -c "load $DATA/transactions/online_retail_uci.csv as retail; rfm retail"
    expect_eq "UCI: 12346's purchase and return net to nothing" "0.0|1" \
        "$(q "SELECT monetary || '|' || m FROM rfm WHERE customer = 12346")"
    expect_ok "UCI: cluster the rfm table" \
        -c 'cluster kmeans rfm features=ln(recency_days),ln(frequency),ln(1+monetary) nulls=drop k=4 as rfm_k4'
    seg=$(q "SELECT name FROM _persona_segments WHERE name LIKE 'rfm_k4/%' ORDER BY name LIMIT 1")
    n=$(q "SELECT count(*) FROM rfm_k4 WHERE cluster = (SELECT CAST(substr(definition, instr(definition, 'cluster = ') + 10) AS INTEGER) FROM _persona_segments WHERE name = '$seg')")
    expect_ok "UCI: export a cluster segment" -c "export \"$seg\" to uci.csv consent=none"
    expect_eq "UCI: the export holds every member" "$n" "$(($(wc -l <uci.csv) - 1))"
fi
