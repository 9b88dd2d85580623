#!/usr/bin/env bash
# Segmentation: cluster (k-means, mini-batch, hierarchical, DBSCAN, GMM), elbow, pca
# and plot on the sample orders (per-customer features built with sql) and on the Mall
# customers when ../shared/data is there.  Results are tables, a model row and one
# segment per cluster, all undoable; every bad input fails clearly and leaves the
# workspace as it was.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
SAMPLES=$ROOT/samples

# golden_run NAME GOLDEN ARGS…: like expect_golden, with the timings (seconds,
# fit_seconds, ms_per_iteration) left out of the comparison: they differ on every run.
golden_run() { GOLDEN_IGNORE='^(seconds|fit_seconds|ms_per_iteration) ' expect_golden "$@"; }

# s SQL: the answer of sqlite3 itself (list mode, '|' between columns).
s() { sqlite3 "$DB" "$1"; }

# json EXPR: evaluates a Python expression on the JSON in $OUT (as `d`).
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)" <<<"$OUT"; }

# ---- per-customer features from the sample orders ----
expect_ok "setup: load the sample orders" -c "load $SAMPLES/orders.csv key=order_id"
expect_ok "setup: load the sample customers" -c "load $SAMPLES/customers.csv key=customer_id"
expect_ok "setup: per-customer features with sql" -c "sql CREATE TABLE cust AS SELECT customer_id, count(*) AS orders, round(sum(amount), 2) AS spend, round(julianday('2026-01-01') - julianday(max(order_date)), 1) AS recency FROM orders WHERE status = 'completed' GROUP BY customer_id ORDER BY customer_id"
NCUST=$(q "SELECT count(*) FROM cust")

golden_run "kmeans on per-customer features: summary, profiles, z-scores" cluster-kmeans.table.txt \
    -c "cluster kmeans cust features=orders,ln(spend),recency k=4 key=customer_id as cust_k4"
expect_eq "kmeans: one row per customer in the result" "$NCUST|$NCUST|4" \
    "$(q "SELECT count(*) || '|' || count(DISTINCT key) || '|' || count(DISTINCT cluster) FROM cust_k4")"
expect_eq "kmeans: the key is the customer id" "0" \
    "$(q "SELECT count(*) FROM cust_k4 LEFT JOIN cust ON cust.customer_id = cust_k4.key WHERE cust.customer_id IS NULL")"
expect_eq "kmeans: clusters numbered by size" "1" \
    "$(s "SELECT min(n0 >= n1) FROM (SELECT a.n AS n0, b.n AS n1 FROM (SELECT cluster, count(*) n FROM cust_k4 GROUP BY 1) a
          JOIN (SELECT cluster, count(*) n FROM cust_k4 GROUP BY 1) b ON b.cluster = a.cluster + 1)")"
expect_eq "kmeans: the model row" 'cust_k4|kmeans|cust|["orders","ln(spend)","recency"]|standard|4' \
    "$(s "SELECT name, kind, source_table, features, json_extract(scaler, '\$.method'), json_array_length(centroids)
          FROM _persona_models")"
expect_eq "kmeans: the result table's key is recorded" "key" "$(q "SELECT key_column FROM _persona_tables WHERE name = 'cust_k4'")"
expect_eq "kmeans: one segment per cluster, named MODEL/label" "4|4|cluster" \
    "$(q "SELECT count(*) || '|' || sum(name = 'cust_k4/' || label) || '|' || min(kind) FROM _persona_segments")"
expect_eq "kmeans: each segment's definition selects its cluster's keys" "$NCUST" \
    "$(q "SELECT sum(n) FROM (SELECT (SELECT count(*) FROM cust_k4 WHERE cluster = CAST(substr(definition, instr(definition, '= ') + 2) AS INTEGER)) AS n FROM _persona_segments)")"
expect_eq "kmeans: the first segment's definition" 'SELECT key FROM "cust_k4" WHERE cluster = 0' \
    "$(s "SELECT definition FROM _persona_segments ORDER BY definition LIMIT 1")"

# JSON: one value with the summary fields the issue names.
p --format json -c "cluster kmeans cust features=orders,ln(spend),recency k=4 key=customer_id as cust_k4b"
expect_eq "kmeans --format json: the fields" "kmeans 4 4 True True True True True True True" \
    "$(json "d['cluster']['algorithm'], d['cluster']['k'], len(d['cluster']['sizes']),
        all(k in d['cluster'] for k in ('inertia', 'silhouette', 'davies_bouldin', 'calinski_harabasz', 'iterations', 'seconds', 'fit_seconds')),
        sum(d['cluster']['sizes']) == $NCUST, d['cluster']['fit_seconds'] <= d['cluster']['seconds'],
        len(d['clusters']) == 4, len(d['zscores']) == 4, d['cluster']['silhouette_sample'] is None,
        d['clusters'][0]['label'] != ''")"
