#!/usr/bin/env bash
# Runs the whole product on this machine:
#   Azurite (Azure Storage emulator, npm package pinned in package-lock.json) on 127.0.0.1:10000-10002, data in .azurite/
#   (cleared at each start, since the emulator's portal is new at each start)
#   the HubSpot emulator on http://127.0.0.1:7080 (seeded portal, token local-emulator-token), webhooks to the host
#   the LeadScoring host on http://127.0.0.1:7071 (Host.LocalHttpPort in local.settings.json)
# Installs what it needs (npm ci, dotnet build -c Release), creates local.settings.json from the sample if absent,
# waits until all three answer, prints their URLs and serves until Ctrl+C, which stops all three. Logs: .run/<name>.log.
#
#   --demo        also simulate activity on a few contacts, run one batch rescore, print the scores as the emulator
#                 holds them, then stop everything (exit 0 when the demo worked)
#   --demo-only   same as --demo (older docs)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

demo=false
for arg in "$@"; do
  case "$arg" in
    --demo | --demo-only) demo=true ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-local.sh: unknown option '$arg' (use --demo, or nothing to keep serving)" >&2; exit 2 ;;
  esac
done

started_at=$(date +%s.%N)
elapsed() { awk -v s="$started_at" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }

# The emulator the host is pointed at: its defaults (see LeadScoring.HubSpotEmulator/EmulatorArguments.cs).
emulator_url="http://127.0.0.1:7080"
emulator_token="local-emulator-token"
emulator_secret="local-emulator-secret"
emulator_portal="1000001"
emulator_workflow="5001"

if [ ! -f local.settings.json ]; then
  cp local.settings.sample.json local.settings.json
  echo "==> created local.settings.json from local.settings.sample.json (edit it to change settings; it is git-ignored)"
fi

