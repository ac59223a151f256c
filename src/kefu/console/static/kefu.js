// kefu console behaviour: sign-in, unmask dialog, staff form, row links, sign-out.
// Every write goes through the JSON API with the CSRF token from the page.
"use strict";

const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || "";

async function api(method, url, body, extraHeaders = {}) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(), ...extraHeaders },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const message = data?.error?.message || response.statusText;
    throw Object.assign(new Error(message), { status: response.status, data });
  }
  return data;
}

// POSTs one file as multipart ``file`` (with any more form fields); a refusal throws as
// api() does, so showError() can name the field.
async function sendFile(url, file, fields = {}, extraHeaders = {}) {
  const form = new FormData();
  form.append("file", file);
  Object.entries(fields).forEach(([name, value]) => form.append(name, value));
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRF-Token": csrf(), ...extraHeaders },
    body: form,
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw Object.assign(new Error(data?.error?.message || response.statusText), { status: response.status, data });
  }
  return data;
}

// POSTs to an export endpoint and saves the file it answers (named by the server); a
// refusal throws as api() does, so showError() can name the field.
async function download(url, body, fallbackName) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const data = await response.json().catch(() => null);
    throw Object.assign(new Error(data?.error?.message || response.statusText), { status: response.status, data });
  }
  const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = named?.[1] || fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// A stored instant as the center's clock reads it ("2026-12-03 07:18:45"), in the zone on
// <html data-zone> as the server writes its pages, not the browser's: a laptop set to
// another zone listed a 07:18 call of the 3rd under the day it was opened for as
// "2026/12/2 23:18:45".
function centerTime(instant, { seconds = true } = {}) {
  const format = new Intl.DateTimeFormat("en-CA", {
    timeZone: document.documentElement.dataset.zone || undefined,
    year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: seconds ? "2-digit" : undefined,
    hourCycle: "h23",
  });
  const part = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const time = `${part.hour}:${part.minute}${seconds ? `:${part.second}` : ""}`;
  return `${part.year}-${part.month}-${part.day} ${time}`;
}

// The words a page's <template id=…> holds for its script, in the page's language, as
// word(key, {param}) with {param} filled in (the key itself when the template lacks it).
function templateWords(id) {
  const words = {};
  document.getElementById(id)?.content.querySelectorAll("[data-word]").forEach((span) => {
    words[span.dataset.word] = span.textContent;
  });
  return (key, params = {}) =>
    (words[key] ?? key).replace(/\{(\w+)\}/g, (_m, name) => String(params[name] ?? ""));
}

// Shows a refusal (a message, or the error api() threw) in an error line. When the API
// names a field of the line's form (or of `scope`, for fields outside any form, such as a
// table row), the field is marked and focused, and the message names it by its label
// ("“正文”不能为空"), not by the API's name for it ("“body”").
function showError(element, problem, scope = element.closest("form")) {
  (scope?.closest("form, table") || scope)?.querySelectorAll('[aria-invalid="true"]')
    .forEach((f) => f.removeAttribute("aria-invalid"));
  let message = typeof problem === "string" ? problem : problem?.message || "";
  const name = typeof problem === "string" ? null : problem?.data?.error?.field;
  const field = name && scope ? namedField(scope, name) || namedField(scope, name.split(".").pop()) : null;
  if (field instanceof HTMLElement) {
    const label = fieldLabel(field);
    if (label) message = message.replaceAll(`“${name}”`, `“${label}”`);
    field.setAttribute("aria-invalid", "true");
    field.addEventListener("input", () => field.removeAttribute("aria-invalid"), { once: true });
    field.focus();
  }
  element.textContent = message;
  element.hidden = !message;
}

// The field the API calls `name`: a form's element of that name, or, outside a form, an
// input named so or standing for it (data-field, where the page shows another unit).
function namedField(scope, name) {
  if (scope instanceof HTMLFormElement) return scope.elements[name];
  return scope.querySelector(`[name="${CSS.escape(name)}"], [data-field="${CSS.escape(name)}"]`);
}

// A field's label as the form shows it: the label's own words, without its inputs' text.
function fieldLabel(field) {
  const label = field.closest("label") || field.labels?.[0];
  const words = label
    ? [...label.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join("")
    : field.getAttribute("aria-label") || "";
  return words.trim();
}

// A card's small form of one step (approve, reject, withdraw, a visit made …): its filled
// fields are POSTed to url, then the page is read again; a refusal is shown in error,
// at its field.
function postsStep(form, url, error) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    for (const field of form.elements) {
      if (field.name && field.value.trim()) body[field.name] = field.value.trim();
    }
    try {
      await api("POST", url, body);
      window.location.reload();
    } catch (failure) {
      showError(error, failure, form);
    }
  });
}

