#!/usr/bin/env bash
# Experiments: abtest on the sample experiment (always) and on the real A/B log in
# ../shared/data (when it exists), compared number by number with SciPy and
# statsmodels (tests/fixtures/stats/*_ref.csv, written by make_fixtures.py);
# samplesize and power; the sample-ratio warning; bad input; and abtest leaves
# the workspace as it was.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
REFS=$ROOT/tests/fixtures/stats

# field BLOCK COLUMN [COL VALUE [COL2 VALUE2]]: a value of $OUT (--format tsv): the
# BLOCK-th block (blocks are separated by a blank line), the first row whose COL
# is VALUE (and COL2 VALUE2), column COLUMN.  A record is a header and one row.
field() {
    awk -F'\t' -v block="$1" -v col="$2" -v mc="${3:-}" -v mv="${4:-}" -v mc2="${5:-}" -v mv2="${6:-}" '
        BEGIN { b = 1; header = 1 }
        /^$/ { b++; header = 1; next }
        b == block && header { for (i = 1; i <= NF; i++) at[$i] = i; header = 0; next }
        b == block && (mc == "" || $at[mc] == mv) && (mc2 == "" || $at[mc2] == mv2) { print $at[col]; exit }
    ' <<<"$OUT"
}

# ref FILE KEY: a reference value.
ref() { awk -F, -v k="$2" '$1 == k { print $2 }' "$REFS/$1"; }

# expect_close NAME EXPECTED ACTUAL TOL: |actual - expected| <= TOL * |expected|.
expect_close() {
    if [ -n "$3" ] && [ -n "$2" ] && awk -v e="$2" -v a="$3" -v t="$4" \
        'BEGIN { d = a - e; if (d < 0) d = -d; s = e < 0 ? -e : e; exit !(d <= t * s) }'; then
        ok "$1"
    else
        not_ok "$1" "expected $2 (within $4 relative), got '$3'"
    fi
}

expect_ok "load the sample experiment" -c "load $ROOT/samples/experiment.csv key=user_id"
expect_ok "a view of control alone" -c "sql CREATE VIEW control_only AS SELECT * FROM experiment WHERE variant = 'control'"

# ---- conversion: the Miettinen-Nurminen score test, the interval that inverts it, Bayes ----
expect_golden "abtest on conversion (table)" abtest-converted.table.txt \
    -c "abtest experiment variant=variant metric=converted"
expect_ok "abtest on conversion (tsv)" --format tsv -c "abtest experiment variant=variant metric=converted"
R=experiment_ref.csv
expect_close "conversion: p-value = statsmodels test_proportions_2indep(score)" "$(ref $R converted.p_value)" \
    "$(field 4 p_value variant treatment)" 1e-10
expect_close "conversion: difference" "$(ref $R converted.diff)" "$(field 4 diff variant treatment)" 1e-12
expect_close "conversion: score interval, low = statsmodels (inverted)" "$(ref $R converted.diff_ci_low)" \
    "$(field 4 diff_ci_low variant treatment)" 1e-10
expect_close "conversion: score interval, high = statsmodels (inverted)" "$(ref $R converted.diff_ci_high)" \
    "$(field 4 diff_ci_high variant treatment)" 1e-10
expect_close "conversion: z printed (statsmodels score statistic)" "$(ref $R converted.z)" \
    "$(field 4 statistic variant treatment)" 1e-10
expect_eq "conversion: a z has no df" "" "$(field 4 df variant treatment)"
expect_eq "no post-hoc power: at the observed effect it is a function of the p-value (#19)" "" \
    "$(awk -F'\t' '/^variant\tcontrol\t/ { for (i = 1; i <= NF; i++) if ($i == "power") print i }' <<<"$OUT")"
expect_close "conversion: P(beat control) = exact Beta-Binomial sum" "$(ref $R converted.prob_beat_control)" \
    "$(field 4 prob_beat_control variant treatment)" 1e-10
expect_close "conversion: sample ratio p = scipy chisquare" "$(ref $R srm.p_value)" "$(field 2 p_value)" 1e-10
expect_eq "conversion: no sample-ratio flag" "false" "$(field 2 flag)"

# ---- revenue: Welch, Mann-Whitney, CUPED ----
expect_golden "abtest on revenue with CUPED (json)" abtest-revenue.json \
    --format json -c "abtest experiment variant=variant metric=revenue covariate=pre_revenue"
