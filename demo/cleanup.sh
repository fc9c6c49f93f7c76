#!/bin/sh
# Remove intermediate files. Runs whatever happened upstream ("when": "always"),
# and succeeds even when there is nothing to remove.
set -eu
: "${BATON_WORKSPACE:?must be set by Baton to the run's scratch directory}"
rm -f "$BATON_WORKSPACE/sales-raw.csv" "$BATON_WORKSPACE/anomalies.count"
echo "cleanup: intermediate files removed"
