#!/usr/bin/env bash
# The project's test command (`npm test`): typecheck, layering check, unused-code check, then every test file under test/.
# Browser tests need Chromium at /usr/bin/chromium (`apt-get install -y chromium`).
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit -p .
# bin/prow runs the bundle (dist/prow.js): build it from these sources before tests spawn it.
node scripts/build.mjs
# Layering (docs/architecture.md): .dependency-cruiser.cjs rules and no folder cycle; fails the run on a violation.
node --import tsx scripts/check-layering.ts
# Unused files, exports and dependencies (knip.json); fails the run when it finds any.
npx knip --no-progress
mapfile -t files < <(find test -name '*.test.ts' | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files" >&2; exit 1; fi
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-3}" "${files[@]}"
