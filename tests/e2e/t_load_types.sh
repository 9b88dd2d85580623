#!/usr/bin/env bash
# The quirks of the real files, in small generated files, so they are checked also
# where ../shared/data is absent: M/D/Y H:MM datetimes (as in the original UCI retail
# export), D/M/Y dates, zero-padded IDs, BOM, CRLF and CR line ends, no final newline,
# sniffed delimiters, gzip, header detection, blank lines at the end.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

coltype() { q "SELECT type FROM pragma_table_info('$1') WHERE name = '$2'"; }

printf 'InvoiceNo,InvoiceDate,UnitPrice\n536365,12/1/2010 8:26,2.55\n536366,12/13/2010 17:05,3\n536367,1/2/2011 10:00,\n' >mdy.csv
expect_ok "M/D/Y H:MM loads" -c "load mdy.csv"
expect_match "M/D/Y H:MM: summary says how it was read" '^InvoiceDate +DATETIME +0 +read as M/D/Y' "$OUT"
expect_eq "M/D/Y H:MM: stored as ISO datetimes" "2010-12-01 08:26:00|2010-12-13 17:05:00|2011-01-02 10:00:00" \
    "$(q "SELECT group_concat(InvoiceDate, '|') FROM (SELECT InvoiceDate FROM mdy ORDER BY rowid)")"
expect_eq "M/D/Y H:MM: blank price NULL, the column REAL" "REAL|1" \
    "$(q "SELECT '$(coltype mdy UnitPrice)' || '|' || count(*) FROM mdy WHERE UnitPrice IS NULL")"

# BOM, CRLF, '|' delimiter, zero-padded IDs, D/M/Y dates, no final newline
printf '\357\273\277id|name|joined\r\n0007|Ann|31/12/2020\r\n0010|Bob|01/02/2021' >pipe.csv
expect_ok "BOM + CRLF + '|' + no final newline loads" -c "load pipe.csv"
expect_match "'|' sniffed" '^delimiter +\|$' "$OUT"
expect_eq "BOM: first column is 'id'" "id" "$(q "SELECT name FROM pragma_table_info('pipe') WHERE cid = 0")"
expect_eq "zero-padded IDs stay TEXT with their zeros" "TEXT|0007,0010" \
    "$(q "SELECT '$(coltype pipe id)' || '|' || group_concat(id) FROM pipe" | tr -d '"')"
expect_eq "D/M/Y: 31/12/2020 is 31 December; the last line (no newline) is whole" "2020-12-31|2021-02-01" \
    "$(q "SELECT group_concat(joined, '|') FROM (SELECT joined FROM pipe ORDER BY rowid)")"
expect_eq "CRLF: no CR left in the values" "0" "$(q "SELECT count(*) FROM pipe WHERE instr(joined || name, char(13))")"

printf 'a;b\n1;2,5\n3;4\n' >semi.csv
expect_ok "';' sniffed" -c "load semi.csv"
expect_match "';' in the summary" '^delimiter +;$' "$OUT"
expect_eq "a decimal comma stays text (nothing lost)" "TEXT|2,5" \
    "$(q "SELECT '$(coltype semi b)' || '|' || b FROM semi WHERE a = 1" | tr -d '"')"

printf 'x\ty\n1\t2\n3\t4\n' >tabs.txt
expect_ok "TAB sniffed in a .txt file" -c "load tabs.txt"
expect_match "TAB in the summary" '^delimiter +tab$' "$OUT"

printf 'x,y\n1,2\n3,4\n' | gzip >packed.csv.gz
expect_ok ".csv.gz loads through zlib" -c "load packed.csv.gz"
expect_eq ".csv.gz: table named without .csv.gz, rows" "4|6" "$(q "SELECT sum(x) || '|' || sum(y) FROM packed")"
printf '\037\213\010\000\000\000\000\000\000\003broken' >corrupt.csv.gz
before=$(ws_state)
expect_fail "a corrupt .gz fails clearly" 1 '^-c:1: error: load: corrupt\.csv\.gz: .*(gzip|corrupt|compressed)' -c "load corrupt.csv.gz"
unchanged "corrupt .gz: workspace unchanged" "$before"

printf 'x,y\r1,2\r3,4\r' >cr.csv
expect_ok "CR-only line ends" -c "load cr.csv"
expect_eq "CR-only: 2 rows" "2" "$(q "SELECT count(*) FROM cr")"
printf 'x,y\n1,2\n3,4\n\n\n' >trailing.csv
expect_ok "blank lines at the end" -c "load trailing.csv"
expect_eq "blank lines at the end: 2 rows" "2" "$(q "SELECT count(*) FROM trailing")"

printf '1,2\n3,4\n' >nohdr.csv
expect_ok "a file without a header" -c "load nohdr.csv"
expect_match "no header detected" '^header +false$' "$OUT"
expect_eq "no header: col_1, col_2 and both rows" "col_1|col_2|2" \
    "$(q "SELECT group_concat(name, '|') || '|' || (SELECT count(*) FROM nohdr) FROM pragma_table_info('nohdr')")"
expect_ok "header=yes forces a header" -c "load nohdr.csv as forced header=yes"
expect_eq "header=yes: names from the first row" "1|2|1" \
    "$(q "SELECT group_concat(name, '|') || '|' || (SELECT count(*) FROM forced) FROM pragma_table_info('forced')")"

printf 'id,score,when\n1, 7 ,2021-01-01\n2,  ,\n3,8.5,2021-02-03T10:00:00\n' >blanks.csv
expect_ok "whitespace-only cells" -c "load blanks.csv"
expect_eq "whitespace-only cells are NULL in typed columns" "REAL|1" \
    "$(q "SELECT '$(coltype blanks score)' || '|' || count(*) FROM blanks WHERE score IS NULL")"
