// An order's on-site visits: booked (or moved) with the day and window in the center's
// time, sent once per form (its own Idempotency-Key); a booked visit is made, missed or
// called off. The page is read again after each, so the timeline shows it too.
// Uses api(), showError(), createsOnce() and postsStep() from kefu.js.
"use strict";

function visitBooked(booking) {
  const f = booking.elements, body = {};
  const fromRoster = f.engineer_id && f.engineer_id.value;
  const fields = ["visit_on", "from_time", "to_time", "address", "note"];
  if (!fromRoster) fields.push("engineer", "engineer_phone");
  for (const name of fields) {
    const value = f[name].value.trim();
    if (value) body[name] = value;
  }
  if (fromRoster) body.engineer_id = Number(f.engineer_id.value);
  body.text_customer = f.text_customer.checked;
  return body;
}

// An engineer from the roster, or (the last choice) one named by hand: the name and
// phone fields show, and the name is needed, only for the latter.
function engineerPicked(booking) {
  const pick = booking.querySelector("[data-engineer-pick]");
  if (!pick) return;
  const shown = () => {
    const byHand = !pick.value;
    booking.querySelectorAll("[data-by-hand]").forEach((label) => { label.hidden = !byHand; });
    booking.elements.engineer.required = byHand;
  };
  pick.addEventListener("change", shown);
  shown();
}

function setupAppointments() {
  const card = document.getElementById("appointments");
  if (!card) return;
  const error = document.getElementById("appointment-error");
  const base = `/api/v1/work-orders/${card.dataset.order}/appointments`;
  const booking = document.getElementById("visit-form");
  if (booking) {
    engineerPicked(booking);
    createsOnce(booking, base, visitBooked, error);
  }
  card.querySelectorAll("form[data-visit]").forEach((form) => {
    const id = form.closest("[data-appointment]").dataset.appointment;
    postsStep(form, `${base}/${id}/${form.dataset.visit}`, error);
  });
}

document.addEventListener("DOMContentLoaded", setupAppointments);
