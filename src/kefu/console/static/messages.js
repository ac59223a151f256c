// The message page: answer a customer's SMS or e-mail, or close it with a wrap-up code.
// Both go through the JSON API with the message's version (If-Match), so two agents never
// answer the same message without seeing each other's answer.
"use strict";

function setupMessage() {
  const message = document.getElementById("message");
  if (!message) return;
  const version = { "If-Match": `"${message.dataset.version}"` };
  const failed = (failure) => showError(document.getElementById("message-error"), failure);
  document.getElementById("reply-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = new FormData(event.target).get("text");
    const key = { "Idempotency-Key": crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) };
    try {
      await api("POST", `/api/v1/messages/${message.dataset.id}/reply`, { text }, { ...version, ...key });
      window.location.reload();
    } catch (failure) { failed(failure); }
  });
  // An order opened from the message: its number goes into the answer where the cursor is.
  document.querySelectorAll("[data-quote]").forEach((button) => button.addEventListener("click", () => {
    const answer = document.querySelector("#reply-form textarea[name=text]");
    if (!answer) return;
    const at = answer.selectionStart ?? answer.value.length;
    answer.setRangeText(button.dataset.quote, at, answer.selectionEnd ?? at, "end");
    answer.focus();
  }));
  document.getElementById("close-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = new FormData(event.target).get("code");
    try {
      await api("POST", `/api/v1/interactions/${message.dataset.id}/wrap-up`, { code }, version);
      window.location.assign("/messages");
    } catch (failure) { failed(failure); }
  });
}

document.addEventListener("DOMContentLoaded", setupMessage);
