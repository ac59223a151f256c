// Work-order pages: the category picker, intake, lifecycle actions and time-limit countdowns.
// Uses api(), showError() and toast() from kefu.js.
"use strict";

const lang = () => document.documentElement.lang || "zh-CN";

function formatLeft(ms) {
  const minutes = Math.round(Math.abs(ms) / 60000);
  const days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
  const zh = lang() === "zh-CN";
  const parts = zh
    ? [days && `${days}天`, hours && `${hours}小时`, (!days && mins) && `${mins}分`]
    : [days && `${days}d`, hours && `${hours}h`, (!days && mins) && `${mins}m`];
  const text = parts.filter(Boolean).join(zh ? "" : " ") || (zh ? "0分" : "0m");
  if (ms < 0) return zh ? `已超时 ${text}` : `${text} overdue`;
  return zh ? `剩余 ${text}` : `${text} left`;
}

// Green while most of the time is left, amber in the last quarter, red once overdue.
function tickCountdowns() {
  const now = Date.now();
  document.querySelectorAll(".countdown[data-due]").forEach((element) => {
    const due = Date.parse(element.dataset.due), created = Date.parse(element.dataset.created);
    const left = due - now, share = left / Math.max(1, due - created);
    element.textContent = formatLeft(left);
    element.classList.toggle("due-late", left < 0);
    element.classList.toggle("due-warn", left >= 0 && share < 0.25);
    element.classList.toggle("due-ok", left >= 0 && share >= 0.25);
  });
}

function setupCategoryPicker() {
  const search = document.getElementById("category-search");
  const list = document.getElementById("category-list");
  if (!search || !list) return;
  const form = list.closest("form"), script = document.getElementById("category-script");
  const choose = (item) => {
    list.querySelectorAll("li").forEach((li) => li.setAttribute("aria-selected", "false"));
    item.setAttribute("aria-selected", "true");
    form.elements.category_id.value = item.dataset.id;
    form.elements.category_id.dispatchEvent(new Event("change", { bubbles: true }));
    search.value = item.textContent;
    script.textContent = item.dataset.script;
    script.hidden = !item.dataset.script;
    if (!form.elements.subject.value) form.elements.subject.value = item.textContent.split(" › ").pop();
  };
  const filter = () => {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    list.querySelectorAll("li").forEach((li) => {
      const text = li.dataset.search || li.textContent.toLowerCase();
      li.hidden = !words.every((word) => text.includes(word));
    });
  };
  search.addEventListener("input", filter);
  filter();  // words typed before this script ran, or restored on going back, count too
  list.addEventListener("click", (event) => { const li = event.target.closest("li"); if (li) choose(li); });
  list.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("li")) { event.preventDefault(); choose(event.target); }
  });
}

// Suggested categories while the caller's words are typed: the classifier's three likeliest,
// with confidence; a click picks one in the picker above. Text is set, never parsed as HTML.
function setupCategorySuggestions() {
  const box = document.getElementById("category-suggestions");
  if (!box) return;
  const form = box.closest("form"), heading = box.querySelector(".suggestions-label");
  let timer = 0, asked = "";
  const render = (suggestions) => {
    const english = lang() !== "zh-CN";
    const buttons = suggestions.map((s) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "chip suggestion";
      button.dataset.id = s.category.id;
      const names = english ? s.category.path_names_en : s.category.path_names;
      button.textContent = `${names.join(" › ")} · ${Math.round(s.confidence * 100)}%`;
      return button;
    });
    box.replaceChildren(heading, ...buttons);
    box.hidden = buttons.length === 0;
  };
  const ask = async () => {
    const text = `${form.elements.subject.value} ${form.elements.description.value}`.trim();
    if (text.length < 2 || text === asked) return;
    asked = text;
    try {
      const found = await api("POST", "/api/v1/analytics/category-suggestions", { text });
      if (asked === text) render(found.suggestions);
    } catch { box.hidden = true; }
  };
  for (const name of ["subject", "description"]) {
    form.elements[name].addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(ask, 300); });
  }
  box.addEventListener("click", (event) => {
    const chip = event.target.closest("button[data-id]");
    const item = chip && document.querySelector(`#category-list li[data-id="${chip.dataset.id}"]`);
    if (item) { item.hidden = false; item.click(); item.scrollIntoView({ block: "nearest" }); }
  });
  if (form.dataset.message) ask();  // the customer's message is already written in
}

