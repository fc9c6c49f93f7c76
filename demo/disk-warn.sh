#!/bin/sh
# disk-report/warn: runs only when measure reported level high or critical.
# Writes the warning to stderr so it stands out in the task log.
set -eu
: "${BATON_WORKSPACE:?must be set by Baton to the run's scratch directory}"
echo "disk-report: WARNING: file system is filling up:" >&2
cat "$BATON_WORKSPACE/df.txt" >&2
