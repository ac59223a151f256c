// The notices page: write a draft (its times read on the center's clock), send it once
// after a confirmation naming its reach, call it off with a reason. Every change goes
// through /api/v1/notices (api(), showError() from kefu.js).
"use strict";

// "2026-12-09T01:00" typed on the center's clock as the instant it names (the zone on
// <html data-zone>, not the browser's), as ISO text in UTC.
function centerInstant(local) {
  if (!local) return "";
  const zone = document.documentElement.dataset.zone || "Asia/Shanghai";
  const asUtc = Date.parse(`${local}:00Z`);
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {
    timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(asUtc)).map((p) => [p.type, p.value]));
  const wall = Date.parse(`${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}Z`);
  return new Date(asUtc - (wall - asUtc)).toISOString();
}

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
