#!/bin/sh
# daily-rollup/rollup: sum the collected counts per source into one daily summary.
# ROLLUP_DAY_LABEL comes from the manifest's env.
set -eu
: "${BATON_WORKSPACE:?must be set by Baton to the run's scratch directory}"
dir=$BATON_WORKSPACE/collected
for source in orders refunds visits; do
    [ -f "$dir/$source.csv" ] || { echo "rollup: $dir/$source.csv is missing" >&2; exit 1; }
done

out=$BATON_WORKSPACE/rollup-$(date -u +%Y-%m-%d).csv
{
    echo "day,source,total"
    cat "$dir"/*.csv | awk -F, -v d="${ROLLUP_DAY_LABEL:-yesterday}" '{ t[$1] += $3 }
        END { for (s in t) printf "%s,%s,%d\n", d, s, t[s] }' | sort
} > "$out"
cat "$out"
echo "summary=$(basename "$out")" >> "${BATON_OUTPUT:-/dev/null}"
