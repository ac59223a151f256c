// The field engineers' page: add an engineer to the roster (its own Idempotency-Key per
// form), make one inactive or active again (If-Match). Uses api(), showError() and
// createsOnce() from kefu.js.
"use strict";

function setupEngineers() {
  const error = document.getElementById("engineer-error");
  const form = document.getElementById("engineer-form");
  if (form) {
    createsOnce(form, "/api/v1/engineers", (f) => {
      const body = { name: f.elements.name.value.trim(), org_unit_id: Number(f.elements.org_unit_id.value) };
      const phone = f.elements.phone.value.trim();
      if (phone) body.phone = phone;
      return body;
    }, error);
  }
  document.querySelectorAll("tr[data-engineer] [data-active]").forEach((button) => {
    button.addEventListener("click", async () => {
      const row = button.closest("tr");
      try {
        await api("PATCH", `/api/v1/engineers/${row.dataset.engineer}`,
          { active: button.dataset.active === "true" }, { "If-Match": `"${row.dataset.version}"` });
        window.location.reload();
      } catch (failure) {
        showError(error, failure, row);
      }
    });
  });
}

document.addEventListener("DOMContentLoaded", setupEngineers);
