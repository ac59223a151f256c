// An order's on-site visits: booked (or moved) with the day and window in the center's
// time, sent once per form (its own Idempotency-Key); a booked visit is made, missed or
// called off. The page is read again after each, so the timeline shows it too.
"use strict";

function setupAppointments() {
  const card = document.getElementById("appointments");
  if (!card) return;
  const error = document.getElementById("appointment-error");
  const base = `/api/v1/work-orders/${card.dataset.order}/appointments`;
  const booking = document.getElementById("visit-form");
  booking?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = booking.elements, body = {};
    for (const name of ["visit_on", "from_time", "to_time", "address", "engineer", "engineer_phone", "note"]) {
      const value = f[name].value.trim();
      if (value) body[name] = value;
    }
    body.text_customer = f.text_customer.checked;
    booking.dataset.key ||= crypto.randomUUID ? crypto.randomUUID() : String(Date.now());
    try {
      await api("POST", base, body, { "Idempotency-Key": booking.dataset.key });
      window.location.reload();
    } catch (failure) {
      showError(error, failure, booking);
    }
  });
  card.querySelectorAll("form[data-visit]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const id = form.closest("[data-appointment]").dataset.appointment, body = {};
      for (const field of form.elements) {
        if (field.name && field.value.trim()) body[field.name] = field.value.trim();
      }
      try {
        await api("POST", `${base}/${id}/${form.dataset.visit}`, body);
        window.location.reload();
      } catch (failure) {
        showError(error, failure, form);
      }
    });
  });
}

document.addEventListener("DOMContentLoaded", setupAppointments);