expect_ok "abtest on revenue with CUPED (tsv)" --format tsv \
    -c "abtest experiment variant=variant metric=revenue covariate=pre_revenue"
expect_close "revenue: Welch p = scipy ttest_ind(equal_var=False)" "$(ref $R revenue.p_value)" \
    "$(field 4 p_value variant treatment)" 1e-10
expect_close "revenue: difference of means" "$(ref $R revenue.diff)" "$(field 4 diff variant treatment)" 1e-12
expect_close "revenue: Welch's t printed (scipy)" "$(ref $R revenue.t)" "$(field 4 statistic variant treatment)" 1e-10
expect_close "revenue: … with its Welch-Satterthwaite df (statsmodels)" "$(ref $R revenue.df)" \
    "$(field 4 df variant treatment)" 1e-10
expect_match "revenue: … and the variance named" "^each arm's own \(Welch\)" "$(field 4 variance variant treatment)"
expect_close "revenue: Welch interval, low = statsmodels" "$(ref $R revenue.diff_ci_low)" \
    "$(field 4 diff_ci_low variant treatment)" 1e-9
expect_close "revenue: Welch interval, high = statsmodels" "$(ref $R revenue.diff_ci_high)" \
    "$(field 4 diff_ci_high variant treatment)" 1e-9
expect_close "CUPED: theta pooled over both arms" "$(ref $R cuped.theta)" "$(field 5 theta variant treatment)" 1e-10
expect_close "CUPED: adjusted difference" "$(ref $R cuped.diff)" "$(field 5 diff variant treatment)" 1e-10
expect_close "CUPED: adjusted interval, low" "$(ref $R cuped.diff_ci_low)" "$(field 5 diff_ci_low variant treatment)" 1e-9
expect_close "CUPED: adjusted interval, high" "$(ref $R cuped.diff_ci_high)" \
    "$(field 5 diff_ci_high variant treatment)" 1e-9
expect_close "CUPED: adjusted p" "$(ref $R cuped.p_value)" "$(field 5 p_value variant treatment)" 1e-10
expect_close "CUPED: variance reduction" "$(ref $R cuped.variance_reduction)" \
    "$(field 5 variance_reduction variant treatment)" 1e-10
expect_ok "abtest with test=mannwhitney" --format tsv \
    -c "abtest experiment variant=variant metric=revenue test=mannwhitney"
expect_close "revenue: Mann-Whitney p = scipy mannwhitneyu" "$(ref $R revenue.mannwhitney_p_value)" \
    "$(field 4 p_value variant treatment)" 1e-10
expect_eq "Mann-Whitney: the test is named" "mannwhitney" "$(field 4 test variant treatment)"
expect_close "Mann-Whitney: U printed (scipy's U1)" "$(ref $R revenue.mannwhitney_u)" \
    "$(field 4 statistic variant treatment)" 1e-12
expect_close "Mann-Whitney: the rank effect, rank-biserial 2U/(n1 n2) - 1" "$(ref $R revenue.rank_biserial)" \
    "$(field 4 rank_biserial variant treatment)" 1e-10
expect_eq "Mann-Whitney: no df" "" "$(field 4 df variant treatment)"

# ---- by device with Holm ----
expect_ok "abtest by device with Holm" --format tsv \
    -c "abtest experiment variant=variant metric=converted by=device correction=holm"
for d in desktop mobile tablet; do
    expect_close "by device: $d p-value" "$(ref $R device.$d.p_value)" "$(field 4 p_value segment $d)" 1e-10
    expect_close "by device: $d Holm-adjusted = statsmodels multipletests" "$(ref $R device.$d.p_adjusted)" \
        "$(field 4 p_adjusted segment $d)" 1e-10
done

# ---- by saved segments: the same numbers as by=device restricted to them ----
# rows BLOCK SEGMENT: the rows of block BLOCK of $OUT (tsv) whose segment is SEGMENT,
# without the segment column (and p_adjusted, which depends on the family).
rows() {
    awk -F'\t' -v block="$1" -v seg="$2" '
        BEGIN { b = 1; header = 1 }
        /^$/ { b++; header = 1; next }
        b == block && header { for (i = 1; i <= NF; i++) at[$i] = i; header = 0; next }
        b == block && $at["segment"] == seg {
            line = ""
            for (i = 1; i <= NF; i++) if (i != at["segment"] && i != at["p_adjusted"]) line = line "|" $i
            print line
        }
    ' <<<"$OUT"
}
expect_ok "segment mobile over experiment's user_id" -c "segment define mobile where device = 'mobile' from experiment"
expect_ok "segment desktop" -c "segment define desktop where device = 'desktop' from experiment"
expect_ok "segment handheld (overlaps mobile)" \
    -c "segment define handheld where device = 'mobile' or device = 'tablet' from experiment"
