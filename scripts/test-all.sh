#!/usr/bin/env bash
# Phasegate: every check in one run (what `npm test` and CI run).
#
#   typecheck → lint → format → migrations → unit → integration → build → e2e
#
# A failing step does not stop the run, so one run shows everything; e2e is skipped (and counted
# as a failure) when the build failed. Typecheck, lint, format and build count as one check each; the
# test steps count their tests from the JSON reports in .tmp/reports/.
#
# The last line printed is the summary, alone:   tests: N passed, M failed, K skipped
# Exit status is non-zero when anything failed.
#
# Environment: TEST_DATABASE_URL is passed through to the integration tests (they read it
# themselves); E2E_PORT picks the e2e server's port (default 3210).

set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

export NEXT_TELEMETRY_DISABLED=1
if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
  export TEST_DATABASE_URL
fi

REPORTS=.tmp/reports
mkdir -p "$REPORTS"

STEPS=(typecheck lint format migrations unit integration build e2e)
STEP_COUNT=${#STEPS[@]}
step_no=0

total_passed=0
total_failed=0
total_skipped=0
any_step_failed=0
build_ok=0
rows=()

header() {
  step_no=$((step_no + 1))
  printf '\n======== [%d/%d] %s ========\n' "$step_no" "$STEP_COUNT" "$1"
  printf '$ %s\n\n' "$2"
}

# record NAME RC PASSED FAILED SKIPPED SECONDS [NOTE]
record() {
  local name=$1 rc=$2 passed=$3 failed=$4 skipped=$5 secs=$6 note=${7:-}
  local verdict=ok
  if ((rc != 0 || failed > 0)); then
    verdict=FAILED
    any_step_failed=1
  fi
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  total_skipped=$((total_skipped + skipped))
  local row
  printf -v row '%-12s %-7s %5d passed %5d failed %5d skipped %6ss  %s' \
    "$name" "$verdict" "$passed" "$failed" "$skipped" "$secs" "$note"
  rows+=("${row%"${row##*[! ]}"}")
  printf '\n-------- %s: %s (%d passed, %d failed, %d skipped, %ss) %s\n' \
    "$name" "$verdict" "$passed" "$failed" "$skipped" "$secs" "$note"
}

# A step that is one check: passes or fails as a whole.
run_check() {
  local name=$1
  shift
  header "$name" "$*"
  local start=$SECONDS rc=0
  "$@" || rc=$?
  if ((rc == 0)); then
    record "$name" 0 1 0 0 $((SECONDS - start))
  else
    record "$name" "$rc" 0 1 0 $((SECONDS - start)) "(exit $rc)"
  fi
  return "$rc"
}

# count_report KIND FILE RC → prints "passed failed skipped".
# A step that exited non-zero without a counted failure (no tests found, a file that failed to
# load, a server that never started) or that left no readable report counts as one failure.
count_report() {
  node -e '
    const fs = require("node:fs");
    const [kind, file, rcArg] = process.argv.slice(1);
    const rc = Number(rcArg);
    let passed = 0, failed = 0, skipped = 0, unreadable = false;
    try {
      const r = JSON.parse(fs.readFileSync(file, "utf8"));
      if (kind === "vitest") {
        passed = r.numPassedTests ?? 0;
        failed = r.numFailedTests ?? 0;
        skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
        // Files that failed without a failed test (import error, failing hook) count once each.
        for (const f of r.testResults ?? []) {
          const failedTests = (f.assertionResults ?? []).filter((a) => a.status === "failed").length;
          if (f.status === "failed" && failedTests === 0) failed += 1;
        }
      } else {
        const s = r.stats ?? {};
        passed = (s.expected ?? 0) + (s.flaky ?? 0);
        failed = s.unexpected ?? 0;
        skipped = s.skipped ?? 0;
        if (failed === 0 && (r.errors ?? []).length > 0) failed = 1;
      }
    } catch (error) {
      unreadable = true;
      console.error(`(could not read the report ${file}: ${error.message})`);
    }
    if ((rc !== 0 || unreadable) && failed === 0) failed = 1;
    console.log(`${passed} ${failed} ${skipped}`);
  ' "$1" "$2" "$3"
}

# run_vitest NAME NPM_SCRIPT
run_vitest() {
  local name=$1 script=$2
  local report="$REPORTS/$name.json"
  rm -f "$report"
  local cmd=(npm run "$script" -- --reporter=default --reporter=json "--outputFile.json=$report")
  header "$name" "${cmd[*]}"
  local start=$SECONDS rc=0
  "${cmd[@]}" || rc=$?
  local counts
  counts=$(count_report vitest "$report" "$rc") || true
  [[ $counts =~ ^[0-9]+\ [0-9]+\ [0-9]+$ ]] || counts="0 1 0"
  # shellcheck disable=SC2086
  record "$name" "$rc" $counts $((SECONDS - start)) "$([[ $rc != 0 ]] && echo "(exit $rc)")"
}

run_e2e() {
  local report="$REPORTS/e2e.json"
  rm -f "$report"
  if ((build_ok == 0)); then
    header e2e "(skipped: the build failed)"
    record e2e 1 0 1 0 0 "(not run: build failed)"
    return
  fi
  # Fresh PGlite folders per run; drop the ones older runs left behind (older than a day).
  find .tmp -maxdepth 1 -type d -name 'e2e-pglite-*' -mmin +1440 -exec rm -rf {} + 2>/dev/null
  local cmd=(npm run test:e2e)
  header e2e "${cmd[*]}"
  local start=$SECONDS rc=0
  "${cmd[@]}" || rc=$?
  local counts
  counts=$(count_report playwright "$report" "$rc") || true
  [[ $counts =~ ^[0-9]+\ [0-9]+\ [0-9]+$ ]] || counts="0 1 0"
  # shellcheck disable=SC2086
  record e2e "$rc" $counts $((SECONDS - start)) "$([[ $rc != 0 ]] && echo "(exit $rc)")"
}

run_started=$SECONDS
# (any password in TEST_DATABASE_URL is masked)
echo "Phasegate test-all: node $(node --version), CI=${CI:-unset}, TEST_DATABASE_URL=${TEST_DATABASE_URL:-unset}" \
  | sed -E 's#(postgres(ql)?://[^:/@]*):[^@]*@#\1:***@#'

run_check typecheck npm run typecheck
run_check lint npm run lint
# Prettier's formatting, as `npm run format` writes it.
run_check format npm run --silent format:check
# A migration the previous release could not run beside (drop, rename, NOT NULL without a default)
# is refused unless it is marked as the contract step of an expand/contract pair.
run_check migrations npm run --silent db:check-migrations
run_vitest unit test:unit
run_vitest integration test:integration
if run_check build npm run build; then
  build_ok=1
fi
run_e2e

printf '\n======== summary (%ss) ========\n' $((SECONDS - run_started))
for row in "${rows[@]}"; do
  printf '  %s\n' "$row"
done
echo "tests: ${total_passed} passed, ${total_failed} failed, ${total_skipped} skipped"

if ((total_failed > 0 || any_step_failed != 0)); then
  exit 1
fi
exit 0