expect_eq "the same seed gives the same clusters" "0" \
    "$(q "SELECT count(*) FROM cust_k4 a JOIN cust_k4b b USING (key) WHERE a.cluster <> b.cluster")"

# ---- undo, replace, rename ----
expect_ok "undo the second clustering" -c "undo"
expect_eq "undo: its table, model and segments are gone" "0|1|4" \
    "$(s "SELECT (SELECT count(*) FROM sqlite_master WHERE name = 'cust_k4b') || '|' ||
          (SELECT count(*) FROM _persona_models) || '|' || (SELECT count(*) FROM _persona_segments)")"
before=$(ws_state)
expect_fail "an existing result needs replace" 1 "table 'cust_k4' already exists; add 'replace'" \
    -c "cluster kmeans cust features=orders,recency k=3 key=customer_id as cust_k4"
unchanged "an existing result: workspace unchanged" "$before"
expect_ok "replace writes over it" -c "cluster kmeans cust features=orders,recency k=3 key=customer_id as cust_k4 replace"
expect_eq "replace: the new clusters, the old model row kept as history" "3|2|3" \
    "$(s "SELECT (SELECT count(DISTINCT cluster) FROM cust_k4) || '|' || (SELECT count(*) FROM _persona_models) || '|' ||
          (SELECT count(*) FROM _persona_segments)")"
expect_ok "undo the replace" -c "undo"
expect_eq "undo of replace: the old table and segments are back" "4|1|4" \
    "$(s "SELECT (SELECT count(DISTINCT cluster) FROM cust_k4) || '|' || (SELECT count(*) FROM _persona_models) || '|' ||
          (SELECT count(*) FROM _persona_segments WHERE name LIKE 'cust\_k4/%' ESCAPE '\\')")"
expect_ok "cluster rename" -c "cluster rename cust_k4 0 'Core buyers'"
expect_match "rename: says what it did" "^segment +cust_k4/Core buyers$" "$OUT"
expect_eq "rename: the segment and the model's labels follow" "1|Core buyers" \
    "$(s "SELECT (SELECT count(*) FROM _persona_segments WHERE name = 'cust_k4/Core buyers' AND definition LIKE '%cluster = 0')
          || '|' || (SELECT json_extract(labels, '\$[0]') FROM _persona_models WHERE name = 'cust_k4')")"
expect_fail "rename: a cluster that is not there" 1 "cust_k4 has clusters 0 to 3, not 9" -c "cluster rename cust_k4 9 X"
expect_fail "rename: a label taken by another cluster" 1 "already labelled 'Core buyers'" \
    -c "cluster rename cust_k4 1 'Core buyers'"
expect_fail "rename: an unknown model" 1 "no clustering named 'nope'" -c "cluster rename nope 0 X"
expect_ok "undo the rename" -c "undo"
expect_eq "undo of rename: the old label is back" "0" \
    "$(q "SELECT count(*) FROM _persona_segments WHERE name = 'cust_k4/Core buyers'")"

# ---- k=auto and elbow ----
p --format json -c "cluster kmeans cust features=orders,ln(spend),recency k=auto n_init=3 key=customer_id as cust_auto"
expect_eq "k=auto: tries 2..10 and keeps the best silhouette" "9 True" \
    "$(json "len(d['k_search']), max(r['silhouette'] for r in d['k_search']) == d['cluster']['silhouette']")"
p --format csv -c "elbow cust features=orders,ln(spend),recency k=2..6 n_init=3 key=customer_id"
expect_eq "elbow: k=2..6, inertia falling" "2 3 4 5 6|1" \
    "$(tail -n +2 <<<"$OUT" | tr -d '\r' | awk -F, '{k = k (NR > 1 ? " " : "") $1; if (NR > 1 && $2 > last) up = 1; last = $2}
        END {print k "|" (up ? 0 : 1)}')"
expect_match "elbow: the columns" "^k,inertia,silhouette,davies_bouldin,calinski_harabasz" "$OUT"

# ---- options ----
expect_ok "one-hot encoding and where=" \
    -c "cluster kmeans customers features=age onehot=gender where=\"age IS NOT NULL AND gender IN ('Female', 'Male')\" k=3"
