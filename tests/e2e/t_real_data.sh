#!/usr/bin/env bash
# Real files from ../shared/data load with the right types and row counts.  Runs only
# where the data folder exists (it is not part of the project).
. "$(dirname "$0")/lib.sh"
[ -d "$DATA" ] || exit 0

# coltype TABLE COLUMN: the declared type of a column.
coltype() { q "SELECT type FROM pragma_table_info('$1') WHERE name = '$2'"; }

# ---- Telco churn: CRLF, TotalCharges blank (" ") in 11 rows ----
expect_ok "telco loads" -c "load $DATA/customers/WA_Fn-UseC_-Telco-Customer-Churn.csv as telco key=customerID"
expect_match "telco: summary, 7043 rows" '^rows +7043$' "$OUT"
expect_match "telco: summary, nothing rejected" '^rejected +0$' "$OUT"
expect_match "telco: summary shows TotalCharges REAL with 11 nulls" '^TotalCharges +REAL +11 ' "$OUT"
expect_eq "telco: 7043 rows, 21 columns" "7043|21" \
    "$(q "SELECT count(*) || '|' || (SELECT count(*) FROM pragma_table_info('telco')) FROM telco")"
expect_eq "telco: TotalCharges is REAL" "REAL" "$(coltype telco TotalCharges)"
expect_eq "telco: 11 NULL TotalCharges, the rest real" "11|7032" \
    "$(q "SELECT sum(TotalCharges IS NULL) || '|' || sum(typeof(TotalCharges) = 'real') FROM telco")"
expect_eq "telco: the blanks are the tenure-0 customers" "11" \
    "$(q "SELECT count(*) FROM telco WHERE TotalCharges IS NULL AND tenure = 0")"
# sum computed once with Python's csv module: 16056168.700000027
expect_eq "telco: TotalCharges sum" "16056168.70" "$(q "SELECT printf('%.2f', sum(TotalCharges)) FROM telco")"
expect_eq "telco: tenure and SeniorCitizen INTEGER, MonthlyCharges REAL" "INTEGER INTEGER REAL" \
    "$(echo $(coltype telco tenure) $(coltype telco SeniorCitizen) $(coltype telco MonthlyCharges))"
expect_eq "telco: CRLF stripped from the last column" "0|No,Yes" \
    "$(q "SELECT (SELECT count(*) FROM telco WHERE Churn GLOB '*[^A-Za-z]*') || '|' || (SELECT group_concat(Churn) FROM (SELECT DISTINCT Churn FROM telco ORDER BY 1))" | tr -d '"')"
expect_eq "telco: key recorded, first customer" "customerID|7590-VHVEG" \
    "$(q "SELECT (SELECT key_column FROM _persona_tables WHERE name = 'telco') || '|' || (SELECT customerID FROM telco WHERE rowid = 1)")"

# ---- Mall customers: zero-padded IDs, CRLF, no final newline ----
expect_ok "mall loads" -c "load $DATA/customers/Mall_Customers.csv as mall key=CustomerID"
expect_eq "mall: 200 rows" "200" "$(q "SELECT count(*) FROM mall")"
expect_eq "mall: CustomerID stays TEXT" "TEXT" "$(coltype mall CustomerID)"
expect_eq "mall: IDs keep their zeros" "0001|0200|text" \
    "$(q "SELECT min(CustomerID) || '|' || max(CustomerID) || '|' || typeof(min(CustomerID)) FROM mall")"
expect_eq "mall: the last row (no final newline) is whole" "Male|30|137|83" \
    "$(q "SELECT Genre || '|' || Age || '|' || \"Annual Income (k\$)\" || '|' || \"Spending Score (1-100)\" FROM mall WHERE CustomerID = '0200'")"
expect_eq "mall: names with spaces and brackets kept" "CustomerID|Genre|Age|Annual Income (k\$)|Spending Score (1-100)" \
    "$(q "SELECT group_concat(name, '|') FROM pragma_table_info('mall')")"
expect_eq "mall: numeric columns INTEGER" "INTEGER INTEGER" \
    "$(echo $(coltype mall Age) $(coltype mall 'Spending Score (1-100)'))"

# ---- marketing_campaign: TAB-separated (sniffed), DD-MM-YYYY dates, 24 blank incomes ----
expect_ok "marketing_campaign loads" -c "load $DATA/customers/marketing_campaign.csv as mc key=ID"
expect_match "marketing: TAB sniffed" '^delimiter +tab$' "$OUT"
expect_match "marketing: Dt_Customer read as D/M/Y" '^Dt_Customer +DATE +0 +read as D/M/Y' "$OUT"
expect_eq "marketing: 2240 rows, 29 columns" "2240|29" \
    "$(q "SELECT count(*) || '|' || (SELECT count(*) FROM pragma_table_info('mc')) FROM mc")"
