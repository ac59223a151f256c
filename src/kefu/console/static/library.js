// Knowledge and incidents: library search inside a reply, article editing, incident
// decisions and their callers' compensation, customer confirmation and promoting a closed
// order to a case.
// Uses api(), showError(), toFen(), createsOnce() and postsStep() from kefu.js. Text from the server is set with textContent.
"use strict";

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

// The text as nodes, the searched words in <mark> (built as text nodes, never as HTML).
function markedNodes(text, terms) {
  const words = [...new Set(terms.filter((t) => t.trim()))].sort((a, b) => b.length - a.length);
  if (!words.length) return [document.createTextNode(text)];
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const nodes = [];
  let at = 0;
  for (const found of text.matchAll(new RegExp(escaped.join("|"), "giu"))) {
    if (found.index > at) nodes.push(document.createTextNode(text.slice(at, found.index)));
    const mark = document.createElement("mark");
    mark.textContent = found[0];
    nodes.push(mark);
    at = found.index + found[0].length;
  }
  if (at < text.length) nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}

function setupKnowledgePick() {
  const order = document.getElementById("order");
  document.querySelectorAll(".kb-pick").forEach((pick) => {
    const input = pick.querySelector(".kb-search"), list = pick.querySelector(".kb-suggestions");
    const area = pick.closest("form").elements.reply;
    const insert = async (id) => {
      let filled;
      try {
        filled = await api("GET", `/api/v1/knowledge/${id}/fill?order_id=${order.dataset.id}`);
      } catch (failure) {  // an article that ended since the list was shown is refused
        showError(pick.closest("form").querySelector(".form-error") || document.getElementById("action-error"), failure);
        return;
      }
      area.value = (area.value ? `${area.value}\n` : "") + filled.text;
      area.dispatchEvent(new Event("input"));  // the SMS length counter reads the new text
      list.hidden = true;
      input.value = "";
      area.focus();
    };
    input.addEventListener("input", debounce(async () => {
      const q = input.value.trim();
      if (!q) { list.hidden = true; return; }
      const page = await api("GET", `/api/v1/knowledge?size=6&q=${encodeURIComponent(q)}`);
      list.replaceChildren(...page.items.map((item) => {
        const li = document.createElement("li"), title = document.createElement("b"), text = document.createElement("span");
        li.tabIndex = 0;
        li.dataset.id = item.id;
        title.append(...markedNodes(item.title, page.terms));
        text.append(...markedNodes(item.snippet, page.terms));
        li.append(title, text);
        return li;
      }));
      list.hidden = page.items.length === 0;
    }, 200));
    list.addEventListener("click", (event) => { const li = event.target.closest("li"); if (li) insert(li.dataset.id); });
    list.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.matches("li")) { event.preventDefault(); insert(event.target.dataset.id); }
    });
  });
}

function setupConsent() {
  const box = document.getElementById("consent"), order = document.getElementById("order");
  if (!box || !order) return;
  const error = document.getElementById("action-error");
  const base = `/api/v1/work-orders/${order.dataset.id}/consent`;
  const value = (name) => box.querySelector(`[name="${name}"]`).value.trim();
  const calls = {
    code: () => api("POST", `${base}/code`),
    verify: () => api("POST", `${base}/verify`, { code: value("code") }),
    verbal: () => api("POST", `${base}/verbal`, { call_reference: value("call_reference") }),
  };
  box.querySelectorAll("[data-consent]").forEach((button) => {
    button.addEventListener("click", async () => {
      try { await calls[button.dataset.consent](); window.location.reload(); }
      catch (failure) { showError(error, failure); }
    });
  });
}

function setupPromoteCase() {
  const button = document.querySelector("[data-promote-case]"), order = document.getElementById("order");
  if (!button || !order) return;
  button.addEventListener("click", async () => {
    try {
      const article = await api("POST", "/api/v1/knowledge/cases", { order_id: Number(order.dataset.id) });
      window.location.assign(`/knowledge/${article.id}`);
    } catch (failure) {
      showError(document.getElementById("action-error"), failure);
    }
  });
}

function setupArticleForm() {
  const form = document.getElementById("article-form");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(new FormData(form).entries());
    body.valid_until = body.valid_until || null; // an empty date: no end
    try {
      const article = form.dataset.id
        ? await api("PATCH", `/api/v1/knowledge/${form.dataset.id}`, body, { "If-Match": `"${form.dataset.version}"` })
        : await api("POST", "/api/v1/knowledge", body, { "Idempotency-Key": (form.dataset.key ||= String(Date.now()) + Math.random()) });
      window.location.assign(`/knowledge/${article.id}`);
    } catch (failure) {
      showError(document.getElementById("article-error"), failure);
    }
  });
}

function setupIncidentActions() {
  const incident = document.getElementById("incident"), panel = document.getElementById("incident-actions");
  if (!incident || !panel) return;
  panel.querySelectorAll("form[data-incident-action]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = Object.fromEntries(new FormData(form).entries());
      try {
        await api("POST", `/api/v1/incidents/${incident.dataset.id}/${form.dataset.incidentAction}`, body,
          { "If-Match": `"${incident.dataset.version}"` });
        window.location.reload();
      } catch (failure) {
        showError(document.getElementById("incident-error"), failure);
      }
    });
  });
}

// A text to an incident's callers, once per key (a double click texts each once): the
// form says how many were texted and whom to call, then ``done`` tidies it.
function textsCallers(form, path, body, done) {
  if (!form) return;
  const said = form.querySelector(".told-callers");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    form.dataset.key ||= crypto.randomUUID ? crypto.randomUUID() : String(Date.now());
    try {
      const told = await api("POST", `/api/v1/incidents/${form.dataset.incident}/${path}`,
        body(form), { "Idempotency-Key": form.dataset.key });
      const toCall = told.to_call.length ? ` ${said.dataset.toCall.replace("{orders}", told.to_call.join(", "))}` : "";
      said.textContent = said.dataset.texted.replace("{n}", String(told.texted)) + toCall;
      said.hidden = false;
      done(form);
    } catch (failure) {
      showError(document.getElementById("incident-error"), failure);
    }
  });
}

// One progress text to every caller still waiting; the page stays, ready for the next.
function setupIncidentProgress() {
  textsCallers(document.getElementById("incident-progress"), "progress",
    (form) => ({ text: form.elements.text.value.trim() }),
    (form) => { form.elements.text.value = ""; delete form.dataset.key; });
}

// The last progress text to the callers who joined after it; the button goes once they
// are told.
function setupIncidentLate() {
  textsCallers(document.getElementById("incident-late"), "progress/late", () => undefined,
    (form) => { form.querySelector(".actions").hidden = true; });
}

// The callers' compensation: asked once in yuan (its own Idempotency-Key), approved or
// rejected together by someone else; the page is read again after each.
function setupCompensation() {
  const card = document.getElementById("compensation");
  if (!card) return;
  const error = document.getElementById("compensation-error");
  const base = `/api/v1/incidents/${card.dataset.id}/compensation`;
  const asking = document.getElementById("compensation-form");
  if (asking) {
    createsOnce(asking, base, (f) => ({ amount_fen: toFen(f.elements.amount_fen), reason: f.elements.reason.value.trim() }), error);
  }
  card.querySelectorAll("form[data-compensation-step]").forEach((form) => {
    postsStep(form, `${base}/${form.dataset.compensationStep}`, error);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupKnowledgePick(); setupConsent(); setupPromoteCase(); setupArticleForm(); setupIncidentActions(); setupIncidentProgress(); setupIncidentLate();
  setupCompensation();
});
