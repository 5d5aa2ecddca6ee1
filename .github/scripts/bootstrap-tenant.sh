#!/usr/bin/env bash
# One-time bootstrap of one tenant's isolation (docs/gitops.md, "Onboarding a tenant"; `npm run new-tenant`
# prints the exact commands). Three phases, each run by whoever holds the rights it needs. Every step looks
# before it creates, so a phase can be run again after a failure.
#
#   jtel      the jtel operator (Owner of the state resource group, Storage Blob Data Owner on the state
#             account, Key Vault Crypto Officer on the state vault; admin of this GitHub repository):
#               GitHub environments tenant-<stack> (main only), tenant-<stack>-preview (a reviewer approves
#               each run), tenant-<stack>-drift (main only), created BEFORE anything trusts them;
#               the state container and Key Vault key tenant-<stack>; a deploy and a preview managed identity
#               whose federated credentials name those environments and whose roles reach only that
#               container and that key; the environments' variables; `pulumi stack init` with that key.
#   customer  the customer's Privileged Role Administrator, signed in to their own tenant with `az login`:
#               the deployer and reader app registrations, their federated credentials, their directory roles.
#   link      the jtel operator again: stores the two apps' client IDs in the environments.
#
# Usage:
#   bootstrap-tenant.sh jtel     --stack NAME --tenant-id GUID
#   bootstrap-tenant.sh customer --stack NAME --tenant-id GUID --repo ORG/REPO [--application-permissions]
#   bootstrap-tenant.sh link     --stack NAME --deployer-client-id GUID --reader-client-id GUID
# The jtel and link phases take the repository-wide settings from the environment (docs/gitops.md, "Once per
# repository"): STATE_SUBSCRIPTION_ID, STATE_TENANT_ID, STATE_RESOURCE_GROUP, STATE_STORAGE_ACCOUNT,
# STATE_KEY_VAULT, STATE_LOCATION and PREVIEW_REVIEWERS_TEAM (a team of the repository's organization).
#
# Every federated credential's subject is repo:<ORG/REPO>:environment:<env>:event_name:<event>, the form the
# repository's OIDC subject template {repo, context, event_name} gives (checked below). Naming the event keeps
# a pull_request token out of the deploy identity even where an environment's branch policy would admit it
# (a pull request whose head is main). test/fleet/bootstrap.test.ts runs this script against recording fakes
# of az, gh and pulumi and proves that no job an unreviewed branch can start obtains a deploy identity or a
# tenant's decryption key.
set -euo pipefail

readonly ISSUER="https://token.actions.githubusercontent.com"
readonly AUDIENCE="api://AzureADTokenExchange"
readonly SUBJECT_CLAIMS="repo,context,event_name"
# Stack names: fleet/stacks.ts STACK_NAME (they name environments, a container and a key).
readonly STACK_RE='^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'
readonly GUID_RE='^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
readonly REPO_RE='^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$'
# Which events each environment's identities trust; the workflows run exactly these (test/fleet/bootstrap.test.ts).
readonly DEPLOY_EVENTS=(push schedule workflow_dispatch)
readonly PREVIEW_EVENTS=(pull_request)
readonly DRIFT_EVENTS=(schedule workflow_dispatch)
# Entra built-in role template IDs (learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference).
readonly ROLE_USER_ADMIN="fe930be7-5e62-47db-91af-98c3a49a38b1"
readonly ROLE_CLOUD_APP_ADMIN="158c047a-c907-4556-b7ef-446551a6b5f7"
readonly ROLE_PRIVILEGED_ROLE_ADMIN="e8611ab8-c189-46e8-94e1-60213ab1f814"
readonly ROLE_DIRECTORY_READERS="88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
# Microsoft Graph and its AuditLog.Read.All application permission: the deployer reads the credential activity
# report with it, which says whether the connector switched to the newest client secret (npm run status).
readonly GRAPH_APP_ID="00000003-0000-0000-c000-000000000000"
readonly AUDIT_LOG_READ_ALL="b0afded3-3588-46d8-8b3d-9842eff778da"

die() { echo "bootstrap-tenant: $*" >&2; exit 2; }
step() { echo "==> $*" >&2; }

