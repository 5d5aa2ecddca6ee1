#!/usr/bin/env bash
# One-time bootstrap of one tenant's isolation (docs/gitops.md, "Onboarding a tenant"; `npm run new-tenant`
# prints the exact commands). Three phases, each run by whoever holds the rights it needs. Every phase reads
# and checks everything it depends on BEFORE it creates anything, and every step looks before it creates, so
# a phase that stopped can simply be run again.
#
#   jtel      the jtel operator (Owner of the state resource group, Storage Blob Data Owner on the state
#             account, Key Vault Crypto Officer on the state vault; admin of this GitHub repository). Reads from
#             GitHub the subject prefix its tokens carry and what the repository's plan allows, which decides the
#             preview mode (below), then creates: the GitHub environments tenant-<stack> and tenant-<stack>-drift
#             (main only) and, in reviewed mode, tenant-<stack>-preview (a reviewer approves each run), BEFORE
#             anything trusts them; the repository variable PREVIEW_MODE; the state container and Key Vault key
#             tenant-<stack>; a deploy and a preview managed identity whose federated credentials name those
#             environments and whose roles reach only that container and that key; the environments' variables;
#             `pulumi stack init` with that key. It prints the customer's command with the subject prefix and the
#             preview mode filled in.
#   customer  the customer's Privileged Role Administrator, signed in to their own tenant with
#             `az login --tenant <tenant> --allow-no-subscriptions` (no Azure subscription needed): the deployer
#             and reader app registrations, their federated credentials, their directory roles.
#   link      the jtel operator again: stores the two apps' client IDs in the environments, and with
#             --subscription-id the subscription of a handoffKeyVault.
#   inspect   anyone whose gh can read the repository: reads from GitHub what the jtel phase reads and decides (the
#             repository, the subject prefix and template, main's protection, the preview mode and PREVIEW_MODE, the
#             stack's environments) and prints it as key=value lines; GET requests only, nothing is created. This is
#             the one implementation of "which prefix GitHub sends": `npm run doctor` (cli/doctor.ts) runs it.
#
# Preview modes (docs/gitops.md, "Preview modes"), chosen from what GitHub's plan allows, stored as the
# repository variable PREVIEW_MODE (read by .github/workflows/tenants.yml):
#   reviewed      public repository, or GitHub Enterprise: required reviewers exist, so a pull request's
#                 `pulumi preview` runs in tenant-<stack>-preview after a reviewer approves it, with the read
#                 identities, which trust that environment's pull_request subject.
#   offline-plan  everything else (a private repository on Free, Pro or Team): GitHub has no required reviewers
#                 there (docs.github.com/en/actions/reference/workflows-and-actions/deployments-and-environments,
#                 "Required reviewers"; the REST call answers 422), so NO identity trusts any pull_request
#                 subject and pull requests get the credential-free offline plan.
#
# Subjects (docs/gitops.md, "Subjects come from GitHub"): every federated credential's subject is
# <prefix>:environment:<env>:event_name:<event>, the form the repository's subject template
# {repo, context, event_name} gives, where <prefix> is what GitHub says it puts into this repository's tokens:
# repo:OWNER/REPO (classic) or repo:OWNER@OWNER_ID/REPO@REPO_ID (immutable subject claims; GitHub's OIDC
# reference, docs.github.com/en/actions/reference/security/oidc, "Immutable subject claims" and the note under
# "Customizing the subject claims": the IDs stay in the repo part under a customised template). It is read
# from GET /repos/{owner}/{repo}/actions/oidc/customization/sub (sub_claim_prefix, use_immutable_subject) and
# GET /repos/{owner}/{repo} (owner.id, id); --subject-prefix overrides it where the API cannot answer.
# .github/workflows/oidc-subject.yml prints the subject GitHub really sends, per environment.
#
# Usage:
#   bootstrap-tenant.sh jtel     --stack NAME --tenant-id GUID [--repo ORG/REPO] [--subject-prefix PREFIX] [--application-permissions]
#   bootstrap-tenant.sh customer --stack NAME --tenant-id GUID --repo ORG/REPO --subject-prefix PREFIX
#                                --preview-mode reviewed|offline-plan [--application-permissions]
#   bootstrap-tenant.sh link     --stack NAME --deployer-client-id GUID --reader-client-id GUID [--subscription-id GUID] [--repo ORG/REPO]
#   bootstrap-tenant.sh inspect  --stack NAME [--repo ORG/REPO] [--subject-prefix PREFIX]
# Exit codes: 0 done; 1 a prerequisite is missing (the message says which and what to do; nothing was created
# by that run unless it says so); 2 bad usage or input.
# The jtel and link phases take the repository-wide settings from the environment (docs/gitops.md, "Once per
# repository"): STATE_SUBSCRIPTION_ID, STATE_TENANT_ID, STATE_RESOURCE_GROUP, STATE_STORAGE_ACCOUNT,
# STATE_KEY_VAULT, STATE_LOCATION, and in reviewed mode PREVIEW_REVIEWERS_TEAM (a team of the organization).
#
# test/fleet/bootstrap.test.ts runs this script with the real gh against a fake GitHub API on loopback
# (test/support/fakeGitHub.ts) and recording fakes of az and pulumi, and proves for both preview modes that no
# job an unreviewed branch can start obtains a deploy identity or a tenant's decryption key;
# test/fleet/bootstrapAz.test.ts parses every az command it runs with the Azure CLI's own parser at $MIN_AZ.
set -euo pipefail

readonly ISSUER="https://token.actions.githubusercontent.com"
readonly AUDIENCE="api://AzureADTokenExchange"
readonly SUBJECT_CLAIMS="repo,context,event_name"
# The oldest versions this script is tested with (Debian stable's packages). gh: only `gh api` is used, which
# every gh has (`gh variable` needs 2.25). az: every az command here parses with azure-cli 2.45.
readonly MIN_GH="2.23.0"
readonly MIN_AZ="2.45.0"
# Stack names: fleet/stacks.ts STACK_NAME (they name environments, a container and a key).
readonly STACK_RE='^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'
readonly GUID_RE='^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
readonly REPO_RE='^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$'
# repo:OWNER/REPO or repo:OWNER@OWNER_ID/REPO@REPO_ID ('@' cannot occur in GitHub names, GitHub's OIDC reference).
readonly PREFIX_RE='^repo:([A-Za-z0-9_.-]+)(@([0-9]+))?/([A-Za-z0-9_.-]+)(@([0-9]+))?$'
# Which events each environment's identities trust; the workflows run exactly these (test/fleet/bootstrap.test.ts).
readonly DEPLOY_EVENTS=(push schedule workflow_dispatch)
readonly PREVIEW_EVENTS=(pull_request)
readonly DRIFT_EVENTS=(schedule workflow_dispatch)
# One federated credential per line: name, subject, issuer, audiences (az identity / az ad app federated-credential list).
readonly CREDENTIAL_QUERY="[].[name, subject, issuer, join(',', audiences)]"
# GitHub's answer to required reviewers where the plan has none (PUT /repos/{owner}/{repo}/environments/{name}, 422).
readonly NO_REVIEWERS_MESSAGE="Please ensure the billing plan supports the required reviewers protection rule"
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
fail() { echo "bootstrap-tenant: $*" >&2; exit 1; }
step() { echo "==> $*" >&2; }
note() { echo "    $*" >&2; }

