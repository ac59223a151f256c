// An order's on-site visits: booked (or moved) with the day and window in the center's
// time, sent once per form (its own Idempotency-Key); a booked visit is made, missed or
// called off. The page is read again after each, so the timeline shows it too.
// Uses api(), showError(), createsOnce() and postsStep() from kefu.js.
"use strict";

function visitBooked(booking) {
  const f = booking.elements, body = {};
  for (const name of ["visit_on", "from_time", "to_time", "address", "engineer", "engineer_phone", "note"]) {
    const value = f[name].value.trim();
    if (value) body[name] = value;
  }
  body.text_customer = f.text_customer.checked;
  return body;
}

function setupAppointments() {
  const card = document.getElementById("appointments");
  if (!card) return;
  const error = document.getElementById("appointment-error");
  const base = `/api/v1/work-orders/${card.dataset.order}/appointments`;
  const booking = document.getElementById("visit-form");
  if (booking) createsOnce(booking, base, visitBooked, error);
  card.querySelectorAll("form[data-visit]").forEach((form) => {
    const id = form.closest("[data-appointment]").dataset.appointment;
    postsStep(form, `${base}/${id}/${form.dataset.visit}`, error);
  });
}

document.addEventListener("DOMContentLoaded", setupAppointments);
