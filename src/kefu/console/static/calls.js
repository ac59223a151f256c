// Call-center pages: the agent panel (state, offered call, caller pop, order, wrap-up) and
// the wallboard. Both listen to the ACD's server-sent events; EventSource reconnects by
// itself when a stream ends. Uses api(), showError() and toast() from kefu.js.
"use strict";

const wordsOf = (id) => {
  const words = {};
  document.getElementById(id)?.content.querySelectorAll("[data-word]").forEach((span) => {
    words[span.dataset.word] = span.textContent;
  });
  return (key, params = {}) =>
    (words[key] ?? key).replace(/\{(\w+)\}/g, (_m, name) => String(params[name] ?? ""));
};

const text = (id, value) => { const el = document.getElementById(id); if (el) el.textContent = value ?? ""; };

function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60), r = s % 60;
  return m ? `${m}:${String(r).padStart(2, "0")}` : `${r}s`;
}

// A record's name in the page's language (English when it has one), as the pages do.
const named = (record) =>
  document.documentElement.lang === "en" && record.name_en ? record.name_en : record.name;

function yuan(fen) { return `${fen < 0 ? "-" : ""}¥${(Math.abs(fen) / 100).toFixed(2)}`; }

function moneyBack(item, word) {
  const chips = [["refund_credited_fen", "credited", "green"], ["refund_on_way_fen", "on_way", "blue"],
    ["refund_asked_fen", "asked", "refund-waiting"]];
  return chips.filter(([field]) => item[field])
    .map(([field, state, look]) => ` <span class="chip ${look} refund-given">${escapeHtml(word(`refund.${state}`, { amount: yuan(item[field]) }))}</span>`)
    .join("");
}

// --- agent panel --------------------------------------------------------------------------

