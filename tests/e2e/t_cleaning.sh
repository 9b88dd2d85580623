#!/usr/bin/env bash
# Cleaning: normalize, validate, impute and outliers on the sample customers.  The
# counts are checked against independent SQL over the raw values; undo must put back
# every old value exactly; impute and outliers agree with NumPy/SciPy/scikit-learn
# (tests/fixtures/cleaning, made by make_fixtures.py); every bad input gives a clear
# message, exit 1 and an unchanged workspace.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
FIX=$ROOT/tests/fixtures/cleaning
# qq SQL: q with the statement on one line (a script line is one command)
qq() { q "$(tr '\n' ' ' <<<"$1")"; }

expect_ok "setup: load the sample customers" -c "load $ROOT/samples/customers.csv key=customer_id"
# the raw values, kept aside for independent counts
expect_ok "setup: a copy of the raw values" -c "sql CREATE TABLE raw AS SELECT * FROM customers"
s0=$(ws_state)

# ---- normalize: emails, phones, dates, countries ----
# Independent expectations, from the raw values with plain SQL.
email_fixable=$(qq "SELECT count(*) FROM raw WHERE email IS NOT NULL AND lower(trim(email)) <> email
    AND lower(trim(email)) GLOB '?*@?*.?*' AND email NOT LIKE '%@%@%' AND trim(email) NOT GLOB '*[ ,]*'")
email_bad=$(qq "SELECT count(*) FROM raw WHERE email IS NOT NULL AND trim(email) <> '' AND (email NOT LIKE '%@%'
    OR email LIKE '%@%@%' OR trim(email) GLOB '*[ ,]*')")
phone_ext=$(qq "SELECT count(*) FROM raw WHERE phone LIKE '%x%'")
dates_written=$(qq "SELECT count(*) FROM raw WHERE signup_date NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'")
us_variants=$(qq "SELECT count(*) FROM raw WHERE country IN ('United States', 'USA', 'US', 'U.S.', 'United States of America',
    'U.S.A.', 'us', 'America', 'UNITED STATES')")
gb_variants=$(qq "SELECT count(*) FROM raw WHERE country IN ('United Kingdom', 'UK', 'GB', 'England', 'U.K.', 'Great Britain',
    'uk', 'ENGLAND', 'UNITED KINGDOM')")
de_variants=$(qq "SELECT count(*) FROM raw WHERE country IN ('Germany', 'DE', 'Deutschland', 'germany', 'GER', 'BRD', 'GERMANY')")
jp_variants=$(qq "SELECT count(*) FROM raw WHERE country IN ('Japan', '日本', 'JP', 'JAPAN')")

expect_ok "normalize phones, emails, dates and countries" \
    -c "normalize customers phone=phone:country email=email signup_date=date country=country"
expect_match "the summary names the table" '^table +customers$' "$OUT"
expect_match "the note points at the issues" '^normalize: [0-9]+ values could not be cleaned .*_persona_issues' "$ERR"
expect_eq "email: every fixable address lower-cased and trimmed" "$email_fixable" \
    "$(qq "SELECT count(*) FROM _persona_changes WHERE column_name = 'email'")"
expect_eq "email: every malformed address reported, left as it was" "$email_bad" \
    "$(qq "SELECT count(*) FROM _persona_issues WHERE column_name = 'email'")"
expect_eq "email: the reported ones are unchanged" "0" \
    "$(qq "SELECT count(*) FROM _persona_issues i JOIN customers c ON c.customer_id = i.row_key
          WHERE i.column_name = 'email' AND c.email IS NOT i.value")"
expect_eq "phone: every changed value is E.164" "0" \
    "$(qq "SELECT count(*) FROM _persona_changes WHERE column_name = 'phone' AND new_value NOT GLOB '+[1-9][0-9]*'")"
expect_eq "phone: numbers with an extension keep it as RFC 3966 ';ext='" "$phone_ext" \
    "$(qq "SELECT count(*) FROM _persona_changes WHERE column_name = 'phone' AND new_value GLOB '+[1-9]*;ext=[0-9]*'")"
expect_eq "phone: every non-NULL phone is E.164 or reported" "0" \
    "$(qq "SELECT count(*) FROM customers WHERE phone IS NOT NULL AND phone NOT GLOB '+[1-9]*'
          AND customer_id NOT IN (SELECT row_key FROM _persona_issues WHERE column_name = 'phone')")"
expect_eq "phone: a London number written nationally in the UK" "+442079460715" \
    "$(qq "SELECT new_value FROM _persona_changes WHERE column_name = 'phone' AND old_value = '020 7946 0715' LIMIT 1")"
expect_eq "dates: every written date converted" "$dates_written" \
    "$(qq "SELECT count(*) FROM _persona_changes WHERE column_name = 'signup_date'")"
expect_eq "dates: all signup dates ISO now" "0" \
    "$(qq "SELECT count(*) FROM customers WHERE signup_date NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'")"
expect_eq "dates: '03/14/2021'-style values read month first" "2019-01-01" \
    "$(qq "SELECT signup_date FROM customers WHERE customer_id = 'C00001'")"
expect_eq "dates: 'January 2, 2019'" "2019-01-02" "$(qq "SELECT signup_date FROM customers WHERE customer_id = 'C00002'")"
expect_eq "dates: '.' dates read day first (proven by days above 12)" "0" \
    "$(qq "SELECT count(*) FROM raw r JOIN customers c USING (customer_id) WHERE r.signup_date GLOB '??.??.????'
          AND c.signup_date <> substr(r.signup_date, 7, 4) || '-' || substr(r.signup_date, 4, 2) || '-' || substr(r.signup_date, 1, 2)")"
expect_eq "country: seven ISO codes remain" "CA|DE|ES|FR|GB|JP|US" \
    "$(qq "SELECT group_concat(country, '|') FROM (SELECT DISTINCT country FROM customers ORDER BY 1)")"
expect_eq "country: every US spelling became US" "$us_variants" "$(qq "SELECT count(*) FROM customers WHERE country = 'US'")"
expect_eq "country: every UK spelling became GB" "$gb_variants" "$(qq "SELECT count(*) FROM customers WHERE country = 'GB'")"
expect_eq "country: every German spelling became DE" "$de_variants" "$(qq "SELECT count(*) FROM customers WHERE country = 'DE'")"
expect_eq "country: 日本 and Japan became JP" "$jp_variants" "$(qq "SELECT count(*) FROM customers WHERE country = 'JP'")"
expect_eq "changes keep the row key and the old value" "C00002|Spain|ES" \
    "$(qq "SELECT row_key || '|' || old_value || '|' || new_value FROM _persona_changes WHERE column_name = 'country'
          AND row_key = 'C00002'")"
p -c "history"
expect_match "history keeps the summary" 'normalize customers phone=phone:country.*values changed in 4 columns' "$OUT"

# ---- undo restores every old value exactly ----
expect_ok "undo the normalize" -c "undo"
expect_match "undo names the normalize" '^command +normalize customers' "$OUT"
unchanged "undo normalize: workspace exactly as before (values, types, changes and issues gone)" "$s0"
expect_eq "undo normalize: phone values byte for byte" "0" \
    "$(qq "SELECT count(*) FROM raw r JOIN customers c USING (customer_id) WHERE c.phone IS NOT r.phone
          OR typeof(c.phone) <> typeof(r.phone) OR c.email IS NOT r.email OR c.signup_date IS NOT r.signup_date")"

# ---- the issue's phone cases, with a fixed default country ----
printf 'id,phone\n1,020 7946 0959\n2,+44 20 7946 0959\n3,(818) 555-0166\n4,1-281-555-0133\n5,\n' >phones.csv
expect_ok "setup: phones" -c "load phones.csv key=id"
expect_ok "normalize phone:US" -c "normalize phones phone=phone:US"
expect_eq "phone:US: the London number written nationally stays" "020 7946 0959" "$(qq "SELECT phone FROM phones WHERE id = 1")"
expect_eq "phone:US: … and is reported" "1|phone:US|too long for a +1 number" \
    "$(qq "SELECT row_key || '|' || rule || '|' || message FROM _persona_issues WHERE table_name = 'phones'")"
expect_eq "phone:US: +44 20 7946 0959" "+442079460959" "$(qq "SELECT phone FROM phones WHERE id = 2")"
expect_eq "phone:US: national numbers" "+18185550166|+12815550133" \
    "$(qq "SELECT group_concat(phone, '|') FROM (SELECT phone FROM phones WHERE id IN (3, 4) ORDER BY id)")"
expect_eq "phone:US: NULL stays NULL" "null" "$(qq "SELECT typeof(phone) FROM phones WHERE id = 5")"
expect_ok "normalize is idempotent: a second run changes nothing" -c "normalize phones phone=phone:US"
expect_match "second run: 0 changed" '^changed +0$' "$OUT"
expect_ok "undo the second run" -c "undo"
expect_ok "undo the first run" -c "undo"
expect_eq "undo: the phones as loaded" "020 7946 0959|+44 20 7946 0959|(818) 555-0166|1-281-555-0133" \
    "$(qq "SELECT group_concat(phone, '|') FROM (SELECT phone FROM phones WHERE id < 5 ORDER BY id)")"

# ---- names, postcodes, the other kinds ----
s0=$(ws_state)
expect_ok "normalize names and postcodes" -c "normalize customers last_name=title postcode=postcode:country"
expect_eq "title: an upper-case name" "Gallo" \
    "$(qq "SELECT new_value FROM _persona_changes WHERE column_name = 'last_name' AND old_value = 'GALLO' LIMIT 1")"
expect_eq "postcode: UK postcodes upper-cased and spaced" "0" \
    "$(qq "SELECT count(*) FROM customers WHERE country IN ('UK', 'United Kingdom', 'GB') AND postcode IS NOT NULL
          AND postcode NOT GLOB '[A-Z]*[0-9]* [0-9][A-Z][A-Z]'
          AND customer_id NOT IN (SELECT row_key FROM _persona_issues WHERE column_name = 'postcode')")"
expect_ok "undo names and postcodes" -c "undo"
unchanged "undo: back to the loaded customers" "$s0"

# ---- bad input: clear message, exit 1, workspace unchanged ----
bad() {
    local name=$1 pattern=$2
    shift 2
    expect_fail "$name: exit 1 and a clear message" 1 "$pattern" "$@"
    unchanged "$name: workspace unchanged" "$s0"
}
s0=$(ws_state)
bad "normalize: unknown table" "^-c:1: error: normalize: no table named 'custmers' \(did you mean 'customers'\?\)" \
    -c "normalize custmers email=email"
bad "normalize: unknown column" "^-c:1: error: normalize: customers has no column 'emial' \(did you mean 'email'\?\)" \
    -c "normalize customers emial=email"
bad "normalize: unknown kind" "^-c:1: error: normalize: email=mail: unknown kind 'mail'; kinds: trim, lower" \
    -c "normalize customers email=mail"
bad "normalize: a phone country it does not know" \
    "^-c:1: error: normalize: phone=phone:XX: phone:XX: neither a country code nor a column of the table" \
    -c "normalize customers phone=phone:XX"
bad "normalize: a date order it does not know" "date:YMD: expected DMY \(day first\), MDY \(month first\), pivot=YYYY" \
    -c "normalize customers signup_date=date:YMD"
bad "normalize: no kind" "^-c:1: error: normalize: 'email': expected COL=KIND, e.g. phone=phone:US" \
    -c "normalize customers email"
bad "normalize: a column twice" "column 'email' given twice" -c "normalize customers email=trim email=email"
bad "normalize: no columns" "^-c:1: error: normalize: which columns\?" -c "normalize customers"
bad "normalize: a later bad column changes nothing" "has no column 'nope'" \
    -c "normalize customers email=email nope=trim"
expect_ok "setup: a view" -c "sql CREATE VIEW us_customers AS SELECT * FROM customers WHERE country = 'US'"
s0=$(ws_state)
bad "normalize: a view" "^-c:1: error: normalize: 'us_customers' is a view; clean the table it reads from" \
    -c "normalize us_customers email=email"
bad "validate: unknown rule" "^-c:1: error: validate: email=mail: unknown rule 'mail'; rules: required, unique" \
    -c "validate customers email=mail"
bad "validate: a range without bounds" "range:abc: expected MIN\.\.MAX" -c "validate customers age=range:abc"
bad "validate: a bad regex" "regex:\[a-: .* \(POSIX extended syntax\)" -c "validate customers email=regex:[a-"
bad "validate: references to a missing table" "^-c:1: error: validate: no table named 'accounts'" \
    -c "validate customers customer_id=references:accounts.id"
bad "validate: a rules file that is not there" "^-c:1: error: validate: nope\.rules" -c "validate customers rules=nope.rules"
printf 'email=email\nage=between:1..2\n' >bad.rules
bad "validate: a bad line in a rules file names it" "^-c:1: error: validate: bad\.rules:2: age=between:1\.\.2: unknown rule" \
    -c "validate customers rules=bad.rules"
bad "impute: no method" "^-c:1: error: impute: which method\? method=mean, median, mode" -c "impute customers age"
bad "impute: unknown method" "method=average: expected mean, median, mode, constant:VALUE or knn" \
    -c "impute customers age method=average"
bad "impute: k=0" "k=0: expected at least 1" -c "impute customers age method=knn k=0"
bad "impute: unknown column" "customers has no column 'aeg' \(did you mean 'age'\?\)" -c "impute customers aeg method=mean"
bad "outliers: unknown method" "method=sigma: expected iqr\[:1\.5\], zscore\[:3\] or mad\[:3\.5\]" \
    -c "outliers customers age method=sigma"
bad "outliers: a bad threshold" "the threshold after ':' must be a positive number" -c "outliers customers age method=iqr:-1"
bad "outliers: unknown action" "action=drop: expected flag, clip or null" -c "outliers customers age action=drop"

# ---- validate: violations to _persona_issues, counted by rule ----
required_missing=$(qq "SELECT count(*) FROM customers WHERE email IS NULL OR trim(email) = ''")
ages_out=$(qq "SELECT count(*) FROM customers WHERE age < 0 OR age > 120")
printf '# the sample rules\nemail=required\n\ncustomer_id=unique\nage=range:0..120\n' >sample.rules
expect_ok "validate with a rules file and a rule on the line" \
    -c "validate customers rules=sample.rules country=in:US|GB|FR|DE|ES|CA|JP"
expect_match "validate: counts by rule (required)" "^email +required +5000 +$required_missing\$" "$OUT"
expect_match "validate: counts by rule (range)" "^age +range:0\.\.120 +5000 +$ages_out\$" "$OUT"
expect_match "validate: unique keys pass" '^customer_id +unique +5000 +0$' "$OUT"
expect_eq "validate: the violations are in _persona_issues" "$((required_missing + ages_out))" \
    "$(qq "SELECT count(*) FROM _persona_issues WHERE rule IN ('required', 'range:0..120')")"
expect_eq "validate changed no data" "$(sqlite3 "$DB" "SELECT * FROM raw" | md5sum)" "$(sqlite3 "$DB" "SELECT * FROM customers" | md5sum)"
expect_fail "validate fail: exits 1 with the counts" 1 '^-c:1: error: validate: [0-9]+ violations in customers \(age=range:0\.\.120: '"$ages_out"'\)' \
    -c "validate customers age=range:0..120 fail"
expect_ok "undo the validate" -c "undo"
unchanged "undo validate: its issues are gone" "$s0"
printf 'id,customer_id\n1,C00001\n2,C99999\n3,\n' >orders.csv
expect_ok "setup: orders" -c "load orders.csv key=id"
expect_ok "validate references" -c "validate orders customer_id=references:customers.customer_id"
expect_eq "references: the unknown customer" "2|C99999|not found in customers.customer_id" \
    "$(qq "SELECT row_key || '|' || value || '|' || message FROM _persona_issues WHERE table_name = 'orders'")"
expect_ok "undo; undo" -c "undo; undo"
unchanged "after undo: as before" "$s0"

# ---- impute against NumPy / scikit-learn ----
expect_ok "setup: the k-NN fixture" -c "load $FIX/knn.csv key=id; load $FIX/knn_expected.csv as expected; load $FIX/impute_expected.csv as expected_stats"
s1=$(ws_state)
missing=$(qq "SELECT count(*) FROM knn WHERE y IS NULL")
for k in 1 3 5; do
    expect_ok "impute knn k=$k" -c "impute knn y method=knn k=$k on=f1,f2"
    expect_match "impute knn k=$k: filled every NULL" "^filled +$missing\$" "$OUT"
    expect_eq "impute knn k=$k: equals KNNImputer to 1e-9" "$missing|0" \
        "$(qq "SELECT count(*) || '|' || sum(abs(k.y - e.value) > 1e-9 * max(1, abs(e.value))) FROM knn k
              JOIN expected e ON e.id = k.id AND e.k = $k AND e.by IS NULL")"
    expect_ok "undo impute knn k=$k" -c "undo"
done
unchanged "undo impute: the column and its flag gone" "$s1"
expect_ok "impute knn by=g" -c "impute knn y method=knn k=3 on=f1,f2 by=g"
expect_eq "impute knn by=g: equals KNNImputer within each group" "$missing|0" \
    "$(qq "SELECT count(*) || '|' || sum(abs(k.y - e.value) > 1e-9 * max(1, abs(e.value))) FROM knn k
          JOIN expected e ON e.id = k.id AND e.k = 3 AND e.by = 'g'")"
expect_eq "impute: COL_imputed marks the filled rows" "$missing|$(qq "SELECT count(*) FROM knn")" \
    "$(qq "SELECT sum(y_imputed) || '|' || count(y_imputed) FROM knn")"
expect_ok "undo" -c "undo"
for method in mean median; do
    expect_ok "impute $method by=g" -c "impute knn y method=$method by=g"
    expect_eq "impute $method by=g: NumPy's $method of each group" "2" \
        "$(qq "SELECT count(DISTINCT k.g) FROM knn k JOIN expected_stats e ON e.method = '$method' AND e.\"group\" = k.g
              WHERE k.y_imputed = 1 AND abs(k.y - e.value) <= 1e-12 * abs(e.value)")"
    expect_ok "undo impute $method" -c "undo"
done
expect_ok "impute mode and constant on text" -c "impute customers loyalty_tier method=mode; impute customers gender method=constant:unknown"
expect_eq "impute mode: the most frequent tier" "0|Bronze" \
    "$(qq "SELECT count(*) FILTER (WHERE loyalty_tier IS NULL) || '|' || (SELECT DISTINCT loyalty_tier FROM customers WHERE loyalty_tier_imputed = 1) FROM customers")"
expect_ok "undo the two imputes" -c "undo; undo"
unchanged "undo impute mode/constant: as before" "$s1"

# ---- outliers against NumPy / SciPy ----
ref() { grep "^$1,$2," "$FIX/stats.csv" | cut -d, -f3; }
expect_ok "setup: the outlier fixtures" -c "load $FIX/values_normal.csv as normal; load $FIX/values_ties.csv as ties"
s2=$(ws_state)
expect_ok "outliers iqr flag" -c "outliers normal x method=iqr action=flag"
expect_eq "iqr: the outliers NumPy's quartiles give" "$(ref normal iqr:1.5:low)|$(ref normal iqr:1.5:high)" \
    "$(qq "SELECT sum(x_outlier AND x < 50) || '|' || sum(x_outlier AND x > 50) FROM normal")"
expect_match "iqr: the bounds are reported" "^x +204 +[0-9.]+ +[0-9.]+ +[0-9.-]+ +[0-9.]+ +$(ref normal iqr:1.5:low) +$(ref normal iqr:1.5:high)\$" "$OUT"
expect_ok "undo" -c "undo"
expect_ok "outliers zscore:2 clip" -c "outliers normal x method=zscore:2 action=clip"
expect_eq "zscore:2: the values SciPy's zscore flags were clipped" "$(( $(ref normal zscore:2.0:low) + $(ref normal zscore:2.0:high) ))" \
    "$(qq "SELECT count(*) FROM _persona_changes WHERE table_name = 'normal'")"
expect_ok "undo" -c "undo"
unchanged "undo outliers: as before" "$s2"
# SciPy's MAD scores are infinite off the median when the MAD is 0, so it would flag
# every such value; the command refuses instead of reporting that as a finding (#19)
expect_fail "mad with a MAD of 0: refused, naming how many SciPy's scores would flag" 1 \
    "the MAD is 0 .*: $(( $(ref ties mad:3.5:low) + $(ref ties mad:3.5:high) )) of [0-9]+" \
    -c "outliers ties x method=mad action=null"
unchanged "the refused outliers changed nothing" "$s2"

# ---- outliers with no spread (#19): 60% of the values equal ----
{ echo "id,x"; for i in $(seq 1 100); do if [ "$i" -le 60 ]; then echo "$i,5"; else echo "$i,$((i % 7 + 3))"; fi; done; } >flat.csv
expect_ok "setup: a column whose IQR and MAD are 0" -c "load flat.csv key=id"
s0=$(ws_state)
bad "outliers: an IQR of 0" "outliers: x: the IQR is 0 \(at least half the values are 5\), so every other value would be an outlier" \
    -c "outliers flat x"
bad "outliers: a MAD of 0" "outliers: x: the MAD is 0 \(at least half the values are 5\)" -c "outliers flat x method=mad"
expect_ok "zscore still reads it" -c "outliers flat x method=zscore"

# ---- k-NN's default features leave identifiers out (#19) ----
expect_ok "setup: the k-NN fixture without a declared key" -c "load $FIX/knn.csv as knn_nokey"
expect_ok "impute knn without on=" -c "impute knn_nokey y method=knn k=3"
expect_match "the id column is not a distance feature" "^features +f1, f2$" "$OUT"
expect_eq "… so the values are those with on=f1,f2 (scikit-learn's StandardScaler + KNNImputer)" "$missing|0" \
    "$(qq "SELECT count(*) || '|' || sum(abs(k.y - e.value) > 1e-9 * max(1, abs(e.value))) FROM knn_nokey k
           JOIN expected e ON e.id = k.id AND e.k = 3 AND e.by IS NULL")"