// The order being filled in, as it would be opened now: its time limits, the open incident
// it would join, and a warning with the earlier orders when it would repeat a complaint.
// Asked again (at most every 300 ms) as the type, category, number or triage change; an
// answer to an older question is dropped, and a form the server would refuse (a
// half-typed number) shows nothing.
function setupIntakeOutlooks() {
  document.querySelectorAll(".intake-outlook").forEach((box) => {
    const form = box.closest("form");
    const words = {};
    form.querySelector(".outlook-words")?.content.querySelectorAll("[data-word]").forEach((span) => {
      words[span.dataset.word] = span.textContent;
    });
    const word = (key, params = {}) =>
      (words[key] ?? key).replace(/\{(\w+)\}/g, (_m, name) => String(params[name] ?? ""));
    let timer = 0, asked = "";
    const question = () => {
      const f = form.elements, body = { type: f.type.value, category_id: Number(f.category_id.value) || 0 };
      if (form.dataset.customer) body.customer_id = Number(form.dataset.customer);
      if (f.contact_phone?.value.trim()) body.contact_phone = f.contact_phone.value.trim();
      if (f.triage?.value) body.triage = f.triage.value;
      Object.assign(body, passedOn(form, false));
      return body;
    };
    const show = (outlook) => {
      const at = (instant) => (instant ? centerTime(instant, { seconds: false }) : "—");
      box.querySelector(".outlook-limits").textContent = word("limits", {
        response: at(outlook.response_due_at), resolve: at(outlook.resolve_due_at), priority: outlook.priority,
      });
      box.querySelector(".outlook-consent").hidden = !outlook.needs_consent;
      const manager = box.querySelector(".outlook-manager");
      manager.hidden = !outlook.account_manager_told;
      manager.querySelector(".outlook-manager-text").textContent =
        word("manager", { name: outlook.account_manager_told ?? "" });
      const incident = box.querySelector(".outlook-incident"), joined = outlook.incident;
      incident.hidden = !joined;
      if (joined) {
        const link = incident.querySelector("a");
        link.href = `/incidents/${joined.id}`;
        link.textContent = joined.number;
        incident.querySelector(".outlook-incident-text").textContent =
          word("incident", { title: joined.title, status: word(`incident.${joined.status}`) });
      }
      // what its callers were last told, for the agent to tell this one too
      const news = box.querySelector(".outlook-incident-news");
      news.hidden = !joined?.news;
      news.querySelector("span").textContent = joined?.news ? word("incident_news", { when: at(joined.news_at), text: joined.news }) : "";
      const repeat = box.querySelector(".outlook-repeat"), list = box.querySelector(".outlook-earlier");
      repeat.hidden = !outlook.repeat;
      box.classList.toggle("repeating", outlook.repeat || Boolean(joined));
      box.querySelector(".outlook-repeat-text").textContent = word("repeat", { days: outlook.window_days });
      list.replaceChildren(...outlook.earlier.map((earlier) => {
        // the customer's own complaint beyond the agent's reach: no link, who holds it
        const item = document.createElement("li");
        const link = document.createElement(earlier.in_reach ? "a" : "span");
        if (earlier.in_reach) link.href = `/orders/${earlier.id}`;
        link.className = "mono";
        link.textContent = earlier.number;
        const held = earlier.in_reach ? ""
          : ` · ${word("held_by", { unit: document.documentElement.lang === "en" ? earlier.held_by_en : earlier.held_by })}`;
        const facts = ` ${centerTime(earlier.created_at, { seconds: false })} · ${word(`status.${earlier.status}`)}${held} · ${earlier.subject}`;
        item.append(link, facts);
        if (earlier.urgeable) item.append(" ", chaseButton(earlier, form, word, box.dataset.chase));
        return item;
      }));
      if (outlook.earlier_elsewhere) {
        const item = document.createElement("li");
        item.className = "muted";
        item.textContent = word("elsewhere", { count: outlook.earlier_elsewhere });
        list.append(item);
      }
      box.hidden = false;
    };
    const ask = async () => {
      const body = question(), key = JSON.stringify(body);
      if (!body.category_id) { box.hidden = true; asked = ""; return; }
      if (key === asked) return;
      asked = key;
      try {
        const outlook = await api("POST", box.dataset.check, body);
        if (asked === key) show(outlook);
      } catch {
        if (asked === key) box.hidden = true;
      }
    };
    const soon = () => { clearTimeout(timer); timer = setTimeout(ask, 300); };
    form.addEventListener("change", soon);
    form.elements.contact_phone?.addEventListener("input", soon);
    form.addEventListener("reset", () => { box.hidden = true; asked = ""; });
  });
}

