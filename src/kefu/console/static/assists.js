// An order's asks of other teams (协办): asked once per form (its own Idempotency-Key),
// answered by the team's people or taken back in place. The page is read again after
// each, so the timeline shows it too.
// Uses createsOnce() and postsStep() from kefu.js.
"use strict";

function assistAsked(form) {
  const f = form.elements;
  return {
    team_id: Number(f.team_id.value),
    due_hours: Number(f.due_hours.value),
    question: f.question.value.trim(),
  };
}

function setupAssists() {
  const card = document.getElementById("assists");
  if (!card) return;
  const error = document.getElementById("assist-error");
  const base = `/api/v1/work-orders/${card.dataset.order}/assists`;
  const asking = document.getElementById("assist-form");
  if (asking) createsOnce(asking, base, assistAsked, error);
  card.querySelectorAll("form[data-assist-step]").forEach((form) => {
    const id = form.closest("[data-assist]").dataset.assist;
    postsStep(form, `${base}/${id}/${form.dataset.assistStep}`, error);
  });
}

document.addEventListener("DOMContentLoaded", setupAssists);