expect_ok "a static segment too" -c "segment snapshot desktop as desk_frozen"
expect_ok "by device, revenue (tsv)" --format tsv -c "abtest experiment variant=variant metric=revenue by=device"
by_device=$OUT
for d in mobile desktop; do
    for b in 3 4; do
        OUT=$by_device; want=$(rows $b $d)
        expect_ok "by=segment:$d (block $b)" --format tsv \
            -c "abtest experiment variant=variant metric=revenue by=segment:$d,handheld"
        expect_eq "by=segment:$d = by=device $d (block $b)" "$want" "$(rows $b $d)"
    done
done
expect_ok "by=segment:desk_frozen (a static segment)" --format tsv \
    -c "abtest experiment variant=variant metric=revenue by=segment:desk_frozen"
got=$(rows 4 desk_frozen); OUT=$by_device
expect_eq "a static segment: the same numbers as by=device desktop" "$(rows 4 desktop)" "$got"
expect_ok "a view of mobile and tablet" -c "sql CREATE VIEW handheld_rows AS SELECT * FROM experiment WHERE device <> 'desktop'"
expect_ok "abtest on the view" --format tsv -c "abtest handheld_rows variant=variant metric=revenue"
want_p=$(field 4 p_value variant treatment) want_srm=$(field 2 p_value)
expect_ok "by=segment:handheld,mobile (overlapping)" --format tsv \
    -c "abtest experiment variant=variant metric=revenue by=segment:handheld,mobile"
expect_eq "an overlapping segment: a unit counts in each (= abtest on the view)" "$want_p" \
    "$(field 4 p_value segment handheld variant treatment)"
expect_eq "units in no listed segment (desktop) are left out" \
    "$(q "SELECT count(*) FROM experiment WHERE device = 'desktop'")" "$(field 1 units_without_segment)"
expect_match "... and reported" "abtest: [0-9]+ units in none of the segments were left out" "$ERR"
expect_eq "units: each counted once" \
    "$(q "SELECT count(*) FROM experiment WHERE device <> 'desktop'")" "$(field 1 units)"
expect_eq "the sample ratio counts each unit once (= abtest on the view)" "$want_srm" "$(field 2 p_value)"

# Holm over variants x segments: the same family as by=device gives the same p_adjusted
expect_ok "segment tablet" -c "segment define tablet where device = 'tablet' from experiment"
expect_ok "by=segment:mobile,desktop,tablet with Holm" --format tsv \
    -c "abtest experiment variant=variant metric=converted by=segment:mobile,desktop,tablet correction=holm"
for d in desktop mobile tablet; do
    expect_close "by segment: $d Holm-adjusted = statsmodels multipletests" "$(ref $R device.$d.p_adjusted)" \
        "$(field 4 p_adjusted segment $d)" 1e-10
done

# by=segment: every segment of user_id keys; another table's segments are passed over
awk -F, 'NR == 1 { print "person_id,country"; next } { print $1 "," $7 }' "$ROOT/samples/experiment.csv" >people.csv
awk -F, 'NR == 1 { print "user_id,country"; next } { print $1 "," $7 }' "$ROOT/samples/experiment.csv" >users.csv
expect_ok "a table keyed by another column" -c "load $WORK/people.csv key=person_id"
expect_ok "a segment of people's keys" -c "segment define canadians where country = 'CA' from people"
expect_ok "by=segment" --format tsv -c "abtest experiment variant=variant metric=converted by=segment correction=holm"
expect_eq "by=segment: every segment of user_id keys, by name" "desk_frozen desktop handheld mobile tablet" \
    "$(awk -F'\t' 'BEGIN { b = 1 } /^$/ { b++; next } b == 4 && $1 != "segment" { print $1 }' <<<"$OUT" | xargs)"
expect_eq "by=segment: no unit outside every segment" "0" "$(field 1 units_without_segment)"
expect_fail "a segment of another table's keys" 1 \
    "^-c:1: error: abtest: by=segment:canadians: segment 'canadians' holds person_id keys of people, but the experiment's units are user_id" \
    -c "abtest experiment variant=variant metric=converted by=segment:canadians"
