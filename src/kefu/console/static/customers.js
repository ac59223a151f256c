// Correcting a customer's record (customers/edit.html). Only what changed is sent, with
// If-Match and the reason, so the record's history names each change; a field the API
// refuses is marked. A masked field starts empty: left so, it is kept as it is.
"use strict";

function setupCustomerForm() {
  const form = document.getElementById("customer-form");
  if (!form) return;
  const words = {};
  document.getElementById("customer-words")?.content.querySelectorAll("[data-word]")
    .forEach((span) => { words[span.dataset.word] = span.textContent; });
  const error = document.getElementById("customer-error");
  const kind = form.elements.id_kind, country = form.querySelector(".id-country");
  // A passport is kept with its issuing country; other documents carry none to be typed.
  // A document becoming a passport is asked for its issuer: a permanent residence card's
  // nationality is not taken for it (the server does not either).
  const showCountry = () => { country.hidden = kind.value !== "passport"; };
  kind.addEventListener("change", () => {
    if (kind.value === "passport" && kind.dataset.initial !== "passport") form.elements.id_country.value = "";
    showCountry();
  });
  showCountry();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reason = form.elements.reason.value.trim();
    const changes = changedFields(form);
    if (!Object.keys(changes).length) return showError(error, words.unchanged);
    if (reason.length < 2) {
      showError(error, { message: words.reason, data: { error: { field: "reason" } } });
      return;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await api("PATCH", `/api/v1/customers/${form.dataset.id}`, { ...changes, reason },
        { "If-Match": `"${form.dataset.version}"` });
      toast(words.saved);
      setTimeout(() => window.location.assign(`/customers/${form.dataset.id}`), 600);
    } catch (failure) {
      showError(error, failure);
      button.disabled = false;
    }
  });
}

// The fields whose value differs from the one the page started with (data-initial). An
// emptied field that may be empty is cleared (null); the document goes with its kind.
function changedFields(form) {
  const changes = {};
  for (const field of form.querySelectorAll("[data-initial]")) {
    const value = field.type === "checkbox" ? (field.checked ? "on" : "") : field.value.trim();
    if (value === field.dataset.initial) continue;
    if (field.type === "checkbox") changes[field.name] = field.checked;
    else changes[field.name] = value || (CLEARABLE.has(field.name) ? null : "");
  }
  const documentChanged = ["id_number", "id_kind", "id_country"].some((name) => name in changes);
  if (documentChanged) {
    const kind = form.elements.id_kind.value, issuer = form.elements.id_country.value.trim();
    if (kind) changes.id_kind = kind; else delete changes.id_kind;
    if (kind === "passport" && issuer) changes.id_country = issuer;
    else delete changes.id_country;
  }
  return changes;
}

const CLEARABLE = new Set(["id_number", "email"]);

document.addEventListener("DOMContentLoaded", setupCustomerForm);
