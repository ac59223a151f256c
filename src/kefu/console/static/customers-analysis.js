// Customer value and churn warning: the RFM segments (sizes, a recency × money map, a table
// whose rows open their members, exports), the week's churn list with each number's
// reasons, and how well the churn model did on later data. Uses api(), csrf() and
// showError() from kefu.js; every text is set as text, never parsed as HTML.
"use strict";

const customerWords = (() => {
  const words = {};
  document.getElementById("customer-words")?.content.querySelectorAll("[data-word]").forEach((s) => {
    words[s.dataset.word] = s.textContent;
  });
  return (key, params = {}) =>
    (words[key] ?? key).replace(/\{(\w+)\}/g, (_m, name) => String(params[name] ?? ""));
})();

const PAGE = 50;
const plotFont = () => ({ family: getComputedStyle(document.documentElement).fontFamily, size: 12 });
const plotLayout = (extra) => ({
  font: plotFont(), margin: { l: 60, r: 20, t: 10, b: 50 },
  paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", ...extra,
});
const plotConfig = { displaylogo: false, displayModeBar: false, responsive: true };
const yuan = (value) => Math.round(value).toLocaleString();

function cell(tag, text, className) {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

function headRow(table, names) {
  const thead = document.createElement("thead");
  const row = document.createElement("tr");
  for (const [name, numeric] of names) row.append(cell("th", customerWords(name), numeric ? "num" : ""));
  thead.append(row);
  table.replaceChildren(thead, document.createElement("tbody"));
  return table.tBodies[0];
}

// Customer value ----------------------------------------------------------------------

let members = { segment: null, offset: 0 };

async function loadValue() {
  const found = await api("GET", "/api/v1/analytics/value");
  const meta = document.getElementById("value-meta");
  if (!found.run) { meta.textContent = "—"; return; }
  meta.textContent = customerWords("value.meta", {
    day: found.run.as_of, numbers: found.run.numbers.toLocaleString(), k: found.run.k,
  });
  const segments = found.segments;
  Plotly.react("value-sizes", [{
    type: "bar", x: segments.map((s) => s.label), y: segments.map((s) => s.size),
    marker: { color: "#3538cd" }, hovertemplate: "%{x}: %{y:,}<extra></extra>",
  }], plotLayout({ yaxis: { title: { text: customerWords("numbers") }, gridcolor: "#e6e9ef" } }), plotConfig);
  const biggest = Math.max(...segments.map((s) => s.size));
  Plotly.react("value-map", [{
    type: "scatter", mode: "markers+text", text: segments.map((s) => s.label), textposition: "top center",
    x: segments.map((s) => s.recency_days), y: segments.map((s) => s.monetary_yuan),
    marker: { size: segments.map((s) => 12 + 48 * Math.sqrt(s.size / biggest)), color: "#7a5af8", opacity: 0.6 },
    hovertemplate: "%{text}<extra></extra>",
  }], plotLayout({
    xaxis: { title: { text: customerWords("recency.axis") }, gridcolor: "#f0f2f5" },
    yaxis: { title: { text: customerWords("money.axis") }, gridcolor: "#e6e9ef" },
  }), plotConfig);
  const body = headRow(document.getElementById("value-table"), [
    ["segment"], ["numbers", true], ["share", true], ["recency", true],
    ["frequency", true], ["money", true], ["total", true],
  ]);
  for (const s of segments) {
    const row = document.createElement("tr");
    row.className = "clickable";
    row.dataset.segment = s.code;
    row.tabIndex = 0;
    row.append(
      cell("td", s.label), cell("td", s.size.toLocaleString(), "num"),
      cell("td", `${(s.share * 100).toFixed(1)}%`, "num"), cell("td", s.recency_days.toFixed(0), "num"),
      cell("td", s.frequency.toFixed(1), "num"), cell("td", yuan(s.monetary_yuan), "num"),
      cell("td", yuan(s.total_yuan), "num"),
    );
    row.addEventListener("click", () => openSegment(s.code, s.label));
    row.addEventListener("keydown", (event) => { if (event.key === "Enter") openSegment(s.code, s.label); });
    body.append(row);
  }
}

async function openSegment(code, label) {
  members = { segment: code, offset: 0 };
  document.getElementById("members-card").hidden = false;
  document.getElementById("members-title").textContent = label;
  headRow(document.getElementById("members-table"), [
    ["msisdn"], ["name"], ["tier"], ["branch"], ["recency", true], ["frequency", true], ["money", true],
  ]);
  await moreMembers();
  document.getElementById("members-card").scrollIntoView({ block: "start", behavior: "smooth" });
}

async function moreMembers() {
  const query = new URLSearchParams({ segment: members.segment, limit: PAGE, offset: members.offset });
  const found = await api("GET", `/api/v1/analytics/value/members?${query}`);
  const body = document.getElementById("members-table").tBodies[0];
  for (const m of found.items) {
    const row = document.createElement("tr");
    row.append(
      cell("td", m.msisdn, "mono"), cell("td", m.name), cell("td", m.tier_label), cell("td", m.org_unit),
      cell("td", m.recency_days.toFixed(0), "num"), cell("td", String(m.frequency), "num"),
      cell("td", yuan(m.monetary_yuan), "num"),
    );
    body.append(row);
  }
  members.offset += found.items.length;
  document.getElementById("members-meta").textContent =
    customerWords("members.meta", { shown: members.offset.toLocaleString(), total: found.total.toLocaleString() });
  document.getElementById("members-more").hidden = members.offset >= found.total;
}

async function exportMembers(format) {
  const error = document.getElementById("members-error");
  showError(error, "");
  try {
    await download("/api/v1/analytics/value/export", { segment: members.segment, format },
      `value-${members.segment}.${format}`);
  } catch (failure) {
    showError(error, failure);  // it failed without a word before
  }
}

// Churn warning -----------------------------------------------------------------------

let churn = { offset: 0 };

function churnQuery() {
  const form = document.getElementById("churn-form");
  const query = new URLSearchParams({ limit: PAGE, offset: churn.offset });
  if (form.elements.week.value) query.set("week", form.elements.week.value);
  const manager = form.elements.account_manager_id?.value;
  if (manager) query.set("account_manager_id", manager);
  return query;
}

function riskCell(probability) {
  const td = document.createElement("td");
  td.className = "risk";
  const bar = document.createElement("span");
  bar.className = "risk-bar";
  bar.style.setProperty("--risk", `${Math.min(100, probability * 100).toFixed(0)}%`);
  td.append(bar, cell("span", `${(probability * 100).toFixed(0)}%`, "risk-value"));
  return td;
}

function reasonsCell(reasons) {
  const td = document.createElement("td");
  for (const reason of reasons) {
    const chip = cell("span", `${reason.label} ${Math.round(reason.share * 100)}%`, "chip reason");
    td.append(chip, " ");
  }
  return td;
}

async function loadChurn(event) {
  event?.preventDefault();
  const error = document.getElementById("churn-error");
  showError(error, "");
  churn = { offset: 0 };
  headRow(document.getElementById("churn-table"), [
    ["msisdn"], ["name"], ["tier"], ["branch"], ["manager"], ["risk"], ["reasons"],
  ]);
  try {
    await moreChurn();
  } catch (failure) {
    showError(error, failure);
  }
}

async function moreChurn() {
  const found = await api("GET", `/api/v1/analytics/churn/watchlist?${churnQuery()}`);
  const form = document.getElementById("churn-form");
  if (found.week && !form.elements.week.value) form.elements.week.value = found.week;
  const body = document.getElementById("churn-table").tBodies[0];
  for (const item of found.items) {
    const row = document.createElement("tr");
    row.append(
      cell("td", item.msisdn, "mono"), cell("td", item.name), cell("td", item.tier_label),
      cell("td", item.org_unit), cell("td", item.account_manager ?? "—"),
      riskCell(item.probability), reasonsCell(item.reasons),
    );
    body.append(row);
  }
  churn.offset += found.items.length;
  document.getElementById("churn-meta").textContent = found.week
    ? customerWords("churn.meta", { week: found.week, shown: churn.offset.toLocaleString(), total: found.total.toLocaleString() })
    : customerWords("churn.empty");
  document.getElementById("churn-more").hidden = churn.offset >= found.total;
}

async function loadModel() {
  let found;
  try {
    found = await api("GET", "/api/v1/analytics/churn/model");
  } catch {
    document.getElementById("model-card").hidden = true;
    return;
  }
  const report = found.report, metrics = report.metrics;
  document.getElementById("model-meta").textContent = customerWords("model.meta", {
    train: report.cutoffs?.train ?? "—", test: report.cutoffs?.test ?? "—",
    rows: report.test.rows.toLocaleString(), leavers: report.test.leavers.toLocaleString(),
  });
  const tiles = [
    [customerWords("auc"), metrics.auc.toFixed(3)],
    [customerWords("base"), `${(metrics.base_rate * 100).toFixed(1)}%`],
    ...metrics.precision_at.map((p) => [
      customerWords("precision", { share: `${Math.round(p.share * 100)}%` }),
      `${(p.precision * 100).toFixed(1)}% · ${p.lift.toFixed(1)}×`,
    ]),
  ];
  document.getElementById("model-tiles").replaceChildren(...tiles.map(([label, value]) => {
    const tile = document.createElement("div");
    tile.className = "kpi-tile";
    tile.append(cell("span", label, "kpi-label"), cell("strong", value));
    return tile;
  }));
  const bins = metrics.reliability;
  const percent = (values) => values.map((v) => v * 100);
  Plotly.react("model-reliability", [
    { type: "bar", name: customerWords("observed"), x: bins.map((_b, i) => i + 1), y: percent(bins.map((b) => b.observed)), marker: { color: "#7a5af8" } },
    { type: "scatter", mode: "lines+markers", name: customerWords("predicted"), x: bins.map((_b, i) => i + 1), y: percent(bins.map((b) => b.predicted)), line: { color: "#f79009" } },
  ], plotLayout({
    yaxis: { title: { text: "%" }, rangemode: "tozero", gridcolor: "#e6e9ef" },
    xaxis: { dtick: 1, title: { text: customerWords("tenths") } }, legend: { orientation: "h", y: -0.25 },
  }), plotConfig);
}

document.getElementById("churn-form").addEventListener("submit", loadChurn);
document.getElementById("churn-more").addEventListener("click", () => moreChurn());
if (document.getElementById("value-card")) {
  document.getElementById("members-more").addEventListener("click", () => moreMembers());
  document.getElementById("members-csv").addEventListener("click", () => exportMembers("csv"));
  document.getElementById("members-xlsx").addEventListener("click", () => exportMembers("xlsx"));
}
window.addEventListener("load", () => {
  loadChurn();
  if (document.getElementById("value-card")) { loadValue(); loadModel(); }
});
