#!/usr/bin/env bash
# rfm against scores computed by pandas (tests/fixtures/rfm, make_rfm.py) on the
# sample orders and, when ../shared/data is there, on UCI Online Retail; profile
# build and the profile card; undo of each; bad inputs with clear messages and the
# workspace unchanged.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
SAMPLES=$ROOT/samples
FIX=$ROOT/tests/fixtures/rfm

# The rfm table as the fixtures write it (cents, no quotes).
rfm_csv() {  # TABLE [WHERE]
    q "SELECT customer, recency_days, frequency, printf('%.2f', monetary), r, f, m, segment FROM $1 ${2:-} ORDER BY customer" | tr -d '"'
}

expect_ok "setup: load customers, orders, events, rates" -c "load $SAMPLES/customers.csv key=customer_id
load $SAMPLES/orders.csv key=order_id
load $SAMPLES/events.csv key=event_id
load $SAMPLES/rates.csv key=currency"

# ---- rfm ----
s0=$(ws_state)
expect_fail "rfm orders: five currencies are not summed" 1 \
    'rfm: the amounts of orders are in 5 currencies \(CAD, EUR, GBP, JPY, USD, column currency\)' -c "rfm orders"
expect_ok "rfm orders, columns detected, in USD" -c "rfm orders rates=rates in=USD"
expect_match "rfm: the columns it chose" '^customer +customer_id$' "$OUT"
expect_match "rfm: amount detected" '^amount +"amount"$' "$OUT"
expect_match "rfm: order detected" '^order +order_id$' "$OUT"
expect_match "rfm: as of the day after the last order" '^asof +2026-01-01$' "$OUT"
expect_match "rfm: the currency" '^currency +USD \(converted from CAD, EUR, GBP, JPY, USD with rates\)$' "$OUT"
expect_match "rfm: cancelled and refunded orders netted" '^returns netted +1857$' "$OUT"
expect_match "rfm: returns with no purchase to net against" '^left out: returns without a purchase +24$' "$OUT"
expect_match "rfm: segments with their counts" "^Can't Lose Them +[0-9]+ +[0-9.]+$" "$OUT"
expect_eq "rfm: the output columns" "customer,recency_days,frequency,monetary,r,f,m,segment" \
    "$(q "SELECT group_concat(name, ',') FROM pragma_table_info('rfm')" | tr -d '"')"
expect_eq "rfm: every customer as pandas scores them" "$(tail -n +2 "$FIX/orders_rfm.csv")" "$(rfm_csv rfm)"
expect_eq "rfm: keyed by customer" "customer" "$(q "SELECT key_column FROM _persona_tables WHERE name = 'rfm'")"
expect_ok "rfm again with the columns given, as another table" \
    -c "rfm orders customer=customer_id date=order_date amount=amount order=order_id currency=currency rates=rates in=USD as rfm2"
expect_eq "rfm: given columns give the same scores" "$(rfm_csv rfm)" "$(rfm_csv rfm2)"
expect_ok "rfm with where= and asof=" -c "rfm orders where=\"channel = 'web'\" asof=2025-07-01 rates=rates in=USD as rfm_web"
expect_eq "rfm asof: recency counts to it, later orders left out" "1|1" \
    "$(q "SELECT (min(recency_days) >= 1) || '|' || (count(*) = (SELECT count(DISTINCT customer_id) FROM orders WHERE channel = 'web' AND order_date < '2025-07-01' AND status NOT IN ('cancelled', 'refund', 'refunded') AND amount >= 0)) FROM rfm_web")"
expect_ok "rfm include_cancelled counts every order" -c "rfm orders include_cancelled rates=rates in=USD as rfm_all"
expect_eq "include_cancelled: more orders" "1" "$(q "SELECT (SELECT sum(frequency) FROM rfm_all) > (SELECT sum(frequency) FROM rfm)")"
expect_ok "undo rfm_all, rfm_web, rfm2, rfm" -c "undo; undo; undo; undo"
unchanged "undo rfm: as before" "$s0"

