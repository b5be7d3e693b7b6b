// The demo of scripts/run-local.sh --demo, run against the host and the HubSpot emulator it started:
// simulates activity on a few contacts (through the emulator, which sends HubSpot's signed webhooks to the host), runs
// one batch rescore on the host, waits until the scores are written back, and prints them as the emulator holds them.
// Exits non-zero when something did not happen in time.
//   node scripts/run-local-demo.mjs --host URL --emulator URL --token T --admin-key K [--timeout 60]

const options = { host: "http://127.0.0.1:7071", emulator: "http://127.0.0.1:7080", token: "local-emulator-token", "admin-key": "", timeout: "60" };
for (let i = 2; i < process.argv.length; i += 2) {
  const name = process.argv[i].replace(/^--/, "");
  if (!(name in options) || process.argv[i + 1] === undefined) fail(`unknown or incomplete option ${process.argv[i]}`);
  options[name] = process.argv[i + 1];
}
const { host, emulator, token } = options;
const adminKey = options["admin-key"];
const timeoutMs = Number(options.timeout) * 1000;
const DEMO_CONTACTS = 5;
const OTHERS = 5;
const ACTIVITY = ["meeting", "email_reply", "call"];
const AI = ["ai_lead_score", "ai_lead_fit", "ai_close_probability", "ai_next_best_action", "ai_score_explanation"];

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(1);
}