expect_fail "an unknown segment" 1 "^-c:1: error: abtest: no segment named 'mobil' \(did you mean 'mobile'\?\)" \
    -c "abtest experiment variant=variant metric=converted by=segment:mobil"
expect_fail "an empty list" 1 "abtest: by=segment:: expected segment names separated by ','" \
    -c "abtest experiment variant=variant metric=converted by=segment:"
# a segment of another table keyed by user_id: membership through its definition
expect_ok "a table of users keyed by user_id" -c "load $WORK/users.csv key=user_id"
expect_ok "a segment of users" -c "segment define ca_users where country = 'CA' from users"
expect_ok "by country (tsv)" --format tsv -c "abtest experiment variant=variant metric=converted by=country"
want=$(rows 4 CA)
expect_ok "by=segment:ca_users, unit=user_id" --format tsv \
    -c "abtest experiment variant=variant metric=converted unit=user_id by=segment:ca_users"
expect_eq "another table's segment of user_id: the same numbers as by=country CA" "$want" "$(rows 4 ca_users)"

# ---- counts, sample size, power ----
expect_golden "abtest counts (csv)" abtest-counts.csv --format csv \
    -c "abtest counts control=100/1000 B=120/1000 C=150/1000 correction=bh"
expect_golden "samplesize 10% -> 11%" samplesize.table.txt -c "samplesize baseline=0.10 mde=0.01"
expect_match "samplesize: 14,751 per variant (= statsmodels)" '^n_per_variant +14751$' "$OUT"
expect_ok "samplesize json" --format json -c "samplesize baseline=10% mde=10% relative"
expect_match "samplesize json: n_per_variant" '"n_per_variant":14751' "$OUT"
expect_golden "power at n=5000" power.table.txt -c "power n=5000 baseline=0.10 mde=0.01"

# ---- the sample-ratio warning comes first ----
expect_ok "an unbalanced copy" -c "sql CREATE TABLE skewed AS SELECT * FROM experiment WHERE variant = 'control' OR user_id > 'U04000'"
expect_ok "abtest on it" -c "abtest skewed variant=variant metric=converted"
expect_match "SRM: the first line is the warning" \
    '^warning: sample ratio mismatch: control 9995, treatment 7988 units against an expected 50%/50% \(chi-square p = [0-9.e-]+ < 0.001\)' \
    "$(head -1 <<<"$OUT")"
expect_ok "SRM in json" --format json -c "abtest skewed variant=variant metric=converted"
expect_match "SRM json: warning is the first field" '^\{"warning":"warning: sample ratio mismatch' "$OUT"
expect_match "SRM json: flag" '"flag":true' "$OUT"
expect_ok "abtest with the planned split" -c "abtest skewed variant=variant metric=converted expected=9995/7988"
expect_eq "planned split: no warning" "0" "$(grep -c warning <<<"$OUT")"
expect_ok "drop the copy" -c "drop skewed"

# ---- the sample ratio counts assignments, not units with a metric (#19) ----
{ echo "unit,variant,m"; for i in $(seq 1 5000); do echo "$i,A,$((i % 2))"; done
  for i in $(seq 5001 10600); do if [ "$i" -le 10000 ]; then echo "$i,B,$((i % 2))"; else echo "$i,B,"; fi; done
  for i in $(seq 10601 10700); do echo "$i,C,"; done; } >assigned.csv
expect_ok "setup: 5000 vs 5600 assigned, 600 of B and all of C without the metric" -c "load assigned.csv"
expect_ok "abtest on it" --format tsv -c "abtest assigned variant=variant metric=m control=A expected=1/1/1"
# (a flagged sample ratio puts its warning first, one block before the results)
expect_eq "SRM counts every assigned unit" "5000, 5600, 100" "$(field 3 units)"
scipy_chisquare() { /usr/bin/python3 -c "from scipy import stats; print(repr(stats.chisquare([$1]).pvalue))"; }
expect_close "SRM p = scipy chisquare of the assignments" "$(scipy_chisquare 5000,5600,100)" "$(field 2 p_value)" 1e-10
expect_eq "a variant whose metric is all NULL is shown, with the reason" \
    "not enough data: C has 0 units with a m value of 100 assigned (30 needed)" "$(field 5 note variant C)"
