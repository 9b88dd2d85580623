#!/usr/bin/env bash
# Cleaning against references Persona did not write, as a user runs it: the fixture
# is loaded and normalized by the binary, and the result compared in SQL.
#  - phones: tests/fixtures/phones/phones.tsv, written forms of libphonenumber's
#    example numbers for 36 countries and what python-phonenumbers reads in each
#    (make_phones.py): at least 99.5% of the valid ones give the same E.164 and
#    extension, and no invalid one is accepted.
# The figures are printed as "# …" lines; `make bench` reports them too.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
# qq SQL: q with the statement on one line
qq() { q "$(tr '\n' ' ' <<<"$1")"; }
# at_least NAME GOT WANT: GOT >= WANT as decimals
at_least() {
    if awk -v g="$2" -v w="$3" 'BEGIN { exit !(g >= w) }'; then ok "$1 ($2 >= $3)"; else not_ok "$1" "got $2, want at least $3"; fi
}

# ---- phones ----
expect_ok "setup: load the phone fixture" -c "load $ROOT/tests/fixtures/phones/phones.tsv as phones"
expect_ok "setup: the inputs as written" -c "sql CREATE TABLE phones_raw AS SELECT rowid AS id, input FROM phones"
expect_ok "validate phone:COL reads each row in its own region" \
    -c "sql CREATE TABLE written AS SELECT region, input, e164 FROM phones" -c "validate written input=phone:region"
expect_eq "validate: exactly the invalid inputs violate phone:region" \
    "$(qq "SELECT count(*) FROM written WHERE e164 IS NULL")" \
    "$(qq "SELECT count(*) FROM _persona_issues WHERE table_name = 'written'")"
