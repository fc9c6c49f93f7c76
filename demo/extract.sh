#!/bin/sh
# sales-etl/extract: write the day's raw sales for one region to the run workspace.
# The data is generated here so the demo needs no database or network.
set -eu
: "${BATON_WORKSPACE:?must be set by Baton to the run's scratch directory}"
# Baton passes parameters as BATON_PARAM_<name>; the upper-case spelling and the default
# keep the script runnable by hand and across executor versions.
region=${BATON_PARAM_region:-${BATON_PARAM_REGION:-us}}

case $region in
us) currency=USD ;;
eu) currency=EUR ;;
*) echo "extract: unknown region \"$region\"" >&2; exit 1 ;;
esac

out=$BATON_WORKSPACE/sales-raw.csv
{
    echo "order_id,region,store,amount,currency"
    echo "1001,$region,north,120.50,$currency"
    echo "1002,$region,north,80.00,$currency"
    echo "1003,$region,south,42.25,$currency"
    echo "1004,$region,south,-42.25,$currency"
    echo "1005,$region,east,310.00,$currency"
} > "$out"

rows=$(($(wc -l < "$out") - 1))
echo "extract: $rows rows for region $region -> $out"
echo "rows=$rows" >> "${BATON_OUTPUT:-/dev/null}"