usage() {
  cat >&2 <<'USAGE'
Usage:
  bootstrap-tenant.sh jtel     --stack NAME --tenant-id GUID [--repo ORG/REPO] [--subject-prefix PREFIX] [--application-permissions]
  bootstrap-tenant.sh customer --stack NAME --tenant-id GUID --repo ORG/REPO --subject-prefix PREFIX
                               --preview-mode reviewed|offline-plan [--application-permissions]
  bootstrap-tenant.sh link     --stack NAME --deployer-client-id GUID --reader-client-id GUID [--subscription-id GUID] [--repo ORG/REPO]
  bootstrap-tenant.sh inspect  --stack NAME [--repo ORG/REPO] [--subject-prefix PREFIX]   (read-only; npm run doctor runs it)
The jtel phase prints the customer's command with --subject-prefix and --preview-mode filled in.
USAGE
  exit 2
}

phase="${1:-}"
[[ -n "$phase" ]] || usage
shift
stack="" tenant_id="" repo_arg="" prefix_arg="" mode_arg="" subscription_id=""
deployer_client_id="" reader_client_id="" app_roles=false
while (($# > 0)); do
  case "$1" in
    --stack) stack="${2:-}"; shift 2 ;;
    --tenant-id) tenant_id="${2:-}"; shift 2 ;;
    --repo) repo_arg="${2:-}"; shift 2 ;;
    --subject-prefix) prefix_arg="${2:-}"; shift 2 ;;
    --preview-mode) mode_arg="${2:-}"; shift 2 ;;
    --subscription-id) subscription_id="${2:-}"; shift 2 ;;
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
# Credentials this script names: tenant-<stack>[-preview|-drift]-<event>. Others on its identities are left alone.
own_credential_re="^tenant-${stack}(-preview|-drift)?-(push|schedule|workflow-dispatch|pull-request)$"

require_guid() { [[ "$2" =~ $GUID_RE ]] || die "$1 \"$2\" must be a GUID"; }
require_env() {
  local name
  for name in "$@"; do [[ -n "${!name:-}" ]] || die "$name is not set; see docs/gitops.md, \"Once per repository\""; done
}
require_prefix() { [[ "$2" =~ $PREFIX_RE ]] || die "$1 \"$2\" must be the subject prefix GitHub sends: repo:OWNER/REPO or repo:OWNER@OWNER_ID/REPO@REPO_ID"; }

# $1 >= $2, comparing dotted versions.
version_at_least() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" == "$2" ]]; }

require_gh() {
  local version
  version=$(gh --version 2>/dev/null | sed -n 's/^gh version \([0-9][0-9.]*\).*/\1/p' | head -n 1) || true
  [[ -n "$version" ]] || fail "gh (GitHub's CLI) is not installed: install gh ${MIN_GH} or newer (Debian: apt-get install gh), then gh auth login"
  version_at_least "$version" "$MIN_GH" || fail "gh ${version} is older than ${MIN_GH}, the oldest this script is tested with: update gh (cli.github.com)"
}

require_az() {
  local version
  version=$(az version --query '"azure-cli"' -o tsv 2>/dev/null) || true
  [[ "$version" =~ ^[0-9]+(\.[0-9]+)+$ ]] || fail "az (the Azure CLI) is not installed: install azure-cli ${MIN_AZ} or newer (learn.microsoft.com/cli/azure/install-azure-cli)"
  version_at_least "$version" "$MIN_AZ" || fail "az ${version} is older than ${MIN_AZ}, the oldest whose parser accepts every command here: run az upgrade"
}

# Debian's azure-cli package cannot load `az keyvault key` (it lacks the azure.keyvault.v7_0 module those commands
# import), so the jtel phase would stop half-way at the state key: check before anything is created.
require_az_keyvault_keys() {
  az keyvault key create --help >/dev/null 2>&1 \
    || fail "this az cannot load its 'az keyvault key' commands (Debian's azure-cli package lacks the azure.keyvault.v7_0 module): install azure-cli from Microsoft's packages (learn.microsoft.com/cli/azure/install-azure-cli-linux) for the jtel phase"
}

# Stops unless `az` is signed in to the expected tenant: the same guard as the program's (stack/tenantGuard.ts).
require_tenant() {
  local signed_in login="$2"
  signed_in=$(az account show --query tenantId -o tsv 2>/dev/null) || fail "az is not signed in; run: ${login}"
  [[ "${signed_in,,}" == "${1,,}" ]] || fail "az is signed in to tenant ${signed_in}, but this phase must run in tenant $1 (${login})"
}

root="$(cd "$(dirname "$0")/../.." && pwd)"
read_only=false
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- GitHub: reading ------------------------------------------------------------------------------------------

# GET with gh api; prints the (jq-filtered) body. Returns 3 when GitHub answers 404, 1 with GitHub's message on
# stderr for any other error.
github_get() {
  local path="$1" filter="$2" status=0 out
  out=$(gh api "$path" --jq "$filter" 2>"$work/get-error") || status=$?
  if ((status != 0)); then
    grep -q '(HTTP 404)' "$work/get-error" && return 3
    cat "$work/get-error" >&2
    return 1
  fi
  printf '%s\n' "$out"
}

# Sets repo, owner, owner_id, owner_type, repo_name, repo_id and visibility from GET /repos/{owner}/{repo}: the
# names as GitHub spells them and the numeric IDs an immutable subject carries.
read_repository() {
  local spec='{owner}/{repo}' fields
  if [[ -n "$repo_arg" ]]; then
    [[ "$repo_arg" =~ $REPO_RE ]] || die "--repo \"$repo_arg\" must be the GitHub repository as ORG/REPO"
    spec="$repo_arg"
  fi
  fields=$(github_get "repos/${spec}" '[.full_name, .owner.login, .owner.id, .owner.type, .name, .id, .visibility] | @tsv') \
    || fail "gh could not read the repository ${spec} (above): run from a clone of it with gh signed in as one of its admins (gh auth login), or pass --repo ORG/REPO"
  IFS=$'\t' read -r repo owner owner_id owner_type repo_name repo_id visibility <<<"$fields"
  [[ "$repo" =~ $REPO_RE && "$owner_id" =~ ^[0-9]+$ && "$repo_id" =~ ^[0-9]+$ ]] || fail "GitHub's answer for ${spec} names no repository (got \"${fields}\")"
}

