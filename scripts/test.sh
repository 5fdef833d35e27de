#!/usr/bin/env bash
# The README's test command (`npm test`), and what CI runs: build, type-check, lint, the Jest suite
# (unit, e2e against private redis-servers, real processes, the C# core against a live gateway),
# the deployment checks (promtool, kustomize, PromQL on a real Prometheus), the fault suite (the
# pipeline as processes under kill -9, Redis restarts, network faults, Telegram storms, malformed
# entries and an HTTP fuzz; RELIABILITY.md) and the compose smoke test. Ends with one line:
# `tests: N passed, M failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-results
passed=0
failed=0
status=0

count() { # count <label> <file>: adds the "<label>: N passed, M failed" line of a suite's output
  local line
  line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed" "$2" | tail -n 1)
  if [ -n "$line" ]; then
    passed=$((passed + $(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")))
    failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
  fi
}

run() { # run <name> <command...>: a gate that must pass
  echo "== $1"
  shift
  if ! "$@"; then
    echo "== FAILED: $*"
    status=1
    failed=$((failed + 1))
  fi
}

run build npm run -s build
run typecheck npm run -s typecheck
run lint npm run -s lint

echo "== jest"
npx jest --runInBand --json --outputFile=.test-results/jest.json || status=1
if [ -f .test-results/jest.json ]; then
  read -r p f < <(node -e 'const r=require("./.test-results/jest.json");console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites)')
  passed=$((passed + p))
  failed=$((failed + f))
else
  failed=$((failed + 1))
fi

echo "== deploy checks"
npm run -s test:deploy 2>&1 | tee .test-results/deploy.log
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
count deploy .test-results/deploy.log

echo "== fault suite"
npm run -s test:faults 2>&1 | tee .test-results/faults.log
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
count faults .test-results/faults.log

echo "== compose smoke test"
npm run -s test:compose 2>&1 | tee .test-results/compose.log
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
count compose .test-results/compose.log

echo
echo "tests: $passed passed, $failed failed"
exit $status
