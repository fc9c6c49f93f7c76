#!/bin/sh
# publish-rollup/publish: announce the summary a daily-rollup run wrote. Both values arrive as
# parameters filled by Baton from the upstream run (never substituted into this script).
set -eu
: "${BATON_PARAM_SUMMARY:?must be set by the trigger on daily-rollup}"
echo "published $BATON_PARAM_SUMMARY from daily-rollup run ${BATON_PARAM_ROLLUPRUN:-?}"
