// The subscribers' self-service page: ask a code, sign in with it, write to the center,
// sign out. Every change goes through /api/v1/self (api() and showError() from kefu.js).
"use strict";

function setupSelfSignIn() {
  const codeForm = document.getElementById("self-code-form");
  const signInForm = document.getElementById("self-sign-in-form");
  if (!codeForm || !signInForm) return;
  const error = document.getElementById("self-error");
  const resend = signInForm.querySelector('[data-self="resend"]');
  const words = document.documentElement.lang === "en"
    ? { sent: "A code is on its way to", resend: "Text it again", wait: (s) => `Text it again in ${s} s`, demo: "Demo center (texts go to a file): the code is" }
    : { sent: "验证码已发送至", resend: "重新发送", wait: (s) => `${s} 秒后可重新发送`, demo: "演示中心（短信写入文件）：验证码为" };
  let timer = null;

  const countDown = (seconds) => {
    clearInterval(timer);
    let left = seconds;
    resend.disabled = true;
    resend.textContent = words.wait(left);
    timer = setInterval(() => {
      left -= 1;
      if (left > 0) { resend.textContent = words.wait(left); return; }
      clearInterval(timer);
      resend.disabled = false;
      resend.textContent = words.resend;
    }, 1000);
  };

  const askCode = async () => {
    const msisdn = codeForm.elements.msisdn.value.trim();
    try {
      const asked = await api("POST", "/api/v1/self/code", { msisdn });
      error.hidden = true;
      signInForm.hidden = false;
      codeForm.querySelector('[data-self="ask"]').hidden = true;  // "text it again" from here
      signInForm.querySelector('[data-self="sent"]').textContent = `${words.sent} ${msisdn}`;
      const demo = signInForm.querySelector('[data-self="demo-code"]');
      if (demo && asked.demo_code) { demo.textContent = `${words.demo} ${asked.demo_code}`; demo.hidden = false; }
      signInForm.elements.code.focus();
      countDown(asked.resend_after_seconds);
    } catch (failure) {
      showError(error, failure, codeForm);
    }
  };

  codeForm.addEventListener("submit", (event) => { event.preventDefault(); askCode(); });
  codeForm.elements.msisdn.addEventListener("input", () => {  // another number: start over
    codeForm.querySelector('[data-self="ask"]').hidden = false;
    signInForm.hidden = true;
  });
  resend.addEventListener("click", askCode);
  signInForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", "/api/v1/self/session", {
        msisdn: codeForm.elements.msisdn.value.trim(), code: signInForm.elements.code.value.trim(),
      });
      window.location.assign("/self");
    } catch (failure) {
      showError(error, failure, signInForm);
    }
  });
}

// A message, then its files one by one. The message is sent once (its key kept); when a
// file is refused, the message stays sent and sending again adds only the files left (a
// file sent already is the one kept).
function setupSelfMessage() {
  const form = document.getElementById("self-message-form");
  if (!form) return;
  const error = document.getElementById("self-message-error");
  const most = Number(form.dataset.filesPerMessage || 3);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = [...form.elements.file.files];
    if (chosen.length > most) { showError(error, form.dataset.tooMany, form); return; }
    form.dataset.key ||= crypto.randomUUID ? crypto.randomUUID() : String(Date.now());
    try {
      if (!form.dataset.messageId) {
        const sent = await api("POST", "/api/v1/self/messages",
          { topic: form.elements.topic.value, text: form.elements.text.value },
          { "Idempotency-Key": form.dataset.key });
        form.dataset.messageId = sent.id;
      }
      for (const file of chosen) {
        await sendFile(`/api/v1/self/messages/${form.dataset.messageId}/files`, file).catch((failure) => {
          failure.message = `${file.name}: ${failure.message}`;
          throw failure;
        });
      }
      window.location.reload();
    } catch (failure) {
      showError(error, failure, form);
    }
  });
}

function setupSelfPage() {
  setupSelfMessage();
  document.querySelectorAll("form[data-self-chase]").forEach((step) => {
    postsStep(step, step.dataset.selfChase, step.querySelector(".form-error"));
  });
  document.querySelectorAll("form[data-self-rate]").forEach((step) => {
    postsStep(step, step.dataset.selfRate, step.querySelector(".form-error"));
  });
  document.querySelectorAll("form[data-self-move]").forEach((step) => {
    createsOnce(step, step.dataset.selfMove, (f) => ({
      day: f.elements.day.value, part: f.elements.part.value, note: f.elements.note.value.trim(),
    }), step.querySelector(".form-error"));
  });
  document.querySelector('[data-action="self-sign-out"]')?.addEventListener("click", async () => {
    await api("DELETE", "/api/v1/self/session").catch(() => null);
    window.location.assign("/self");
  });
}

// The satisfaction survey: the checked score of each question, sent once (a retry after a
// lost answer repeats the key); a question the API names is marked and scrolled to.
function setupSelfSurvey() {
  const form = document.getElementById("self-survey-form");
  if (!form) return;
  const error = document.getElementById("self-survey-error");
  const actions = form.querySelector(".actions");
  const unmark = () => form.querySelectorAll('.self-question[aria-invalid="true"]')
    .forEach((question) => question.removeAttribute("aria-invalid"));
  form.addEventListener("change", (event) => event.target.closest(".self-question")?.removeAttribute("aria-invalid"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    unmark();
    form.dataset.key ||= crypto.randomUUID ? crypto.randomUUID() : String(Date.now());
    const answers = {};
    form.querySelectorAll('input[type="radio"]:checked').forEach((r) => { answers[r.name] = Number(r.value); });
    try {
      await api("POST", "/api/v1/self/survey", { answers }, { "Idempotency-Key": form.dataset.key });
      window.location.reload();
    } catch (failure) {
      showError(error, failure, form);
      const code = failure?.data?.error?.field?.split(".").pop();
      const question = code && form.querySelector(`.self-question[data-question="${CSS.escape(code)}"]`);
      if (question) {  // the message beside the question, where the subscriber now looks
        question.setAttribute("aria-invalid", "true");
        question.append(error);
        question.scrollIntoView({ block: "center" });
      } else {
        actions.before(error);
      }
    }
  });
}

document.addEventListener("DOMContentLoaded", () => { setupSelfSignIn(); setupSelfPage(); setupSelfSurvey(); });