# The exact command that sets the subject template this design needs, keeping an immutable format immutable.
template_command() {
  local immutable=""
  [[ "$1" == immutable ]] && immutable=', "use_immutable_subject": true'
  printf "gh api -X PUT repos/%s/actions/oidc/customization/sub --input - <<<'{\"use_default\": false, \"include_claim_keys\": [\"repo\", \"context\", \"event_name\"]%s}'" "$repo" "$immutable"
}

# Sets subject_prefix: the repo part GitHub puts into this repository's tokens, and reported_prefix, use_default
# and template_keys for check_subject_template. GitHub's REST reference (actions/oidc): the repository's GET answers
# use_default, include_claim_keys (absent: the organization's template applies), use_immutable_subject (absent:
# the organization's setting applies) and sub_claim_prefix ("the current sub claim prefix for this repository").
read_subject_settings() {
  local settings status=0 keys immutable reported
  use_default="" template_keys="" reported_prefix=""
  settings=$(gh api "repos/${repo}/actions/oidc/customization/sub" \
    --jq '.use_default, ((.include_claim_keys // []) | join(",")), (if has("use_immutable_subject") then (.use_immutable_subject | tostring) else "" end), (.sub_claim_prefix // "")' \
    2>"$work/oidc-error") || status=$?
  if ((status != 0)); then
    if [[ -n "$prefix_arg" ]]; then
      note "GitHub did not answer for the subject settings ($(tr '\n' ' ' <"$work/oidc-error")); using --subject-prefix ${prefix_arg} as given, the subject template unchecked"
      subject_prefix="$prefix_arg"
      use_default=unchecked
      return
    fi
    fail "gh could not read the OIDC subject settings of ${repo} ($(tr '\n' ' ' <"$work/oidc-error")): sign gh in as an admin of ${repo} with the repo scope (gh auth refresh -s repo), or pass --subject-prefix PREFIX (run .github/workflows/oidc-subject.yml to see the subject GitHub sends)"
  fi
  # One field per line: empty fields survive (read with a tab IFS would merge them; trailing empty ones are cut
  # by $(...), so a missing line reads as empty).
  local -a fields
  mapfile -t fields <<<"$settings"
  use_default="${fields[0]:-}" keys="${fields[1]:-}" immutable="${fields[2]:-}" reported="${fields[3]:-}"
  template_keys="$keys" reported_prefix="$reported"
  if [[ -z "$immutable" && "$owner_type" == Organization ]]; then
    immutable=$(github_get "orgs/${owner}/actions/oidc/customization/sub" 'if has("use_immutable_subject") then (.use_immutable_subject | tostring) else "" end' 2>/dev/null) || immutable=""
  fi

  if [[ -n "$prefix_arg" ]]; then
    subject_prefix="$prefix_arg"
    [[ -z "$reported" || "$reported" == "$prefix_arg" ]] || note "GitHub reports the subject prefix ${reported}; using --subject-prefix ${prefix_arg} as given"
  elif [[ -n "$reported" ]]; then
    [[ "$reported" =~ $PREFIX_RE && "${BASH_REMATCH[1],,}/${BASH_REMATCH[4],,}" == "${owner,,}/${repo_name,,}" && "${BASH_REMATCH[3]:-$owner_id}/${BASH_REMATCH[6]:-$repo_id}" == "${owner_id}/${repo_id}" ]] \
      || fail "GitHub reports the subject prefix ${reported}, which does not name ${repo} (${owner_id}/${repo_id}): pass the prefix your tokens carry with --subject-prefix (.github/workflows/oidc-subject.yml prints it)"
    subject_prefix="$reported"
    # Seen on github.com: use_immutable_subject false next to an immutable prefix. The prefix is what tokens carry.
    [[ "$immutable" != false || "$reported" != *@* ]] || note "GitHub reports use_immutable_subject false but the prefix ${reported}; the prefix is what tokens carry"
  elif [[ "$immutable" == true ]]; then
    subject_prefix="repo:${owner}@${owner_id}/${repo_name}@${repo_id}"
  else
    subject_prefix="repo:${owner}/${repo_name}"
    [[ "$immutable" == false ]] || note "GitHub reported no subject format (GitHub Enterprise Server has only the classic one): using ${subject_prefix}; pass --subject-prefix if .github/workflows/oidc-subject.yml shows another"
  fi
}

# Sets template_keys (the template in force: the repository's, or the organization's when the repository opted in
# without keys), template_fix (the command that sets {repo, context, event_name}, keeping an immutable format
# immutable) and, when the template is not that or cannot be read, template_problem. Reads only.
check_subject_template() {
  local format=classic keys="$template_keys"
  [[ "$subject_prefix" == *@* ]] && format=immutable
  template_fix=$(template_command "$format")
  template_problem=""
  [[ "$use_default" != unchecked ]] || { template_keys=unchecked; return 0; }
  if [[ "$use_default" == false && -z "$keys" && "$owner_type" == Organization ]]; then
    if ! keys=$(github_get "orgs/${owner}/actions/oidc/customization/sub" '(.include_claim_keys // []) | join(",")'); then
      template_keys=unreadable
      template_problem="${repo} uses the organization's subject template, which gh could not read (above): read:org scope (gh auth refresh -s read:org), or give the repository its own template"
      return 0
    fi
  fi
  [[ "$use_default" == true ]] && keys="repo,context (GitHub's default)"
  template_keys="$keys"
  [[ "$keys" == "$SUBJECT_CLAIMS" ]] || template_problem="the OIDC subject template of ${repo} is {${keys}}, not {${SUBJECT_CLAIMS}}"
}

# Stops unless the subject template is {repo, context, event_name}, with the command that sets it.
require_subject_template() {
  check_subject_template
  [[ -n "$template_problem" ]] || return 0
  [[ "$template_keys" != unreadable ]] || fail "${template_problem}: ${template_fix}"
  fail "${template_problem}: every federated credential names the environment AND the event (docs/gitops.md, \"Subjects name the environment and the event\"). As an admin of ${repo}, run once:
  ${template_fix}
then run this phase again."
}

# Fails unless main is protected: whatever reaches main is deployed to every tenant within a day.
require_protected_main() {
  [[ "$(github_get "repos/${repo}/branches/main" .protected)" == "true" ]] \
    || fail "main is not protected: require pull request reviews on main first (docs/gitops.md, \"Once per repository\"); whatever reaches main is deployed"
}