function setupAgentPanel() {
  const panel = document.getElementById("agent-panel");
  if (!panel) return;
  const word = wordsOf("calls-words");
  const error = document.getElementById("agent-error");
  let current = null, poppedFor = null, dialledFor = null;

  const act = async (method, url, body, headers) => {
    showError(error, "");
    try {
      const state = await api(method, url, body, headers);
      if (state && state.state) show(state);
      return state;
    } catch (failure) {
      showError(error, failure);
      return null;
    }
  };

  function show(state) {
    current = state;
    const badge = document.getElementById("agent-state");
    badge.dataset.state = state.state;
    badge.textContent = word(`state.${state.state}`);
    const offline = state.state === "offline";
    document.getElementById("agent-hint").hidden = !offline;
    document.querySelector('[data-set-state="offline"]').hidden = offline;
    text("agent-reason", state.reason && state.state === "break"
      ? document.querySelector(`#break-reason option[value="${state.reason}"]`)?.textContent || state.reason : "");
    showCall(state);
    if (state.call && state.call.customer_id !== poppedFor) pop(state.call);
    if (!state.call) { poppedFor = null; hide("caller-pop", "caller-unknown", "order-card", "wrap-card"); }
    document.getElementById("wrap-card").hidden = state.state !== "wrap_up";
    document.getElementById("order-card").hidden = !["talking", "wrap_up"].includes(state.state);
  }

  function hide(...ids) { ids.forEach((id) => { document.getElementById(id).hidden = true; }); }

  function showCall(state) {
    const card = document.getElementById("call-card"), call = state.call;
    card.hidden = !call;
    if (!call) return;
    const callback = call.direction === "outbound";
    text("call-title", word(callback ? `title.callback.${state.state}` : `title.${state.state}`));
    if (call.interaction_id !== dialledFor) text("call-caller", call.caller || "—");
    // The page's language, not the agent's stored preference, names the queue.
    text("call-queue", named({ name: call.queue_name, name_en: call.queue_name_en }));
    text("call-priority", String(call.priority));
    text("call-waited", call.queued_at ? duration((Date.now() - Date.parse(call.queued_at)) / 1000) : "—");
    card.dataset.state = state.state;
    card.querySelector('[data-call="answer"]').hidden = state.state !== "ringing";
    card.querySelector('[data-call="decline"]').hidden = state.state !== "ringing";
    card.querySelector('[data-call="hang-up"]').hidden = state.state !== "talking";
    document.getElementById("call-dial").hidden = !(callback && state.state === "talking" && call.interaction_id !== dialledFor);
  }

  // A call-back is dialled by the agent: the number is shown to them alone, audited.
  document.getElementById("call-dial").addEventListener("click", async () => {
    try {
      const found = await api("POST", "/api/v1/acd/me/dial");
      dialledFor = found.interaction_id;
      const link = Object.assign(document.createElement("a"), { href: `tel:${found.number}`, textContent: found.number });
      document.getElementById("call-caller").replaceChildren(link);
      document.getElementById("call-dial").hidden = true;
    } catch (failure) { showError(error, failure); }
  });

  async function pop(call) {
    poppedFor = call.customer_id;
    if (!call.customer_id) { hide("caller-pop"); document.getElementById("caller-unknown").hidden = false; return; }
    try {
      const view = await api("GET", "/api/v1/acd/me/caller");
      fillPop(view);
    } catch (failure) { showError(error, failure); }
  }

  function fillPop(view) {
    const profile = view.profile, number = view.numbers[0];
    document.getElementById("caller-unknown").hidden = true;
    text("pop-name", profile.name);
    const tier = document.getElementById("pop-tier");
    tier.className = `tier tier-${profile.tier}`;
    tier.textContent = word(`tier.${profile.tier}`);
    const brand = document.getElementById("pop-brand");
    brand.className = number ? `brand-tag brand-${number.brand}` : "brand-tag";
    brand.textContent = number ? word(`brand.${number.brand}`) : "";
    text("pop-unit", named(profile.org_unit));
    text("pop-package", number ? named(number.package) : "—");
    text("pop-balance", yuan(view.balance_fen));
    text("pop-manager", view.account_manager ? view.account_manager.display_name : "—");
    const flags = ["sensitive", "recently_dissatisfied", "appealed_outside", "high_value", "in_arrears", "do_not_call", "frozen"]
      .filter((f) => view.flags[f]);
    if (profile.language === "en") flags.push("english");  // to be answered in English
    // a notice of planned work they were sent: the call is likely about it
    const told = (view.notices || []).map((n) => word("flag.notice", { title: n.title }));
    text("pop-flags", [...flags.map((f) => word(`flag.${f}`)), ...told].join(" · ") || word("none"));
    // a caller who chased an order already is likely calling about it again
    // an order beyond the agent's reach (escalated, say) is named with the unit holding it
    fillList("pop-orders", view.open_work_items, (item) =>
      (item.in_reach ? `<a href="/orders/${item.id}">${escapeHtml(item.number)}</a>`
        : `${escapeHtml(item.number)} <span class="muted">${escapeHtml(word("held_by", { unit: named({ name: item.held_by, name_en: item.held_by_en }) }))}</span>`)
      + ` ${escapeHtml(item.subject)}`
      // taken to the regulator, a consumer body or the press (越级): handled with care
      + (item.origin && item.origin !== "customer" ? ` <span class="chip passed-on">${escapeHtml(word(`origin.${item.origin}`))}</span>` : "")
      // "when is the engineer coming?": the booked window, in the center's time
      + (item.visit_starts_at ? ` <span class="chip blue visit-window">${escapeHtml(word("on_site"))} ${centerTime(item.visit_starts_at, { seconds: false }).slice(5)}–${centerTime(item.visit_ends_at, { seconds: false }).slice(11)}</span>` : "")
      // "where is my refund?": credited, on its way, or awaiting approval
      + moneyBack(item, word)
      + ` <span class="chip chased"${item.urge_count ? "" : " hidden"}>${escapeHtml(word("chased", { n: item.urge_count }))}</span>`
      // a supervisor is pressing its holder (督办): the caller is being looked after
      + (item.supervise_count ? ` <span class="chip red supervised">${escapeHtml(word("supervised", { n: item.supervise_count }))}</span>` : "")
      + (item.urgeable && panel.dataset.mayChase ? ` <button type="button" class="secondary small-button" data-chase="${item.id}" data-number="${escapeHtml(item.number)}">${escapeHtml(word("chase"))}</button>` : ""));
    fillList("pop-contacts", view.recent_interactions.slice(0, 5), (item) =>
      `${escapeHtml(word(`contact.${item.channel}`))} · ${centerTime(item.offered_at, { seconds: false })} ${escapeHtml(wrapUpName(item.wrap_up_code))}`
      + (item.ivr ? ` <span class="muted ivr-journey">${escapeHtml(journey(item.ivr))}</span>` : ""));
    document.getElementById("pop-link").href = `/customers/${profile.id}`;
    document.getElementById("caller-pop").hidden = false;
  }

  // What the caller did in the IVR (as the 360 page words it): the self-service done, then
  // how the call left the IVR; a flow's own reason code by itself.
  function journey(ivr) {
    const steps = ivr.served.map((name) => word(`ivr_served.${name}`));
    if (ivr.outcome === "transferred") {
      const reason = ivr.transfer_reason ? word(`ivr_reason.${ivr.transfer_reason}`) : "";
      steps.push(word("ivr.put_through") + (reason ? ` (${reason.replace(/^ivr_reason\./, "")})` : ""));
    } else if (ivr.outcome === "callback") {
      steps.push(word("ivr.callback"));
    } else if (!ivr.served.length && ivr.outcome) {
      steps.push(word("ivr.left"));
    }
    return steps.join(" → ");
  }

  // A wrap-up code by the name the wrap-up form offers it under ("新投诉已建单", not
  // "complaint.new"); a retired code by itself.
  function wrapUpName(code) {
    if (!code) return "";
    const option = [...document.querySelectorAll("#wrap-form select[name=code] option")]
      .find((o) => o.value === code);
    return option ? option.textContent : code;
  }

  // The caller says they are calling about an open order: the chase is recorded on it in
  // one click, while they are on the line (each click its own key: each is a chase).
  document.getElementById("pop-orders")?.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-chase]");
    if (!button) return;
    button.disabled = true;
    const key = crypto.randomUUID ? crypto.randomUUID() : String(Date.now());
    try {
      // through the call: a caller of any branch chases their order wherever it is handled
      const chased = await api("POST", `/api/v1/acd/me/orders/${button.dataset.chase}/urge`, {}, { "Idempotency-Key": key });
      const chip = button.parentElement.querySelector(".chip.chased");
      chip.textContent = word("chased", { n: chased.urge_count });
      chip.hidden = false;
      toast(word("chased_toast", { number: button.dataset.number }));
    } catch (failure) {
      toast(failure.message);
    }
    button.disabled = false;
  });

  function fillList(id, items, line) {
    const list = document.getElementById(id);
    list.innerHTML = items.length ? items.map((item) => `<li>${line(item)}</li>`).join("") : `<li class="muted">${escapeHtml(word("none"))}</li>`;
  }

  panel.querySelectorAll("[data-set-state]").forEach((button) => button.addEventListener("click", () => {
    const state = button.dataset.setState;
    const reason = state === "break" ? document.getElementById("break-reason").value : "";
    act("POST", "/api/v1/acd/me/state", { state, reason });
  }));
  panel.querySelectorAll("[data-call]").forEach((button) => button.addEventListener("click", () => {
    act("POST", `/api/v1/acd/me/${button.dataset.call}`);
  }));

  document.getElementById("wrap-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target, fields = new FormData(form);
    const then = fields.get("then");
    const body = { code: fields.get("code"), note: fields.get("note"), then,
      reason: then === "break" ? document.getElementById("break-reason").value : "" };
    try {
      show(await api("POST", "/api/v1/acd/me/wrap-up", body));
      form.reset();
      text("order-made", "");
    } catch (failure) { showError(document.getElementById("wrap-error"), failure); }
  });

  document.getElementById("call-order-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target, fields = new FormData(form);
    const body = { type: fields.get("type"), category_id: Number(fields.get("category_id")),
      subject: fields.get("subject"), description: fields.get("description") };
    if (fields.get("send_receipt")) body.send_receipt = true;
    const key = `call-${current?.call?.interaction_id}-${Date.now()}`;
    try {
      const order = await api("POST", "/api/v1/acd/me/orders", body, { "Idempotency-Key": key });
      const made = document.getElementById("order-made");
      made.innerHTML = `<a href="/orders/${order.id}" class="chip green">${escapeHtml(word("order_made", { number: order.number }))}</a>`;
      toast(word("order_made", { number: order.number }));
      form.reset();
    } catch (failure) { showError(document.getElementById("call-order-error"), failure); }
  });

  setInterval(() => {
    if (!current) return;
    const since = duration((Date.now() - Date.parse(current.state_since)) / 1000);
    text("agent-since", current.state === "offline" ? "" : word("since", { time: since }));
    const ring = document.getElementById("call-ring");
    if (current.state === "ringing" && current.call?.expires_at) {
      ring.hidden = false;
      ring.textContent = word("ringing", { seconds: Math.max(0, Math.round((Date.parse(current.call.expires_at) - Date.now()) / 1000)) });
    } else { ring.hidden = true; }
  }, 500);

  const events = new EventSource("/api/v1/acd/me/stream");
  events.addEventListener("agent", (event) => show(JSON.parse(event.data)));
}

