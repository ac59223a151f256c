// The field engineers' page: add an engineer to the roster (its own Idempotency-Key per
// form), tick what they do and set when they work, make one inactive or active again
// (If-Match), hand one's visits over to a colleague, mark one off on the board's day
// (轮休, 请假). Uses api(), showError(),
// centerTime(), createsOnce() and templateWords() from kefu.js.
"use strict";

// A change to a roster row, sent after the row's earlier ones (If-Match with the version
// the last one gave back): two quick edits never race each other into a 412.
function patchRow(row, body) {
  const sent = (row.saving || Promise.resolve()).catch(() => null).then(async () => {
    const saved = await api("PATCH", `/api/v1/engineers/${row.dataset.engineer}`,
      body, { "If-Match": `"${row.dataset.version}"` });
    row.dataset.version = saved.version;
    return saved;
  });
  row.saving = sent;
  return sent;
}

function setupEngineers() {
  const error = document.getElementById("engineer-error");
  const form = document.getElementById("engineer-form");
  if (form) {
    createsOnce(form, "/api/v1/engineers", (f) => {
      const body = { name: f.elements.name.value.trim(), org_unit_id: Number(f.elements.org_unit_id.value) };
      const phone = f.elements.phone.value.trim();
      if (phone) body.phone = phone;
      body.skills = [...f.querySelectorAll("input[name=skills]:checked")].map((box) => box.value);
      if (f.elements.work_start.value) body.work_start = f.elements.work_start.value;
      if (f.elements.work_end.value) body.work_end = f.elements.work_end.value;
      return body;
    }, error);
  }
  // What an engineer does: ticking or unticking a skill saves it at once (If-Match).
  document.querySelectorAll("tr[data-engineer] input[data-skill]").forEach((box) => {
    box.addEventListener("change", async () => {
      const row = box.closest("tr");
      const skills = [...row.querySelectorAll("input[data-skill]:checked")].map((b) => b.dataset.skill);
      try {
        await patchRow(row, { skills });
      } catch (failure) {
        box.checked = !box.checked;
        showError(error, failure, row);
      }
    });
  });
  // When an engineer works: saved once both ends are given, or both are cleared (any time).
  document.querySelectorAll("tr[data-engineer] td.engineer-hours").forEach((cell) => {
    const [start, end] = ["work_start", "work_end"].map((name) => cell.querySelector(`[data-hours=${name}]`));
    if (!start) return;
    cell.addEventListener("change", async () => {
      if (Boolean(start.value) !== Boolean(end.value)) return; // the other end still to come
      const row = cell.closest("tr");
      cell.classList.remove("saved");
      try {
        await patchRow(row, { work_start: start.value || null, work_end: end.value || null });
        cell.classList.add("saved");
      } catch (failure) {
        showError(error, failure, row);
      }
    });
  });
  document.querySelectorAll("tr[data-engineer] [data-active]").forEach((button) => {
    button.addEventListener("click", async () => {
      const row = button.closest("tr");
      try {
        await api("PATCH", `/api/v1/engineers/${row.dataset.engineer}`,
          { active: button.dataset.active === "true" }, { "If-Match": `"${row.dataset.version}"` });
        window.location.reload();
      } catch (failure) {
        showError(error, failure, row);
      }
    });
  });
}

// What the hand-over did: how many went, and those left (each linked, with its clash).
function showHandedOver(result, done, colleague, word) {
  result.replaceChildren();
  const said = document.createElement("p");
  const n = done.handed.length;
  said.textContent = n ? word(n === 1 ? "handed_one" : "handed", { n, name: colleague }) : word("nothing");
  result.append(said);
  if (done.left.length) {
    const intro = document.createElement("p");
    intro.textContent = word("left", { name: colleague });
    const list = document.createElement("ul");
    done.left.forEach((visit) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `/orders/${visit.order_id}`;
      link.className = "mono";
      link.textContent = visit.number;
      const why = visit.off_duty ? word("off_duty") : word("clash", { number: visit.clash_number });
      item.append(link, ` ${centerTime(visit.starts_at, { seconds: false })} · ${why}`);
      list.append(item);
    });
    result.append(intro, list);
  }
  result.hidden = false;
}

