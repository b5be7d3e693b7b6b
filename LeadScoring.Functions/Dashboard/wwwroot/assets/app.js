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
    const classify = (kind) => send("POST", "/api/training-records", { contactId: id, features: null, classification: kind, score: s.score })
      .then(() => status.replaceChildren("Saved contact " + id + " as a " + kind + " training record."), (e) => status.replaceChildren(h("span", { class: "error" }, e.message)));
    const status = h("p", { role: "status" });
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
      h("div", { class: "row-actions" },
        h("button", { type: "button", onclick: () => classify("Ideal") }, "Classify as Ideal"),
        h("button", { type: "button", onclick: () => classify("LessIdeal") }, "Classify as Less ideal")),
      status));
  }

  async function trends() {
    const t = await get("/api/dashboard/trends");
    const bandLabels = ["0–9", "10–19", "20–29", "30–39", "40–49", "50–59", "60–69", "70–79", "80–89", "90–100"];
    const colours = ["#8c96a3", "#7a8591", "#67737f", "#55616d", "#3f4b57", "#b07d00", "#966a00", "#7c5700", "#0f7a37", "#0a5c29"];
    const groupTable = (caption, rows) => table(caption, ["Group", "Leads", "Average score", "High share", "This week", "Last week"],
      rows.map((g) => [g.group, g.leads, num(g.averageScore, 1), pct(g.highShare), num(g.averageThisWeek, 1), num(g.averageLastWeek, 1)]), [1, 2, 3, 4, 5]);
    const drift = t.drift;
    content.replaceChildren(
      h("div", { class: "tiles" },
        tile("Drift vs last week (PSI)", drift.psi === null ? "—" : num(drift.psi, 3), "psi"),
        tile("Leads scored this week", drift.thisWeek, "this-week"),
        tile("Leads scored last week", drift.lastWeek, "last-week")),
      h("p", { id: "psi-reading" }, "Drift reading: ", h("strong", {}, drift.reading), drift.psi === null ? " — PSI needs scores both this week and last week." : "."),
      h("h2", {}, "Score distribution per week"),
      chart("Leads per score band, per week", {
        type: "bar",
        data: { labels: t.weeks.map((w) => w.weekStart.slice(0, 10)), datasets: bandLabels.map((b, i) => ({ label: b, data: t.weeks.map((w) => w.bands[i]), backgroundColor: colours[i] })) },
        options: { scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: "leads" } } } } }),
      table("Weekly distribution", ["Week from", "Leads", "Average score"], t.weeks.map((w) => [w.weekStart.slice(0, 10), w.leads, num(w.averageScore, 1)]), [1, 2]),
      h("div", { class: "charts" },
        h("section", {}, h("h2", {}, "By lead source"), groupTable("Leads by source", t.bySource)),
        h("section", {}, h("h2", {}, "By industry"), groupTable("Leads by industry", t.byIndustry))),
      h("p", {}, "Groups of fewer than 3 leads are pooled, and a week's average needs at least 3 of the group's leads, so that no aggregate points at one lead. PSI under 0.1 is stable, 0.1–0.25 a moderate shift, above 0.25 significant."));
  }

  async function model() {
    let registry = null;
    try { registry = await get("/api/models"); } catch (e) { if (e.status !== 404) throw e; }
    if (!registry || !registry.models || registry.models.length === 0) {
      content.replaceChildren(h("p", { class: "empty", id: "no-model" }, "No model trained yet — the documented prior is in use (close probability = 1 / (1 + e^−(score − 85) / 10))."));
      return;
    }
    const current = registry.models.find((m) => m.version === registry.current) || registry.models[0];
    content.replaceChildren(
      h("p", {}, "In use: ", h("strong", {}, registry.current || "none (prior)"), registry.pinnedVersion ? " (pinned to " + registry.pinnedVersion + ")" : ""),
      table("Model versions", ["Version", "Status", "Created", "Rows", "Positives", "AUC", "PR-AUC", "Log loss", "ECE", "Lift@10 %", "Weights fit/eng/out/rec", "Why"],
        registry.models.map((m) => [m.version, m.status, when(m.createdAt), m.rows, m.positives, num(m.auc, 3), num(m.prAuc, 3), num(m.logLoss, 3), num(m.ece, 3), num(m.liftAt10, 2),
          m.weights ? [m.weights.fit, m.weights.engagement, m.weights.outcome, m.weights.recency].map((w) => num(w, 2)).join(" / ") : "—", m.reason || ""]), [3, 4, 5, 6, 7, 8, 9]),
      h("div", { class: "charts" },
        h("section", {}, h("h2", {}, "Calibration of " + current.version),
          chart("Calibration: predicted versus observed close rate", { type: "line", data: { labels: (current.calibration || []).map((c) => num(c.predicted, 2)),
            datasets: [{ label: "Observed", data: (current.calibration || []).map((c) => c.observed), borderColor: "#0b5cad" }, { label: "Perfect", data: (current.calibration || []).map((c) => c.predicted), borderColor: "#8c96a3", borderDash: [4, 4] }] } })),
        h("section", {}, h("h2", {}, "Lift by decile of " + current.version),
          chart("Lift by score decile", { type: "bar", data: { labels: (current.liftByDecile || []).map((_, i) => "D" + (i + 1)), datasets: [{ label: "Lift", data: current.liftByDecile || [], backgroundColor: "#0b5cad" }] } }))));
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

  async function success() {
    const s = await get("/api/dashboard/success");
    content.replaceChildren(
      h("p", {}, "From HubSpot deal history, last " + s.days + " days: " + s.dealsClosedWon + " deal(s) won, " + s.dealsClosedLost + " lost. Tiers are the leads' current priority."),
      h("div", { class: "charts" },
        h("section", {}, h("h2", {}, "Lead-to-close rate per priority"),
          chart("Lead-to-close rate: " + s.byPriority.map((t) => t.priority + " " + pct(t.rate)).join(", "), { type: "bar",
            data: { labels: s.byPriority.map((t) => t.priority), datasets: [{ label: "Close rate %", data: s.byPriority.map((t) => t.rate * 100), backgroundColor: ["#0a6b2e", "#8a5a00", "#5a6270"] }] } }),
          table("Lead-to-close per tier", ["Priority", "Leads", "Won", "Rate"], s.byPriority.map((t) => [t.priority, t.leads, t.won, pct(t.rate)]), [1, 2, 3])),
        h("section", {}, h("h2", {}, "Time to close, High versus the rest"),
          table("Days from deal creation to won", ["Group", "Deals", "Median days", "Mean days"],
            [["High", s.high.deals, num(s.high.medianDays, 1), num(s.high.meanDays, 1)], ["Medium and Low", s.rest.deals, num(s.rest.medianDays, 1), num(s.rest.meanDays, 1)]], [1, 2, 3]))));
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

  const pages = { leads, trends, model, operations, success, training };
  document.getElementById("sign-out").addEventListener("click", async () => { await fetch("/api/auth/sign-out", { method: "POST", credentials: "same-origin" }); location.href = "/sign-in"; });
  get("/api/auth/me").then(async (me) => {
    document.getElementById("who").textContent = "Signed in as " + me.role;
    document.getElementById("nav").replaceChildren(...me.pages.map((p) => h("li", {}, h("a", { href: "/" + p.path, "aria-current": p.path === page ? "page" : null }, p.title))));
    try { await pages[page](me); document.body.dataset.ready = "true"; } catch (e) { fail(e); document.body.dataset.ready = "error"; }
    if (page === "operations") setInterval(() => operations().catch(fail), 5000);
  }).catch(fail);
})();
