#!/usr/bin/env bash
# Prints, as one JSON array, the stacks the GitOps workflows manage: one per committed Pulumi.<stack>.yaml,
# except Pulumi.dev.yaml (the commented example). Committing the stack file is what onboards a tenant, so
# there is no second list to forget. With REQUESTED_STACK set (workflow_dispatch), only that stack.
# Usage: list-stacks.sh [DIR]   (DIR defaults to the repository root)
set -euo pipefail
cd "${1:-$(dirname "$0")/../..}"
shopt -s nullglob

# Pulumi's own rule for stack names; it also keeps the names safe in environment names and shell words.
valid='^[A-Za-z0-9][A-Za-z0-9._-]*$'

stacks=()
for file in Pulumi.*.yaml; do
  stack="${file#Pulumi.}"
  stack="${stack%.yaml}"
  [[ "$stack" == dev ]] && continue
  if [[ ! "$stack" =~ $valid ]]; then
    echo "::error file=$file::A stack name may contain only letters, digits, '.', '_' and '-'; rename $file." >&2
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