function setupHandover() {
  const form = document.getElementById("handover-form");
  if (!form) return;
  const error = document.getElementById("handover-error");
  const result = document.getElementById("handover-result");
  const word = templateWords("handover-words");
  document.querySelectorAll("tr[data-engineer] [data-hand-over]").forEach((button) => {
    // a colleague of the same unit first: they know its streets
    button.addEventListener("click", () => openHandover(button.closest("tr").dataset.engineer));
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { to_engineer_id: Number(form.elements.to_engineer_id.value) };
    if (form.elements.day.value) body.day = form.elements.day.value;
    if (form.elements.until.value) body.until = form.elements.until.value;
    const colleague = form.elements.to_engineer_id.selectedOptions[0].textContent.split(" · ")[0];
    try {
      const done = await api("POST", `/api/v1/engineers/${form.elements.from.value}/hand-over`, body);
      showHandedOver(result, done, colleague, word);
    } catch (failure) {
      result.hidden = true;
      showError(error, failure, form);
    }
  });
}

// A day off set or cleared from the board's row; visits still booked that day stay with
// the engineer, so the hand-over opens for that engineer and day.
function setupDaysOff() {
  const board = document.querySelector("table.engineer-board");
  if (!board) return;
  const error = document.getElementById("board-error");
  const status = document.getElementById("board-status");
  const word = templateWords("board-words");
  board.querySelectorAll("[data-day-off]").forEach((button) => {
    button.addEventListener("click", async () => {
      const row = button.closest("tr");
      const setting = button.dataset.dayOff === "set";
      const url = `/api/v1/engineers/${row.dataset.engineerRow}/days-off/${board.dataset.day}`;
      button.disabled = true;
      try {
        const done = await api(setting ? "PUT" : "DELETE", url, setting ? {} : undefined);
        row.querySelector(".day-off").hidden = !setting;
        button.dataset.dayOff = setting ? "clear" : "set";
        button.textContent = word(setting ? "clear" : "set");
        status.hidden = !(setting && done.visits_that_day);
        if (!status.hidden) {
          const name = row.querySelector("b").textContent;
          const one = done.visits_that_day === 1;
          status.textContent = word(one ? "still_booked_one" : "still_booked", { name, n: done.visits_that_day });
          openHandover(row.dataset.engineerRow, board.dataset.day);
        }
      } catch (failure) {
        showError(error, failure, row);
      }
      button.disabled = false;
    });
  });
}

// The hand-over form, opened for one engineer (and a day, or days), a colleague of their
// unit chosen.
function openHandover(from, day = "", until = "") {
  const form = document.getElementById("handover-form");
  if (!form) return;
  form.elements.from.value = from;
  form.elements.day.value = day;
  form.elements.until.value = until;
  const unit = form.elements.from.selectedOptions[0]?.dataset.unit;
  const colleague = [...form.elements.to_engineer_id.options]
    .find((option) => option.dataset.unit === unit && option.value !== from);
  if (colleague) form.elements.to_engineer_id.value = colleague.value;
  document.getElementById("handover").open = true;
  form.elements.to_engineer_id.focus();
}

// A leave over several days (请假): saved once per form (its Idempotency-Key, renewed
// after each leave saved); the visits still booked then open the hand-over for them.
function setupLeave() {
  const form = document.getElementById("leave-form");
  if (!form) return;
  const error = document.getElementById("leave-error");
  const result = document.getElementById("leave-result");
  const word = templateWords("leave-words");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = form.elements;
    const body = { first_day: f.first_day.value, last_day: f.last_day.value, reason: f.reason.value.trim() };
    form.dataset.key ||= crypto.randomUUID ? crypto.randomUUID() : String(Date.now());
    try {
      const leave = await api("POST", `/api/v1/engineers/${f.engineer.value}/leave`, body,
        { "Idempotency-Key": form.dataset.key });
      delete form.dataset.key; // the next leave is another
      const name = f.engineer.selectedOptions[0].textContent.split(" · ")[0];
      const said = [word("set", { name, first: leave.first_day, last: leave.last_day, n: leave.days.length })];
      if (leave.visits_booked) {
        said.push(word(leave.visits_booked === 1 ? "booked_one" : "booked", { n: leave.visits_booked }));
        openHandover(f.engineer.value, leave.first_day, leave.last_day);
      }
      result.textContent = said.join(" ");
      result.hidden = false;
    } catch (failure) {
      result.hidden = true;
      showError(error, failure, form);
    }
  });
}

document.addEventListener("DOMContentLoaded", setupEngineers);
document.addEventListener("DOMContentLoaded", setupLeave);
document.addEventListener("DOMContentLoaded", setupDaysOff);
document.addEventListener("DOMContentLoaded", setupHandover);