usage() {
  cat >&2 <<'USAGE'
Usage:
  bootstrap-tenant.sh jtel     --stack NAME --tenant-id GUID
  bootstrap-tenant.sh customer --stack NAME --tenant-id GUID --repo ORG/REPO [--application-permissions]
  bootstrap-tenant.sh link     --stack NAME --deployer-client-id GUID --reader-client-id GUID
USAGE
  exit 2
}

phase="${1:-}"
[[ -n "$phase" ]] || usage
shift
stack="" tenant_id="" repo="" deployer_client_id="" reader_client_id="" app_roles=false
while (($# > 0)); do
  case "$1" in
    --stack) stack="${2:-}"; shift 2 ;;
    --tenant-id) tenant_id="${2:-}"; shift 2 ;;
    --repo) repo="${2:-}"; shift 2 ;;
    --deployer-client-id) deployer_client_id="${2:-}"; shift 2 ;;
    --reader-client-id) reader_client_id="${2:-}"; shift 2 ;;
    --application-permissions) app_roles=true; shift ;;
    *) die "unknown argument $1; run without arguments for usage" ;;
  esac
done

[[ "$stack" =~ $STACK_RE ]] || die "--stack \"$stack\" must be lower-case letters, digits and inner hyphens, 1-40 characters"
deploy_env="tenant-${stack}"
preview_env="tenant-${stack}-preview"
drift_env="tenant-${stack}-drift"
container="tenant-${stack}"
key="tenant-${stack}"

require_guid() { [[ "$2" =~ $GUID_RE ]] || die "$1 \"$2\" must be a GUID"; }
require_env() {
  local name
  for name in "$@"; do [[ -n "${!name:-}" ]] || die "$name is not set; see docs/gitops.md, \"Once per repository\""; done
}

subject() { printf 'repo:%s:environment:%s:event_name:%s' "$repo" "$1" "$2"; }

# Stops unless `az` is signed in to the expected tenant: the same guard as the program's (stack/tenantGuard.ts).
require_tenant() {
  local signed_in
  signed_in=$(az account show --query tenantId -o tsv) || die "az is not signed in; run az login --tenant $1"
  [[ "${signed_in,,}" == "${1,,}" ]] || die "az is signed in to tenant $signed_in, but this phase must run in tenant $1 (az login --tenant $1)"
}

# --- GitHub ---------------------------------------------------------------------------------------------------

github_repo() {
  gh repo view --json nameWithOwner --jq .nameWithOwner
}

# The repository-wide prerequisites this script checks but does not change (docs/gitops.md, "Once per repository").
check_repository() {
  local template
  template=$(gh api "repos/${repo}/actions/oidc/customization/sub" --jq '[.use_default, ((.include_claim_keys // []) | join(","))] | @tsv')
  if [[ "$template" != "false	${SUBJECT_CLAIMS}" ]]; then
    die "the repository's OIDC subject template is \"${template//	/ }\", not {${SUBJECT_CLAIMS}}: set it once (docs/gitops.md, \"Once per repository\"), because every federated credential below names the event"
  fi
  [[ "$(gh api "repos/${repo}/branches/main" --jq .protected)" == "true" ]] \
    || die "main is not protected: require pull request reviews on main first (docs/gitops.md, \"Once per repository\"); whatever reaches main is deployed"
}

# Only branch main may run jobs in this environment (pull requests, other branches and tags are refused).
ensure_main_only_environment() {
  local env="$1"
  step "GitHub environment ${env}: main only, no reviewers (runs unattended)"
  gh api -X PUT "repos/${repo}/environments/${env}" --input - >/dev/null <<JSON
{"wait_timer": 0, "prevent_self_review": false, "reviewers": [], "deployment_branch_policy": {"protected_branches": false, "custom_branch_policies": true}}
JSON
  local existing
  existing=$(gh api "repos/${repo}/environments/${env}/deployment-branch-policies" --jq '[.branch_policies[] | "\(.type // "branch"):\(.name)"] | join(",")')
  if [[ ",${existing}," != *",branch:main,"* ]]; then
    gh api -X POST "repos/${repo}/environments/${env}/deployment-branch-policies" -f name=main -f type=branch >/dev/null
  fi
  [[ -z "$existing" || "$existing" == "branch:main" ]] \
    || die "environment ${env} also admits ${existing}; remove every deployment branch policy but main (Settings > Environments)"
}