expect_match "one-hot: the features" "^features +age, gender=Female, gender=Male$" "$OUT"
expect_eq "one-hot: the default name TABLE_ALGO" "$(q "SELECT count(*) FROM customers WHERE age IS NOT NULL AND gender IN ('Female', 'Male')")" \
    "$(q "SELECT count(*) FROM customers_kmeans")"
expect_ok "a view with key=" -c "sql CREATE VIEW big AS SELECT * FROM cust WHERE orders > 2"
expect_ok "a view clusters with key=" -c "cluster kmeans big features=orders,spend k=2 key=customer_id scale=robust"
expect_fail "a view without key= says to give one" 1 "big is a view, which has no rowid: name its key column with key=COL" \
    -c "cluster kmeans big features=orders,spend k=2 as big2"
expect_ok "a table without a recorded key uses the rowid" -c "cluster kmeans cust features=orders,spend k=2 scale=minmax as by_rowid"
expect_eq "rowid keys" "1|$NCUST" "$(q "SELECT min(key) || '|' || max(key) FROM by_rowid")"

# ---- the other algorithms ----
F="features=orders,ln(spend),recency key=customer_id"
expect_ok "minibatch" -c "cluster minibatch cust $F k=4 as cust_mb"
expect_match "minibatch: says which" "^algorithm +minibatch$" "$OUT"
expect_eq "minibatch: every customer" "$NCUST" "$(q "SELECT count(*) FROM cust_mb")"
expect_ok "hierarchical ward" -c "cluster hierarchical cust $F k=4 as cust_hw"
expect_match "hierarchical: the cut height" "^cut_height +[0-9.]+$" "$OUT"
expect_eq "hierarchical: the dendrogram's top merges are kept" "30" \
    "$(q "SELECT json_array_length(details, '\$.dendrogram') FROM _persona_models WHERE name = 'cust_hw'")"
expect_ok "hierarchical at a distance" -c "cluster hierarchical cust $F distance=5 linkage=complete as cust_hd"
expect_ok "hierarchical single linkage" -c "cluster hierarchical cust $F k=3 linkage=single as cust_hs"
expect_ok "dbscan" -c "cluster dbscan cust $F eps=0.3 minpts=8 as cust_db"
expect_match "dbscan: noise counted" "^noise +[0-9]+$" "$OUT"
noise=$(awk '$1 == "noise" { print $2 }' <<<"$OUT") rows=$(awk '$1 == "rows" { print $2 }' <<<"$OUT")
expect_match "dbscan: the scores say they leave the noise out (#19)" "^scores_over +$((rows - noise))$" "$OUT"
expect_match "… and a note says so" "are over the $((rows - noise)) rows in clusters; the $noise noise rows are left out" "$ERR"
expect_eq "dbscan: noise is cluster -1, and a segment" "1|1" \
    "$(s "SELECT (SELECT count(*) > 0 FROM cust_db WHERE cluster = -1), (SELECT count(*) FROM _persona_segments WHERE name = 'cust_db/noise')")"
expect_ok "dbscan eps=auto" -c "cluster dbscan cust $F eps=auto as cust_dba"
expect_match "dbscan eps=auto: the eps it took" "^eps +0\.[0-9]+$" "$OUT"
p --format json -c "cluster gmm cust $F k=3 as cust_gmm"
expect_eq "gmm: log-likelihood (mean per row), BIC and AIC" "True True True" \
    "$(json "d['cluster']['log_likelihood'] < 0, d['cluster']['bic'] > d['cluster']['aic'], d['cluster']['algorithm'] == 'gmm'")"
expect_eq "gmm: membership probabilities stored, summing to 1" "0" \
    "$(q "SELECT count(*) FROM cust_gmm WHERE abs(prob_0 + prob_1 + prob_2 - 1) > 1e-9")"
expect_eq "gmm: the cluster is the most probable one" "0" \
    "$(q "SELECT count(*) FROM cust_gmm WHERE max(prob_0, prob_1, prob_2) <> CASE cluster WHEN 0 THEN prob_0 WHEN 1 THEN prob_1 ELSE prob_2 END")"
expect_ok "gmm diagonal" -c "cluster gmm cust $F k=3 covariance=diag n_init=2 as cust_gmmd"

