#!/usr/bin/env bash
# Prints the stacks the GitOps workflows manage, as one JSON object: one stack per committed Pulumi.<stack>.yaml,
# except Pulumi.dev.yaml (the commented example). Committing the stack file is what onboards a tenant, so there is
# no second list to forget. With REQUESTED_STACK set (workflow_dispatch), only that stack.
#
#   {"shards":[{"index":1,"stacks":["contoso","fabrikam",...]},{"index":2,"stacks":[...]}]}
#
# GitHub runs at most 256 jobs from one job matrix ("Job Matrix: 256 jobs / workflow run", docs.github.com
# Actions limits, content/actions/reference/limits.md), so the stacks come in shards of at most 256: tenants.yml
# and drift.yml run one reusable-workflow call per shard, each with its own matrix of at most 256 stacks. The
# shards are one job output, which GitHub caps at 1 MB (counted as UTF-16: "Outputs can be a maximum of 1 MB per
# job", workflow syntax, jobs.<job_id>.outputs): 32 shards of 256 names of up to 40 characters stay below that,
# so 8,192 stacks is this pipeline's ceiling, and past it the script stops instead of letting GitHub drop jobs.
# Usage: list-stacks.sh [DIR]   (DIR defaults to the repository root)
set -euo pipefail
cd "${1:-$(dirname "$0")/../..}"
shopt -s nullglob

readonly SHARD_SIZE=256
readonly MAX_SHARDS=32

# fleet/stacks.ts STACK_NAME: the name becomes GitHub environments, a state container and a Key Vault key
# (test/fleet/stacks.test.ts keeps the two rules in step). It also keeps the names safe in shell words.
valid='^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'

stacks=()
for file in Pulumi.*.yaml; do
  stack="${file#Pulumi.}"
  stack="${stack%.yaml}"
  [[ "$stack" == dev ]] && continue
  if [[ ! "$stack" =~ $valid ]]; then
    echo "::error file=$file::A stack name may contain only lower-case letters, digits and inner hyphens (1-40 characters); rename $file." >&2
    exit 1
  fi
  stacks+=("$stack")
done

requested="${REQUESTED_STACK:-}"
if [[ -n "$requested" ]]; then
  if [[ "$requested" =~ $valid ]]; then
    for stack in "${stacks[@]}"; do
      if [[ "$stack" == "$requested" ]]; then
        stacks=("$stack")
        requested=""
        break
      fi
    done
  fi
  if [[ -n "$requested" ]]; then
    echo "::error::The stack input names no managed stack: there is no Pulumi.<stack>.yaml for it (managed: ${stacks[*]:-none})." >&2
    exit 1
  fi
fi

if ((${#stacks[@]} > SHARD_SIZE * MAX_SHARDS)); then
  echo "::error::${#stacks[@]} stacks are more than this pipeline runs: at most $((SHARD_SIZE * MAX_SHARDS)) ($MAX_SHARDS shards of $SHARD_SIZE, GitHub's limit of 256 jobs per matrix and 1 MB per job output). Split the fleet across repositories (each with its own stack files, environments and state), or read docs/gitops.md (More than 256 tenants) before raising MAX_SHARDS in .github/scripts/list-stacks.sh." >&2
  exit 1
fi

# The glob sorts by the locale's collation; the shards must not depend on it.
printf '%s\n' "${stacks[@]}" | LC_ALL=C sort | jq -Rnc --argjson size "$SHARD_SIZE" '
  [inputs | select(length > 0)] as $stacks
  | {shards: [range(0; $stacks | length; $size) as $i | {index: ($i / $size + 1), stacks: $stacks[$i:$i + $size]}]}'