# Host port and the Admin key from local.settings.json; environment variables win, as in the host.
read -r host_port admin_key < <(node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const keys = process.env.LEAD_SCORE_API_KEYS ?? (s.Values ?? {}).LEAD_SCORE_API_KEYS ?? "";
  const admin = keys.split(";").map(e => e.split("=")).find(e => e.length === 2 && e[0].trim().toLowerCase() === "admin");
  console.log(`${(s.Host ?? {}).LocalHttpPort ?? 7071} ${admin ? admin[1].trim() : "-"}`);
' "$repo/local.settings.json")
host_url="http://127.0.0.1:${host_port}"
webhook_url="${host_url}/api/hubspot/webhooks"

# Fail early, before building, when a port is taken (typically by a run that is still going).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for entry in 10000:Azurite-blob 10001:Azurite-queue 10002:Azurite-table 7080:emulator "${host_port}:host"; do
  if port_open "${entry%%:*}"; then
    echo "run-local.sh: port ${entry%%:*} (${entry#*:}) on 127.0.0.1 is already in use — is another run-local.sh (or test) still running? Stop it first." >&2
    exit 1
  fi
done

# npm ci when Azurite (or the dashboard's Chart.js) is missing or not the version package-lock.json pins.
azurite_current() {
  node -e '
    const fs = require("fs");
    const want = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages["node_modules/azurite"].version;
    const have = JSON.parse(fs.readFileSync("node_modules/azurite/package.json", "utf8")).version;
    process.exit(want === have ? 0 : 1);' 2>/dev/null
}
if ! azurite_current || [ ! -f node_modules/chart.js/package.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci (Azurite and Chart.js, pinned in package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
fi

mkdir -p .run
echo "==> building the host and the HubSpot emulator (Release)"
# Both at once (they share no code); the output is shown only when a build fails.
dotnet build LeadScoring.LocalHost/LeadScoring.LocalHost.csproj -c Release -nologo -v:q -clp:ErrorsOnly >.run/build-host.log 2>&1 &
build_host=$!
dotnet build LeadScoring.HubSpotEmulator/LeadScoring.HubSpotEmulator.csproj -c Release -nologo -v:q -clp:ErrorsOnly >.run/build-emulator.log 2>&1 &
build_emulator=$!
trap 'kill "$build_host" "$build_emulator" 2>/dev/null; exit 130' INT TERM
build_failed=false
wait "$build_host" || { cat .run/build-host.log >&2; build_failed=true; }
wait "$build_emulator" || { cat .run/build-emulator.log >&2; build_failed=true; }
trap - INT TERM
if $build_failed; then
  echo "run-local.sh: the build failed (see above)" >&2
  exit 1
fi
host_dll="LeadScoring.LocalHost/bin/Release/net10.0/LeadScoring.LocalHost.dll"
emulator_dll="LeadScoring.HubSpotEmulator/bin/Release/net10.0/LeadScoring.HubSpotEmulator.dll"

# The emulator's portal lives in memory and is seeded afresh on every start, so what the host stored about the last
# run's portal (queue, rescore checkpoint, last-written scores, enrolments) no longer matches it: kept after a run for
# inspection, cleared at the next start.
rm -rf .azurite
mkdir -p .azurite
: >.run/azurite.log; : >.run/emulator.log; : >.run/host.log
azurite_pid="" emulator_pid="" host_pid=""

running() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != "Z" ]; }
stop_all() {
  trap - EXIT INT TERM HUP
  local pids=() pid i
  # The host first (it uses the other two), then the emulator and Azurite; SIGKILL whatever is left after 15 s.
  for group in "$host_pid" "$emulator_pid $azurite_pid"; do
    for pid in $group; do running "$pid" && kill -TERM "$pid" 2>/dev/null; done
    for ((i = 0; i < 150; i++)); do
      pids=()
      for pid in $group; do running "$pid" && pids+=("$pid"); done
      [ ${#pids[@]} -eq 0 ] && break
      sleep 0.1
    done
    for pid in "${pids[@]}"; do echo "run-local.sh: pid $pid did not stop on SIGTERM; killing it" >&2; kill -KILL "$pid" 2>/dev/null || true; done
  done
  for pid in $host_pid $emulator_pid $azurite_pid; do wait "$pid" 2>/dev/null || true; done
}
on_exit() {
  local status=$?
  if [ -n "$azurite_pid$emulator_pid$host_pid" ]; then
    echo "==> stopping the host, the emulator and Azurite"
    stop_all
    echo "==> stopped"
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Prints why a process is gone (or not ready) and the end of its log, then exits non-zero (on_exit stops the others).
fail_start() { # name pid log reason
  local status=""
  if ! running "$2"; then status=0; wait "$2" 2>/dev/null || status=$?; fi
  echo "run-local.sh: the $1 $4${status:+ (exit code $status)}; last lines of $3:" >&2
  tail -n 25 "$3" | sed 's/^/    /' >&2
  exit 1
}
wait_ready() { # name pid log seconds check-command...
  local name=$1 pid=$2 log=$3 seconds=$4 i
  shift 4
  for ((i = 0; i < seconds * 5; i++)); do
    running "$pid" || fail_start "$name" "$pid" "$log" "stopped during start-up"
    "$@" && return 0
    sleep 0.2
  done
  fail_start "$name" "$pid" "$log" "did not become ready within ${seconds} s"
}
azurite_ready() { port_open 10000 && port_open 10001 && port_open 10002; }
emulator_ready() { curl -fs -o /dev/null "${emulator_url}/_emulator/requests"; }
host_ready() { curl -fs -o /dev/null "${host_url}/api/health"; }

# Job control puts each of the three in its own process group: Ctrl+C reaches only this script, which stops them in
# order (the host first) instead of all three racing to exit.
set -m
echo "==> starting Azurite and the HubSpot emulator"
node node_modules/.bin/azurite --silent --loose --skipApiVersionCheck --disableTelemetry --location .azurite \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 </dev/null >.run/azurite.log 2>&1 &
azurite_pid=$!
emulator_args=(--urls "$emulator_url" --access-token "$emulator_token" --client-secret "$emulator_secret"
  --portal-id "$emulator_portal" --workflow-id "$emulator_workflow" --webhook-url "$webhook_url")
if $demo; then
  # The first deliveries may reach the host before it listens; HubSpot retries after minutes, the demo after seconds.
  emulator_args+=(--webhook-retry-scale 0.01)
fi
dotnet "$emulator_dll" "${emulator_args[@]}" </dev/null >.run/emulator.log 2>&1 &
emulator_pid=$!
wait_ready Azurite "$azurite_pid" .run/azurite.log 30 azurite_ready

echo "==> starting the host"
# The host reads host.json and local.settings.json from the repo; the environment wins over local.settings.json, so
# these point it at the Azurite and the emulator started here, whatever local.settings.json says about HubSpot.
AzureWebJobsScriptRoot="$repo" \
  AzureWebJobsStorage="UseDevelopmentStorage=true" \
  HUBSPOT_BASE_URL="$emulator_url" \
  HUBSPOT_ACCESS_TOKEN="$emulator_token" \
  HUBSPOT_CLIENT_ID="" HUBSPOT_REFRESH_TOKEN="" \
  HUBSPOT_CLIENT_SECRET="$emulator_secret" \
  HUBSPOT_PORTAL_ID="$emulator_portal" \
  HUBSPOT_HIGH_PRIORITY_WORKFLOW_ID="$emulator_workflow" \
  HUBSPOT_WEBHOOK_URL="$webhook_url" \
  dotnet "$host_dll" </dev/null >.run/host.log 2>&1 &
host_pid=$!
wait_ready "HubSpot emulator" "$emulator_pid" .run/emulator.log 60 emulator_ready
wait_ready host "$host_pid" .run/host.log 60 host_ready

cat <<EOF
==> LeadScoring is running (started in $(elapsed) s, builds included)
    dashboard ${host_url}/   sign in with a role key from LEAD_SCORE_API_KEYS in local.settings.json
    host      ${host_url}   GET /api/health, POST /api/score, POST /api/admin/rescore (x-functions-key)
    emulator  ${emulator_url}   HubSpot API (Authorization: Bearer ${emulator_token}), admin endpoints under /_emulator/
    Azurite   127.0.0.1:10000 blob, :10001 queue, :10002 table; data in .azurite/ (cleared at each start)
    logs      .run/host.log, .run/emulator.log, .run/azurite.log
EOF

if $demo; then
  demo_started=$(date +%s.%N)
  node scripts/run-local-demo.mjs --host "$host_url" --emulator "$emulator_url" --token "$emulator_token" --admin-key "$admin_key"
  awk -v s="$demo_started" -v e="$(date +%s.%N)" 'BEGIN { printf "==> demo took %.1f s\n", e - s }'
  exit 0
fi

echo "==> serving; Ctrl+C stops all three"
set +e
wait -n "$azurite_pid" "$emulator_pid" "$host_pid"
set -e
for entry in "Azurite:$azurite_pid:.run/azurite.log" "HubSpot emulator:$emulator_pid:.run/emulator.log" "host:$host_pid:.run/host.log"; do
  IFS=: read -r name pid log <<<"$entry"
  running "$pid" || fail_start "$name" "$pid" "$log" "stopped unexpectedly"
done
exit 1
