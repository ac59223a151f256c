// An order's refunds: asked with the kind's own fields (a charge and its bill month, or
// only an amount), amounts typed in yuan and sent in fen, once per form (its own
// Idempotency-Key); a refund waiting is approved, rejected or withdrawn in place. The
// page is read again after each, so the timeline shows it too.
// Uses api(), showError(), createsOnce() and postsStep() from kefu.js, toFen() too.
"use strict";

function setupRefundForm(form, error, base) {
  const f = form.elements, rule = document.getElementById("refund-rule");
  const showKind = () => {
    const kind = f.kind.value, charged = kind !== "compensation";
    form.querySelectorAll("[data-for-charge]").forEach((label) => {
      label.hidden = !charged;
      label.querySelector("input").required = charged;
    });
    f.amount_fen.disabled = kind === "double_refund";
    f.amount_fen.required = kind === "compensation";
    f.amount_fen.placeholder = kind === "refund" ? form.dataset.whole : "";
    rule.textContent = kind === "double_refund" ? rule.dataset.double : rule.dataset.limit;
    if (kind === "double_refund") f.amount_fen.value = f.charge_fen.value ? (2 * Number(f.charge_fen.value)).toFixed(2) : "";
  };
  form.dataset.whole = f.amount_fen.placeholder;
  f.kind.addEventListener("change", showKind);
  f.charge_fen.addEventListener("input", showKind);
  showKind();
  createsOnce(form, base, refundAsked, error);
}

function refundAsked(form) {
  const f = form.elements, kind = f.kind.value, body = { kind, reason: f.reason.value.trim() };
  if (kind !== "compensation") {
    body.charge_fen = toFen(f.charge_fen);
    body.bill_month = f.bill_month.value || undefined;
  }
  if (kind !== "double_refund") body.amount_fen = toFen(f.amount_fen);
  return body;
}

function setupRefunds() {
  const card = document.getElementById("refunds");
  if (!card) return;
  const error = document.getElementById("refund-error");
  const base = `/api/v1/work-orders/${card.dataset.order}/refunds`;
  const asking = document.getElementById("refund-form");
  if (asking) setupRefundForm(asking, error, base);
  card.querySelectorAll("form[data-refund-step]").forEach((form) => {
    const id = form.closest("[data-refund]").dataset.refund;
    postsStep(form, `${base}/${id}/${form.dataset.refundStep}`, error);
  });
}

document.addEventListener("DOMContentLoaded", setupRefunds);
