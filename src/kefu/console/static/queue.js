// A queue's batch dispatch (批量派单, orders/list.html): the dispatcher picks the rows that
// may be sent and sends them to one team (and person) in one go. Each row carries the
// version the page read; the server sends or refuses each on its own and says why.
// A handler takes the next order of their queue (取下一单) and lands on it; a lead makes
// taking in turn the team's rule (按序取单).
"use strict";

function setupBatchDispatch() {
  const bar = document.getElementById("batch-dispatch");
  if (!bar) return;
  const words = {};
  bar.querySelector("template")?.content.querySelectorAll("[data-word]")
    .forEach((span) => { words[span.dataset.word] = span.textContent; });
  const say = (key, params = {}) =>
    (words[key] ?? key).replace(/\{(\w+)\}/g, (_m, name) => String(params[name] ?? ""));
  const picks = () => [...document.querySelectorAll('input[name="pick"]:checked')];
  const all = document.querySelector('[data-action="pick-all"]');
  const send = bar.querySelector("button[type=submit]"), count = bar.querySelector(".batch-count");
  const result = bar.querySelector(".batch-result"), error = bar.querySelector(".form-error");
  const show = () => {
    const n = picks().length;
    count.textContent = say("selected", { n });
    send.disabled = n === 0;
    const open = [...document.querySelectorAll('input[name="pick"]:not(:disabled)')];
    if (all) all.checked = open.length > 0 && open.every((box) => box.checked);
  };
  document.querySelectorAll('input[name="pick"]').forEach((box) => box.addEventListener("change", show));
  all?.addEventListener("change", () => {
    document.querySelectorAll('input[name="pick"]:not(:disabled)').forEach((box) => { box.checked = all.checked; });
    show();
  });
  peopleOfTeam(bar);
  show();

  bar.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = picks();
    const body = {
      orders: chosen.map((box) => ({ id: Number(box.value), version: Number(box.dataset.version) })),
      team_id: Number(bar.elements.team_id.value) || null,
      reason: bar.elements.reason.value.trim(),
    };
    if (bar.elements.assignee_id.value) body.assignee_id = Number(bar.elements.assignee_id.value);
    send.disabled = true;
    try {
      const done = await api("POST", "/api/v1/work-orders/batch-dispatch", body);
      showError(error, "");
      report(done, chosen);
    } catch (failure) {
      showError(error, failure);
    }
    show();
  });

  // What went and what did not: the rows sent say so and can no longer be picked; each
  // refusal is named with its reason.
  function report(done, chosen) {
    const boxes = new Map(chosen.map((box) => [Number(box.value), box]));
    for (const sent of done.dispatched) {
      const box = boxes.get(sent.id);
      if (!box) continue;
      box.checked = false;
      box.disabled = true;
      const row = box.closest("tr");
      row.classList.add("sent");
      const status = row.querySelector(".status");
      if (status) { status.className = "status order-dispatched"; status.textContent = say("dispatched_status"); }
      const english = document.documentElement.lang === "en";
      row.querySelector("td.unit").textContent = english ? sent.org_unit_en : sent.org_unit;
      row.querySelector("td.handler").textContent = sent.assignee || "—";
    }
    result.replaceChildren();
    const head = document.createElement("p");
    head.textContent = say("summary", { sent: done.dispatched.length, refused: done.refused.length });
    result.append(head);
    if (done.refused.length) {
      const list = document.createElement("ul");
      for (const refusal of done.refused) {
        const item = document.createElement("li");
        const number = document.createElement("span");
        number.className = "mono";
        number.textContent = refusal.number || `#${refusal.id}`;
        item.append(number, ` ${refusal.message}`);
        list.append(item);
      }
      result.append(list);
    }
    const reload = document.createElement("a");
    reload.href = window.location.href;
    reload.textContent = say("reload");
    result.append(reload);
    result.hidden = false;
    result.classList.toggle("partly", done.refused.length > 0);
  }
}

document.addEventListener("DOMContentLoaded", setupBatchDispatch);

function setupTakeNext() {
  const button = document.querySelector('[data-action="take-next"]');
  if (!button) return;
  const error = document.getElementById("take-next-error");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const order = await api("POST", "/api/v1/work-orders/next");
      window.location.assign(`/orders/${order.id}`);
    } catch (failure) {
      showError(error, failure);
      button.disabled = false;
    }
  });
}

// A lead makes taking in turn the team's rule, or lets its handlers pick again.
function setupTeamTaking() {
  const form = document.querySelector("form.team-taking");
  if (!form) return;
  const box = form.elements.namedItem("in_turn");
  const saved = form.querySelector(".saved");
  const error = form.querySelector(".form-error");
  box.addEventListener("change", async () => {
    box.disabled = true;
    saved.hidden = true;
    try {
      const team = await api(
        "PUT",
        `/api/v1/teams/${form.dataset.team}/taking`,
        { in_turn: box.checked },
        { "If-Match": `"${form.dataset.version}"` },
      );
      form.dataset.version = team.version;
      error.hidden = true;
      saved.hidden = false;
    } catch (failure) {
      box.checked = !box.checked;
      showError(error, failure);
    }
    box.disabled = false;
  });
}

document.addEventListener("DOMContentLoaded", setupTakeNext);
document.addEventListener("DOMContentLoaded", setupTeamTaking);