// A card's form that makes something (a visit, a refund, a compensation): bodyOf(form)
// POSTed to url with the form's own Idempotency-Key, so a double click or a retry makes
// it once; then the page is read again, or a refusal shown in error at its field.
function createsOnce(form, url, bodyOf, error) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    form.dataset.key ||= crypto.randomUUID ? crypto.randomUUID() : String(Date.now());
    try {
      await api("POST", url, bodyOf(form), { "Idempotency-Key": form.dataset.key });
      window.location.reload();
    } catch (failure) {
      showError(error, failure, form);
    }
  });
}

// An amount typed in yuan, sent in fen as the API keeps money (undefined when blank).
function toFen(input) {
  const value = input.value.trim();
  return value ? Math.round(Number(value) * 100) : undefined;
}

function toast(message) {
  const box = document.getElementById("toast");
  if (!box) return;
  box.textContent = message;
  box.hidden = false;
  setTimeout(() => { box.hidden = true; }, 3500);
}

function setupLogin() {
  const form = document.getElementById("login-form");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = new FormData(form);
    try {
      await api("POST", "/api/v1/auth/login", {
        username: fields.get("username"), password: fields.get("password"),
      });
      window.location.assign(form.dataset.next || "/");
    } catch (error) {
      showError(document.getElementById("login-error"), error);
    }
  });
}

function revealValues(result) {
  const put = (key, value) => {
    const target = document.querySelector(`[data-unmask-target="${key}"]`);
    if (target && value) { target.textContent = value; target.classList.add("revealed"); }
  };
  for (const key of ["name", "id_number", "address", "email"]) put(key, result[key]);
  (result.phones || []).forEach((phone, index) => put(`phone-${index}`, phone));
}

function setupUnmask() {
  const dialog = document.getElementById("unmask-dialog");
  if (!dialog) return;
  const form = document.getElementById("unmask-form");
  document.querySelector('[data-action="open-unmask"]')?.addEventListener("click", () => dialog.showModal());
  document.querySelector('[data-action="close-unmask"]')?.addEventListener("click", () => dialog.close());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reason = new FormData(form).get("reason");
    try {
      const result = await api("POST", `/api/v1/customers/${form.dataset.customer}/unmask`, {
        fields: ["name", "id_number", "phones", "address", "email"], reason,
      });
      revealValues(result);
      dialog.close();
      document.querySelector('[data-action="open-unmask"]')?.setAttribute("hidden", "");
    } catch (error) {
      showError(document.getElementById("unmask-error"), error);
    }
  });
}

function parseSkills(text) {
  return text.split(",").map((part) => part.trim()).filter(Boolean).map((part) => {
    const [code, level] = part.split(":");
    return { code: code.trim(), level: Number(level || 1) };
  });
}

function setupStaffForm() {
  const form = document.getElementById("staff-form");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = new FormData(form);
    const body = {
      display_name: f.get("display_name"), role: f.get("role"),
      org_unit_id: Number(f.get("org_unit_id")), team_id: f.get("team_id") ? Number(f.get("team_id")) : null,
      language: f.get("language"), email: f.get("email") || null, skills: parseSkills(f.get("skills") || ""),
    };
    try {
      if (form.dataset.id) {
        body.active = f.get("active") === "on";
        const saved = await api("PATCH", `/api/v1/staff/${form.dataset.id}`, body,
          { "If-Match": `"${form.dataset.version}"` });
        form.dataset.version = saved.version;
        toast("✓");
      } else {
        body.username = f.get("username");
        if (f.get("password")) body.password = f.get("password");
        const saved = await api("POST", "/api/v1/staff", body,
          { "Idempotency-Key": crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) });
        window.location.assign(`/staff/${saved.id}`);
      }
    } catch (error) {
      showError(document.getElementById("staff-error"), error);
    }
  });
}

function setupRows() {
  document.querySelectorAll("tr[data-href]").forEach((row) => {
    row.addEventListener("click", (event) => {
      if (event.target.closest("a, input, label")) return;  // a link, or a row picked
      window.location.assign(row.dataset.href);
    });
  });
}

function setupLogout() {
  document.querySelector('[data-action="logout"]')?.addEventListener("click", async () => {
    await api("POST", "/api/v1/auth/logout").catch(() => null);
    window.location.assign("/login");
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupLogin(); setupUnmask(); setupStaffForm(); setupRows(); setupLogout();
});

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
