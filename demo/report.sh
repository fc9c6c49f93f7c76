#!/bin/sh
# sales-etl/report-anomalies: list the suspicious rows. Runs only when transform
# reported anomalies (see the task's "if" in manifests/finance/sales-etl.json).
set -eu
: "${BATON_WORKSPACE:?must be set by Baton to the run's scratch directory}"
in=$BATON_WORKSPACE/sales-raw.csv
[ -f "$in" ] || { echo "report: $in is missing; did extract run?" >&2; exit 1; }

echo "report: rows with a negative amount:"
awk -F, 'NR > 1 && $4 < 0' "$in" | tee "$BATON_WORKSPACE/anomalies.csv"
