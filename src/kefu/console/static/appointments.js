// An order's on-site visits: booked (or moved) with the day and window in the center's
// time, sent once per form (its own Idempotency-Key); a booked visit is made, missed or
// called off. The page is read again after each, so the timeline shows it too.
// Uses api(), showError(), createsOnce(), postsStep() and templateWords() from kefu.js.
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

// Who can go for the window asked: once the day and hours are filled, the roster's
// options are put best first (GET …/engineers), each with what they do and their day;
// one off duty then, or off that day, is said so (overtime is for the dispatcher to
// agree); one booked over the window is named with that order and cannot be picked.
function offeredLabel(item, word) {
  const named = document.documentElement.lang === "en" ? item.org_unit_en : item.org_unit;
  const parts = [item.name, ...item.skills.map((skill) => word(skill))];
  if (!item.nearby) parts.push(named);
  parts.push(word("that_day", { n: item.visits_that_day }));
  if (!item.fits) parts.push(word("not_fit"));
  if (item.day_off) parts.push(word("day_off"));
  else if (!item.on_duty) parts.push(word("off_duty"));
  if (item.clash_number) parts.push(word("busy", { number: item.clash_number }));
  return parts.join(" · ");
}

function engineersOffered(booking, orderId) {
  const pick = booking.querySelector("[data-engineer-pick]");
  if (!pick) return;
  const word = templateWords("offer-words");
  const note = booking.querySelector("[data-offer-note]");
  let asking = 0; // only the answer for the window asked last is shown
  let picked = false; // the dispatcher chose an engineer themselves (not the form's default)
  let placing = false; // the change below is the offer's own
  pick.addEventListener("change", () => { if (!placing) picked = true; });
  const asked = async () => {
    const f = booking.elements;
    if (!f.visit_on.value || !f.from_time.value || !f.to_time.value) return;
    const query = new URLSearchParams({ visit_on: f.visit_on.value, from_time: f.from_time.value, to_time: f.to_time.value });
    const mine = ++asking;
    let offer;
    try {
      offer = await api("GET", `/api/v1/work-orders/${orderId}/engineers?${query}`);
    } catch (_refused) {
      return; // a window the booking would refuse: said at its field on sending
    }
    if (mine !== asking) return;
    const byHand = [...pick.options].find((option) => !option.value);
    const chosen = pick.value;
    const options = offer.items.map((item) => {
      const option = new Option(offeredLabel(item, word), String(item.engineer_id));
      option.disabled = Boolean(item.clash_number);
      return option;
    });
    pick.replaceChildren(...options, byHand);
    const stillFree = options.find((option) => option.value === chosen && !option.disabled);
    const best = options.find((option) => !option.disabled)?.value ?? "";
    // the dispatcher's own choice stays (one named by hand, or a roster engineer still free);
    // otherwise, or once their pick is booked over the window, the best for it
    if (!picked) pick.value = best;
    else if (chosen) pick.value = stillFree ? chosen : best;
    else pick.value = "";
    placing = true;
    pick.dispatchEvent(new Event("change")); // synchronous: the flag covers it alone
    placing = false;
    if (note) note.hidden = false;
  };
  ["visit_on", "from_time", "to_time"].forEach((name) => booking.elements[name].addEventListener("change", asked));
}

function setupAppointments() {
  const card = document.getElementById("appointments");
  if (!card) return;
  const error = document.getElementById("appointment-error");
  const base = `/api/v1/work-orders/${card.dataset.order}/appointments`;
  const booking = document.getElementById("visit-form");
  if (booking) {
    engineerPicked(booking);
    engineersOffered(booking, card.dataset.order);
    createsOnce(booking, base, visitBooked, error);
  }
  card.querySelectorAll("form[data-visit]").forEach((form) => {
    const id = form.closest("[data-appointment]").dataset.appointment;
    postsStep(form, `${base}/${id}/${form.dataset.visit}`, error);
  });
}

document.addEventListener("DOMContentLoaded", setupAppointments);