# The deployment branch policies of an environment, as type:name,type:name (all pages).
branch_policies() {
  gh api --paginate "repos/${repo}/environments/$1/deployment-branch-policies" --jq '.branch_policies[] | "\(.type // "branch"):\(.name)"' | paste -s -d ',' -
}

# Fails when an existing main-only environment admits more than main: the bootstrap would otherwise trust it.
require_main_only_if_exists() {
  local env="$1" status=0 existing
  github_get "repos/${repo}/environments/${env}" .name >/dev/null || status=$?
  ((status == 3)) && return
  ((status == 0)) || fail "gh could not read environment ${env} (above)"
  existing=$(branch_policies "$env")
  [[ -z "$existing" || "$existing" == "branch:main" ]] \
    || fail "environment ${env} already admits ${existing}; remove every deployment branch policy but main (Settings > Environments > ${env}), then run this phase again"
}

# Sets team_id for PREVIEW_REVIEWERS_TEAM.
resolve_reviewers_team() {
  [[ -n "${PREVIEW_REVIEWERS_TEAM:-}" ]] \
    || fail "PREVIEW_REVIEWERS_TEAM is not set: the reviewed preview needs a team of ${owner} that approves every preview run (docs/gitops.md, \"Once per repository\")"
  team_id=$(github_get "orgs/${owner}/teams/${PREVIEW_REVIEWERS_TEAM}" .id 2>/dev/null) || team_id=""
  [[ "$team_id" =~ ^[0-9]+$ ]] || fail "team ${PREVIEW_REVIEWERS_TEAM} not found in ${owner}: create it (the people who approve previews), or set PREVIEW_REVIEWERS_TEAM to an existing team's slug"
}

# The environment every preview runs in: a reviewer other than the run's author approves each run. The reviewer
# is the team (PREVIEW_REVIEWERS_TEAM), or for a trial of the rule without one, the given user.
put_reviewed_environment() {
  local type="${1:-Team}" id="${2:-${team_id:-}}"
  gh api -X PUT "repos/${repo}/environments/${preview_env}" --input - >"$work/put-out" 2>"$work/put-error" <<JSON
{"wait_timer": 0, "prevent_self_review": true, "reviewers": [{"type": "${type}", "id": ${id}}], "deployment_branch_policy": null}
JSON
}

# Sets preview_mode and preview_reason from what the repository's plan allows (docs.github.com/en/actions/
# reference/workflows-and-actions/deployments-and-environments, "Required reviewers": on Free, Pro and Team only
# public repositories have them). Where the plan is not readable, it tries the rule on the preview environment
# itself: the answer is the reviewed environment (a correct first step) or GitHub's 422, after which an
# environment GitHub created anyway is deleted again. Without PREVIEW_REVIEWERS_TEAM the trial names the token's
# own user as the reviewer: a 422 is offline-plan, which needs no team; an acceptance stops and asks for the team.
detect_preview_mode() {
  local plan="" existed=true status=0 login="" user_id="" previous="[]"
  if [[ "$owner_type" != Organization ]]; then
    # A personal account's plan is in GET /user, for its own token with read:user (users/get-authenticated).
    [[ "$visibility" == public ]] \
      || plan=$(github_get user "if (.login | ascii_downcase) == \"${owner,,}\" then (.plan.name // \"\") else \"\" end" 2>/dev/null) || plan=""
    if [[ "$plan" == free ]]; then
      preview_mode=unavailable
      preview_reason="${repo} is private and ${owner} is a personal account on GitHub Free, which offers no environments for private repositories (docs.github.com, \"Managing environments for deployment\"): make the repository public, move ${owner} to GitHub Pro, or move the repository to an organization on Team or Enterprise"
      return
    fi
    preview_mode=offline-plan
    preview_reason="${repo} belongs to a personal account, which has no team to review previews"
    [[ "$visibility" == public || -n "$plan" ]] \
      || preview_reason+=" (its plan is readable only by its own token with read:user: on GitHub Free a private repository has no environments, and GitHub refuses the first one below)"
    return
  fi
  case "$visibility" in
    public) preview_mode=reviewed; preview_reason="${repo} is public: required reviewers exist on every plan"; return ;;
    internal) preview_mode=reviewed; preview_reason="${repo} is internal, which exists only on GitHub Enterprise: required reviewers exist"; return ;;
  esac
  plan=$(github_get "orgs/${owner}" '.plan.name // ""' 2>/dev/null) || plan=""
  case "$plan" in
    enterprise) preview_mode=reviewed; preview_reason="${owner} is on GitHub Enterprise: required reviewers exist for private repositories"; return ;;
    free) preview_mode=unavailable; preview_reason="${repo} is private and ${owner} is on GitHub Free, which offers no environments for private repositories (docs.github.com, \"Managing environments for deployment\"): make the repository public or move ${owner} to Team or Enterprise"; return ;;
    pro | team) preview_mode=offline-plan; preview_reason="${repo} is private and ${owner} is on GitHub ${plan^}: required reviewers exist there only for public repositories"; return ;;
  esac
  if [[ "$read_only" == true ]]; then
    # No trial: a preview environment that already has required reviewers is GitHub's acceptance of the rule.
    if [[ "$(github_get "repos/${repo}/environments/${preview_env}" '[.protection_rules[]? | select(.type == "required_reviewers")] | length' 2>/dev/null)" =~ ^[1-9] ]]; then
      preview_mode=reviewed
      preview_reason="${preview_env} has required reviewers: GitHub accepted the rule for ${repo}"
    else
      preview_mode=unknown
      preview_reason="${owner}'s plan is shown to an owner's token only; the jtel phase tries required reviewers on ${preview_env} and takes GitHub's answer (accepted: reviewed, 422: offline-plan)"
    fi
    return
  fi
  if [[ -n "${PREVIEW_REVIEWERS_TEAM:-}" ]]; then
    resolve_reviewers_team
  else
    read -r login user_id < <(github_get user '"\(.login) \(.id)"' 2>/dev/null) || user_id=""
    [[ "$user_id" =~ ^[0-9]+$ ]] \
      || fail "${owner}'s plan is not readable with this token, and gh could not read its own user (GET /user) to try required reviewers: set PREVIEW_REVIEWERS_TEAM (docs/gitops.md, \"Once per repository\") and run this phase again"
  fi
  # The reviewers the environment has now (an earlier reviewed setup's team), to put back after a trial by the operator.
  previous=$(github_get "repos/${repo}/environments/${preview_env}" '[.protection_rules[]? | select(.type == "required_reviewers") | .reviewers[]? | {type, id: .reviewer.id}]' 2>/dev/null) \
    || existed=false
  if [[ -n "$user_id" ]]; then
    step "${owner}'s plan is not readable with this token: trying required reviewers on ${preview_env}, with ${login} as the reviewer (PREVIEW_REVIEWERS_TEAM is not set)"
    put_reviewed_environment User "$user_id" || status=$?
  else
    step "${owner}'s plan is not readable with this token: trying required reviewers on ${preview_env}"
    put_reviewed_environment || status=$?
  fi
  if ((status == 0)) && [[ -n "$user_id" ]]; then
    if [[ "$existed" == false ]]; then
      gh api -X DELETE "repos/${repo}/environments/${preview_env}" >/dev/null
      fail "GitHub accepted required reviewers for ${repo} (the trial's ${preview_env} is deleted again): reviewed previews are available and need a team of ${owner} that approves every preview run; set PREVIEW_REVIEWERS_TEAM (docs/gitops.md, \"Once per repository\") and run this phase again"
    fi
    gh api -X PUT "repos/${repo}/environments/${preview_env}" --input - >/dev/null <<JSON
{"wait_timer": 0, "prevent_self_review": true, "reviewers": ${previous}, "deployment_branch_policy": null}
JSON
    fail "GitHub accepted required reviewers for ${repo} (${preview_env}'s reviewers are put back as they were): reviewed previews are available and need a team of ${owner} that approves every preview run; set PREVIEW_REVIEWERS_TEAM (docs/gitops.md, \"Once per repository\") and run this phase again"
  fi
  if ((status == 0)); then
    preview_mode=reviewed
    preview_reason="GitHub accepted required reviewers on ${preview_env}"
    return
  fi
  if ! grep -q "$NO_REVIEWERS_MESSAGE" "$work/put-out" "$work/put-error"; then
    cat "$work/put-error" >&2
    fail "GitHub refused environment ${preview_env} (above)"
  fi
  if [[ "$existed" == false ]] && github_get "repos/${repo}/environments/${preview_env}" .name >/dev/null 2>&1; then
    gh api -X DELETE "repos/${repo}/environments/${preview_env}" >/dev/null
    note "GitHub created ${preview_env} although it refused the rule; deleted it again"
  fi
  preview_mode=offline-plan
  preview_reason="GitHub answered 422 \"${NO_REVIEWERS_MESSAGE}\": ${repo} is private and ${owner}'s plan has no required reviewers"
}

