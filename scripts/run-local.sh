#!/usr/bin/env bash
# Runs LeadScoring on this machine: builds the host, starts it on http://127.0.0.1:7071 (Host.LocalHttpPort in
# local.settings.json), scores the demo lead in samples/lead-features.json and keeps serving until Ctrl+C.
#   --demo-only   stop after the demo (used to check this script end to end)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ ! -f local.settings.json ]; then
  cp local.settings.sample.json local.settings.json
  echo "==> created local.settings.json from local.settings.sample.json (edit it to change settings; it is git-ignored)"
fi

echo "==> building the host (Release)"
dotnet build LeadScoring.Functions/LeadScoring.Functions.csproj -c Release -nologo -clp:ErrorsOnly

# Read the port and a Manager (or Admin) key from local.settings.json; environment variables win, as in the host.
read -r port key < <(node -e '
  const s = require(process.argv[1]);
  const keys = process.env.LEAD_SCORE_API_KEYS ?? (s.Values ?? {}).LEAD_SCORE_API_KEYS ?? "";
  const entries = keys.split(";").map(e => e.split("=")).filter(e => e.length === 2).map(([r, k]) => [r.trim().toLowerCase(), k.trim()]);
  const pick = (entries.find(([r]) => r === "manager") ?? entries.find(([r]) => r === "admin") ?? ["", "none"])[1];
  console.log(`${(s.Host ?? {}).LocalHttpPort ?? 7071} ${pick}`);
' "$repo/local.settings.json")
base="http://127.0.0.1:${port}"

echo "==> starting the host on ${base}"
AzureWebJobsScriptRoot="$repo" dotnet LeadScoring.Functions/bin/Release/net10.0/LeadScoring.Functions.dll &
host_pid=$!
cleanup() { kill "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

for _ in $(seq 1 60); do
  if ! kill -0 "$host_pid" 2>/dev/null; then
    wait "$host_pid" && status=0 || status=$?
    echo "The host stopped during start-up (exit code $status); see the message above." >&2
    exit 1
  fi
  curl -fsS "${base}/api/health" >/dev/null 2>&1 && break
  sleep 0.5
done

echo "==> GET ${base}/api/health"
curl -fsS "${base}/api/health"; echo

echo "==> POST ${base}/api/score with samples/lead-features.json"
curl -fsS -X POST "${base}/api/score" -H "content-type: application/json" -H "x-functions-key: ${key}" \
  --data-binary @samples/lead-features.json | node -e '
    let body = ""; process.stdin.on("data", d => body += d).on("end", () => {
      const s = JSON.parse(body);
      console.log(`Score ${s.score} (${s.priority}), close probability ${s.closeProbability}%, next action: ${s.nextBestAction} (${s.nextBestActionReason})`);
      console.log(`Confidence ${s.confidence}; components: fit ${s.components.fit.score}, engagement ${s.components.engagement.score}, outcome ${s.components.outcome.score}, recency ${s.components.recency.score}`);
      for (const r of s.topReasons) console.log(`  ${r.impact >= 0 ? "+" : ""}${r.impact}  ${r.text}`);
    });'

if [ "${1:-}" = "--demo-only" ]; then
  exit 0
fi
echo "==> serving on ${base} (Ctrl+C to stop)"
wait "$host_pid"
