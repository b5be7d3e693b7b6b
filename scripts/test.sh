#!/usr/bin/env bash
# Runs every test the way CI does: installs what is needed (npm ci, dotnet restore), builds in Release,
# runs all test projects and ends with the plain line "N passed, M failed, K skipped" read from the TRX results.
# Exits non-zero when anything fails or when no test ran.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

echo "==> npm ci (Azurite and front-end packages pinned in package-lock.json)"
npm ci --no-audit --no-fund --loglevel=error

# The dashboard's browser tests drive Debian's chromium (Playwright's own browser download does not work here).
if ! command -v chromium >/dev/null 2>&1; then
  echo "==> installing chromium (apt-get) for the dashboard's browser tests"
  if [ "$(id -u)" -eq 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  DEBIAN_FRONTEND=noninteractive $apt_get update -qq
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq chromium >/dev/null
fi

echo "==> dotnet restore"
dotnet restore LeadScoring.sln

echo "==> dotnet build (Release)"
dotnet build LeadScoring.sln -c Release --no-restore -nologo -clp:ErrorsOnly

results="$(pwd)/TestResults"
rm -rf "$results"
echo "==> dotnet test"
set +e
dotnet test LeadScoring.sln -c Release --no-build --nologo \
  --results-directory "$results" --logger "trx" --logger "console;verbosity=normal"
status=$?
set -e

total=0 passed=0 failed=0
shopt -s nullglob
for trx in "$results"/*.trx "$results"/*/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  total=$((total + $(attr total)))
  passed=$((passed + $(attr passed)))
  failed=$((failed + $(attr failed) + $(attr error) + $(attr timeout) + $(attr aborted)))
done
skipped=$((total - passed - failed))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the run itself failed (crash, build or discovery error) without a failed test to show for it
fi

# CI shows only the tail of the log: name the failed tests again just above the summary line.
for trx in "$results"/*.trx "$results"/*/*.trx; do
  grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" | sed -n 's/.*testName="\([^"]*\)".*/  FAILED: \1/p' || true
done
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$total" -eq 0 ]; then
  exit 1
fi
