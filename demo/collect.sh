#!/bin/sh
# daily-rollup/collect-<source>: write yesterday's counts for one source
# (orders, refunds or visits) as "<source>,<hour>,<count>" lines.
set -eu
: "${BATON_WORKSPACE:?must be set by Baton to the run's scratch directory}"
[ $# -eq 1 ] || { echo "usage: collect.sh orders|refunds|visits" >&2; exit 2; }
source=$1
case $source in
orders) base=40 ;;
refunds) base=3 ;;
visits) base=900 ;;
*) echo "collect: unknown source \"$source\"" >&2; exit 2 ;;
esac

mkdir -p "$BATON_WORKSPACE/collected"
out=$BATON_WORKSPACE/collected/$source.csv
# A deterministic daily shape: quiet at night, busy at midday.
awk -v s="$source" -v b="$base" 'BEGIN { for (h = 0; h < 24; h++) {
    w = (h >= 8 && h <= 20) ? 3 : 1; printf "%s,%02d,%d\n", s, h, b * w + h } }' > "$out"
echo "collect: $(wc -l < "$out") hourly rows for $source -> $out"