expect_ok "two arms: 5000 vs 5600 with 600 NULL metrics" \
    -c "sql CREATE VIEW assigned_ab AS SELECT * FROM assigned WHERE variant <> 'C'" \
    --format tsv -c "abtest assigned_ab variant=variant metric=m control=A"
expect_close "the issue's case: SRM p = scipy's (about 4e-9, was 1.0)" "$(scipy_chisquare 5000,5600)" \
    "$(field 3 p_value)" 1e-9
expect_eq "… and flagged" "true" "$(field 3 flag)"

# ---- bad input: a clear message, exit 1, nothing changed ----
before=$(ws_state)
expect_fail "no such table" 1 "^-c:1: error: abtest: no table named 'experiments' \(did you mean 'experiment'\?\)" \
    -c "abtest experiments variant=variant metric=converted"
expect_fail "no such column" 1 "^-c:1: error: abtest: metric=convert: no column 'convert' in experiment \(did you mean 'converted'\?\)" \
    -c "abtest experiment variant=variant metric=convert"
expect_fail "misspelt option" 1 "^-c:1: error: abtest: unknown option 'covariat=' \(did you mean 'covariate='\?\)" \
    -c "abtest experiment variant=variant metric=revenue covariat=pre_revenue"
expect_fail "text metric" 1 "^-c:1: error: abtest: metric=country: 'CA' \(variant control\) is not a number" \
    -c "abtest experiment variant=variant metric=country"
expect_fail "no control of that name" 1 \
    "^-c:1: error: abtest: control=A: no variant of that name \(variants: control, treatment\)" \
    -c "abtest experiment variant=variant metric=converted control=A"
expect_fail "one variant only" 1 "variant=variant has 1 variant; an experiment needs a control and at least one variant" \
    -c "abtest control_only variant=variant metric=converted"
expect_fail "kind=proportion on revenue" 1 "kind=proportion: metric revenue has the value" \
    -c "abtest experiment variant=variant metric=revenue kind=proportion"
expect_fail "alpha out of range" 1 "abtest: alpha=5: expected a number between 0 and 1" \
    -c "abtest experiment variant=variant metric=converted alpha=5"
expect_fail "counts without counts" 1 "abtest counts: 'B': expected NAME=CONVERSIONS/UNITS" \
    -c "abtest counts A=1/10 B"
expect_fail "samplesize without mde" 1 "samplesize: mde= is required" -c "samplesize baseline=0.1"
expect_fail "samplesize rate out of range" 1 "samplesize: baseline=2: expected a rate between 0 and 1" \
    -c "samplesize baseline=2 mde=0.01"
unchanged "bad input leaves the workspace as it was" "$before"
expect_ok "abtest runs" -c "abtest experiment variant=variant metric=revenue covariate=pre_revenue by=country"
unchanged "abtest changes nothing" "$before"

# ---- the real A/B log (../shared/data) ----
[ -d "$DATA" ] || exit 0
R=ab_data_ref.csv
expect_ok "load ab_data.csv" -c "load $DATA/experiments/ab_data.csv"
expect_ok "load ab_countries.csv" -c "load $DATA/experiments/ab_countries.csv"
expect_eq "3,893 rows whose group and landing page disagree" "3893" \
    "$(q "SELECT count(*) FROM ab_data WHERE (\"group\" = 'treatment') <> (landing_page = 'new_page')")"
expect_ok "drop them" -c "sql DELETE FROM ab_data WHERE (\"group\" = 'treatment') <> (landing_page = 'new_page')"
expect_ok "abtest ab_data unit=user_id" --format tsv -c "abtest ab_data variant=group metric=converted unit=user_id"
expect_match "the repeated user is counted once" "1 repeated exposure" "$ERR"
expect_eq "rows kept" "$(ref $R rows_kept)" "$(field 1 rows)"
expect_eq "units" "$(ref $R units)" "$(field 1 units)"
expect_eq "one duplicate row, no unit in both groups" "1|0" "$(field 1 duplicate_rows)|$(field 1 mixed_units)"
expect_eq "control: n and conversions" "$(ref $R control.n)|$(ref $R control.conversions)" \
    "$(field 3 n name control)|$(field 3 conversions name control)"
expect_eq "treatment: n and conversions" "$(ref $R treatment.n)|$(ref $R treatment.conversions)" \
    "$(field 3 n name treatment)|$(field 3 conversions name treatment)"