# --- GitHub: writing ------------------------------------------------------------------------------------------

# Only branch main may run jobs in this environment (pull requests, other branches and tags are refused). Where
# the plan has no protection rules (offline-plan), the body names only the branch policy, which every plan with
# environments accepts.
ensure_main_only_environment() {
  local env="$1" body existing
  step "GitHub environment ${env}: main only, no reviewers (runs unattended)"
  body='{"deployment_branch_policy": {"protected_branches": false, "custom_branch_policies": true}}'
  [[ "$preview_mode" == reviewed ]] \
    && body='{"wait_timer": 0, "prevent_self_review": false, "reviewers": [], "deployment_branch_policy": {"protected_branches": false, "custom_branch_policies": true}}'
  gh api -X PUT "repos/${repo}/environments/${env}" --input - >/dev/null <<<"$body"
  existing=$(gh api --paginate "repos/${repo}/environments/${env}/deployment-branch-policies" --jq '.branch_policies[] | "\(.type // "branch"):\(.name)"' | paste -s -d ',' -)
  if [[ ",${existing}," != *",branch:main,"* ]]; then
    gh api -X POST "repos/${repo}/environments/${env}/deployment-branch-policies" -f name=main -f type=branch >/dev/null
  fi
}

# Creates or updates a variable at a variables collection URL (environment or repository): GitHub's REST API has
# POST to create and PATCH to update. The collection is listed once (all pages) and only a missing or different
# value is written.
declare -A known_variables=()
read_variables() {
  local collection="$1" line
  [[ -z "${known_variables["${collection}"]+listed}" ]] || return 0
  known_variables["${collection}"]=listed
  while IFS= read -r line; do
    [[ -n "$line" ]] && known_variables["${collection}/${line%%=*}"]="${line#*=}"
  done < <(gh api --paginate "${collection}?per_page=30" --jq '.variables[] | "\(.name)=\(.value)"')
}
set_variable_at() {
  local collection="$1" name="$2" value="$3"
  read_variables "$collection"
  if [[ -z "${known_variables["${collection}/${name}"]+set}" ]]; then
    gh api -X POST "$collection" -f name="$name" -f value="$value" >/dev/null
  elif [[ "${known_variables["${collection}/${name}"]}" != "$value" ]]; then
    gh api -X PATCH "${collection}/${name}" -f name="$name" -f value="$value" >/dev/null
  fi
  known_variables["${collection}/${name}"]="$value"
}
set_variable() { set_variable_at "repos/${repo}/environments/$1/variables" "$2" "$3"; }

# The preview mode every workflow reads (vars.PREVIEW_MODE); one value for the whole repository.
store_preview_mode() {
  local current
  current=$(github_get "repos/${repo}/actions/variables/PREVIEW_MODE" .value 2>/dev/null) || current=""
  if [[ -n "$current" && "$current" != "$preview_mode" ]]; then
    note "PREVIEW_MODE was ${current}; run the jtel and customer phases again for every other stack, so their identities match ${preview_mode}"
  fi
  set_variable_at "repos/${repo}/actions/variables" PREVIEW_MODE "$preview_mode"
}

# The stack's handoffKeyVault subscription, when Pulumi.<stack>.yaml names one (new-tenant writes JSON).
stack_file_sets_handoff_vault() { grep -q 'handoffKeyVault' "$root/Pulumi.${stack}.yaml" 2>/dev/null; }
stack_file_vault_subscription() {
  sed -n 's/.*handoffKeyVault.*"subscriptionId": *"\([0-9a-fA-F-]\{36\}\)".*/\1/p' "$root/Pulumi.${stack}.yaml" 2>/dev/null | head -n 1
}

# --- Federated credentials, compared by subject -----------------------------------------------------------------

