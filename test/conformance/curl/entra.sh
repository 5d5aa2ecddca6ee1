#!/usr/bin/env bash
# A second client nobody here wrote: curl, sending the requests Microsoft documents, byte for byte in
# their parameters, to the emulator (or any Entra ID authority).
#   ROPC:               learn.microsoft.com/entra/identity-platform/v2-oauth-ropc ("Authorization request")
#   refresh token:      .../v2-oauth2-auth-code-flow ("Refresh the access token")
#   client credentials: .../v2-oauth2-client-creds-grant-flow, the secret in HTTP Basic (RFC 6749 §2.3.1)
#   discovery:          .../v2-protocols-oidc ("Find your app's OpenID configuration document URI")
#   presence:           learn.microsoft.com/graph/api/presence-get
#
# Usage: entra.sh discover|ropc|refresh|client-credentials-basic|presence
# Environment: EMULATOR_URL (https://...), TENANT, CA_FILE (the CA to trust, and only it) and, except for
# discover, SECRETS_DIR: a 0700 directory of files client_id, client_secret, username, password,
# refresh_token, access_token (each without a trailing newline). Secrets are read from those files by
# curl itself or by shell builtins, so none ever appears in a command line (ps) or in the output.
# Prints the response body, then "HTTP <status>" on a line of its own.
set -euo pipefail
export LC_ALL=C
umask 077

: "${EMULATOR_URL:?}" "${TENANT:?}" "${CA_FILE:?}"
command="${1:?usage: entra.sh discover|ropc|refresh|client-credentials-basic|presence}"

# https only, the emulator's CA only, no redirects: credentials go to the intended host and nowhere else.
curl_https() {
    curl --silent --show-error --proto '=https' --max-redirs 0 --cacert "$CA_FILE" --write-out '\nHTTP %{http_code}\n' "$@"
}

# RFC 3986 unreserved characters stay, every other byte becomes %XX (application/x-www-form-urlencoded
# for the ASCII a client ID or secret holds). Builtins only.
urlencode() {
    local input="$1" output="" char hex i
    for ((i = 0; i < ${#input}; i++)); do
        char="${input:i:1}"
        case "$char" in
            [A-Za-z0-9.~_-]) output+="$char" ;;
            *) printf -v hex '%%%02X' "'$char"; output+="$hex" ;;
        esac
    done
    printf '%s' "$output"
}

token_endpoint="$EMULATOR_URL/$TENANT/oauth2/v2.0/token"

case "$command" in
    discover)
        curl_https "$EMULATOR_URL/$TENANT/v2.0/.well-known/openid-configuration"
        ;;
    ropc)
        # The documented request, plus client_secret because the connector's app is a confidential client.
        curl_https "$token_endpoint" \
            --data-urlencode "client_id@$SECRETS_DIR/client_id" \
            --data-urlencode "scope=user.read openid profile offline_access" \
            --data-urlencode "username@$SECRETS_DIR/username" \
            --data-urlencode "password@$SECRETS_DIR/password" \
            --data-urlencode "grant_type=password" \
            --data-urlencode "client_secret@$SECRETS_DIR/client_secret"
        ;;
    refresh)
        curl_https "$token_endpoint" \
            --data-urlencode "client_id@$SECRETS_DIR/client_id" \
            --data-urlencode "scope=user.read openid profile offline_access" \
            --data-urlencode "refresh_token@$SECRETS_DIR/refresh_token" \
            --data-urlencode "grant_type=refresh_token" \
            --data-urlencode "client_secret@$SECRETS_DIR/client_secret"
        ;;
    client-credentials-basic)
        client_id="$(<"$SECRETS_DIR/client_id")"
        client_secret="$(<"$SECRETS_DIR/client_secret")"
        # curl -H @file reads the header from a file; base64 reads the credentials from stdin.
        printf 'Authorization: Basic %s\n' "$(printf '%s:%s' "$(urlencode "$client_id")" "$(urlencode "$client_secret")" | base64 -w0)" > "$SECRETS_DIR/basic-header"
        curl_https "$token_endpoint" \
            --header "@$SECRETS_DIR/basic-header" \
            --data-urlencode "scope=https://graph.microsoft.com/.default" \
            --data-urlencode "grant_type=client_credentials"
        rm -f "$SECRETS_DIR/basic-header"
        ;;
    presence)
        printf 'Authorization: Bearer %s\n' "$(<"$SECRETS_DIR/access_token")" > "$SECRETS_DIR/bearer-header"
        curl_https "$EMULATOR_URL/v1.0/me/presence" --header "@$SECRETS_DIR/bearer-header"
        rm -f "$SECRETS_DIR/bearer-header"
        ;;
    *)
        echo "unknown command: $command" >&2
        exit 2
        ;;
esac
