// The notices page: write a draft (its times read on the center's clock), send it once
// after a confirmation naming its reach, call it off with a reason. Every change goes
// through /api/v1/notices (api(), showError(), centerInstant() from kefu.js).
"use strict";

function setupNotices() {
  const form = document.getElementById("notice-form");
  if (form) {
    createsOnce(form, "/api/v1/notices", (f) => ({
      kind: f.elements.kind.value,
      title: f.elements.title.value.trim(),
      title_en: f.elements.title_en.value.trim(),
      body: f.elements.body.value.trim(),
      body_en: f.elements.body_en.value.trim(),
      org_unit_id: Number(f.elements.org_unit_id.value),
      audience: f.elements.audience.value,
      starts_at: centerInstant(f.elements.starts_at.value),
      ends_at: centerInstant(f.elements.ends_at.value),
    }), document.getElementById("notice-error"));
  }
  document.querySelectorAll("tr[data-notice]").forEach((row) => {
    const error = row.querySelector(".form-error");
    const post = async (action, body) => {
      try {
        await api("POST", `/api/v1/notices/${row.dataset.notice}/${action}`, body,
          { "If-Match": `"${row.dataset.version}"` });
        window.location.reload();
      } catch (failure) {
        showError(error, failure, row);
      }
    };
    row.querySelector('[data-action="send"]')?.addEventListener("click", (event) => {
      if (window.confirm(event.currentTarget.dataset.confirm)) post("send");
    });
    row.querySelector('form[data-action="cancel"]')?.addEventListener("submit", (event) => {
      event.preventDefault();
      post("cancel", { reason: event.currentTarget.elements.reason.value.trim() });
    });
  });
}

document.addEventListener("DOMContentLoaded", setupNotices);
