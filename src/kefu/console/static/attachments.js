// An order's files: chosen or dropped on the card, sent one by one (each with its own
// Idempotency-Key, so a retried upload is kept once), and withdrawn with a reason.
"use strict";

// A file to the API as multipart; refusals throw as api() does, so showError() can
// name the field.
async function uploadFile(orderId, file, note, key) {
  return sendFile(`/api/v1/work-orders/${orderId}/attachments`, file, note ? { note } : {}, { "Idempotency-Key": key });
}

const REFUSED_KEY = "kefu-attachments-refused";

function setupAttachments() {
  const card = document.getElementById("attachments");
  if (!card) return;
  const error = document.getElementById("attachment-error");
  const refused = sessionStorage.getItem(REFUSED_KEY);
  if (refused) {
    sessionStorage.removeItem(REFUSED_KEY);
    showError(error, refused);
  }
  const form = document.getElementById("attach-form");
  if (form) setupUploads(card, form, error);
  card.querySelectorAll("form[data-withdraw]").forEach((withdraw) => {
    withdraw.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api("POST", `/api/v1/work-orders/${card.dataset.order}/attachments/${withdraw.dataset.withdraw}/withdraw`,
          { reason: withdraw.elements.reason.value.trim() });
        window.location.reload();
      } catch (failure) {
        showError(error, failure, withdraw);
      }
    });
  });
}

function setupUploads(card, form, error) {
  const picker = form.elements.file, progress = document.getElementById("attach-progress");
  const zone = form.querySelector(".drop-zone");
  const maxBytes = Number(card.dataset.maxBytes);
  const send = async (files) => {
    const tooLarge = files.find((file) => file.size > maxBytes);
    if (tooLarge) {
      showError(error, `${tooLarge.name}: ${card.dataset.tooLarge}`);
      return;
    }
    showError(error, "");
    zone.classList.add("busy");
    // Every file is tried; the refusals are shown once the page shows what went in.
    const refused = [];
    for (const [index, file] of files.entries()) {
      progress.textContent = `${file.name} (${index + 1}/${files.length})…`;
      // One key per file and page: sending it again after a lost answer keeps it once.
      file.key ||= crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${index}`;
      try {
        await uploadFile(card.dataset.order, file, form.elements.note.value.trim(), file.key);
      } catch (failure) {
        if (failure.data?.error?.field === "note") {  // the same for every file: stop here
          progress.textContent = "";
          showError(error, failure, form);
          zone.classList.remove("busy");
          return;
        }
        refused.push(`${file.name}: ${failure.message}`);
      }
    }
    if (refused.length) sessionStorage.setItem(REFUSED_KEY, refused.join("\n"));
    window.location.reload();
  };
  form.addEventListener("submit", (event) => { event.preventDefault(); picker.click(); });
  picker.addEventListener("change", () => { if (picker.files.length) send([...picker.files]); });
  card.addEventListener("dragover", (event) => { event.preventDefault(); card.classList.add("dropping"); });
  card.addEventListener("dragleave", () => card.classList.remove("dropping"));
  card.addEventListener("drop", (event) => {
    event.preventDefault();
    card.classList.remove("dropping");
    if (event.dataTransfer?.files.length) send([...event.dataTransfer.files]);
  });
}

document.addEventListener("DOMContentLoaded", setupAttachments);
