#!/usr/bin/env bash
# The one command a fresh machine runs for every check: system packages, install, lint, contract
# compatibility, tests. The last line printed is npm test's "Tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-system-deps.sh
npm ci
npm run lint

# Breaking-change check of proto/ against the previous commit, when there is one with proto files
# (not on the first commit, nor in a shallow clone without HEAD~1).
previous_protos=""
if git rev-parse --quiet --verify 'HEAD~1^{commit}' >/dev/null 2>&1; then
  previous_protos="$(git ls-tree -r --name-only 'HEAD~1' -- proto | grep '\.proto$' || true)"
fi
if [ -n "$previous_protos" ]; then
  npx buf breaking --against '.git#ref=HEAD~1'
else
  echo "buf breaking: skipped (no previous commit with proto files)"
fi

# --silent: npm's own "npm error ..." lines would otherwise follow the summary when tests fail.
npm test --silent