# ---- pca ----
p --format json -c "pca cust features=orders,ln(spend),recency key=customer_id components=2 as cust_pca"
expect_eq "pca: explained_variance_ratio in JSON, falling, under 1" "2 True True" \
    "$(json "len(d['pca']['explained_variance_ratio']), d['pca']['explained_variance_ratio'][0] >= d['pca']['explained_variance_ratio'][1], d['pca']['kept_ratio'] <= 1")"
expect_eq "pca: all components' variance, the loadings" "3 3" "$(json "len(d['variance']), len(d['loadings'])")"
expect_eq "pca: projections written, one row per customer" "$NCUST|$NCUST" \
    "$(q "SELECT count(*) || '|' || count(pc2) FROM cust_pca")"
expect_eq "pca: the projections are centred" "1" "$(q "SELECT abs(avg(pc1)) < 1e-9 AND abs(avg(pc2)) < 1e-9 FROM cust_pca")"
golden_run "pca on the Mall-like sample: variance and loadings" pca.table.txt \
    -c "pca cust features=orders,ln(spend),recency key=customer_id components=all as cust_pca3"

# ---- plot ----
if command -v gnuplot >/dev/null; then
    expect_ok "plot pca to a PNG, coloured by a clustering" -c "plot pca cust_pca color=cust_k4 out=$WORK/pca.png"
    expect_eq "plot pca: a PNG file" "PNG" "$(head -c 4 "$WORK/pca.png" | tail -c 3)"
    expect_match "plot pca: says where and how" "^terminal +pngcairo$" "$OUT"
    expect_ok "plot pca to an SVG" -c "plot pca cust_pca color=orders out=$WORK/pca.svg"
    expect_match "plot pca: an SVG file" "<svg" "$(head -c 400 "$WORK/pca.svg")"
    expect_ok "plot pca computed here from features=" -c "plot pca cust features=orders,spend key=customer_id color=cust_k4 width=60 height=20"
    expect_eq "plot pca as text: the legend has the cluster labels" "1" \
        "$(grep -cF "0 $(s "SELECT json_extract(labels, '\$[0]') FROM _persona_models WHERE name = 'cust_k4'")" <<<"$OUT")"
    expect_eq "plot pca as text: no temporary table left" "0" "$(q "SELECT count(*) FROM sqlite_temp_master")"
    expect_ok "plot scatter" -c "plot scatter cust x=orders y=recency color=cust_k4 width=70 height=20"
    expect_match "plot scatter: axes" "orders" "$OUT"
    expect_ok "plot elbow" -c "plot elbow cust features=orders,recency k=2..5 n_init=2 out=$WORK/elbow.png"
    expect_ok "plot silhouette" -c "plot silhouette cust features=orders,recency k=2..5 n_init=2 width=60 height=15"
    expect_ok "plot kdist" -c "plot kdist cust features=orders,recency minpts=8 out=$WORK/kdist.svg"
    expect_ok "plot hist" -c "plot hist cust column=recency bins=25 width=70 height=15"
    expect_ok "plot bar" -c "plot bar cust_k4 out=$WORK/bar.png"
    expect_ok "plot dendrogram" -c "plot dendrogram cust_hw out=$WORK/dendrogram.png"
    expect_eq "plot: no temporary files left beside the PNGs" "" "$(ls "$WORK" | grep '\.tmp' || true)"
    STATE=$(ws_state)
    expect_fail "plot: an unknown kind" 1 "plot: unknown kind 'pie': expected pca, scatter, elbow, silhouette, kdist, hist, bar, dendrogram" \
        -c "plot pie cust"
    expect_fail "plot: a bad file name" 1 "plot: out=x.jpg: expected a file name ending in .png or .svg" -c "plot bar cust_k4 out=x.jpg"
    expect_fail "plot: a folder that is not there" 1 "plot: out=/nonexistent/x.png: cannot write there" -c "plot bar cust_k4 out=/nonexistent/x.png"
    expect_fail "plot hist: a column that is not numeric" 1 "plot hist: column customer_id is not numeric" -c "plot hist cust column=customer_id"
    expect_fail "plot pca: not a pca result" 1 "plot pca: cust is not a pca result" -c "plot pca cust"
    expect_fail "plot bar: not a clustering" 1 "plot bar: cust_pca is not a clustering result" -c "plot bar cust_pca"
    expect_fail "plot dendrogram: not hierarchical" 1 "plot dendrogram: cust_k4 is not a hierarchical clustering" -c "plot dendrogram cust_k4"
    expect_fail "plot: color= that is nothing" 1 "plot: color=nope: neither a clustering result" -c "plot pca cust_pca color=nope"
    unchanged "plot: failures leave the workspace as it was" "$STATE"
    # a missing gnuplot, one that complains, one that dies: clear messages, never a hang
    PERSONA_GNUPLOT=/nonexistent/gnuplot expect_fail "plot: gnuplot missing" 1 \
        "plot: gnuplot is not installed \(it draws Persona's plots\): install the gnuplot-nox package" -c "plot bar cust_k4"
    cat >fake-gnuplot <<'SH'
