"use strict";
// The dashboard: one small script, no framework. Every number comes from a role-gated API; the menu only mirrors
// what the server allows. DOM is built with textContent (never innerHTML), so no value can inject markup.
(function () {
  const page = document.body.dataset.page;
  const content = document.getElementById("content");

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v); else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
    return el;
  }
  const pct = (x) => (x === null || x === undefined ? "—" : (x * 100).toFixed(1) + " %");
  const num = (x, d = 0) => (x === null || x === undefined ? "—" : Number(x).toFixed(d));
  const when = (t) => (t ? new Date(t).toISOString().replace("T", " ").slice(0, 19) + " UTC" : "never");

  async function get(url) {
    const r = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" });
    if (r.status === 401) { location.href = "/sign-in"; throw new Error("signed out"); }
    if (!r.ok) { const p = await r.json().catch(() => ({})); const e = new Error(p.detail || p.title || r.statusText); e.status = r.status; throw e; }
    return r.status === 204 ? null : r.json();
  }
  async function send(method, url, body) {
    const r = await fetch(url, { method, credentials: "same-origin", headers: body ? { "content-type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
    if (!r.ok) { const p = await r.json().catch(() => ({})); throw new Error(p.detail || p.title || r.statusText); }
    return r.status === 204 ? null : r.json().catch(() => null);
  }
  function table(caption, headers, rows, numeric = []) {
    return h("table", {}, h("caption", {}, caption),
      h("thead", {}, h("tr", {}, headers.map((t, i) => h("th", { scope: "col", class: numeric.includes(i) ? "num" : null }, t)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c, i) => h("td", { class: numeric.includes(i) ? "num" : null }, c))))));
  }
  function tile(label, value, id) { return h("div", { class: "tile", "data-metric": id }, h("span", { class: "value" }, value), h("span", { class: "label" }, label)); }
  function chart(label, config) {
    const canvas = h("canvas", { role: "img", "aria-label": label });
    const box = h("div", { class: "chart" }, canvas);
    if (window.Chart) { config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {}); new window.Chart(canvas, config); }
    return box;
  }
  const priority = (p) => h("span", { class: "priority-" + p }, p);
  function fail(e) { content.replaceChildren(h("p", { class: "error", role: "alert" }, "Could not load: " + e.message)); }

  // The Leads page lives in leads.js (the Manager's list and the Rep's call queue); the detail is showLead below.
  const leads = (me) => window.LeadScoringLeads.render(me, { h, get, send, table, chart, num, when, priority, content, showLead, fail });
  async function showLead(id, box) {
    const d = await get("/api/dashboard/leads/" + encodeURIComponent(id));
    const s = d.latest;
    const comps = s.components || {};
    const neighbours = (s.similarity && s.similarity.neighbours) || [];
    box.replaceChildren(h("div", { class: "detail" },
      h("h2", {}, "Contact " + id + ": " + s.score + " (" + s.priority + "), " + s.nextBestAction),
      h("p", {}, s.nextBestActionReason),
      table("Components", ["Component", "Score", "Weight"], ["fit", "engagement", "outcome", "recency"].map((c) => [c, num(comps[c] && comps[c].score, 1), num(s.weights && s.weights[c], 2)]), [1, 2]),
      table("Top reasons", ["Impact (points)", "Reason"], (s.topReasons || []).map((r) => [num(r.impact, 1), r.text]), [0]),
      neighbours.length ? table("Look-alike training records", ["Record", "Classification", "Score", "Similarity"], neighbours.map((n) => [n.id, n.classification, n.score, num(n.similarity, 2)]), [2, 3])
        : h("p", {}, "No look-alike training records."),
      h("h2", {}, "Score history"),
      chart("Score history of contact " + id + ": " + d.history.map((p) => p.score).join(", "), {
        type: "line", data: { labels: d.history.map((p) => when(p.scoredAt).slice(5, 16)), datasets: [{ label: "Score", data: d.history.map((p) => p.score), borderColor: "#0b5cad" }] },
        options: { scales: { y: { min: 0, max: 100 } } } }),
      window.LeadScoringClassify(ui, id, s.score)));
  }

  async function operations() {
    const [o, health] = await Promise.all([get("/api/ops"), fetch("/api/health").then((r) => r.json())]);
    const hs = o.hubSpot;
    content.replaceChildren(
      h("p", {}, "Health: ", h("strong", { class: "status-" + health.status, id: "health-status" }, health.status), " — ", health.reason),
      h("div", { class: "tiles" },
        tile("Webhook events received", o.webhooks.received, "webhooks-received"),
        tile("Duplicates dropped", o.webhooks.duplicates, "webhooks-duplicates"),
        tile("Rejected (signature/body)", o.webhooks.rejected, "webhooks-rejected"),
        tile("Webhook events / min", num(o.webhookEventsPerMinute, 1), "webhooks-rate"),
        tile("Leads scored", o.leadsScored, "leads-scored"),
        tile("Leads scored / min", num(o.leadsScoredPerMinute, 1), "scored-rate"),
        tile("Batch runs (failed)", o.batchRuns + " (" + o.batchRunsFailed + ")", "batch-runs"),
        tile("Queue depth", o.queueDepth, "queue-depth"),
        tile("Poison messages", o.poisonQueueDepth, "poison"),
        tile("HubSpot error rate", pct(hs.errorRate), "error-rate"),
        tile("HubSpot 429 rate", pct(hs.rateLimitedRate), "rate-limited"),
        tile("Fallback rate", pct(o.fallbackRate), "fallback-rate"),
        tile("Scoring batch p50 / p95 ms", num(o.scoringBatchP50Ms) + " / " + num(o.scoringBatchP95Ms), "scoring-latency"),
        tile("Model in use", o.modelVersion, "model")),
      h("p", {}, "HubSpot over the last " + o.window + ": " + hs.calls + " call(s), " + hs.errors + " failed, " + hs.rateLimited + " rate-limited. Last success " + when(hs.lastSuccessAt) + "; last failure " + when(hs.lastFailureAt) + (hs.lastFailure ? " (" + hs.lastFailure + ")" : "") + "."),
      o.hubSpotOperations.length === 0 ? h("p", { class: "empty" }, "No HubSpot calls in the last 15 minutes.") :
        table("HubSpot endpoints, last 15 minutes", ["Operation", "Calls", "Errors", "429s", "p50 ms", "p95 ms", "By status"],
          o.hubSpotOperations.map((op) => [op.operation, op.calls, op.errors, op.rateLimited, num(op.p50Ms), num(op.p95Ms), Object.entries(op.byStatus).map(([k, v]) => k + ": " + v).join(", ")]), [1, 2, 3, 4, 5]),
      h("h2", {}, "Recent admin alerts"),
      o.recentAlerts.length === 0 ? h("p", {}, "None since start.") :
        table("Alerts sent", ["When", "Kind", "What", "Held back before"], o.recentAlerts.map((a) => [when(a.at), a.kind, a.text, a.suppressed]), [3]));
  }

  async function training() {
    const filter = h("select", { id: "classification" }, h("option", { value: "" }, "All"), h("option", { value: "Ideal" }, "Ideal"), h("option", { value: "LessIdeal" }, "Less ideal"));
    const list = h("div");
    async function load() {
      const q = filter.value ? "?classification=" + filter.value : "";
      const p = await get("/api/training-records" + q);
      list.replaceChildren(p.records.length === 0 ? h("p", { class: "empty" }, "No training records. Classify a lead from the Leads page, or import a CSV with POST /api/training-records/import.") :
        table("Training records", ["Record", "Contact", "Classification", "Score", "Attributes", "Created", ""], p.records.map((r) => [r.id, r.contactId || "—", r.classification, r.score, (r.attributes || []).join(", "), when(r.createdAt),
          h("button", { type: "button", "aria-label": "Delete training record " + r.id, onclick: async () => { if (confirm("Delete training record " + r.id + "?")) { await send("DELETE", "/api/training-records/" + r.id); load(); } } }, "Delete")]), [3]));
    }
    filter.addEventListener("change", load);
    content.replaceChildren(h("label", { for: "classification" }, "Show"), filter, list);
    await load();
  }

  // The report pages live in reports.js (and the classify dialog in classify.js); they get the helpers above.
  const ui = { h, get, send, table, tile, chart, pct, num, when, modelInUse: (registry) => (registry && registry.inUse) || "the rules and the documented prior" };
  const pages = Object.assign({ leads, operations, training }, window.LeadScoringReports(ui));
  document.getElementById("sign-out").addEventListener("click", async () => { await fetch("/api/auth/sign-out", { method: "POST", credentials: "same-origin" }); location.href = "/sign-in"; });
  get("/api/auth/me").then(async (me) => {
    document.getElementById("who").textContent = "Signed in as " + me.role;
    document.getElementById("nav").replaceChildren(...me.pages.map((p) => h("li", {}, h("a", { href: "/" + p.path, "aria-current": p.path === page ? "page" : null }, p.title))));
    try { await pages[page](me); document.body.dataset.ready = "true"; } catch (e) { fail(e); document.body.dataset.ready = "error"; }
    if (page === "operations") setInterval(() => operations().catch(fail), 5000);
  }).catch(fail);
})();