# Makes the federated credentials of one identity exactly the wanted ones. Arguments: kind (identity: a managed
# identity's name, app: an app's appId), the identity, then NAME=SUBJECT pairs. A credential with a wanted name
# but another subject, issuer or audience is replaced (saying what it trusted); one this script named for a
# subject no longer wanted is removed; any other is left alone, named. Removals come first, so trust only shrinks
# before it grows.
reconcile_credentials() {
  local kind="$1" who="$2" listing pair name subject issuer audiences label="$2"
  shift 2
  [[ "$kind" == identity ]] || label="app $2"
  listing=$(list_credentials "$kind" "$who")
  local -A want=() have=()
  local -a remove=() replace=()
  for pair in "$@"; do want["${pair%%=*}"]="${pair#*=}"; done
  while IFS=$'\t' read -r name subject issuer audiences; do
    [[ -n "$name" ]] || continue
    have["$name"]=1
    if [[ -n "${want[$name]:-}" ]]; then
      if [[ "$subject" != "${want[$name]}" || "$issuer" != "$ISSUER" || "$audiences" != "$AUDIENCE" ]]; then
        replace+=("$name")
        note "replacing ${label}'s credential ${name}: it trusted ${subject} (${issuer}, ${audiences}); GitHub sends ${want[$name]}"
      fi
    elif [[ "$name" =~ $own_credential_re ]]; then
      remove+=("$name")
      note "removing ${label}'s credential ${name} (it trusted ${subject}): not wanted in ${preview_mode} mode"
    else
      note "left alone: ${label}'s credential ${name} (${subject}) is not one this script makes; remove it if nobody needs it"
    fi
  done <<<"$listing"
  for name in "${remove[@]}"; do delete_credential "$kind" "$who" "$name"; done
  for name in "${replace[@]}"; do update_credential "$kind" "$who" "$name" "${want[$name]}"; done
  for pair in "$@"; do
    name="${pair%%=*}"
    [[ -n "${have[$name]:-}" ]] || create_credential "$kind" "$who" "$name" "${want[$name]}"
  done
}

list_credentials() {
  if [[ "$1" == identity ]]; then
    az identity federated-credential list --identity-name "$2" --resource-group "$STATE_RESOURCE_GROUP" --query "$CREDENTIAL_QUERY" -o tsv
  else
    az ad app federated-credential list --id "$2" --query "$CREDENTIAL_QUERY" -o tsv
  fi
}

credential_json() { printf '{"name":"%s","issuer":"%s","subject":"%s","audiences":["%s"]}' "$1" "$ISSUER" "$2" "$AUDIENCE"; }

create_credential() {
  if [[ "$1" == identity ]]; then
    az identity federated-credential create --name "$3" --identity-name "$2" --resource-group "$STATE_RESOURCE_GROUP" \
      --issuer "$ISSUER" --subject "$4" --audiences "$AUDIENCE" >/dev/null
  else
    az ad app federated-credential create --id "$2" --parameters "$(credential_json "$3" "$4")" >/dev/null
  fi
}

update_credential() {
  if [[ "$1" == identity ]]; then
    az identity federated-credential update --name "$3" --identity-name "$2" --resource-group "$STATE_RESOURCE_GROUP" \
      --issuer "$ISSUER" --subject "$4" --audiences "$AUDIENCE" >/dev/null
  else
    az ad app federated-credential update --id "$2" --federated-credential-id "$3" --parameters "$(credential_json "$3" "$4")" >/dev/null
  fi
}

delete_credential() {
  if [[ "$1" == identity ]]; then
    az identity federated-credential delete --name "$3" --identity-name "$2" --resource-group "$STATE_RESOURCE_GROUP" --yes >/dev/null
  else
    az ad app federated-credential delete --id "$2" --federated-credential-id "$3" >/dev/null
  fi
}

# NAME=SUBJECT pairs for an environment and its events: the credential name is <env>-<event, hyphenated>.
wanted() {
  local env="$1" event
  shift
  for event in "$@"; do printf '%s\n' "${env}-${event//_/-}=${subject_prefix}:environment:${env}:event_name:${event}"; done
}

# The credentials of the two read identities (preview managed identity, reader app): drift always, the preview
# environment's pull_request only in reviewed mode.
read_identity_wants() {
  wanted "$drift_env" "${DRIFT_EVENTS[@]}"
  [[ "$preview_mode" != reviewed ]] || wanted "$preview_env" "${PREVIEW_EVENTS[@]}"
}

# --- Azure (jtel's subscription) ------------------------------------------------------------------------------

# Prints "clientId<TAB>principalId" of a user-assigned managed identity, creating it when missing.
ensure_identity() {
  az identity create --name "$1" --resource-group "$STATE_RESOURCE_GROUP" --location "$STATE_LOCATION" \
    --tags "jtel-presence-stack=${stack}" --query '[clientId, principalId]' -o tsv | paste -s -d '\t' -
}

ensure_role() {
  az role assignment create --assignee-object-id "$1" --assignee-principal-type ServicePrincipal \
    --role "$2" --scope "$3" >/dev/null
}