#!/bin/sh
# answers like gnuplot with an error: the message on stderr, then the end markers
to=2
while IFS= read -r line; do
    case $line in
    "set print '-'") to=1 ;;
    "set print") to=2 ;;
    "plot "*) echo '         line 0: undefined variable: nosuch' >&2 ;;
    "print '"*) m=${line#print \'}; echo "${m%\'}" >&$to ;;
    esac
done
SH
    chmod +x fake-gnuplot
    PERSONA_GNUPLOT=$WORK/fake-gnuplot expect_fail "plot: gnuplot's error text is reported" 1 \
        "plot: gnuplot: line 0: undefined variable: nosuch" -c "plot bar cust_k4"
    printf '#!/bin/sh\nexit 3\n' >dead-gnuplot
    chmod +x dead-gnuplot
    PERSONA_GNUPLOT=$WORK/dead-gnuplot expect_fail "plot: a gnuplot that dies" 1 "plot: gnuplot failed \(it stopped\)" \
        -c "plot bar cust_k4"
else
    ok "plot: skipped (no gnuplot)"
fi

# ---- bad input: a clear message, exit 1, the workspace unchanged ----
expect_ok "setup: an empty table" -c "sql CREATE TABLE empty(a REAL)"
STATE=$(ws_state)
bad() {
    local name=$1 pattern=$2
    shift 2
    expect_fail "$name" 1 "$pattern" "$@"
    unchanged "$name: workspace unchanged" "$STATE"
}
bad "unknown column" "cluster: unknown column 'ordrs' in features= \(did you mean 'orders'\?\); cust has: customer_id, orders, spend, recency" \
    -c "cluster kmeans cust features=ordrs,spend k=3"
bad "NULL features: counted and named" \
    "cluster: 428 of 5000 rows have NULL features \(age: 428; rows C00001, C00021, C00025, C00030, C00035, …\); nulls=drop leaves those rows out, nulls=impute" \
    -c "cluster kmeans customers features=age k=3 as c_age"
bad "non-numeric feature" "cluster: feature 'city' is not numeric: row C00001 has 'Los Angeles'; a category can be one-hot encoded with onehot=city" \
    -c "cluster kmeans customers features=city k=3 as c_city"
bad "k larger than the rows" "cluster: k=5000 is more than the 3963 rows to cluster" \
    -c "cluster kmeans cust features=orders k=5000"
bad "k=1" "cluster: k=1: a clustering needs at least 2 clusters" -c "cluster kmeans cust features=orders k=1"
bad "no k" "cluster: kmeans needs k=N \(or k=auto" -c "cluster kmeans cust features=orders"
bad "no features" "cluster: features= is missing" -c "cluster kmeans cust k=3"
bad "a constant feature" "cluster: feature '1' has the same value \(1\) on every row, so it cannot tell rows apart; leave it out" \
    -c "cluster kmeans cust features=orders,1 k=3"
bad "an all-NULL feature" "cluster: feature 'NULL' is NULL on every row; leave it out" \
    -c "cluster kmeans cust features=orders,NULL k=3"
bad "a single row" "cluster: k=2 is more than the 1 rows to cluster" \
    -c "cluster kmeans cust features=orders,spend k=2 where=\"customer_id = 'C00001'\""
bad "where= matching nothing" "cluster: no rows of cust match where=orders < 0" \
    -c "cluster kmeans cust features=orders k=2 where=\"orders < 0\""
bad "an SQL error in a feature" "cluster: no such function: lg \(in features=lg\(spend\)\)" -c "cluster kmeans cust features=lg(spend) k=2"
bad "an unknown table" "cluster: no table named 'custs' \(did you mean 'cust'\?\)" -c "cluster kmeans custs features=orders k=2"
bad "an unknown algorithm" "cluster: unknown algorithm 'kmean': expected kmeans, minibatch, hierarchical, dbscan, gmm, or rename" \
    -c "cluster kmean cust features=orders k=2"
bad "an option of another algorithm" "cluster: option eps= does not apply to kmeans \(only to dbscan\)" \
    -c "cluster kmeans cust features=orders k=2 eps=0.5"
bad "a bad scale" "cluster: scale=zscore: expected standard, minmax, robust or none" \
    -c "cluster kmeans cust features=orders k=2 scale=zscore"
bad "a bad k" "cluster: k=many: expected a number of clusters, auto, or a range like 2..10" \
    -c "cluster kmeans cust features=orders k=many"
bad "the source as the result" "cluster: the result cannot replace its own source table 'cust'" \
    -c "cluster kmeans cust features=orders k=2 as cust"
bad "a reserved result name" "cluster: '_persona_x' cannot name a result table" \
    -c "cluster kmeans cust features=orders k=2 as _persona_x"
bad "an empty table" "cluster: empty has no rows" -c "cluster kmeans empty features=a k=2"
bad "too many categories for one-hot" "cluster: onehot=city: more than 50 distinct values" \
    -c "cluster kmeans customers features=age onehot=city k=2 nulls=drop as c_city2"
expect_ok "nulls=drop leaves the NULL rows out" -c "cluster kmeans customers features=age k=3 nulls=drop as c_drop"
expect_match "nulls=drop: says how many" "^dropped +428$" "$OUT"
expect_eq "nulls=drop: the rest are clustered" "4572" "$(q "SELECT count(*) FROM c_drop")"
expect_ok "nulls=impute fills in the mean" -c "cluster kmeans customers features=age k=3 nulls=impute as c_imp"
expect_match "nulls=impute: says how many" "^imputed +428$" "$OUT"
expect_eq "nulls=impute: the mean is kept with the scaler" "1" \
    "$(q "SELECT json_extract(scaler, '\$.impute[0]') BETWEEN 18 AND 90 FROM _persona_models WHERE name = 'c_imp'")"

# ---- the classic: Mall customers, k=5 on income and spending score ----
if [ -f "$DATA/customers/Mall_Customers.csv" ]; then
    expect_ok "mall: load" -c "load $DATA/customers/Mall_Customers.csv as mall key=CustomerID"
    golden_run "mall: k=5 on income and spending score" cluster-mall.table.txt \
        -c "cluster kmeans mall features=\"Annual Income (k\$),Spending Score (1-100)\" k=5 as mall_k5"
    # scikit-learn 1.2.1 on the standard-scaled features (KMeans(5, n_init=10)):
    # inertia 65.56840815571681, silhouette 0.5546571631111091,
    # Davies-Bouldin 0.5722356162263352, Calinski-Harabasz 248.64932001536357
    p --format json -c "sql SELECT metrics FROM _persona_models WHERE name = 'mall_k5'"
    expect_eq "mall: the same optimum and metrics as scikit-learn" "True True True True" \
        "$(json "[(lambda m: (abs(m['inertia'] - 65.56840815571681) < 1e-9, abs(m['silhouette'] - 0.5546571631111091) < 1e-12,
                 abs(m['davies_bouldin'] - 0.5722356162263352) < 1e-12, abs(m['calinski_harabasz'] - 248.64932001536357) < 1e-9))(json.loads(d[0]['metrics']))][0]" | tr -d '(),')"
else
    ok "mall: skipped (no ../shared/data)"
fi

# ---- a Gaussian mixture with a component too thin for its covariance (#19) ----
{ echo "f1,f2,f3,f4,f5,f6,f7,f8,f9,f10,f11,f12,f13"
  awk 'NR > 4 && NR <= 182 { $1 = $1; gsub(/ /, ","); print }' "$ROOT/tests/fixtures/cluster/wine.txt"; } >wine.csv
expect_ok "setup: wine (scikit-learn's)" -c "load wine.csv"
expect_ok "gmm k=4 seed=1: the issue's fit" \
    -c "cluster gmm wine features=f1,f2,f3,f4,f5,f6,f7,f8,f9,f10,f11,f12,f13 k=4 seed=1 as wine_g"
expect_match "a 5-row component in 13 dimensions is counted" "^degenerate_components +1$" "$OUT"
expect_match "… and named with the way out" \
    "1 component holds fewer than 14 rows \(the smallest 5.0\) in 13 dimensions: its covariance is set by reg_covar" "$ERR"
expect_ok "gmm k=4 seed=2" \
    -c "cluster gmm wine features=f1,f2,f3,f4,f5,f6,f7,f8,f9,f10,f11,f12,f13 k=4 seed=2 as wine_g2"
expect_match "a fit without one: 0" "^degenerate_components +0$" "$OUT"