# ---- rfm: bad inputs ----
bad() {  # NAME PATTERN COMMAND
    local before
    before=$(ws_state)
    expect_fail "$1" 1 "$2" -c "$3"
    unchanged "$1: workspace unchanged" "$before"
}
bad "rfm: unknown table" "rfm: no table named 'order' \(did you mean 'orders'\?\)" "rfm order"
bad "rfm: unknown customer column" "rfm: customer=client: no column 'client' in orders \(columns: order_id, customer_id" "rfm orders customer=client"
bad "rfm: amount that is not SQL" "rfm: check amount=: .*" "rfm orders amount=\"amount +\" rates=rates in=USD"
bad "rfm: a bad asof" "rfm: asof=yesterday: expected a date as YYYY-MM-DD" "rfm orders asof=yesterday"
bad "rfm: where= leaves nothing" "rfm: no row of orders has a customer, a date and a non-negative amount within where=" "rfm orders where=\"1 = 0\""
bad "rfm: as a Persona table" "rfm: as _persona_log: choose another name" "rfm orders as _persona_log"
printf 'a,b\n1,2\n' >nodates.csv
expect_ok "setup: a table with no dates" -c "load nodates.csv"
bad "rfm: no customer column to find" "rfm: no customer column found in nodates; give customer=COL" "rfm nodates"

# ---- rfm on UCI Online Retail ----
RETAIL=$DATA/transactions/online_retail_uci.csv
if [ -f "$RETAIL" ]; then
    DB=$WORK/retail.db
    expect_ok "retail: load and rfm with detected columns" -c "load $RETAIL as retail
rfm retail"
    expect_match "retail: amount is quantity times price" '^amount +"Quantity" \* "UnitPrice"$' "$OUT"
    expect_match "retail: rows without a customer reported" '^left out: no customer +135080$' "$OUT"
    expect_match "retail: C-invoices netted from their customers' purchases" '^returns netted +8817$' "$OUT"
    expect_match "retail: returns with no purchase to net against" '^left out: returns without a purchase +88$' "$OUT"
    IFS=, read -r n asof rows sr sf sm r f m < <(tail -n +2 "$FIX/retail_summary.csv" | tr -d '\r')
    expect_match "retail: rows used as pandas" "^rows used +$rows$" "$OUT"
    expect_match "retail: as of the day after the last invoice" "^asof +$asof$" "$OUT"
    expect_eq "retail: customers and sums as pandas" "$n|$sr|$sf|$sm|$r|$f|$m" \
        "$(q "SELECT count(*) || '|' || sum(recency_days) || '|' || sum(frequency) || '|' || round(sum(monetary), 2) || '|' || sum(r) || '|' || sum(f) || '|' || sum(m) FROM rfm")"
    expect_eq "retail: 4,339 customers" "4339" "$(q "SELECT count(*) FROM rfm")"
    expect_eq "retail: segments as pandas" "$(tail -n +2 "$FIX/retail_segments.csv" | tr -d '"\r')" \
        "$(q "SELECT segment || ',' || count(*) FROM rfm GROUP BY segment ORDER BY segment" | tr -d '"')"
    keys=$(tail -n +2 "$FIX/retail_sample.csv" | cut -d, -f1 | paste -sd,)
    expect_eq "retail: 25 customers as pandas" "$(tail -n +2 "$FIX/retail_sample.csv" | tr -d '\r')" \
        "$(rfm_csv rfm "WHERE customer IN ($keys)")"
    DB=$WORK/ws.db
else
    echo "# skipped Online Retail: $RETAIL not found"
fi

# ---- profile build ----
s1=$(ws_state)
expect_ok "rfm for the profiles" -c "rfm orders rates=rates in=USD"
expect_ok "profile build, everything detected" -c "profile build rates=rates in=USD"
expect_match "profile: customers" '^customers +5000$' "$OUT"
expect_match "profile: consent column found" '^consent column +marketing_consent$' "$OUT"
expect_match "profile: orders mapping" '^orders mapping +customer=customer_id date=order_date amount="amount" order=order_id category=category$' "$OUT"
expect_match "profile: events mapping" '^events mapping +customer=customer_id time=event_time type=event_type$' "$OUT"
expect_match "profile: rfm joined" '^rfm +rfm$' "$OUT"
expect_eq "profiles: one row per customer, keyed" "5000|5000|customer_id" \
    "$(q "SELECT count(*) || '|' || count(DISTINCT customer_id) || '|' || (SELECT key_column FROM _persona_tables WHERE name = 'profiles') FROM profiles")"
