"use strict";
// The report pages (Trends, Model, Success metrics): honest charts. Every rate is shown with its count and 95 %
// interval, small tiers carry a caution, axes have titles, and bands differ by pattern as well as colour. Loaded
// before app.js, which hands over its helpers (ui) and mounts these pages; DOM by textContent only, as in app.js.
window.LeadScoringReports = function (ui) {
  const { h, get, table, tile, chart, pct, num } = ui;
  const content = document.getElementById("content");
  const interval = (r) => (r.rate === null || r.rate === undefined ? "no data" : pct(r.low) + " – " + pct(r.high));
  const caution = (r) => (r.caution ? "Caution: " + r.of + " lead(s), under 30 — too few to compare tiers" : "");

  // Patterns so that bands and bars can be told apart without colour (print, colour blindness).
  function pattern(colour, kind) {
    const c = document.createElement("canvas");
    c.width = c.height = 8;
    const g = c.getContext("2d");
    if (!g) return colour;
    g.fillStyle = colour; g.fillRect(0, 0, 8, 8);
    g.strokeStyle = "rgba(255,255,255,0.75)"; g.fillStyle = "rgba(255,255,255,0.75)"; g.lineWidth = 1.5;
    if (kind === 1) { g.beginPath(); g.moveTo(0, 8); g.lineTo(8, 0); g.stroke(); }
    else if (kind === 2) { g.beginPath(); g.arc(4, 4, 1.5, 0, 2 * Math.PI); g.fill(); }
    else if (kind === 3) { g.beginPath(); g.moveTo(0, 4); g.lineTo(8, 4); g.stroke(); }
    else if (kind === 4) { g.beginPath(); g.moveTo(4, 0); g.lineTo(4, 8); g.stroke(); }
    return g.createPattern(c, "repeat") || colour;
  }
  const axis = (text, extra) => Object.assign({ title: { display: true, text } }, extra || {});

  async function success() {
    const s = await get("/api/dashboard/success");
    const tierColours = ["#0a6b2e", "#8a5a00", "#5a6270"];
    const days = (t) => (t.deals === 0 ? "no data" : num(t.medianDays, 1));
    const mean = (t) => (t.deals === 0 ? "no data" : num(t.meanDays, 1));
    const atCreation = s.high.closedAtCreation + s.rest.closedAtCreation;
    content.replaceChildren(
      h("p", {}, "From HubSpot deal history, last " + s.days + " days: " + s.dealsClosedWon + " deal(s) won, " + s.dealsClosedLost + " lost. Tiers are the leads' current priority. Rates show won / leads and a 95 % interval (Wilson)."),
      h("div", { class: "charts" },
        h("section", {}, h("h2", {}, "Lead-to-close rate per priority"),
          chart("Lead-to-close rate with 95 % intervals: " + s.byPriority.map((t) => t.priority + " " + t.won + " of " + t.leads + " (" + interval(t.rate) + ")").join(", "), {
            type: "bar",
            data: { labels: s.byPriority.map((t) => t.priority + " (n = " + t.leads + ")"), datasets: [
              { type: "line", label: "Close rate %", data: s.byPriority.map((t) => (t.rate.rate === null ? null : t.rate.rate * 100)), showLine: false, pointRadius: 6, pointStyle: "rectRot", borderColor: "#1b1f24", backgroundColor: "#1b1f24" },
              { label: "95 % interval", data: s.byPriority.map((t) => (t.rate.rate === null ? null : [t.rate.low * 100, t.rate.high * 100])), backgroundColor: s.byPriority.map((_, i) => pattern(tierColours[i], i + 1)) }] },
            options: { scales: { x: axis("Priority tier (n = leads in the tier)"), y: axis("Leads with a deal won (%)", { min: 0, max: 100 }) } } }),
          table("Lead-to-close per tier", ["Priority", "Leads", "Won", "Rate", "95 % interval", "Note"],
            s.byPriority.map((t) => [t.priority, t.leads, t.won, t.rate.rate === null ? "no data" : pct(t.rate.rate), interval(t.rate), caution(t.rate)]), [1, 2, 3])),
        h("section", {}, h("h2", {}, "Time to close, High versus the rest"),
          table("Days from deal creation to won", ["Group", "Deals", "Median days", "Mean days"],
            [["High", s.high.deals, days(s.high), mean(s.high)], ["Medium and Low", s.rest.deals, days(s.rest), mean(s.rest)]], [1, 2, 3]),
          atCreation > 0 ? h("p", { id: "closed-at-creation" }, atCreation + " won deal(s) were closed the moment they were created (recorded after the fact): they have no sales cycle and are left out, not counted as 0 days.") : null)));
  }

  async function trends() {
    const t = await get("/api/dashboard/trends");
    const bandLabels = ["0–9", "10–19", "20–29", "30–39", "40–49", "50–59", "60–69", "70–79", "80–89", "90–100"];
    // Low (grey-blue) → Medium (amber) → High (green), each band with its own pattern too.
    const colours = ["#9aa5b1", "#7b8794", "#616e7c", "#3e4c59", "#1f2933", "#e3a008", "#b77a00", "#8d5b00", "#2f9e5b", "#0a5c29"];
    const weekLabel = (w) => w.week + (w.partial ? " (so far)" : "");
    const groupTable = (caption, rows) => table(caption, ["Group", "Leads", "Average score", "High share", "Last 7 days", "7 days before"],
      rows.map((g) => [g.name, g.leads, num(g.averageScore, 1), pct(g.highShare), num(g.averageThisWeek, 1), num(g.averageLastWeek, 1)]), [1, 2, 3, 4, 5]);
    const drift = t.drift;
    content.replaceChildren(
      h("div", { class: "tiles" },
        tile("Drift, last 7 days vs the 7 before (PSI)", drift.psi === null ? "—" : num(drift.psi, 3), "psi"),
        tile("Leads scored, last 7 days", drift.thisWeek, "this-week"),
        tile("Leads scored, the 7 days before", drift.lastWeek, "last-week")),
      h("p", { id: "psi-reading" }, "Drift reading: ", h("strong", {}, drift.reading), drift.psi === null ? " — PSI needs at least 3 leads scored in each of the two 7-day periods." : "."),
      h("h2", {}, "Score distribution per ISO week"),
      t.weeks.length === 0 ? h("p", { class: "empty" }, "No lead scored in the last 8 weeks.") :
        chart("Leads per score band, per ISO week: " + t.weeks.map((w) => weekLabel(w) + " " + w.leads + " lead(s)").join(", "), {
          type: "bar",
          data: { labels: t.weeks.map(weekLabel), datasets: bandLabels.map((b, i) => ({ label: "score " + b, data: t.weeks.map((w) => w.bands[i]), backgroundColor: pattern(colours[i], i % 5), borderColor: "#fff", borderWidth: 1 })) },
          options: { scales: { x: axis("ISO week (Monday to Sunday, UTC)", { stacked: true }), y: axis("Leads (latest score that week)", { stacked: true, beginAtZero: true }) },
            plugins: { tooltip: { callbacks: { title: (items) => { const w = t.weeks[items[0].dataIndex]; return weekLabel(w) + ", from Monday " + w.weekStart.slice(0, 10); } } } } } }),
      table("Weekly distribution", ["ISO week", "Monday", "Leads", "Average score"], t.weeks.map((w) => [weekLabel(w), w.weekStart.slice(0, 10), w.leads, num(w.averageScore, 1)]), [2, 3]),
      h("p", {}, "Weeks without a scored lead are left out. A week with fewer than 3 leads shows its count only."),
      h("div", { class: "charts" },
        h("section", {}, h("h2", {}, "By lead source"), groupTable("Leads by source", t.bySource)),
        h("section", {}, h("h2", {}, "By industry"), groupTable("Leads by industry", t.byIndustry))),
      h("p", {}, "Groups of fewer than 3 leads are pooled, and a period's average needs at least 3 of the group's leads, so that no aggregate points at one lead. PSI under 0.1 is stable, 0.1–0.25 a moderate shift, above 0.25 significant."));
  }

  function calibrationChart(version, bins) {
    const top = Math.min(1, Math.ceil((Math.max(0.1, ...bins.map((b) => Math.max(b.high ?? b.predicted, b.observed)))) * 10 + 0.5) / 10);
    return h("section", {}, h("h2", {}, "Calibration of " + version),
      chart("Calibration: observed close rate against predicted probability, " + bins.length + " equal-count bins: " + bins.map((b) => num(b.predicted, 2) + "→" + num(b.observed, 2) + " (n=" + b.count + ")").join(", "), {
        type: "scatter",
        data: { datasets: [
          { label: "Observed (equal-count bins)", data: bins.map((b) => ({ x: b.predicted, y: b.observed, n: b.count })), showLine: true, borderColor: "#0b5cad", backgroundColor: "#0b5cad", pointRadius: 5 },
          { label: "Perfect calibration", data: [{ x: 0, y: 0 }, { x: top, y: top }], showLine: true, borderColor: "#6e7781", borderDash: [6, 4], pointRadius: 0 }] },
        options: { scales: { x: axis("Predicted close probability (bin mean)", { type: "linear", min: 0, max: top }), y: axis("Observed close rate", { min: 0, max: top }) },
          plugins: { tooltip: { callbacks: { label: (item) => (item.raw.n === undefined ? "perfect" : "predicted " + num(item.raw.x, 3) + ", observed " + num(item.raw.y, 3) + ", " + item.raw.n + " rows") } } } } }),
      table("Calibration bins (equal count)", ["Predicted range", "Mean predicted", "Observed", "Rows"],
        bins.map((b) => [b.low === null || b.low === undefined ? "—" : num(b.low, 3) + " – " + num(b.high, 3), num(b.predicted, 3), num(b.observed, 3), b.count]), [1, 2, 3]));
  }

  function liftChart(version, lift) {
    return h("section", {}, h("h2", {}, "Lift by decile of " + version),
      chart("Lift by score decile against the baseline of 1: " + lift.map((l, i) => "D" + (i + 1) + " " + num(l, 2)).join(", "), {
        type: "bar",
        data: { labels: lift.map((_, i) => "D" + (i + 1)), datasets: [
          { type: "line", label: "Baseline: no model (lift 1)", data: lift.map(() => 1), borderColor: "#a40e26", borderDash: [6, 4], pointRadius: 0, fill: false },
          { label: "Lift", data: lift, backgroundColor: pattern("#0b5cad", 1) }] },
        options: { scales: { x: axis("Score decile (D1 = top 10 % by score)"), y: axis("Lift (close rate ÷ overall close rate)", { beginAtZero: true }) } } }));
  }

  async function model() {
    let registry = null;
    try { registry = await get("/api/models"); } catch (e) { if (e.status !== 404) throw e; }
    const inUse = ui.modelInUse(registry);
    if (!registry || !registry.models || registry.models.length === 0) {
      content.replaceChildren(h("p", { class: "empty", id: "no-model" }, "No model trained yet — in use: " + inUse + " (close probability = 1 / (1 + e^−(score − 85) / 10))."));
      return;
    }
    // A skipped run trained no model: it has a run name, no version, and nothing to chart.
    const trained = registry.models.filter((m) => m.version);
    const current = trained.find((m) => m.version === registry.current) || trained[0];
    content.replaceChildren(
      h("p", {}, "Model in use: ", h("strong", { id: "model-in-use" }, inUse), registry.pinnedVersion ? " (pinned to " + registry.pinnedVersion + ")" : ""),
      table("Model versions", ["Version", "Status", "Created", "Rows", "Positives", "AUC", "AUC vs baseline (95 %)", "PR-AUC", "Log loss", "ECE", "Lift@10 %", "Weights fit/eng/out/rec", "Why"],
        registry.models.map((m) => [m.version || "— (no model)", m.status, ui.when(m.createdAt), m.rows, m.positives, num(m.auc, 3), m.aucDifference == null ? "—" : num(m.aucDifference, 3) + " (" + num(m.aucDifferenceLow, 3) + " to " + num(m.aucDifferenceHigh, 3) + ")", num(m.prAuc, 3), num(m.logLoss, 3), num(m.ece, 3), num(m.liftAt10, 2),
          m.weights ? [m.weights.fit, m.weights.engagement, m.weights.outcome, m.weights.recency].map((w) => num(w, 2)).join(" / ") : "—", m.reason || ""]), [3, 4, 5, 7, 8, 9, 10]),
      current ? h("div", { class: "charts" }, calibrationChart(current.version, current.calibration || []), liftChart(current.version, current.liftByDecile || [])) : h("p", { class: "empty" }, "No run has trained a model yet."));
  }

  return { success, trends, model };
};