# Every job in this environment waits until a reviewer other than the one who started it approves.
ensure_reviewed_environment() {
  local env="$1" team_id
  team_id=$(gh api "orgs/${repo%%/*}/teams/${PREVIEW_REVIEWERS_TEAM}" --jq .id)
  [[ "$team_id" =~ ^[0-9]+$ ]] || die "team ${PREVIEW_REVIEWERS_TEAM} not found in ${repo%%/*}"
  step "GitHub environment ${env}: team ${PREVIEW_REVIEWERS_TEAM} approves every run, never its own"
  gh api -X PUT "repos/${repo}/environments/${env}" --input - >/dev/null <<JSON
{"wait_timer": 0, "prevent_self_review": true, "reviewers": [{"type": "Team", "id": ${team_id}}], "deployment_branch_policy": null}
JSON
}

set_variable() {
  gh variable set "$2" --repo "$repo" --env "$1" --body "$3" >/dev/null
}

# --- Azure (jtel's subscription) ------------------------------------------------------------------------------

# Prints "clientId<TAB>principalId" of a user-assigned managed identity, creating it when missing.
ensure_identity() {
  az identity create --name "$1" --resource-group "$STATE_RESOURCE_GROUP" --location "$STATE_LOCATION" \
    --tags "jtel-presence-stack=${stack}" --query '[clientId, principalId]' -o tsv | paste -s -d '\t' -
}

ensure_identity_credential() {
  local identity="$1" env="$2" event="$3" name="${2}-${3//_/-}"
  if ! az identity federated-credential show --name "$name" --identity-name "$identity" --resource-group "$STATE_RESOURCE_GROUP" >/dev/null 2>&1; then
    az identity federated-credential create --name "$name" --identity-name "$identity" --resource-group "$STATE_RESOURCE_GROUP" \
      --issuer "$ISSUER" --subject "$(subject "$env" "$event")" --audiences "$AUDIENCE" >/dev/null
  fi
}

ensure_role() {
  az role assignment create --assignee-object-id "$1" --assignee-principal-type ServicePrincipal \
    --role "$2" --scope "$3" >/dev/null
}