async function call(method, url, { body, headers = {}, ok = [200, 201] } = {}) {
  const response = await fetch(url, {
    method,
    headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!ok.includes(response.status)) fail(`${method} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return text.length > 0 ? JSON.parse(text) : null;
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** The first "+N text." reason of an ai_score_explanation ("High (84/100). Follow-up: why. +12 Attended …. -3 …."). */
function firstReason(explanation) {
  const match = /\.\s([+-]\d+(?:\.\d+)?)\s(.+?)\.(?=\s[+-]\d|\sLow confidence|$)/.exec(explanation ?? "");
  return match ? `${match[1]} ${match[2]}` : "";
}

function table(rows) {
  const header = ["contact", "score", "priority", "close %", "next action", "top reason"];
  const cells = rows.map(r => [r.id, r.score, r.priority, r.close, r.action, r.reason].map(v => String(v ?? "")));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map(c => c[i].length)));
  const line = c => "    " + c.map((v, i) => (i === 5 ? v : i === 1 || i === 3 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join("  ").trimEnd();
  console.log(line(header));
  console.log(line(widths.map(w => "-".repeat(w))));
  for (const c of cells) console.log(line(c));
}

function row(contact, note) {
  const p = contact.properties ?? {};
  const reason = firstReason(p.ai_score_explanation);
  return {
    id: contact.id + note,
    score: p.ai_lead_score,
    priority: p.ai_lead_fit,
    close: p.ai_close_probability === undefined ? "" : `${p.ai_close_probability}%`,
    action: p.ai_next_best_action,
    reason: reason.length > 72 ? reason.slice(0, 71) + "…" : reason,
  };
}

// 1. A handful of contacts (with an email, so a High one can be enrolled) across the emulator's hidden "true
//    propensity": the three most promising, one middling, the least promising — to see whether the scores agree.
const portal = await call("GET", `${emulator}/_emulator/portal`);
const truth = (await call("GET", `${emulator}/_emulator/ground-truth`)).contacts;
const candidates = portal.objects.contacts.filter(c => c.properties?.email && truth[c.id])
  .sort((a, b) => truth[b.id].propensity - truth[a.id].propensity || Number(a.id) - Number(b.id));
if (candidates.length < DEMO_CONTACTS) fail(`the emulator's portal has only ${candidates.length} contacts with an email`);
const demo = [0, 1, 2, Math.floor(candidates.length / 2), candidates.length - 1].map(i => candidates[i].id);

// 2. Activity on each: a meeting, an email reply and a call; the emulator sends webhooks to the host for each.
const activityAt = Date.now();
for (const id of demo) {
  for (const type of ACTIVITY) await call("POST", `${emulator}/_emulator/contacts/${id}/activity`, { body: { type } });
}
console.log(`==> simulated a ${ACTIVITY.join(", ").replace("_", " ")} on contacts ${demo.join(", ")} (hidden propensity `
  + `${demo.map(id => truth[id].propensity.toFixed(2)).join(", ")}); the emulator sends the host a webhook per change`);

// 3. One batch rescore: the BatchRescore orchestration pages every contact modified since the last checkpoint and
// fans out ScoreLeads over batches of up to 100 (a few at a time, so webhook work keeps its HubSpot budget).
const batch = await call("POST", `${host}/api/admin/rescore`, { headers: { "x-functions-key": adminKey }, ok: [202] });
console.log(`==> POST /api/admin/rescore: orchestration ${batch.instanceId} ${batch.started ? "started" : `already ${batch.status}`} (progress: GET ${batch.statusUri})`);

// 4. Wait until every demo contact has an ai_lead_score written after its activity.
const deadline = Date.now() + timeoutMs;
const scoredAfterActivity = async id => {
  const { writes } = await call("GET", `${emulator}/_emulator/contacts/${id}/writes`);
  return writes.some(w => w.property === "ai_lead_score" && Date.parse(w.at) >= activityAt);
};
let waiting = [...demo];
while (waiting.length > 0) {
  const done = await Promise.all(waiting.map(scoredAfterActivity));
  waiting = waiting.filter((_, i) => !done[i]);
  if (waiting.length === 0) break;
  if (Date.now() > deadline) fail(`no ai_lead_score written to contact(s) ${waiting.join(", ")} within ${options.timeout} s; see .run/host.log`);
  await sleep(500);
}
// Let the last webhook-triggered writes for these contacts land (the emulator batches events; the host coalesces).
let previous = "";
for (let stable = 0; stable < 3 && Date.now() < deadline; ) {
  const snapshot = JSON.stringify(await Promise.all(demo.map(id => call("GET", `${emulator}/_emulator/contacts/${id}/writes`).then(w => w.writes.length))));
  stable = snapshot === previous ? stable + 1 : 0;
  previous = snapshot;
  await sleep(500);
}

// 5. Read the scores back from the emulator (what a rep sees in HubSpot), plus a few other contacts the batch scored.
const readBack = await call("POST", `${emulator}/crm/v3/objects/contacts/batch/read`, {
  headers: { authorization: `Bearer ${token}` },
  body: { properties: AI, inputs: demo.map(id => ({ id })) },
});
const byId = new Map(readBack.results.map(c => [c.id, c]));
const others = (await call("GET", `${emulator}/_emulator/portal`)).objects.contacts
  .filter(c => !demo.includes(c.id) && c.properties?.ai_lead_score !== undefined && c.properties.ai_lead_score !== "")
  .sort((a, b) => Number(b.properties.ai_lead_score) - Number(a.properties.ai_lead_score));
const shown = [...others.slice(0, 2), ...others.slice(Math.floor(others.length / 2), Math.floor(others.length / 2) + 1), ...others.slice(-2)]
  .filter((c, i, all) => all.indexOf(c) === i).slice(0, OTHERS);

console.log(`==> scores as the emulator holds them (* = simulated activity; others from the batch, highest to lowest)`);
table([...demo.map(id => row(byId.get(id) ?? { id }, "*")), ...shown.map(c => row(c, ""))]);

// 6. What the batch and the workflow did.
// Anonymous health gives status and reasons only; the counts are for Admin.
const health = await call("GET", `${host}/api/health`, { ok: [200, 503], headers: { "x-functions-key": adminKey } });
const pipeline = health.checks?.pipeline ?? {};
const enrollments = (await call("GET", `${emulator}/_emulator/workflows/enrollments`)).results;
const withScore = others.length + demo.filter(id => byId.get(id)?.properties?.ai_lead_score).length;
const rescore = await call("GET", `${host}${batch.statusUri}`, { headers: { "x-functions-key": adminKey } });
const orchestrations = await call("GET", `${host}/api/admin/orchestrations`, { headers: { "x-functions-key": adminKey } });
const byStatus = {};
for (const o of orchestrations) byStatus[`${o.name} ${o.status}`] = (byStatus[`${o.name} ${o.status}`] ?? 0) + 1;
console.log(`==> orchestrations: ${Object.entries(byStatus).map(([k, n]) => `${n} × ${k}`).join(", ")}; batch rescore ${rescore.status}`
  + `${rescore.output ? ` (${rescore.output.enqueued} contacts)` : ""}`);
console.log(`==> the host has scored ${pipeline.scored ?? "?"} and written ${pipeline.written ?? "?"} so far; `
  + `${withScore} of ${portal.objects.contacts.length} contacts have an ai_lead_score in the emulator`);
const workflows = [...new Set(enrollments.map(e => e.workflowId))].join(", ") || "-";
console.log(`==> workflow enrolments (High leads): ${enrollments.length} (workflow ${workflows})`);