// An earlier complaint still being handled is chased (催办) from the intake form rather
// than repeated: what the caller says (the form's subject) goes with it, and the form
// stays, so an agent on a call carries on with it.
function chaseButton(earlier, form, word, url) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "secondary small-button chase-earlier";
  button.textContent = word("chase");
  button.title = word("chase_title");
  const key = crypto.randomUUID ? crypto.randomUUID() : String(Date.now());
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const note = form.elements.subject?.value.trim() || "";
      const order = await api("POST", url.replace("{id}", earlier.id), { note }, { "Idempotency-Key": key });
      const done = document.createElement("span");
      done.className = "chip chased";
      done.textContent = word("chased", { n: order.urge_count });
      button.replaceWith(done);
      toast(word("chased_toast", { number: order.number }));
    } catch (failure) {
      showError(form.querySelector(".form-error"), failure);
      button.disabled = false;
    }
  });
  return button;
}

// An order passed on by the regulator, a consumer body, the press or the leaders (越级,
// 交办): who passed it on, with their reference and date; the intake check is asked with
// who and when only (the reference changes no limit).
function passedOn(form, whole) {
  const f = form.elements, origin = f.origin?.value;
  if (!origin || origin === "customer") return {};
  const body = { origin };
  if (whole) body.origin_ref = f.origin_ref.value.trim();
  if (f.origin_due_on.value) body.origin_due_on = f.origin_due_on.value;
  return body;
}

function setupOrderForm() {
  const form = document.getElementById("order-form");
  if (!form) return;
  const origin = form.elements.origin, fields = document.getElementById("passed-on");
  if (origin && fields) {
    const follow = () => { fields.hidden = origin.value === "customer"; };
    origin.addEventListener("change", follow);
    follow();  // a choice the browser restored on going back
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = new FormData(form), error = document.getElementById("order-error");
    const body = {
      type: f.get("type"), subject: f.get("subject"),
      description: f.get("description") || "", category_id: Number(f.get("category_id")) || 0,
    };
    if (f.get("channel")) body.channel = f.get("channel");  // a message's order takes its own
    if (form.dataset.customer) body.customer_id = Number(form.dataset.customer);
    if (f.get("contact_phone")) body.contact_phone = f.get("contact_phone");
    if (f.get("contact_name")) body.contact_name = f.get("contact_name");
    if (f.get("triage")) { body.triage = f.get("triage"); body.triage_reason = f.get("triage_reason") || ""; }
    if (f.get("send_receipt")) body.send_receipt = true;
    Object.assign(body, passedOn(form, true));
    form.dataset.key ||= crypto.randomUUID ? crypto.randomUUID() : String(Date.now());
    try {
      const url = form.dataset.message ? `/api/v1/messages/${form.dataset.message}/orders` : "/api/v1/work-orders";
      const order = await api("POST", url, body, { "Idempotency-Key": form.dataset.key });
      window.location.assign(`/orders/${order.id}`);
    } catch (failure) {
      showError(error, failure);
    }
  });
}

function actionBody(form) {
  const body = {};
  for (const [key, value] of new FormData(form).entries()) {
    if (value === "") continue;
    if (["send_sms", "send_email"].includes(key)) body[key] = true;  // ticked boxes only are sent
    else body[key] = ["team_id", "assignee_id", "org_unit_id"].includes(key) ? Number(value) : value;
  }
  return body;
}

// The receipt text is ticked for the types a customer waits on (a complaint, a fault, a
// service request), not a consultation answered there and then, nor a callback number
// that is a landline (no text reaches it), until the agent decides.
const RECEIPT_TYPES = ["complaint", "fault", "service_request"];
const looksMobile = (raw) => /^1\d{10}$/.test(raw.replace(/\D/g, "").replace(/^(0086|86)(?=1\d{10}$)/, ""));
function setupReceiptBoxes() {
  document.querySelectorAll("input[data-receipt]").forEach((box) => {
    const type = box.form.elements.type, phone = box.form.elements.contact_phone;
    if (!type) return;
    const follow = () => {
      if (box.dataset.touched) return;
      const typed = phone?.value.trim() ?? "";  // empty: the customer's own number, a mobile
      box.checked = RECEIPT_TYPES.includes(type.value) && (!typed || looksMobile(typed));
    };
    box.addEventListener("change", () => { box.dataset.touched = "1"; });
    type.addEventListener("change", follow);
    phone?.addEventListener("input", follow);
    box.form.addEventListener("reset", () => { delete box.dataset.touched; setTimeout(follow); });
    follow();
  });
}