phase_jtel() {
  require_guid --tenant-id "$tenant_id"
  [[ -z "$prefix_arg" ]] || require_prefix --subject-prefix "$prefix_arg"
  require_env STATE_SUBSCRIPTION_ID STATE_TENANT_ID STATE_RESOURCE_GROUP STATE_STORAGE_ACCOUNT STATE_KEY_VAULT STATE_LOCATION
  require_gh
  require_az
  require_az_keyvault_keys
  require_tenant "$STATE_TENANT_ID" "az login --tenant ${STATE_TENANT_ID}"

  # Everything this phase depends on is read and checked first: a stop below creates nothing.
  read_repository
  read_subject_settings
  require_subject_template
  require_protected_main
  require_main_only_if_exists "$deploy_env"
  require_main_only_if_exists "$drift_env"
  az account set --subscription "$STATE_SUBSCRIPTION_ID"
  local account_id vault_id
  account_id=$(az storage account show --name "$STATE_STORAGE_ACCOUNT" --resource-group "$STATE_RESOURCE_GROUP" --query id -o tsv)
  vault_id=$(az keyvault show --name "$STATE_KEY_VAULT" --resource-group "$STATE_RESOURCE_GROUP" --query id -o tsv)
  detect_preview_mode
  [[ "$preview_mode" != unavailable ]] || fail "$preview_reason"
  [[ "$preview_mode" != reviewed || -n "${team_id:-}" ]] || resolve_reviewers_team

  cat <<SUMMARY
Repository ${repo} (${visibility}, owner ID ${owner_id}, repository ID ${repo_id}).
Subjects: ${subject_prefix}:environment:<environment>:event_name:<event>
Preview mode: ${preview_mode}: ${preview_reason}.
SUMMARY
  if [[ "$preview_mode" == reviewed ]]; then
    echo "  Pull requests run pulumi preview in ${preview_env} after a reviewer of ${PREVIEW_REVIEWERS_TEAM} approves the run."
  else
    echo "  No identity trusts a pull request: pull requests get the offline plan (npm run plan), which needs no credential."
  fi

  # Environments first: GitHub creates a missing environment, unprotected, the first time a workflow names it,
  # so it must be protected before any credential trusts its name.
  ensure_main_only_environment "$deploy_env"
  ensure_main_only_environment "$drift_env"
  if [[ "$preview_mode" == reviewed ]]; then
    step "GitHub environment ${preview_env}: team ${PREVIEW_REVIEWERS_TEAM} approves every run, never its own"
    put_reviewed_environment || { cat "$work/put-error" >&2; fail "GitHub refused environment ${preview_env} (above)"; }
  elif github_get "repos/${repo}/environments/${preview_env}" .name >/dev/null 2>&1; then
    note "${preview_env} exists from an earlier reviewed setup and is not used in offline-plan mode; once the customer phase has run again (it removes the reader's pull_request credential), delete it: gh api -X DELETE repos/${repo}/environments/${preview_env}"
  fi
  store_preview_mode

  step "state container ${container} in ${STATE_STORAGE_ACCOUNT}, key ${key} in ${STATE_KEY_VAULT}"
  az storage container create --name "$container" --account-name "$STATE_STORAGE_ACCOUNT" --auth-mode login >/dev/null
  if ! az keyvault key show --vault-name "$STATE_KEY_VAULT" --name "$key" >/dev/null 2>&1; then
    az keyvault key create --vault-name "$STATE_KEY_VAULT" --name "$key" --kty RSA --size 3072 --ops encrypt decrypt >/dev/null
  fi
  local container_scope="${account_id}/blobServices/default/containers/${container}" key_scope="${vault_id}/keys/${key}"

  local deploy_ids preview_ids deploy_client deploy_principal preview_client preview_principal
  local -a wants
  step "managed identity jtel-presence-${stack}-deploy: writes this tenant's state, decrypts with its key"
  deploy_ids=$(ensure_identity "jtel-presence-${stack}-deploy")
  IFS=$'\t' read -r deploy_client deploy_principal <<<"$deploy_ids"
  mapfile -t wants < <(wanted "$deploy_env" "${DEPLOY_EVENTS[@]}")
  reconcile_credentials identity "jtel-presence-${stack}-deploy" "${wants[@]}"
  ensure_role "$deploy_principal" "Storage Blob Data Contributor" "$container_scope"
  ensure_role "$deploy_principal" "Key Vault Crypto User" "$key_scope"

  step "managed identity jtel-presence-${stack}-preview: reads this tenant's state, decrypts with its key (drift$([[ "$preview_mode" == reviewed ]] && echo ", reviewed previews"))"
  preview_ids=$(ensure_identity "jtel-presence-${stack}-preview")
  IFS=$'\t' read -r preview_client preview_principal <<<"$preview_ids"
  mapfile -t wants < <(read_identity_wants)
  reconcile_credentials identity "jtel-presence-${stack}-preview" "${wants[@]}"
  ensure_role "$preview_principal" "Storage Blob Data Reader" "$container_scope"
  ensure_role "$preview_principal" "Key Vault Crypto User" "$key_scope"

  step "environment variables (no secrets: OIDC needs none)"
  local backend="azblob://${container}?storage_account=${STATE_STORAGE_ACCOUNT}" env
  local -a envs=("$deploy_env" "$drift_env")
  [[ "$preview_mode" != reviewed ]] || envs+=("$preview_env")
  for env in "${envs[@]}"; do
    set_variable "$env" PULUMI_BACKEND_URL "$backend"
    set_variable "$env" STATE_AZURE_TENANT_ID "$STATE_TENANT_ID"
    set_variable "$env" STATE_AZURE_SUBSCRIPTION_ID "$STATE_SUBSCRIPTION_ID"
    set_variable "$env" AZURE_TENANT_ID "$tenant_id"
  done
  set_variable "$deploy_env" STATE_AZURE_CLIENT_ID "$deploy_client"
  set_variable "$drift_env" STATE_AZURE_CLIENT_ID "$preview_client"
  [[ "$preview_mode" != reviewed ]] || set_variable "$preview_env" STATE_AZURE_CLIENT_ID "$preview_client"

  step "pulumi stack ${stack} in ${backend}, secrets encrypted with key ${key}"
  cd "$root"
  export AZURE_KEYVAULT_AUTH_VIA_CLI=true
  if ! PULUMI_BACKEND_URL="$backend" pulumi stack select "$stack" --non-interactive >/dev/null 2>&1; then
    PULUMI_BACKEND_URL="$backend" pulumi stack init "$stack" --non-interactive \
      --secrets-provider "azurekeyvault://${STATE_KEY_VAULT}.vault.azure.net/keys/${key}" >/dev/null
  fi

  local extra=""
  [[ "$app_roles" == true ]] && extra=" --application-permissions"
  cat <<NEXT
Done: ${stack}'s state, key, identities and environments exist. Pulumi.${stack}.yaml now names its key.
Next, the customer's administrator (Privileged Role Administrator in ${tenant_id}; no Azure subscription needed)
signs in with: az login --tenant ${tenant_id} --allow-no-subscriptions
and runs:
  bash bootstrap-tenant.sh customer --stack ${stack} --tenant-id ${tenant_id} --repo ${repo} --subject-prefix ${subject_prefix} --preview-mode ${preview_mode}${extra}
then sends back the two client IDs it prints, for the link phase.
NEXT
  if stack_file_sets_handoff_vault; then
    echo "Pulumi.${stack}.yaml sets handoffKeyVault: give the link phase --subscription-id <the vault's subscription> (the only Azure subscription this stack needs in the customer's tenant)."
  fi
}

# --- Entra ID (the customer's tenant) -------------------------------------------------------------------------