expect_eq "marketing: Dt_Customer is DATE" "DATE" "$(coltype mc Dt_Customer)"
# "04-09-2012" on the first row is 4 September; range from Python's csv + strptime('%d-%m-%Y')
expect_eq "marketing: dates as ISO, day first" "2012-09-04|2012-07-30|2014-06-29" \
    "$(q "SELECT (SELECT Dt_Customer FROM mc WHERE ID = 5524) || '|' || min(Dt_Customer) || '|' || max(Dt_Customer) FROM mc")"
expect_match "marketing: Income numeric" '^(INTEGER|REAL)$' "$(coltype mc Income)"
expect_eq "marketing: 24 NULL incomes" "24" "$(q "SELECT count(*) FROM mc WHERE Income IS NULL")"
expect_eq "marketing: odd marital statuses kept as text" "Absurd|Alone|YOLO" \
    "$(q "SELECT group_concat(Marital_Status, '|') FROM (SELECT DISTINCT Marital_Status FROM mc WHERE Marital_Status IN ('Absurd', 'Alone', 'YOLO') ORDER BY 1)")"

# ---- olist reviews: quoted fields with embedded line breaks ----
# Expected counts computed once with Python's csv module:
#   rows = list(csv.reader(open(path, newline='', encoding='utf-8')))[1:]
#   len(rows) == 6123; 237 messages contain '\r' or '\n';
#   sum(len(r[4]) for r in rows) == 175775; 5389 empty titles
#   review_id is not unique in the export: two ids are on 2 rows each (Counter over r[0])
expect_fail "reviews: key=review_id refused, naming the repeated value" 1 \
    "key=review_id: value '(3242cc306a9218d0377831e175d62fbf|308316408775d1600dad81bd3184556d)' is on 2 rows; a key must be unique" \
    -c "load $DATA/csv-edge-cases/olist_order_reviews_dataset.csv as reviews key=review_id"
expect_ok "olist reviews load" -c "load $DATA/csv-edge-cases/olist_order_reviews_dataset.csv as reviews"
expect_match "reviews: nothing rejected" '^rejected +0$' "$OUT"
expect_eq "reviews: 6123 rows (as Python's csv module)" "6123" "$(q "SELECT count(*) FROM reviews")"
expect_eq "reviews: 237 messages keep their line breaks" "237" \
    "$(q "SELECT count(*) FROM reviews WHERE instr(review_comment_message, char(10)) OR instr(review_comment_message, char(13))")"
expect_eq "reviews: message text intact (total length)" "175775" \
    "$(q "SELECT sum(length(review_comment_message)) FROM reviews")"
expect_eq "reviews: blank titles are NULL" "5389" "$(q "SELECT count(*) FROM reviews WHERE review_comment_title IS NULL")"
expect_eq "reviews: score INTEGER, dates DATETIME" "INTEGER DATETIME DATETIME" \
    "$(echo $(coltype reviews review_score) $(coltype reviews review_creation_date) $(coltype reviews review_answer_timestamp))"

# ---- the BOM file ----
expect_ok "category translation (UTF-8 BOM) loads" -c "load $DATA/csv-edge-cases/product_category_name_translation.csv as pcat"
expect_eq "BOM: first column name without the BOM" "product_category_name" \
    "$(q "SELECT name FROM pragma_table_info('pcat') WHERE cid = 0")"
expect_eq "BOM: no EF BB BF bytes in any name" "0" \
    "$(q "SELECT count(*) FROM pragma_table_info('pcat') WHERE instr(hex(name), 'EFBBBF')")"
expect_eq "BOM: the column is addressable by its plain name" "71" \
    "$(q "SELECT count(product_category_name) FROM pcat")"

# ---- UCI online retail: 541,909 rows ----
expect_ok "online retail loads" -c "load $DATA/transactions/online_retail_uci.csv as retail"
expect_eq "retail: 541909 rows" "541909" "$(q "SELECT count(*) FROM retail")"
expect_eq "retail: InvoiceDate is DATETIME" "DATETIME" "$(coltype retail InvoiceDate)"
expect_eq "retail: InvoiceDate ISO text, range as the README says" "2010-12-01 08:26:00|2011-12-09 12:50:00|0" \
    "$(q "SELECT min(InvoiceDate) || '|' || max(InvoiceDate) || '|' || sum(InvoiceDate NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]') FROM retail")"
expect_eq "retail: 135080 rows without CustomerID, 4372 customers, 25900 invoices" "135080|4372|25900" \
    "$(q "SELECT sum(CustomerID IS NULL) || '|' || count(DISTINCT CustomerID) || '|' || count(DISTINCT InvoiceNo) FROM retail")"
expect_eq "retail: Quantity INTEGER (cancellations negative), UnitPrice REAL, InvoiceNo TEXT" "INTEGER REAL TEXT 1" \
    "$(echo $(coltype retail Quantity) $(coltype retail UnitPrice) $(coltype retail InvoiceNo) \
        $(q "SELECT min(Quantity) < 0 FROM retail WHERE InvoiceNo LIKE 'C%'"))"
