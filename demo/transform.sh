#!/bin/sh
# sales-etl/transform: total the raw sales per store and count suspicious rows
# (negative amounts). Publishes anomalies=<n> so a later task can react to it.
set -eu
: "${BATON_WORKSPACE:?must be set by Baton to the run's scratch directory}"
in=$BATON_WORKSPACE/sales-raw.csv
out=$BATON_WORKSPACE/sales-totals.csv
[ -f "$in" ] || { echo "transform: $in is missing; did extract run?" >&2; exit 1; }

{
    echo "store,total"
    awk -F, 'NR > 1 { total[$3] += $4 } END { for (s in total) printf "%s,%.2f\n", s, total[s] }' "$in" | sort
} > "$out"
anomalies=$(awk -F, 'NR > 1 && $4 < 0 { n++ } END { print n + 0 }' "$in")

echo "transform: $(($(wc -l < "$out") - 1)) stores, $anomalies anomalies -> $out"
echo "anomalies=$anomalies" >> "${BATON_OUTPUT:-/dev/null}"