# Prints the appId of the app registration with this display name, creating it (and its service principal).
ensure_app() {
  local name="$1" app_id
  app_id=$(az ad app list --display-name "$name" --query '[].appId' -o tsv)
  [[ "$(wc -w <<<"$app_id")" -le 1 ]] || fail "more than one app registration is named \"$name\"; delete the extra ones"
  if [[ -z "$app_id" ]]; then
    app_id=$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg --query appId -o tsv)
  fi
  az ad sp show --id "$app_id" >/dev/null 2>&1 || az ad sp create --id "$app_id" >/dev/null
  echo "$app_id"
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
  [[ "$repo_arg" =~ $REPO_RE ]] || die "--repo \"$repo_arg\" must be the GitHub repository as ORG/REPO"
  [[ -n "$prefix_arg" ]] || die "--subject-prefix is required: the jtel phase prints this command with the prefix GitHub reports for ${repo_arg}"
  require_prefix --subject-prefix "$prefix_arg"
  [[ "${BASH_REMATCH[1],,}/${BASH_REMATCH[4],,}" == "${repo_arg,,}" ]] || die "--subject-prefix \"$prefix_arg\" names another repository than --repo ${repo_arg}"
  [[ "$mode_arg" == reviewed || "$mode_arg" == offline-plan ]] || die "--preview-mode \"$mode_arg\" must be reviewed or offline-plan (the jtel phase prints it)"
  repo="$repo_arg" subject_prefix="$prefix_arg" preview_mode="$mode_arg"
  require_az
  require_tenant "$tenant_id" "az login --tenant ${tenant_id} --allow-no-subscriptions"

  local deployer reader
  local -a wants
  step "app jtel presence deployer: provisions this tenant (pulumi up from main only)"
  deployer=$(ensure_app "jtel presence deployer (${repo} ${stack})")
  mapfile -t wants < <(wanted "$deploy_env" "${DEPLOY_EVENTS[@]}")
  reconcile_credentials app "$deployer" "${wants[@]}"
  ensure_directory_role "$deployer" "$ROLE_USER_ADMIN"
  if [[ "$app_roles" == true ]]; then
    ensure_directory_role "$deployer" "$ROLE_PRIVILEGED_ROLE_ADMIN"
  else
    ensure_directory_role "$deployer" "$ROLE_CLOUD_APP_ADMIN"
  fi
  ensure_graph_app_permission "$deployer" "$AUDIT_LOG_READ_ALL"

  step "app jtel presence reader: reads the directory for the drift check$([[ "$preview_mode" == reviewed ]] && echo " and reviewed previews")"
  reader=$(ensure_app "jtel presence reader (${repo} ${stack})")
  mapfile -t wants < <(read_identity_wants)
  reconcile_credentials app "$reader" "${wants[@]}"
  ensure_directory_role "$reader" "$ROLE_DIRECTORY_READERS"

  cat <<NEXT
Done: the deployer and reader exist in ${tenant_id}, trusting ${subject_prefix} (preview mode ${preview_mode}).
Send these two lines to your jtel contact:
  --deployer-client-id ${deployer}
  --reader-client-id ${reader}
NEXT
}

phase_link() {
  require_guid --deployer-client-id "$deployer_client_id"
  require_guid --reader-client-id "$reader_client_id"
  [[ -z "$subscription_id" ]] || require_guid --subscription-id "$subscription_id"
  [[ "${deployer_client_id,,}" != "${reader_client_id,,}" ]] || die "the deployer and the reader must be two different apps"
  require_gh
  read_repository
  preview_mode=$(github_get "repos/${repo}/actions/variables/PREVIEW_MODE" .value 2>/dev/null) \
    || fail "${repo} has no repository variable PREVIEW_MODE: run the jtel phase for ${stack} first"
  [[ "$preview_mode" == reviewed || "$preview_mode" == offline-plan ]] || fail "the repository variable PREVIEW_MODE is \"${preview_mode}\", not reviewed or offline-plan: run the jtel phase again"
  if [[ -z "$subscription_id" ]] && stack_file_sets_handoff_vault; then
    subscription_id=$(stack_file_vault_subscription)
    [[ -n "$subscription_id" ]] \
      || fail "Pulumi.${stack}.yaml sets handoffKeyVault, whose vault lives in an Azure subscription: pass --subscription-id <the vault's subscription>"
  fi

  local -a envs=("$deploy_env" "$drift_env")
  [[ "$preview_mode" != reviewed ]] || envs+=("$preview_env")
  step "the customer's apps into the environments (${envs[*]})"
  set_variable "$deploy_env" AZURE_CLIENT_ID "$deployer_client_id"
  set_variable "$drift_env" AZURE_CLIENT_ID "$reader_client_id"
  [[ "$preview_mode" != reviewed ]] || set_variable "$preview_env" AZURE_CLIENT_ID "$reader_client_id"
  if [[ -n "$subscription_id" ]]; then
    local env
    step "the handoff vault's subscription ${subscription_id} as AZURE_SUBSCRIPTION_ID (${envs[*]})"
    for env in "${envs[@]}"; do set_variable "$env" AZURE_SUBSCRIPTION_ID "$subscription_id"; done
  fi
  if [[ "$preview_mode" == reviewed ]]; then
    echo "Done: commit Pulumi.${stack}.yaml in a pull request; a reviewer approves its preview in ${preview_env}."
  else
    echo "Done: commit Pulumi.${stack}.yaml in a pull request; it shows the offline plan, and the merge runs the first up."
  fi
}

# --- Inspect (read-only) ----------------------------------------------------------------------------------------

# One environment as "absent", or "branches=<type:name,...|all|protected> reviewers=<n>" (GET only).
environment_state() {
  local env="$1" status=0 fields custom reviewers branches
  fields=$(github_get "repos/${repo}/environments/${env}" '[(.deployment_branch_policy.custom_branch_policies // "none" | tostring), ([.protection_rules[]? | select(.type == "required_reviewers") | .reviewers[]?] | length | tostring)] | join(" ")' 2>/dev/null) || status=$?
  if ((status == 3)); then echo absent; return; fi
  if ((status != 0)); then echo unreadable; return; fi
  read -r custom reviewers <<<"$fields"
  case "$custom" in
    true) branches=$(branch_policies "$env" 2>/dev/null) || branches=unreadable ;;
    false) branches=protected ;;
    *) branches=all ;;
  esac
  echo "branches=${branches:-none} reviewers=${reviewers}"
}

# What the jtel phase would read and decide, as key=value lines (one value per line; the keys are read by
# cli/doctor.ts). A stop of read_repository or read_subject_settings (exit 1, the reason on stderr) means GitHub
# could not be read; every other finding is printed, not acted on.
phase_inspect() {
  [[ -z "$prefix_arg" ]] || require_prefix --subject-prefix "$prefix_arg"
  read_only=true
  require_gh
  read_repository
  read_subject_settings
  check_subject_template
  detect_preview_mode
  local protected variable env
  protected=$(github_get "repos/${repo}/branches/main" .protected 2>/dev/null) || protected=false
  variable=$(github_get "repos/${repo}/actions/variables/PREVIEW_MODE" .value 2>/dev/null) || variable=""
  printf '%s=%s\n' \
    repository "$repo" visibility "$visibility" owner_type "$owner_type" owner_id "$owner_id" repo_id "$repo_id" \
    subject_prefix "$subject_prefix" reported_prefix "$reported_prefix" \
    template "$template_keys" template_problem "$template_problem" template_fix "$template_fix" \
    main_protected "$protected" preview_mode "$preview_mode" preview_reason "$preview_reason" preview_mode_variable "$variable"
  for env in "$deploy_env" "$drift_env" "$preview_env"; do
    printf 'environment=%s %s\n' "$env" "$(environment_state "$env")"
  done
}

case "$phase" in
  jtel) phase_jtel ;;
  customer) phase_customer ;;
  link) phase_link ;;
  inspect) phase_inspect ;;
  *) usage ;;
esac