// A handling note, the customer's chase (催办) or a progress text goes on an order's timeline without
// If-Match: the agent records what happened, whatever the handler is doing. Its key makes
// a double click one note or one chase.
function setupTimelinePosts() {
  document.querySelectorAll("form[data-timeline-post]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      form.dataset.key ||= crypto.randomUUID ? crypto.randomUUID() : String(Date.now());
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const said = form.elements.note || form.elements.text;  // a note or chase; a progress text
        const way = form.elements.channel ? { channel: form.elements.channel.value } : {};  // progress: SMS or e-mail
        const by = form.elements.answer_by?.value ? { answer_by: centerInstant(form.elements.answer_by.value) } : {};  // a supervision's time
        await api("POST", `/api/v1/work-orders/${form.dataset.order}/${form.dataset.timelinePost}`,
          { [said.name]: said.value.trim(), ...way, ...by }, { "Idempotency-Key": form.dataset.key });
        window.location.reload();
      } catch (failure) {
        showError(form.querySelector(".form-error") || document.getElementById("action-error"), failure);
        button.disabled = false;
      }
    });
  });
}

// While the answer is to be texted, the agent sees how much of the SMS's room it takes.
function countSms(box) {
  const area = box.form.elements.reply, count = box.form.querySelector(".sms-count");
  const max = Number(box.dataset.smsMax);
  const show = () => {
    const used = area.value.trim().length;
    count.hidden = !box.checked;
    count.textContent = count.dataset.words.replace("{count}", String(used)).replace("{max}", String(max));
    count.classList.toggle("over", used > max);
  };
  box.addEventListener("change", show);
  area.addEventListener("input", show);
  show();
}

function setupOrderActions() {
  const order = document.getElementById("order");
  const panel = document.getElementById("order-actions");
  if (!order || !panel) return;
  const error = document.getElementById("action-error");
  const send = async (action, body) => {
    try {
      await api("POST", `/api/v1/work-orders/${order.dataset.id}/${action}`, body,
        { "If-Match": `"${order.dataset.version}"` });
      window.location.reload();
    } catch (failure) {
      showError(error, failure);
    }
  };
  panel.querySelectorAll("[data-simple-action]").forEach((button) => {
    button.addEventListener("click", () => send(button.dataset.simpleAction, {}));
  });
  panel.querySelectorAll("form[data-order-action]").forEach((form) => {
    form.addEventListener("submit", (event) => { event.preventDefault(); send(form.dataset.orderAction, actionBody(form)); });
  });
  panel.querySelectorAll(".template-pick").forEach((select) => {
    select.addEventListener("change", () => {
      const option = select.selectedOptions[0], area = select.form.elements.reply;
      const start = area.value ? area.value.length + 1 : 0;
      if (option?.dataset.body) area.value = (area.value ? `${area.value}\n` : "") + option.dataset.body;
      area.dispatchEvent(new Event("input"));  // the SMS length counter reads the new text
      select.value = "";
      area.focus();
      // The first blank the agent must fill ({amount}, {month} …) is selected: typing replaces it.
      const blank = /\{[a-z_]+\}/.exec(area.value.slice(start));
      if (blank) area.setSelectionRange(start + blank.index, start + blank.index + blank[0].length);
    });
  });
  panel.querySelectorAll('input[name="send_sms"]:not([disabled])').forEach(countSms);
  peopleOfTeam(panel);
}

// A dispatch form's person list shows the people of the team chosen, no one else.
function peopleOfTeam(scope) {
  const team = scope.querySelector('select[name="team_id"]');
  const person = scope.querySelector('select[name="assignee_id"]');
  if (!team || !person) return;
  const filter = () => person.querySelectorAll("option[data-team]").forEach((option) => {
    option.hidden = option.dataset.team !== team.value;
    if (option.hidden && option.selected) person.value = "";
  });
  team.addEventListener("change", filter);
  filter();
}

