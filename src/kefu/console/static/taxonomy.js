// The taxonomy page: filter the tree; admins save a category, its reply templates and new
// ones through the API (If-Match on changes), then the page is read again at the category.
"use strict";

function setupTaxonomyFilter() {
  const filter = document.getElementById("category-filter"), tree = document.getElementById("category-tree");
  if (!filter || !tree) return;
  const apply = () => {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    for (const item of tree.children) {
      item.hidden = !words.every((word) => item.dataset.search.includes(word));
    }
  };
  filter.addEventListener("input", apply);
  // Words typed before this script ran (a slow page), or restored by the browser on
  // going back, filter the tree too: no input event would come for them.
  apply();
}

const openCategory = (id) => window.location.assign(`/orders/categories?id=${id}`);
const field = (form, name) => form.elements[name]?.value.trim() ?? "";
// A leaf says whether its service requests change a service (and so wait for consent).
const serviceChange = (form) =>
  form.elements.changes_service ? { changes_service: form.elements.changes_service.checked } : {};
const versioned = (form) => ({ "If-Match": `"${form.dataset.version}"` });

// Runs a save; a refusal is shown in the form's own error line, in the page's language.
// The form's buttons, and those acting on it from outside (`also`), wait meanwhile.
function saving(form, save, also = []) {
  const error = form.querySelector(".form-error");
  return async (event) => {
    event?.preventDefault();
    // Only those that could be pressed: a first category's "up" stays off after a refusal.
    const buttons = [...form.querySelectorAll("button"), ...also].filter((b) => !b.disabled);
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await save();
    } catch (problem) {
      showError(error, problem);
      buttons.forEach((b) => { b.disabled = false; });
    }
  };
}

function setupCategoryForm() {
  const form = document.getElementById("category-form");
  if (!form) return;
  const url = `/api/v1/order-categories/${form.dataset.id}`;
  const change = async (body) => { await api("PATCH", url, body, versioned(form)); openCategory(form.dataset.id); };
  const moves = [...document.querySelectorAll("[data-move]")];
  form.addEventListener("submit", saving(form, () => change(
    { name: field(form, "name"), name_en: field(form, "name_en"), script: field(form, "script"),
      script_en: field(form, "script_en"), ...serviceChange(form) }), moves));
  form.querySelector('[data-action="toggle"]').addEventListener("click",
    saving(form, () => change({ active: form.dataset.active !== "true" }), moves));
  // Up or down among its siblings: the order agents see in the picker.
  moves.forEach((button) => button.addEventListener("click",
    saving(form, async () => {
      await api("POST", `${url}/move`, { direction: button.dataset.move }, versioned(form));
      openCategory(form.dataset.id);
    }, moves)));
}

function setupTemplateForms() {
  const category = document.getElementById("category-form")?.dataset.id;
  for (const form of document.querySelectorAll(".template-form")) {
    const url = `/api/v1/order-templates/${form.dataset.id}`;
    const change = async (body) => { await api("PATCH", url, body, versioned(form)); openCategory(category); };
    form.addEventListener("submit", saving(form, () => change(
      { title: field(form, "title"), body: field(form, "body") })));
    form.querySelector('[data-action="toggle"]').addEventListener("click",
      saving(form, () => change({ active: form.dataset.active !== "true" })));
  }
  for (const form of document.querySelectorAll(".template-new")) {
    const url = `/api/v1/order-categories/${form.dataset.category}/templates`;
    form.addEventListener("submit", saving(form, async () => {
      await api("POST", url, { title: field(form, "title"), body: field(form, "body"), language: field(form, "language") });
      openCategory(form.dataset.category);
    }));
  }
}

function setupNewCategories() {
  for (const form of document.querySelectorAll(".category-new")) {
    form.addEventListener("submit", saving(form, async () => {
      const body = { code: field(form, "code"), name: field(form, "name"), name_en: field(form, "name_en") };
      if (form.dataset.parent) body.parent_id = Number(form.dataset.parent);
      if (form.elements.script) body.script = field(form, "script");
      if (form.elements.script_en) body.script_en = field(form, "script_en");
      Object.assign(body, serviceChange(form));
      const made = await api("POST", "/api/v1/order-categories", body);
      openCategory(made.id);
    }));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  setupTaxonomyFilter(); setupCategoryForm(); setupTemplateForms(); setupNewCategories();
});
