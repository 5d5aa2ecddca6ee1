#!/usr/bin/env bash
# Prints the subject (`sub`) GitHub puts into this job's OIDC token, and nothing else of the token, as one line:
#
#   oidc-subject environment=<environment> sub=<sub>
#
# Run by .github/workflows/oidc-subject.yml in each environment of a stack: the ground truth for the subjects of
# the stack's federated credentials (docs/gitops.md, "Subjects come from GitHub"). The token is requested for an
# audience no federated credential accepts (Entra ID's is api://AzureADTokenExchange), so even a leaked token
# could sign in nowhere; it is never printed: only the payload is decoded, and only `sub` is read from it.
# GitHub's OIDC reference (docs.github.com/en/actions/reference/security/oidc, "Methods for requesting the OIDC
# token"): GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=... with "Authorization: bearer
# $ACTIONS_ID_TOKEN_REQUEST_TOKEN" answers {"value": "<JWT>"}.
# Environment: ENVIRONMENT (the job's environment name), and the two ACTIONS_ID_TOKEN_REQUEST_* variables GitHub
# sets in a job with `permissions: id-token: write`.
set -euo pipefail

readonly AUDIENCE="jtel-presence-oidc-subject"

fail() { echo "::error::oidc-subject: $*" >&2; exit 1; }

[[ -n "${ENVIRONMENT:-}" ]] || fail "ENVIRONMENT is not set: the workflow names the job's environment"
[[ -n "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" && -n "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-}" ]] \
  || fail "no OIDC token can be requested: the job needs permissions: id-token: write"

# The request token goes to GitHub's token service only: https only, no redirect followed.
response=$(curl --silent --show-error --fail --proto '=https' \
  -H "Authorization: bearer ${ACTIONS_ID_TOKEN_REQUEST_TOKEN}" \
  "${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${AUDIENCE}") || fail "GitHub's token service refused the request (above)"

# The JWT's payload, base64url without padding (RFC 7515), decoded; the header and signature are dropped.
payload=$(jq -r '.value // empty | split(".") | if length == 3 then .[1] else empty end' <<<"$response")
[[ -n "$payload" ]] || fail "GitHub's token service answered without a token"
unset response
payload=$(tr '_-' '/+' <<<"$payload")
while (( ${#payload} % 4 != 0 )); do payload+="="; done
sub=$(base64 -d <<<"$payload" | jq -r '.sub // empty') || fail "the token's payload is not JSON"
[[ -n "$sub" ]] || fail "the token carries no sub claim"

printf 'oidc-subject environment=%s sub=%s\n' "$ENVIRONMENT" "$sub"
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  tick='`'
  printf '| %s%s%s | %s%s%s |\n' "$tick" "$ENVIRONMENT" "$tick" "$tick" "$sub" "$tick" >>"$GITHUB_STEP_SUMMARY"
fi