expect_close "ab_data: p-value = statsmodels score test" "$(ref $R p_value)" "$(field 4 p_value)" 1e-10
expect_close "ab_data: difference" "$(ref $R diff)" "$(field 4 diff)" 1e-12
expect_close "ab_data: interval low" "$(ref $R diff_ci_low)" "$(field 4 diff_ci_low)" 1e-10
expect_close "ab_data: interval high" "$(ref $R diff_ci_high)" "$(field 4 diff_ci_high)" 1e-10
expect_close "ab_data: sample ratio p" "$(ref $R srm.p_value)" "$(field 2 p_value)" 1e-10
expect_ok "join the countries" -c "sql CREATE TABLE ab AS SELECT d.*, c.country FROM ab_data d JOIN ab_countries c USING (user_id)"
expect_ok "abtest by country with Holm" --format tsv \
    -c "abtest ab variant=group metric=converted unit=user_id by=country correction=holm"
for k in CA UK US; do
    expect_close "by country: $k p-value" "$(ref $R country.$k.p_value)" "$(field 4 p_value segment $k)" 1e-10
    expect_close "by country: $k Holm-adjusted" "$(ref $R country.$k.p_adjusted)" "$(field 4 p_adjusted segment $k)" 1e-10
done

# ---- a zero-conversion arm (#19): Fisher's exact test, no zero-width interval ----
expect_ok "counts: 5000/100000 against 0/40" --format tsv -c "abtest counts control=5000/100000 B=0/40 expected=100000/40"
expect_eq "few expected conversions: Fisher's exact test" "fisher" "$(field 4 test)"
expect_close "… with SciPy's p" "$(awk -F, '$1 == 0 && $2 == 40 && $3 == 5000 { print $6; exit }' \
    "$ROOT/tests/fixtures/stats/fisher.csv")" "$(field 4 p_value)" 1e-9
expect_eq "… not significant" "false" "$(field 4 significant)"
expect_close "… and Newcombe's interval, which has width (statsmodels)" "$(awk -F, '$1 == 0 && $2 == 40 && $5 == 0.05 { print $7; exit }' \
    "$ROOT/tests/fixtures/stats/fisher.csv")" "$(field 4 diff_ci_low)" 1e-12
expect_eq "no relative interval from a rate of 0" "undefined||" \
    "$(field 4 rel_ci_method)|$(field 4 rel_ci_low)|$(field 4 rel_ci_high)"
expect_match "the note says why" "relative interval undefined: the variant's rate is 0; an expected count of 2" \
    "$(field 4 note)"
{ echo "unit,variant,converted,before"; for i in $(seq 1 300); do echo "c$i,control,$(( (i * 7) % 5 == 0 )),$(( i % 13 ))"; done
  for i in $(seq 1 40); do echo "b$i,B,0,$(( i % 11 ))"; done; } >zero.csv
expect_ok "setup: 40 units without a conversion, and a covariate" -c "load zero.csv"
expect_ok "CUPED on it" --format tsv -c "abtest zero variant=variant metric=converted covariate=before"
expect_match "CUPED refuses an arm whose metric does not vary (it gave p = 1.5e-116)" \
    "the metric does not vary in the variant: no adjustment" "$OUT"

# ---- kind=auto, small counts, samplesize's correction (#19) ----
{ echo "variant,m"; for i in $(seq 1 2000); do echo "A,$((i % 2))"; done
  for i in $(seq 1 2000); do echo "B,$((i % 3 == 0))"; done; echo "B,2"; } >stray.csv
expect_ok "setup: a 0/1 metric with one stray 2" -c "load stray.csv"
s0=$(ws_state)
expect_fail "one stray value does not silently turn a proportion into means" 1 \
    "metric m is 0 or 1 for 4000 units but has 1 other value \(e.g. 2\): give kind=proportion after fixing them, or kind=mean" \
    -c "abtest stray variant=variant metric=m"
expect_ok "kind=mean reads it as means" -c "abtest stray variant=variant metric=m kind=mean"
expect_ok "one unit per arm" -c "abtest counts control=1/2 B=0/2"
expect_match "chi-square on tiny counts says it is unreliable" \
    "an expected count below 5: the chi-square approximation is unreliable here" "$OUT"