// The time-limits page: each row saves (PUT, If-Match once the center has its own) or
// resets (DELETE) itself, then the page is read again so every row shows what is in force.
function setupServiceLevels() {
  const limits = document.getElementById("time-limits"), tiers = document.getElementById("tier-levels");
  if (!limits || !tiers) return;
  const minutes = (row, name) => Math.round(Number(row.querySelector(`[name="${name}"]`).value) * 60);
  const number = (row, name) => Number(row.querySelector(`[name="${name}"]`).value);
  const limitBody = (row) => {
    const outer = row.querySelector('[name="outer_limit_days"]').value;
    return {
      first_response_minutes: minutes(row, "first_response_hours"),
      resolution_minutes: minutes(row, "resolution_hours"),
      working_time: row.querySelector('[name="working_time"]').value === "true",
      warn_percent: number(row, "warn_percent"),
      outer_limit_days: outer ? Number(outer) : null,
    };
  };
  const wire = (table, error, url, body) => table.querySelectorAll("tbody tr").forEach((row) => {
    const version = row.dataset.version ? { "If-Match": `"${row.dataset.version}"` } : {};
    const run = async (method, payload) => {
      try {
        await api(method, url(row), payload, version);
        window.location.reload();
      } catch (problem) {
        showError(error, problem, row);
      }
    };
    // A row is no form, so the browser's own checks (required, min, max) are asked for here:
    // an empty or out-of-range value is shown in the row's own unit, never sent.
    const valid = () => [...row.querySelectorAll("input")].every((input) => {
      if (input.checkValidity()) return true;
      showError(error, "", row);
      input.setAttribute("aria-invalid", "true");
      input.addEventListener("input", () => input.removeAttribute("aria-invalid"), { once: true });
      input.reportValidity();
      return false;
    });
    row.querySelector('[data-action="save"]')?.addEventListener("click", () => valid() && run("PUT", body(row)));
    row.querySelector('[data-action="reset"]')?.addEventListener("click", () => run("DELETE"));
  });
  const limitsError = document.getElementById("time-limits-error");
  wire(limits, limitsError,
    (row) => `/api/v1/service-levels/time-limits/${row.dataset.type}/${row.dataset.level}`, limitBody);
  wire(tiers, document.getElementById("tier-levels-error"),
    (row) => `/api/v1/service-levels/tiers/${row.dataset.tier}`,
    (row) => ({ limit_percent: number(row, "limit_percent"), return_visit_hours: number(row, "return_visit_hours"),
      tell_every_hours: number(row, "tell_every_hours") }));
  const rules = document.getElementById("intake-rules");
  const ruleFields = ["repeat_window_days", "repeat_category_level", "incident_threshold",
    "incident_window_minutes", "incident_category_level"];
  if (rules) wire(rules, document.getElementById("intake-rules-error"), () => "/api/v1/service-levels/rules",
    (row) => Object.fromEntries(ruleFields.map((name) => [name, number(row, name)])));
  // A triage level of its own starts from its type's base limits.
  document.getElementById("add-level")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target, type = form.elements.order_type.value, level = form.elements.level.value;
    const own = limits.querySelector(`tr[data-type="${type}"][data-level="${level}"]`);
    if (own) { own.querySelector("input")?.focus(); return; }  // it has its own already
    const base = limits.querySelector(`tr[data-type="${type}"][data-level="base"]`);
    try {
      await api("PUT", `/api/v1/service-levels/time-limits/${type}/${level}`, limitBody(base));
      window.location.reload();
    } catch (problem) {
      showError(limitsError, problem);
    }
  });
}

// The queue's export: a period, a format and a reason (audited), the queue's category
// branch kept; the file is saved as the server names it.
function setupExport() {
  const dialog = document.getElementById("export-dialog");
  if (!dialog) return;
  const form = document.getElementById("export-form"), error = document.getElementById("export-error");
  document.querySelector('[data-action="open-export"]')?.addEventListener("click", () => dialog.showModal());
  document.querySelector('[data-action="close-export"]')?.addEventListener("click", () => dialog.close());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = form.elements, refunds = form.dataset.export === "refunds";
    const body = { format: f.format.value, reason: f.reason.value.trim() };
    if (refunds) {  // the refund list (退费明细): by the day each was asked
      Object.assign(body, { asked_from: f.asked_from.value, asked_to: f.asked_to.value });
      if (f.status.value) body.status = f.status.value;
    } else {
      Object.assign(body, {
        created_from: f.created_from.value, created_to: f.created_to.value,
        repeat_only: f.repeat_only.checked, passed_on_only: f.passed_on_only.checked,
        supervised_only: f.supervised_only.checked,
      });
      if (form.dataset.category) body.category_id = Number(form.dataset.category);
    }
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const [url, name] = refunds ? ["/api/v1/refunds/export", "refunds"] : ["/api/v1/work-orders/export", "work-orders"];
      await download(url, body, `${name}.${body.format}`);
      showError(error, "");
      dialog.close();
    } catch (problem) {
      showError(error, problem);
    } finally {
      button.disabled = false;
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupExport();
  setupCategoryPicker(); setupCategorySuggestions(); setupIntakeOutlooks(); setupOrderForm();
  setupOrderActions(); setupTimelinePosts(); setupReceiptBoxes();
  setupServiceLevels();
  tickCountdowns();
  setInterval(tickCountdowns, 30000);
});