function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

// --- wallboard ----------------------------------------------------------------------------

function setupWallboard() {
  const board = document.getElementById("wallboard");
  if (!board) return;
  const word = wordsOf("wall-words");
  const english = board.dataset.lang === "en";
  const percent = (value) => (value === null || value === undefined ? "—" : `${(value * 100).toFixed(1)}%`);
  const secs = (value) => (value === null || value === undefined ? "—" : duration(value));

  function render(data) {
    text("wall-at", centerTime(data.at).slice(11));
    document.getElementById("wall-totals").innerHTML = ["ready", "ringing", "talking", "wrap_up", "break"]
      .map((state) => `<div class="total state-${state}"><b>${data.agents[state] || 0}</b><span>${escapeHtml(word(`state.${state}`))}</span></div>`)
      .join("");
    document.getElementById("wall-queues").innerHTML = data.queues.map((q) => {
      const agents = Object.entries(q.agents).map(([state, n]) => `<span class="chip grey">${escapeHtml(word(`state.${state}`))} ${n}</span>`).join("");
      const alerts = q.alerts.map((a) => `<span class="chip red">${escapeHtml(word(`alert.${a}`))}</span>`).join("");
      const late = q.service_level !== null && q.service_level < 0.8 ? "neg" : "";
      return `<tr data-queue="${escapeHtml(q.code)}" class="${q.alerts.length ? "alerting" : ""}">
        <td><b>${escapeHtml(english && q.name_en ? q.name_en : q.name)}</b> <span class="muted small">${q.service_level_seconds}s</span></td>
        <td class="num big-num">${q.waiting}</td><td class="num">${secs(q.longest_wait_seconds)}</td><td class="num">${q.callbacks_waiting} <span class="muted small">/ ${q.callbacks_taken}</span></td>
        <td class="num">${q.offered}</td><td class="num">${q.answered}</td><td class="num">${q.abandoned}</td>
        <td class="num ${late}">${percent(q.service_level)}</td><td class="num">${secs(q.asa_seconds)}</td>
        <td class="num">${secs(q.aht_seconds)}</td><td>${agents || escapeHtml(word("none"))}</td><td>${alerts}</td></tr>`;
    }).join("");
    const now = Date.parse(data.at);
    document.getElementById("wall-agents").innerHTML = data.agent_rows.map((a) => `<tr>
      <td>${escapeHtml(a.name)}</td><td><span class="state-badge small" data-state="${a.state}">${escapeHtml(word(`state.${a.state}`))}</span> <span class="muted small">${escapeHtml(a.reason)}</span></td>
      <td>${duration((now - Date.parse(a.state_since)) / 1000)}</td><td class="muted small">${escapeHtml(a.queues.join(" · "))}</td></tr>`).join("")
      || `<tr><td colspan="4" class="empty">${escapeHtml(word("none"))}</td></tr>`;
  }

  const events = new EventSource("/api/v1/acd/stream");
  events.addEventListener("wallboard", (event) => render(JSON.parse(event.data)));
}

document.addEventListener("DOMContentLoaded", () => {
  setupAgentPanel();
  setupWallboard();
});
