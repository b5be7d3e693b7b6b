"use strict";
// The Leads page: the Manager's server-side paged, filtered list with the lead detail in a side panel beside it, and
// the Rep's call queue (no number, ever). Kept apart from app.js, which calls window.LeadScoringLeads.render(me, ui)
// with its helpers (h, get, send, table, chart, num, when, priority, content).
window.LeadScoringLeads = (function () {
  const stages = { marketingqualifiedlead: "Marketing qualified lead", salesqualifiedlead: "Sales qualified lead" };
  const codeLabel = (c) => (c ? stages[c] || c.toLowerCase().replace(/_/g, " ").replace(/^\w/, (x) => x.toUpperCase()) : "—");

  // Pages are keyset tokens from the server; going back re-asks with the token the previous page was asked with.
  function pager(ui, load) {
    const tokens = [null];
    let next = null;
    const label = ui.h("span", { class: "page-label", id: "page-label" }, "Page 1");
    const prev = ui.h("button", { type: "button", id: "page-prev", disabled: true, onclick: () => { tokens.pop(); go(); } }, "Previous page");
    const nextButton = ui.h("button", { type: "button", id: "page-next", disabled: true, onclick: () => { tokens.push(next); go(); } }, "Next page");
    async function go() {
      const page = await load(tokens[tokens.length - 1]);
      next = page.nextPageToken;
      label.textContent = "Page " + tokens.length;
      prev.disabled = tokens.length === 1;
      nextButton.disabled = !next;
    }
    return { box: ui.h("nav", { class: "pager", "aria-label": "Pages" }, prev, label, nextButton), go, reset: () => { tokens.length = 1; return go(); } };
  }

  function field(ui, id, label, control) { return ui.h("div", { class: "field" }, ui.h("label", { for: id }, label), control); }
  function select(ui, id, options) { return ui.h("select", { id, name: id }, ui.h("option", { value: "" }, "Any"), options.map((o) => ui.h("option", { value: o }, o))); }
  function input(ui, id, attrs) { return ui.h("input", Object.assign({ id, name: id, type: "text", autocomplete: "off" }, attrs || {})); }
  function query(form, token) {
    const q = new URLSearchParams();
    for (const el of form.querySelectorAll("input, select")) {
      if (el.type === "checkbox") { if (el.checked) q.set(el.name, "true"); } else if (el.value.trim()) q.set(el.name, el.value.trim());
    }
    if (token) q.set("pageToken", token);
    return q.toString();
  }

  async function managerList(me, ui) {
    const h = ui.h;
    const form = h("form", { class: "filters", id: "lead-filters", "aria-label": "Filter leads" },
      field(ui, "contactId", "Contact id", input(ui, "contactId", { inputmode: "numeric", placeholder: "e.g. 1042" })),
      field(ui, "priority", "Priority", select(ui, "priority", ["High", "Medium", "Low"])),
      field(ui, "nextAction", "Next action", select(ui, "nextAction", ["Close", "Follow-up", "Nurture"])),
      field(ui, "source", "Lead source", input(ui, "source", { placeholder: "ORGANIC_SEARCH" })),
      field(ui, "industry", "Industry", input(ui, "industry", { placeholder: "COMPUTER_SOFTWARE" })),
      field(ui, "stage", "Lifecycle stage", input(ui, "stage", { placeholder: "salesqualifiedlead" })),
      field(ui, "owner", "Owner id", input(ui, "owner", { inputmode: "numeric" })),
      field(ui, "changedSince", "Changed since", h("input", { id: "changedSince", name: "changedSince", type: "date" })),
      h("div", { class: "field actions" }, h("button", { type: "submit", class: "primary" }, "Apply"), h("button", { type: "reset" }, "Clear")));
    const status = h("p", { id: "list-status", role: "status" });
    const list = h("div", { id: "lead-list" });
    const detail = h("aside", { class: "side-panel", id: "lead-detail", "aria-label": "Lead detail", hidden: true });
    const pages = pager(ui, async (token) => {
      const page = await ui.get("/api/dashboard/leads?" + query(form, token));
      status.textContent = page.leads.length === 0 ? "No scored lead matches." : "Highest score first. Choose a lead to see why it scored so.";
      list.replaceChildren(page.leads.length === 0 ? h("p", { class: "empty" }, "No lead to show.") :
        ui.table("Scored leads", ["Contact", "Score", "Priority", "Close %", "Next action", "Source", "Industry", "Stage", "Owner", "Top reason", ""],
          page.leads.map((r) => [r.contactId, r.score, ui.priority(r.priority), r.closeProbability + " %", r.nextBestAction, codeLabel(r.leadSource), codeLabel(r.industry),
            codeLabel(r.lifecycleStage), r.ownerId || "—", r.topReason || "—",
            h("button", { type: "button", "aria-label": "Details of contact " + r.contactId, "data-contact": r.contactId, onclick: (e) => open(r.contactId, e.currentTarget) }, "Details")]), [1, 3]));
      return page;
    });
    async function open(id, button) {
      for (const row of list.querySelectorAll("tr.selected")) row.classList.remove("selected");
      button.closest("tr").classList.add("selected");
      detail.hidden = false;
      detail.replaceChildren(h("p", {}, "Loading contact " + id + "…"));
      await ui.showLead(id, detail);
      detail.prepend(h("button", { type: "button", class: "close", "aria-label": "Close lead detail", onclick: () => { detail.hidden = true; button.focus(); } }, "Close"));
      detail.dataset.contact = id;
    }
    form.addEventListener("submit", (e) => { e.preventDefault(); pages.reset().catch(ui.fail); });
    form.addEventListener("reset", () => setTimeout(() => pages.reset().catch(ui.fail), 0));
    ui.content.replaceChildren(form, status, h("div", { class: "leads-layout" }, h("div", { class: "leads-main" }, list, pages.box), detail));
    await pages.go();
  }

  async function callQueue(me, ui) {
    const h = ui.h;
    const mine = h("input", { id: "mine", name: "mine", type: "checkbox" });
    const form = h("form", { class: "filters", id: "queue-filters", "aria-label": "Filter the call queue" },
      field(ui, "priority", "Priority", select(ui, "priority", ["High", "Medium", "Low"])),
      field(ui, "nextAction", "Next action", select(ui, "nextAction", ["Close", "Follow-up", "Nurture"])),
      h("div", { class: "field check" }, mine, h("label", { for: "mine" }, "My leads only")),
      h("div", { class: "field actions" }, h("button", { type: "submit", class: "primary" }, "Apply")));
    const note = h("p", { id: "queue-note" });
    const list = h("div", { id: "call-queue" });
    const pages = pager(ui, async (token) => {
      const page = await ui.get("/api/dashboard/queue?" + query(form, token));
      mine.disabled = !page.ownerKnown;
      note.textContent = "Whom to call first: High priority first, the strongest leads of each priority on top. Customers are left out." +
        (page.ownerKnown ? "" : " My leads needs your HubSpot owner: ask an admin to map your key (LEAD_SCORE_KEY_OWNERS).");
      list.replaceChildren(page.leads.length === 0 ? h("p", { class: "empty" }, "No lead to call.") :
        ui.table("Call queue", ["Priority", "Contact", "Next action", "Why", "Missing", "Since yesterday"],
          page.leads.map((r) => [ui.priority(r.priority),
            r.hubSpotUrl ? h("a", { href: r.hubSpotUrl, target: "_blank", rel: "noopener", "aria-label": "Open contact " + r.contactId + " in HubSpot" }, "Contact " + r.contactId) : "Contact " + r.contactId,
            r.nextBestAction, r.why, r.missing.length ? r.missing.join("; ") : "—", r.changedSinceYesterday ? (r.change || "Changed") : "—"])));
      for (const [i, tr] of Array.from(list.querySelectorAll("tbody tr")).entries()) if (page.leads[i].mine) tr.classList.add("mine");
      return page;
    });
    form.addEventListener("submit", (e) => { e.preventDefault(); pages.reset().catch(ui.fail); });
    ui.content.replaceChildren(note, form, list, pages.box);
    await pages.go();
  }

  return { render: (me, ui) => (me.role === "Rep" ? callQueue(me, ui) : managerList(me, ui)) };
})();
