#!/usr/bin/env bash
# Prints, as one JSON array, the stacks the GitOps workflows manage: one per committed Pulumi.<stack>.yaml,
# except Pulumi.dev.yaml (the commented example). Committing the stack file is what onboards a tenant, so
# there is no second list to forget. With REQUESTED_STACK set (workflow_dispatch), only that stack.
# Usage: list-stacks.sh [DIR]   (DIR defaults to the repository root)
set -euo pipefail
cd "${1:-$(dirname "$0")/../..}"
shopt -s nullglob

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
        jq -cn --arg stack "$stack" '[$stack]'
        exit 0
      fi
    done
  fi
  echo "::error::The stack input names no managed stack: there is no Pulumi.<stack>.yaml for it (managed: ${stacks[*]:-none})." >&2
  exit 1
fi

if ((${#stacks[@]} == 0)); then
  echo '[]'
else
  printf '%s\n' "${stacks[@]}" | jq -Rnc '[inputs]'
fi