expect_eq "profiles: consent normalised (yes, true, 1, granted / no, false, 0, denied)" "0" \
    "$(q "SELECT count(*) FROM profiles WHERE NOT ((lower(marketing_consent) IN ('yes', 'true', '1', 'granted', 'y') AND consent = 1) OR (lower(marketing_consent) IN ('no', 'false', '0', 'denied', 'n') AND consent = 0) OR (marketing_consent IS NULL AND consent IS NULL))")"
expect_eq "profiles: orders and revenue agree with rfm" "0" \
    "$(q "SELECT count(*) FROM profiles p JOIN rfm r ON r.customer = p.customer_id WHERE p.orders <> r.frequency OR abs(p.revenue - r.monetary) > 0.005 OR p.recency_days <> r.recency_days OR p.segment IS NOT r.segment")"
expect_eq "profiles: no orders, zero revenue, no recency" "1024|0|1" \
    "$(q "SELECT count(*) || '|' || sum(revenue) || '|' || min(recency_days IS NULL) FROM profiles WHERE orders = 0")"
expect_eq "profiles: event counts by type add up" "0" \
    "$(q "SELECT count(*) FROM profiles WHERE events_page_view + events_product_view + events_add_to_cart + events_purchase <> events_total")"
expect_eq "profiles: events in the last 7 days within the last 30" "0" "$(q "SELECT count(*) FROM profiles WHERE events_7d > events_30d")"
expect_eq "profiles: top category of C00028" "Fashion" "$(q "SELECT top_category FROM profiles WHERE customer_id = 'C00028'")"

# ---- the card ----
expect_ok "profile KEY" -c "profile C00028"
expect_match "card: attributes" '^email +mathieu\.noel@gmail\.com$' "$OUT"
expect_match "card: metrics" '^orders +1$' "$OUT"
expect_match "card: RFM segment" '^segment +Lost$' "$OUT"
expect_match "card: the customer's orders" 'O035056 +C00028 +2025-05-18' "$OUT"
expect_match "card: the customer's events, newest first" 'events:' "$OUT"
expect_ok "profile by email" -c "profile MATHIEU.NOEL@gmail.com"
expect_match "by email: the same customer" '^customer_id +C00028$' "$OUT"
p --format json -c "profile C00028"
expect_eq "card in json: profile, segments, orders, events" "profile segments orders events" \
    "$(python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin).keys()))' <<<"$OUT" 2>&1)"
bad "profile: unknown customer" "profile: no customer with customer_id 'C99999' in profiles" "profile C99999"
bad "profile: build options on a card" "profile: option orders= is for 'profile build'" "profile C00028 orders=orders"

# ---- undo ----
expect_ok "undo profile build" -c "undo"
expect_ok "undo rfm" -c "undo"
unchanged "undo profile build and rfm: as before" "$s1"
bad "profile before any build" "profile: no profiles yet; build them with 'profile build customers=TABLE" "profile C00028"

# ---- profile build: options and bad inputs ----
bad "profile build: unknown customers table" "profile build: no table named 'clients'" "profile build customers=clients"
bad "profile build: unknown key" "profile build: key=nosuch: no column 'nosuch' in customers" "profile build key=nosuch"
bad "profile build: a key that is not unique" "profile build: key country is not unique in customers" "profile build key=country"
bad "profile build: unknown orders table" "profile build: no table named 'ordrs' \(did you mean 'orders'\?\)" "profile build orders=ordrs"
bad "profile build: a bad asof" "profile build: asof=soon: expected a date as YYYY-MM-DD" "profile build asof=soon rates=rates in=USD"
expect_ok "setup: an empty customers table, and one without a key" -c "sql CREATE TABLE nobody(customer_id, email); CREATE TABLE anon(name, email); INSERT INTO anon VALUES ('a', 'x@y')"
bad "profile build: empty customers" "profile build: nobody has no rows" "profile build customers=nobody"
bad "profile build: no key column" "profile build: anon has no key column \(none recorded, none named like customer_id\); give key=COL" "profile build customers=anon"
expect_ok "profile build with asof and the orders' columns given" \
    -c "profile build orders=orders order_customer=customer_id order_date=order_date amount=\"amount\" asof=2025-07-01 rates=rates in=USD"
expect_match "asof given" '^asof +2025-07-01$' "$OUT"
expect_eq "asof: recency counts to it" "1" "$(q "SELECT min(recency_days) >= 1 FROM profiles")"
expect_ok "undo" -c "undo"
