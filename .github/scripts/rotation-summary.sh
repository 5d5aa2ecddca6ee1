#!/usr/bin/env bash
# Writes one stack's rotation state as Markdown for the job summary, from `pulumi stack output --json`
# (WITHOUT --show-secrets) on stdin. It reads an allowlist of non-secret keys only, so the handoff cannot
# reach the summary even if someone later pipes in outputs fetched with --show-secrets.
# Usage: pulumi stack output --json --stack S | rotation-summary.sh STACK OUTCOME
set -euo pipefail
stack="$1"
outcome="$2"

jq -r --arg stack "$stack" --arg outcome "$outcome" '
  def cell: if . == null or . == "" then "—" else tostring end;
  "### `\($stack)`: pulumi up \($outcome)",
  "",
  (if $outcome == "success" then empty else
    "The update did not succeed, so the values below are from the last successful update. The step log " +
    "has the reason; a failed post-deploy verification prints its code and remedy there.\n" end),
  "| output | value |",
  "|---|---|",
  "| secretExpiresAt | \(.secretExpiresAt | cell) |",
  "| previousSecretExpiresAt | \(.previousSecretExpiresAt | cell) |",
  "| nextRotationAt | \(.nextRotationAt | cell) |",
  "| verification.status | \(.verification.status? | cell) |",
  "| verification.verifiedAt | \(.verification.verifiedAt? | cell) |",
  "",
  "After a rotation, the jtel contact needs the new Secret Value: `npm run handoff -- --stack \($stack)` on a " +
  "trusted machine, or the Key Vault when `handoffKeyVault` is set (docs/gitops.md). Never print it in CI."
'
