"use strict";
// The classify dialog of a lead's detail: classification, the manager's score, the attributes that mattered and a
// note, saved as the contact's one training record (classifying again replaces it) with an Undo. Uses app.js's ui.
window.LeadScoringClassify = function (ui, contactId, score) {
  const { h, send } = ui;
  const attributes = ["industry", "company_size", "revenue", "geography", "lead_source", "lifecycle_stage", "email_engagement", "meetings", "calls",
    "recency", "deal_history", "deal_size", "sales_cycle", "budget", "authority", "need", "timeline", "champion", "competition"];
  const key = "classify-" + contactId;
  const status = h("p", { role: "status", id: key + "-status" });
  const scoreInput = h("input", { type: "number", id: key + "-score", name: "score", min: "0", max: "100", step: "1", required: true, value: String(score) });
  const note = h("textarea", { id: key + "-note", name: "notes", rows: "3", maxlength: "2000" });
  const kinds = [["Ideal", "Ideal"], ["LessIdeal", "Less ideal"]].map(([value, label], i) =>
    h("label", { class: "inline" }, h("input", { type: "radio", name: "classification", value, checked: i === 0 }), " " + label));
  const boxes = attributes.map((a) => h("label", { class: "inline" }, h("input", { type: "checkbox", name: "attributes", value: a }), " " + a.replace(/_/g, " ")));
  const form = h("form", { method: "dialog", class: "classify" },
    h("h2", { id: key + "-title" }, "Classify contact " + contactId),
    h("fieldset", {}, h("legend", {}, "Classification"), kinds),
    h("label", { for: key + "-score" }, "Your score (0–100)"), scoreInput,
    h("fieldset", {}, h("legend", {}, "Attributes that mattered"), h("div", { class: "attribute-grid" }, boxes)),
    h("label", { for: key + "-note" }, "Note (emails and phone numbers are removed; write no names)"), note,
    h("div", { class: "row-actions" },
      h("button", { type: "submit", class: "primary", value: "save" }, "Save training record"),
      h("button", { type: "button", onclick: () => dialog.close() }, "Cancel")));
  const dialog = h("dialog", { "aria-labelledby": key + "-title", id: key + "-dialog" }, form);

  async function undo() {
    try {
      const restored = await send("POST", "/api/training-records/c" + encodeURIComponent(contactId) + "/undo");
      status.replaceChildren(restored ? "Undone: contact " + contactId + " is back to " + restored.classification + " (" + restored.score + ")." : "Undone: contact " + contactId + " has no training record now.");
    } catch (e) { status.replaceChildren(h("span", { class: "error" }, e.message)); }
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = Number(scoreInput.value);
    if (!Number.isInteger(value) || value < 0 || value > 100) { status.replaceChildren(h("span", { class: "error" }, "The score must be a whole number 0–100.")); return; }
    const body = {
      contactId, classification: form.querySelector("input[name=classification]:checked").value, score: value,
      attributes: [...form.querySelectorAll("input[name=attributes]:checked")].map((b) => b.value), notes: note.value.trim() || null,
    };
    dialog.close();
    try {
      const saved = await send("POST", "/api/training-records", body);
      status.replaceChildren("Saved contact " + contactId + " as " + saved.classification + " (" + saved.score + "), record " + saved.id + ". ",
        h("button", { type: "button", onclick: undo }, "Undo"));
    } catch (e) { status.replaceChildren(h("span", { class: "error" }, e.message)); }
  });
  return h("div", { class: "classify-box" },
    h("div", { class: "row-actions" }, h("button", { type: "button", id: key + "-open", onclick: () => dialog.showModal() }, "Classify…")),
    dialog, status);
};