phase_jtel() {
  require_guid --tenant-id "$tenant_id"
  require_env STATE_SUBSCRIPTION_ID STATE_TENANT_ID STATE_RESOURCE_GROUP STATE_STORAGE_ACCOUNT STATE_KEY_VAULT STATE_LOCATION PREVIEW_REVIEWERS_TEAM
  require_tenant "$STATE_TENANT_ID"
  repo=$(github_repo)
  [[ "$repo" =~ $REPO_RE ]] || die "gh repo view did not name this repository (got \"$repo\"); run from a clone of it"
  check_repository

  # Environments first: GitHub creates a missing environment, unprotected, the first time a workflow names it,
  # so it must be protected before any credential trusts its name.
  ensure_main_only_environment "$deploy_env"
  ensure_reviewed_environment "$preview_env"
  ensure_main_only_environment "$drift_env"

  az account set --subscription "$STATE_SUBSCRIPTION_ID"
  step "state container ${container} in ${STATE_STORAGE_ACCOUNT}, key ${key} in ${STATE_KEY_VAULT}"
  az storage container create --name "$container" --account-name "$STATE_STORAGE_ACCOUNT" --auth-mode login >/dev/null
  if ! az keyvault key show --vault-name "$STATE_KEY_VAULT" --name "$key" >/dev/null 2>&1; then
    az keyvault key create --vault-name "$STATE_KEY_VAULT" --name "$key" --kty RSA --size 3072 --ops encrypt decrypt >/dev/null
  fi
  local account_id vault_id container_scope key_scope
  account_id=$(az storage account show --name "$STATE_STORAGE_ACCOUNT" --resource-group "$STATE_RESOURCE_GROUP" --query id -o tsv)
  vault_id=$(az keyvault show --name "$STATE_KEY_VAULT" --resource-group "$STATE_RESOURCE_GROUP" --query id -o tsv)
  container_scope="${account_id}/blobServices/default/containers/${container}"
  key_scope="${vault_id}/keys/${key}"

  local deploy_ids preview_ids deploy_client deploy_principal preview_client preview_principal event
  step "managed identity jtel-presence-${stack}-deploy: writes this tenant's state, decrypts with its key"
  deploy_ids=$(ensure_identity "jtel-presence-${stack}-deploy")
  IFS=$'\t' read -r deploy_client deploy_principal <<<"$deploy_ids"
  for event in "${DEPLOY_EVENTS[@]}"; do ensure_identity_credential "jtel-presence-${stack}-deploy" "$deploy_env" "$event"; done
  ensure_role "$deploy_principal" "Storage Blob Data Contributor" "$container_scope"
  ensure_role "$deploy_principal" "Key Vault Crypto User" "$key_scope"

  step "managed identity jtel-presence-${stack}-preview: reads this tenant's state, decrypts with its key"
  preview_ids=$(ensure_identity "jtel-presence-${stack}-preview")
  IFS=$'\t' read -r preview_client preview_principal <<<"$preview_ids"
  for event in "${PREVIEW_EVENTS[@]}"; do ensure_identity_credential "jtel-presence-${stack}-preview" "$preview_env" "$event"; done
  for event in "${DRIFT_EVENTS[@]}"; do ensure_identity_credential "jtel-presence-${stack}-preview" "$drift_env" "$event"; done
  ensure_role "$preview_principal" "Storage Blob Data Reader" "$container_scope"
  ensure_role "$preview_principal" "Key Vault Crypto User" "$key_scope"

  step "environment variables (no secrets: OIDC needs none)"
  local backend="azblob://${container}?storage_account=${STATE_STORAGE_ACCOUNT}" env
  for env in "$deploy_env" "$preview_env" "$drift_env"; do
    set_variable "$env" PULUMI_BACKEND_URL "$backend"
    set_variable "$env" STATE_AZURE_TENANT_ID "$STATE_TENANT_ID"
    set_variable "$env" STATE_AZURE_SUBSCRIPTION_ID "$STATE_SUBSCRIPTION_ID"
    set_variable "$env" AZURE_TENANT_ID "$tenant_id"
  done
  set_variable "$deploy_env" STATE_AZURE_CLIENT_ID "$deploy_client"
  set_variable "$preview_env" STATE_AZURE_CLIENT_ID "$preview_client"
  set_variable "$drift_env" STATE_AZURE_CLIENT_ID "$preview_client"

  step "pulumi stack ${stack} in ${backend}, secrets encrypted with key ${key}"
  cd "$(dirname "$0")/../.."
  export AZURE_KEYVAULT_AUTH_VIA_CLI=true
  if ! PULUMI_BACKEND_URL="$backend" pulumi stack select "$stack" --non-interactive >/dev/null 2>&1; then
    PULUMI_BACKEND_URL="$backend" pulumi stack init "$stack" --non-interactive \
      --secrets-provider "azurekeyvault://${STATE_KEY_VAULT}.vault.azure.net/keys/${key}" >/dev/null
  fi

  local extra=""
  [[ "$app_roles" == true ]] && extra=" --application-permissions"
  cat <<NEXT
Done: ${stack}'s state, key, identities and environments exist. Pulumi.${stack}.yaml now names its key.
Next, the customer's administrator (Privileged Role Administrator in ${tenant_id}) runs:
  bash bootstrap-tenant.sh customer --stack ${stack} --tenant-id ${tenant_id} --repo ${repo}${extra}
and sends back the two client IDs it prints, for the link phase.
NEXT
}

# --- Entra ID (the customer's tenant) -------------------------------------------------------------------------

# Prints the appId of the app registration with this display name, creating it (and its service principal).
ensure_app() {
  local name="$1" app_id
  app_id=$(az ad app list --display-name "$name" --query '[].appId' -o tsv)
  [[ "$(wc -w <<<"$app_id")" -le 1 ]] || die "more than one app registration is named \"$name\"; delete the extra ones"
  if [[ -z "$app_id" ]]; then
    app_id=$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg --query appId -o tsv)
  fi
  az ad sp show --id "$app_id" >/dev/null 2>&1 || az ad sp create --id "$app_id" >/dev/null
  echo "$app_id"
}

ensure_app_credential() {
  local app_id="$1" env="$2" event="$3" name="${2}-${3//_/-}"
  if [[ -z "$(az ad app federated-credential list --id "$app_id" --query "[?name=='${name}'].name" -o tsv)" ]]; then
    az ad app federated-credential create --id "$app_id" --parameters "$(printf '{"name":"%s","issuer":"%s","subject":"%s","audiences":["%s"]}' \
      "$name" "$ISSUER" "$(subject "$env" "$event")" "$AUDIENCE")" >/dev/null
  fi
}

