#!/bin/sh
# sales-etl/load: "load" the totals into the demo warehouse, a folder in the run workspace.
# WAREHOUSE comes from the manifest's env.
set -eu
: "${BATON_WORKSPACE:?must be set by Baton to the run's scratch directory}"
warehouse=${WAREHOUSE:-demo}
in=$BATON_WORKSPACE/sales-totals.csv
[ -f "$in" ] || { echo "load: $in is missing; did transform run?" >&2; exit 1; }

dest=$BATON_WORKSPACE/warehouse/$warehouse
mkdir -p "$dest"
cp "$in" "$dest/sales_totals.csv"
echo "load: $(($(wc -l < "$in") - 1)) rows into warehouse \"$warehouse\" ($dest)"
echo "loaded_rows=$(($(wc -l < "$in") - 1))" >> "${BATON_OUTPUT:-/dev/null}"
