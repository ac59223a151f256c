// The calendar page: record or forget one day, and read the State Council's holiday
// notice, show what it would record, then record it once (Idempotency-Key).
"use strict";

function setupDayForms() {
  const table = document.getElementById("recorded-days");
  const error = document.getElementById("recorded-days-error");
  const form = document.getElementById("record-day");
  table?.querySelectorAll('[data-action="forget-day"]').forEach((button) => {
    button.addEventListener("click", async () => {
      const row = button.closest("tr");
      button.disabled = true;
      try {
        await api("DELETE", `/api/v1/calendar/days/${row.dataset.day}?move_open_orders=true`, undefined,
          { "If-Match": `"${row.dataset.version}"` });
        window.location.reload();
      } catch (failure) {
        showError(error, failure, table);
        button.disabled = false;
      }
    });
  });
  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const day = form.elements.day.value;
    // A day recorded already is changed at its version, as the list shows it.
    const version = table?.querySelector(`tr[data-day="${day}"]`)?.dataset.version;
    try {
      await api("PUT", `/api/v1/calendar/days/${day}`,
        { workday: form.elements.workday.value === "true", note: form.elements.note.value.trim(),
          move_open_orders: form.elements.move_open_orders.checked },
        version ? { "If-Match": `"${version}"` } : {});
      window.location.reload();
    } catch (failure) {
      showError(error, failure, form);
    }
  });
}

function setupNotice() {
  const form = document.getElementById("notice-form");
  if (!form) return;
  const card = document.getElementById("notice-card");
  const preview = document.getElementById("notice-preview");
  const error = document.getElementById("notice-error");
  const words = templateWords("calendar-words");
  const replace = preview.querySelector(".replace-recorded");
  const move = preview.querySelector(".move-open-orders");
  let read = null; // the notice as last read: what recording it sends
  const body = () => ({
    text: form.elements.text.value,
    year: form.elements.year.value ? Number(form.elements.year.value) : null,
    replace_recorded: replace.querySelector("input").checked,
    move_open_orders: (read?.open_orders > 0 || read?.open_asks > 0) && move.querySelector("input").checked,
  });
  const line = (role, text) => {
    const element = preview.querySelector(`[data-role="${role}"]`);
    element.textContent = text;
    element.hidden = !text;
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    preview.hidden = true;
    try {
      read = await api("POST", "/api/v1/calendar/notices/preview", body());
      const rows = preview.querySelector("tbody");
      rows.replaceChildren(...read.holidays.map((h) => {
        const row = document.createElement("tr");
        const span = h.first === h.last ? h.first : `${h.first} – ${h.last}`;
        [words(h.name), span, String(h.days)].forEach((text) => {
          const cell = document.createElement("td");
          cell.textContent = text;
          row.append(cell);
        });
        return row;
      }));
      const worked = read.days.filter((d) => d.workday).map((d) => d.day);
      line("worked", words("worked", { days: worked.join(words("sep")) || "—" }));
      const count = (change) => read.days.filter((d) => d.change === change).length;
      line("changes", words("changes", { year: read.year, new: count("new"), same: count("same"), replaces: count("replaces") }));
      const warnings = [];
      if (read.worked_weekdays.length) warnings.push(words("weekdays", { days: read.worked_weekdays.join(words("sep")) }));
      if (read.differs_from_official.length) warnings.push(words("differs", { days: read.differs_from_official.join(words("sep")) }));
      line("warnings", warnings.join(" "));
      replace.hidden = count("replaces") === 0;
      const moving = read.open_asks > 0 ? "open_orders_and_asks" : "open_orders";
      line("open-orders", words(moving, { n: read.open_orders, asks: read.open_asks }));
      move.hidden = read.open_orders === 0 && read.open_asks === 0;
      form.dataset.key = crypto.randomUUID ? crypto.randomUUID() : String(Date.now());
      preview.hidden = false;
    } catch (failure) {
      showError(error, failure, form);
    }
  });
  // What is read is what is recorded: a change to the text reads it again first.
  form.elements.text.addEventListener("input", () => { preview.hidden = true; });
  form.elements.year.addEventListener("input", () => { preview.hidden = true; });
  card.querySelector('[data-action="record-notice"]').addEventListener("click", async (event) => {
    event.target.disabled = true;
    try {
      const done = await api("POST", "/api/v1/calendar/notices", body(), { "Idempotency-Key": form.dataset.key });
      window.location.assign(`/orders/calendar?year=${done.year}`);
    } catch (failure) {
      showError(error, failure, preview);
      if (failure.data?.error?.code === "notice_replaces_recorded") replace.hidden = false;
      event.target.disabled = false;
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupDayForms();
  setupNotice();
});