expect_ok "normalize every written form in its row's region" -c "normalize phones input=phone:region"
valid=$(qq "SELECT count(*) FROM phones WHERE e164 IS NOT NULL")
same=$(qq "SELECT count(*) FROM phones WHERE e164 IS NOT NULL
           AND input = e164 || coalesce(';ext=' || ext, '')")
invalid=$(qq "SELECT count(*) FROM phones WHERE e164 IS NULL")
accepted=$(qq "SELECT count(*) FROM phones WHERE e164 IS NULL
               AND rowid NOT IN (SELECT row_id FROM _persona_issues WHERE table_name = 'phones')")
echo "# phones: $same of $valid valid numbers give python-phonenumbers' E.164 and extension;" \
     "$accepted of $invalid invalid ones accepted; $(qq "SELECT count(DISTINCT region) FROM phones") regions"
at_least "phones: valid numbers read as the reference reads them (%)" \
    "$(awk -v s="$same" -v v="$valid" 'BEGIN { printf "%.2f", 100 * s / v }')" 99.5
expect_eq "phones: no invalid number accepted" "0" "$accepted"
summary=$OUT
expect_eq "phones: the fixture has numbers of every kind" "fixed_line|mobile|toll_free" \
    "$(qq "SELECT group_concat(k, '|') FROM (SELECT DISTINCT substr(form, 1, instr(form, '/') - 1) k FROM phones
           WHERE e164 IS NOT NULL ORDER BY 1)")"
for t in mobile "fixed line" "toll free"; do
    expect_match "phones: the summary counts the $t numbers" "[ ,]$t [0-9]+" "$summary"
done
for form in ext_x rfc3966 fullwidth vanity idd plus_trunk plus_paren_trunk; do
    expect_eq "phones: every $form form read" \
        "$(qq "SELECT count(*) FROM phones WHERE form LIKE '%/$form'")" \
        "$(qq "SELECT count(*) FROM phones WHERE form LIKE '%/$form' AND input = e164 || coalesce(';ext=' || ext, '')")"
done
expect_eq "phones: every region of the fixture is read" "0" \
    "$(qq "SELECT count(*) FROM (SELECT region FROM phones WHERE e164 IS NOT NULL GROUP BY region
           HAVING sum(input = e164 || coalesce(';ext=' || ext, '')) = 0)")"
expect_ok "validate uses the same check" \
    -c "sql CREATE TABLE gb AS SELECT r.input FROM phones_raw r JOIN phones p ON p.rowid = r.id WHERE p.region = 'GB'" \
    -c "validate gb input=phone:GB"
expect_eq "validate: exactly the invalid GB inputs violate phone:GB" \
    "$(qq "SELECT count(*) FROM phones WHERE region = 'GB' AND e164 IS NULL")" \
    "$(qq "SELECT count(*) FROM _persona_issues WHERE table_name = 'gb'")"
expect_ok "undo validate, the table it read and normalize" -c "undo" -c "undo" -c "undo"
expect_eq "undo: every written form back byte for byte" "0" \
    "$(qq "SELECT count(*) FROM phones p JOIN phones_raw r ON r.id = p.rowid WHERE p.input IS NOT r.input")"

# ---- countries ----
# tests/fixtures/countries/countries.tsv: every country's English name, official and
# common name from pycountry, and their gettext translations into German, French
# and Spanish (make_countries.py): at least 98% in each language become the code.
expect_ok "setup: load the country fixture" -c "load $ROOT/tests/fixtures/countries/countries.tsv as countries"
expect_eq "setup: every code loaded as written (Namibia's NA is not a missing value)" "0" \
    "$(qq "SELECT count(*) FROM countries WHERE alpha2 IS NULL OR length(alpha2) <> 2")"
expect_ok "normalize every name" -c "normalize countries name=country"
while IFS=, read -r lang right all; do
    echo "# countries ($lang): $right of $all names became their ISO 3166-1 code"
    at_least "countries ($lang): names read as their country (%)" \
        "$(awk -v s="$right" -v v="$all" 'BEGIN { printf "%.2f", 100 * s / v }')" 98
done < <(qq "SELECT language, sum(name = alpha2), count(*) FROM countries GROUP BY language ORDER BY language")
expect_eq "countries: no name became another country" "" \
    "$(qq "SELECT group_concat(c.language || ':' || r.name || '=' || c.name, ', ') FROM countries c
           JOIN _persona_changes r ON r.row_id = c.rowid AND r.table_name = 'countries'
           WHERE c.name <> c.alpha2")"

# ---- dates written as numbers, two-digit years, impossible dates ----
printf 'id,signup_date,last_seen,born\n1,44197,1615710360,14/03/21\n2,36526,1615710360123,31/12/68\n3,45000.5,0,01/01/00\n' >when.csv
expect_ok "setup: Excel serials, Unix time, two-digit years" -c "load when.csv key=id"
s0=$(ws_state)
expect_fail "an integer date column named like a date: the kind that reads it is proposed" 1 \
    "signup_date holds numbers from 36526 to 45000.5.*signup_date=date:excel" \
    -c "normalize when signup_date=date"
unchanged "the proposal changes nothing" "$s0"
expect_ok "date:excel, date:epoch and date:DMY:pivot=1950" \
    -c "normalize when signup_date=date:excel last_seen=date:epoch born=date:DMY:pivot=1950"
expect_eq "Excel serials and Unix seconds and milliseconds as Python's datetime reads them" \
    "2021-01-01|2021-03-14 08:26:00|2021-03-14|2000-01-01|2021-03-14 08:26:00.123|1968-12-31|2023-03-15 12:00:00|1970-01-01 00:00:00|2000-01-01" \
    "$(qq "SELECT group_concat(signup_date || '|' || last_seen || '|' || born, '|') FROM (SELECT * FROM \"when\" ORDER BY id)")"
expect_ok "undo" -c "undo"
unchanged "undo: the numbers back as numbers, byte for byte" "$s0"
expect_eq "undo: their types too" "real|integer|text|real" \
    "$(qq "SELECT typeof(signup_date) || '|' || typeof(last_seen) || '|' || typeof(born) || '|' ||
           (SELECT typeof(signup_date) FROM \"when\" WHERE id = 3) FROM \"when\" WHERE id = 1")"
{ echo 'id,visit'; for i in $(seq 1 39); do printf '%d,%02d/%02d/2021\n' "$i" $((i % 12 + 1)) $((i % 28 + 1)); done
  echo '40,31/02/2021'; echo '41,12/25/2021'; } >visits.csv
expect_ok "setup: month-first dates and one impossible date" -c "load visits.csv key=id"
expect_ok "normalize the visits" -c "normalize visits visit=date"
expect_eq "the impossible date is reported, not evidence: every other date read month first" "40|0" \
    "$(qq "SELECT group_concat(row_key) || '|' || (SELECT count(*) FROM visits WHERE id < 40 AND visit NOT GLOB '2021-*')
           FROM _persona_issues WHERE table_name = 'visits'")"
expect_eq "… so 12/25/2021 is 25 December" "2021-12-25" "$(qq "SELECT visit FROM visits WHERE id = 41")"

# ---- emails ----
printf 'id,email\n1,Ann Lee <Ann.Lee@Example.com>\n2,"ann\xe2\x80\x8b.lee@example.com"\n3,jürgen@müller.de\n4,ann lee@example.com\n' >mail.csv
expect_ok "setup: emails with a display name, a zero-width space, an IDN" -c "load mail.csv key=id"
expect_ok "normalize the emails" -c "normalize mail email=email"
expect_eq "emails: the address, without invisible characters, the domain in punycode (python3-idna)" \
    "ann.lee@example.com|ann.lee@example.com|jürgen@xn--mller-kva.de|ann lee@example.com" \
    "$(qq "SELECT group_concat(email, '|') FROM (SELECT email FROM mail ORDER BY id)")"
expect_eq "emails: what is still not an address is kept and reported" "4|a space in the address" \
    "$(qq "SELECT row_key || '|' || message FROM _persona_issues WHERE table_name = 'mail'")"
