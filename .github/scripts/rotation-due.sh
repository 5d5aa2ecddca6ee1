#!/usr/bin/env bash
# Prints "due" when a rotation boundary has passed since the stack's last successful `pulumi up`
# (its nextRotationAt output is in the past), "current" when not, and "unknown" when the stack has no
# nextRotationAt yet. Reads `pulumi stack output --json` (WITHOUT --show-secrets) on stdin.
# NOW (seconds since the epoch) overrides the clock, for tests.
set -euo pipefail
jq -r --argjson now "${NOW:-$(date +%s)}" '
  if (.nextRotationAt // "") == "" then "unknown"
  elif (.nextRotationAt | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) <= $now then "due"
  else "current" end
'
