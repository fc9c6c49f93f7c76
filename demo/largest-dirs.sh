#!/bin/sh
# disk-report/largest-dirs: the ten largest top-level folders of the repository
# (tasks start in the repository root). Runs only when the parameter detail=full.
set -eu
: "${BATON_WORKSPACE:?must be set by Baton to the run's scratch directory}"
du -s -k -- */ 2>/dev/null | sort -rn | head -n 10 | tee "$BATON_WORKSPACE/largest-dirs.txt"