expect_ok "samplesize names its formula" -c "samplesize baseline=10% mde=1% variants=3"
expect_match "… the formula" "^formula +Fleiss: pooled variance under the null" "$OUT"
expect_match "… and plans with abtest's default correction, none" "^correction +none$" "$OUT"
expect_match "… at the full alpha" "^alpha_per_comparison +0.05$" "$OUT"
expect_ok "samplesize with holm" -c "samplesize baseline=10% mde=1% variants=3 correction=holm"
expect_match "… plans at Bonferroni's alpha" "^alpha_per_comparison +0.025$" "$OUT"
expect_fail "samplesize: an unknown correction" 1 "correction=sidak: expected none, holm or bh" \
    -c "samplesize baseline=10% mde=1% correction=sidak"

# ---- the test and its intervals never disagree (#19, items 4 and 5) ----
agrees() {   # the comparison row's significant flag matches both intervals excluding no effect
    awk -F'\t' -v want="$1" '
        /^variant\tcontrol\t/ { for (i = 1; i <= NF; i++) at[$i] = i; next }
        at["variant"] && $1 == want {
            sig = $at["significant"] == "true"
            d = $at["diff_ci_low"] > 0 || $at["diff_ci_high"] < 0
            r = $at["rel_ci_low"] > 0 || $at["rel_ci_high"] < 0
            print (sig == d && sig == r) ? "agree" : "disagree: significant " $at["significant"] " diff [" $at["diff_ci_low"] ", " $at["diff_ci_high"] "] rel [" $at["rel_ci_low"] ", " $at["rel_ci_high"] "]"
            exit }' <<<"$OUT"
}
expect_ok "the issue's 120/1000 against 150/1000" --format tsv -c "abtest counts control=120/1000 B=150/1000"
expect_eq "significant, and so is every interval (the delta method's relative interval was [-2.9%, +52.9%])" \
    "agree" "$(agrees B)"
expect_eq "… the relative interval by the score method" "score" "$(field 4 rel_ci_method)"
expect_close "… its low end as statsmodels' score interval (inverted)" \
    "$(awk -F, '$1 == 150 && $2 == 1000 && $3 == 120 && $5 == 0.05 { printf "%.17g\n", $10 - 1; exit }' \
       "$ROOT/tests/fixtures/stats/score.csv")" "$(field 4 rel_ci_low)" 1e-7
expect_ok "the issue's 94/4298 against 26/732" --format tsv -c "abtest counts control=94/4298 B=26/732 expected=4298/732"
expect_eq "the pooled test and the unpooled interval no longer disagree" "agree" "$(agrees B)"
expect_match "… and the output names the variance" "Miettinen-Nurminen" "$(field 4 variance)"
expect_ok "Mann-Whitney again, for what it does not print" --format tsv \
    -c "abtest experiment variant=variant metric=revenue test=mannwhitney"
expect_eq "Mann-Whitney: no interval or Bayesian number about the means beside the rank test's p" "||||" \
    "$(field 4 diff_ci_low variant treatment)|$(field 4 rel_ci_low variant treatment)|$(field 4 prob_beat_control variant treatment)|$(field 4 expected_loss variant treatment)|"
expect_match "… and the note says where its effect is" "the rank test's effect is rank_biserial" \
    "$(field 4 note variant treatment)"
expect_ok "by device with Holm: the intervals follow the adjusted p-values" --format tsv \
    -c "abtest experiment variant=variant metric=converted by=device correction=holm"
for d in desktop mobile tablet; do
    got=$(awk -F'\t' -v seg="$d" '
        /^segment\tvariant\t/ { for (i = 1; i <= NF; i++) at[$i] = i; next }
        at["segment"] && $1 == seg {
            sig = $at["significant"] == "true"; ex = $at["diff_ci_low"] > 0 || $at["diff_ci_high"] < 0
            r = $at["rel_ci_low"] > 0 || $at["rel_ci_high"] < 0
            print (sig == ex && sig == r) ? "agree" : "disagree"; exit }' <<<"$OUT")
    expect_eq "Holm, $d: significant exactly when the adjusted intervals exclude no effect" "agree" "$got"
done
expect_close "Holm: the mobile interval is at the level alpha * p / p_adjusted" \
    "$(awk -v p="$(field 4 p_value segment mobile)" -v q="$(field 4 p_adjusted segment mobile)" 'BEGIN { printf "%.17g", 1 - 0.05 * p / q }')" \
    "$(field 4 ci_level segment mobile)" 1e-12