ensure_directory_role() {
  local app_id="$1" role="$2" sp graph="https://graph.microsoft.com/v1.0/roleManagement/directory/roleAssignments"
  sp=$(az ad sp show --id "$app_id" --query id -o tsv)
  if [[ "$(az rest --method GET --uri "${graph}?\$filter=principalId eq '${sp}' and roleDefinitionId eq '${role}'" --query 'length(value)' -o tsv)" == "0" ]]; then
    az rest --method POST --uri "$graph" --headers Content-Type=application/json \
      --body "{\"principalId\":\"${sp}\",\"roleDefinitionId\":\"${role}\",\"directoryScopeId\":\"/\"}" >/dev/null
  fi
}

# Grants the app a Microsoft Graph application permission (admin consent: an app role assignment on Graph's
# service principal, POST /servicePrincipals/{id}/appRoleAssignments).
ensure_graph_app_permission() {
  local app_id="$1" role="$2" sp graph_sp uri
  sp=$(az ad sp show --id "$app_id" --query id -o tsv)
  graph_sp=$(az ad sp show --id "$GRAPH_APP_ID" --query id -o tsv)
  uri="https://graph.microsoft.com/v1.0/servicePrincipals/${sp}/appRoleAssignments"
  if [[ "$(az rest --method GET --uri "$uri" --query "length(value[?appRoleId=='${role}'])" -o tsv)" == "0" ]]; then
    az rest --method POST --uri "$uri" --headers Content-Type=application/json \
      --body "{\"principalId\":\"${sp}\",\"resourceId\":\"${graph_sp}\",\"appRoleId\":\"${role}\"}" >/dev/null
  fi
}

phase_customer() {
  require_guid --tenant-id "$tenant_id"
  [[ "$repo" =~ $REPO_RE ]] || die "--repo \"$repo\" must be the GitHub repository as ORG/REPO"
  require_tenant "$tenant_id"

  local deployer reader event
  step "app jtel presence deployer: provisions this tenant (pulumi up from main only)"
  deployer=$(ensure_app "jtel presence deployer (${repo} ${stack})")
  for event in "${DEPLOY_EVENTS[@]}"; do ensure_app_credential "$deployer" "$deploy_env" "$event"; done
  ensure_directory_role "$deployer" "$ROLE_USER_ADMIN"
  if [[ "$app_roles" == true ]]; then
    ensure_directory_role "$deployer" "$ROLE_PRIVILEGED_ROLE_ADMIN"
  else
    ensure_directory_role "$deployer" "$ROLE_CLOUD_APP_ADMIN"
  fi
  ensure_graph_app_permission "$deployer" "$AUDIT_LOG_READ_ALL"

  step "app jtel presence reader: reads the directory for reviewed previews and the drift check"
  reader=$(ensure_app "jtel presence reader (${repo} ${stack})")
  for event in "${PREVIEW_EVENTS[@]}"; do ensure_app_credential "$reader" "$preview_env" "$event"; done
  for event in "${DRIFT_EVENTS[@]}"; do ensure_app_credential "$reader" "$drift_env" "$event"; done
  ensure_directory_role "$reader" "$ROLE_DIRECTORY_READERS"

  cat <<NEXT
Done: the deployer and reader exist in ${tenant_id}. Send these two lines to your jtel contact:
  --deployer-client-id ${deployer}
  --reader-client-id ${reader}
NEXT
}

phase_link() {
  require_guid --deployer-client-id "$deployer_client_id"
  require_guid --reader-client-id "$reader_client_id"
  [[ "${deployer_client_id,,}" != "${reader_client_id,,}" ]] || die "the deployer and the reader must be two different apps"
  repo=$(github_repo)
  [[ "$repo" =~ $REPO_RE ]] || die "gh repo view did not name this repository (got \"$repo\"); run from a clone of it"
  step "the customer's apps into the environments"
  set_variable "$deploy_env" AZURE_CLIENT_ID "$deployer_client_id"
  set_variable "$preview_env" AZURE_CLIENT_ID "$reader_client_id"
  set_variable "$drift_env" AZURE_CLIENT_ID "$reader_client_id"
  echo "Done: commit Pulumi.${stack}.yaml in a pull request; a reviewer approves its preview in ${preview_env}."
}

case "$phase" in
  jtel) phase_jtel ;;
  customer) phase_customer ;;
  link) phase_link ;;
  *) usage ;;
esac
