// Service figures: headline tiles for the period, one figure over time by group (Plotly),
// every figure by group in a table whose cells open the records behind them, and the
// table as CSV or Excel. Filters narrow everything to one branch, channel, queue, tier or
// brand; a chart point opens its period's records. The address holds the whole view, so a
// bookmark or a shared link shows the same figures, and the browser remembers the last
// grouping and filters for the next visit. Uses api() and showError() from kefu.js.
"use strict";

const kpiWords = (() => {
  const words = {};
  document.getElementById("kpi-words")?.content.querySelectorAll("[data-word]").forEach((s) => {
    words[s.dataset.word] = s.textContent;
  });
  return (key, params = {}) =>
    (words[key] ?? key).replace(/\{(\w+)\}/g, (_m, name) => String(params[name] ?? ""));
})();

const kpiForm = document.getElementById("kpi-form");
const kpiError = document.getElementById("kpi-error");
const TILES = [
  "offered", "service_level", "abandon_rate", "asa_seconds", "aht_seconds", "ivr_containment",
  "first_contact_resolution", "complaints_per_10k", "repeat_complaint_rate", "appeal_rate",
  "appeals_per_million", "time_limit_compliance", "return_visit_satisfaction",
  "return_visit_self_share", "engineer_no_show_rate", "engineer_report_on_time",
];
const FILTERS = ["org_unit_id", "channel", "queue_id", "tier", "brand"];
const ASKED = ["from", "to", "grain", "dimension", ...FILTERS];
const VIEW_KEY = "kefu.kpis.view";
let shown = null; // the last report
let chartKeys = []; // each chart trace's group key, by trace number

function showFigure(value, unit) {
  if (value === null || value === undefined) return "—";
  if (unit === "share") return `${(value * 100).toFixed(1)}%`;
  if (unit === "seconds") return `${value.toFixed(1)} s`;
  if (unit === "per_10k" || unit === "per_million") return value.toFixed(2);
  return Math.round(value).toLocaleString();
}

function td(text, className) {
  const cell = document.createElement("td");
  cell.textContent = text;
  if (className) cell.className = className;
  return cell;
}

function th(text, className) {
  const cell = document.createElement("th");
  cell.textContent = text;
  if (className) cell.className = className;
  return cell;
}

function kpiQuery() {
  const query = new URLSearchParams();
  for (const name of ASKED) {
    const value = kpiForm.elements[name].value;
    if (value) query.set(name, value);
  }
  return query;
}

// The view goes into the address (exact, dates included) and into the browser's storage
// (grouping, chart and filters; a later visit starts from the recent weeks again).
function rememberView() {
  const view = kpiQuery();
  view.set("chart", kpiForm.elements.chart.value);
  history.replaceState(null, "", `${location.pathname}?${view}`);
  view.delete("from");
  view.delete("to");
  try { localStorage.setItem(VIEW_KEY, String(view)); } catch { /* storage refused: the address still holds it */ }
}

function restoreView() {
  let saved = location.search.slice(1);
  if (!saved) {
    try { saved = localStorage.getItem(VIEW_KEY) || ""; } catch { saved = ""; }
  }
  const view = new URLSearchParams(saved);
  for (const name of [...ASKED, "chart"]) {
    const field = kpiForm.elements[name];
    const value = view.get(name);
    if (value === null) continue;
    // a unit or queue that is gone, or out of this user's scope, is not offered
    if (field.tagName === "SELECT" && ![...field.options].some((o) => o.value === value)) continue;
    field.value = value;
  }
}

function drawTiles(report) {
  const units = Object.fromEntries(report.kpis.map((k) => [k.id, k]));
  const tiles = document.getElementById("kpi-tiles");
  tiles.replaceChildren();
  for (const id of TILES) {
    const tile = document.createElement("div");
    tile.className = "kpi-tile";
    tile.dataset.kpi = id;
    const label = document.createElement("span");
    label.className = "kpi-label";
    label.textContent = units[id].label;
    const value = document.createElement("strong");
    value.textContent = showFigure(report.total.figures[id], units[id].unit);
    tile.append(label, value);
    tiles.append(tile);
  }
}

function drawChart(report) {
  const chosen = kpiForm.elements.chart.value;
  const info = report.kpis.find((k) => k.id === chosen);
  document.getElementById("chart-title").textContent = info.label;
  const labels = new Map(report.groups.map((g) => [String(g.key), g.label]));
  const series = new Map();
  for (const row of report.rows) {
    const key = String(row.key);
    if (!series.has(key)) series.set(key, new Map());
    series.get(key).set(row.bucket, row.figures[chosen]);
  }
  const share = info.unit === "share";
  chartKeys = [...series.keys()].map((key) => report.rows.find((r) => String(r.key) === key)?.key);
  const traces = [...series.entries()].map(([key, values]) => ({
    type: report.buckets.length > 1 ? "scatter" : "bar",
    mode: "lines+markers",
    name: labels.get(key) ?? key,
    x: report.buckets,
    y: report.buckets.map((b) => (values.has(b) && values.get(b) !== null ? values.get(b) * (share ? 100 : 1) : null)),
    connectgaps: false,
  }));
  const font = { family: getComputedStyle(document.documentElement).fontFamily, size: 12 };
  Plotly.react("kpi-chart", traces, {
    font,
    margin: { l: 60, r: 20, t: 10, b: 50 },
    yaxis: { title: { text: share ? "%" : "" }, rangemode: "tozero", gridcolor: "#e6e9ef" },
    xaxis: { type: "date", gridcolor: "#f0f2f5" },
    legend: { orientation: "h", y: -0.18 },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
  }, { displaylogo: false, displayModeBar: false, responsive: true });
  const chart = document.getElementById("kpi-chart");
  if (!chart.dataset.clickable) {
    chart.on("plotly_click", drillFromChart);
    chart.dataset.clickable = "true";
  }
}

// A point is one period of one group: it opens that period's records for that group.
function drillFromChart(event) {
  const point = event?.points?.[0];
  if (!point || !shown) return;
  const info = shown.kpis.find((k) => k.id === kpiForm.elements.chart.value);
  const bucket = String(point.x).slice(0, 10);
  const whole = shown.dimension === "none";
  drill(info, whole ? undefined : chartKeys[point.curveNumber], whole, bucket);
}

function drawTable(report) {
  const table = document.getElementById("kpi-table");
  table.replaceChildren();
  const head = document.createElement("tr");
  head.append(th(kpiWords("group")));
  for (const info of report.kpis) head.append(th(info.label, "num"));
  const thead = document.createElement("thead");
  thead.append(head);
  const body = document.createElement("tbody");
  const labels = new Map(report.groups.map((g) => [String(g.key), g.label]));
  const rows = report.dimension === "none" ? [report.total] : [...report.totals, report.total];
  for (const row of rows) {
    const tr = document.createElement("tr");
    const whole = row === report.total;
    if (whole) tr.className = "total";
    tr.append(td(whole ? kpiWords("total") : labels.get(String(row.key)) ?? String(row.key)));
    for (const info of report.kpis) {
      const cell = td("", "num");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = showFigure(row.figures[info.id], info.unit);
      button.addEventListener("click", () => drill(info, whole ? undefined : row.key, whole));
      cell.append(button);
      tr.append(cell);
    }
    body.append(tr);
  }
  table.append(thead, body);
}

async function drill(info, key, whole, bucket) {
  const query = kpiQuery();
  query.set("kpi", info.id);
  query.set("limit", "50");
  if (whole) query.set("dimension", "none");
  else if (key !== null && key !== undefined) query.set("key", String(key));
  if (bucket) query.set("bucket", bucket);
  const panel = document.getElementById("drill");
  try {
    const found = await api("GET", `/api/v1/analytics/kpis/records?${query}`);
    panel.hidden = false;
    document.getElementById("drill-title").textContent = bucket ? `${info.label} · ${bucket}` : info.label;
    document.getElementById("drill-meta").textContent = kpiWords("drill.meta", {
      total: found.total.toLocaleString(), shown: found.records.length,
    });
    drawRecords(found);
    panel.scrollIntoView({ behavior: "smooth", block: "start" });
  } catch (error) {
    showError(kpiError, error);
  }
}

function recordDetail(record) {
  if (record.order_number) {
    const said = [`order_type.${record.type}`, `order_status.${record.status}`, `outcome.${record.outcome}`];
    return said.filter((key) => !key.endsWith(".null") && !key.endsWith(".undefined"))
      .map((key) => kpiWords(key)).join(" · ");
  }
  const parts = [record.channel, record.end_reason];
  if (record.wait_seconds !== null) parts.push(`ASA ${record.wait_seconds.toFixed(1)} s`);
  if (record.handle_seconds !== null) parts.push(`AHT ${record.handle_seconds.toFixed(1)} s`);
  return parts.filter(Boolean).join(" · ");
}

function drawRecords(found) {
  const table = document.getElementById("drill-table");
  table.replaceChildren();
  const head = document.createElement("tr");
  head.append(th(kpiWords("record")), th(kpiWords("time")), th(kpiWords("number")), th(kpiWords("detail")), th(kpiWords("counted")));
  const thead = document.createElement("thead");
  thead.append(head);
  const body = document.createElement("tbody");
  for (const record of found.records) {
    const tr = document.createElement("tr");
    const link = document.createElement("td");
    if (record.order_number) {
      const a = document.createElement("a");
      a.href = `/orders/${record.order_id ?? record.id}`;
      a.textContent = record.order_number;
      link.append(a);
    } else {
      link.textContent = `#${record.id}`;
    }
    tr.append(link, td(centerTime(record.at)), td(record.number), td(recordDetail(record)),
      td(kpiWords(record.counted ? "yes" : "no"), record.counted ? "counted" : "muted"));
    body.append(tr);
  }
  table.append(thead, body);
}

async function loadKpis(event) {
  event?.preventDefault();
  showError(kpiError, "");
  try {
    const report = await api("GET", `/api/v1/analytics/kpis?${kpiQuery()}`);
    shown = report;
    rememberView();
    document.getElementById("kpi-meta").textContent = kpiWords("meta", {
      first: report.first, last: report.last, subscribers: report.subscribers.toLocaleString(),
    });
    drawTiles(report);
    drawChart(report);
    drawTable(report);
    document.getElementById("drill").hidden = true;
    document.getElementById("kpis").dataset.ready = "true";
  } catch (error) {
    showError(kpiError, error);
  }
}

async function exportKpis(format) {
  showError(kpiError, "");
  const body = {
    first: kpiForm.elements.from.value, last: kpiForm.elements.to.value,
    grain: kpiForm.elements.grain.value, dimension: kpiForm.elements.dimension.value, format,
  };
  for (const name of FILTERS) {
    const value = kpiForm.elements[name].value;
    if (value) body[name] = name.endsWith("_id") ? Number(value) : value;
  }
  try {
    await download("/api/v1/analytics/kpis/export", body, `kpi.${format}`);
  } catch (error) {
    showError(kpiError, error);
  }
}

// Early warnings not yet acknowledged, newest first; acknowledging one takes it off.
async function loadAlerts() {
  const card = document.getElementById("alerts-card");
  let found;
  try { found = await api("GET", "/api/v1/analytics/alerts?limit=20"); } catch { return; }
  card.hidden = found.total === 0;
  document.getElementById("alerts-meta").textContent = kpiWords("alerts.meta", { total: found.total });
  const list = document.getElementById("alert-list");
  list.replaceChildren(...found.items.map((alert) => {
    const item = document.createElement("li");
    item.dataset.alert = alert.id;
    const share = alert.rule !== "complaint_spike";
    const show = (v) => (share ? `${(v * 100).toFixed(1)}%` : v.toFixed(1));
    const text = document.createElement("span");
    text.append(
      Object.assign(document.createElement("strong"), { textContent: `${alert.title} · ${alert.subject}` }),
      ` ${alert.day} · ${kpiWords("alert.value", { value: show(alert.value), threshold: show(alert.threshold) })}`,
    );
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = kpiWords("acknowledge");
    button.addEventListener("click", async () => {
      button.disabled = true;
      try { await api("POST", `/api/v1/analytics/alerts/${alert.id}/acknowledge`, { note: "" }); } catch { /* taken by someone else */ }
      loadAlerts();
    });
    item.append(text, button);
    return item;
  }));
}

// The monthly bulletin follows the month the period ends in.
kpiForm.elements.to.addEventListener("change", () => {
  const month = kpiForm.elements.to.value.slice(0, 7);
  if (/^\d{4}-\d{2}$/.test(month)) document.getElementById("bulletin-link").search = `?period=${month}`;
});
kpiForm.addEventListener("submit", loadKpis);
kpiForm.elements.chart.addEventListener("change", () => {
  if (!shown) return;
  drawChart(shown);
  rememberView();
});
for (const name of FILTERS) kpiForm.elements[name].addEventListener("change", () => loadKpis());
document.getElementById("kpi-clear").addEventListener("click", () => {
  for (const name of FILTERS) kpiForm.elements[name].value = "";
  loadKpis();
});
document.getElementById("export-csv").addEventListener("click", () => exportKpis("csv"));
document.getElementById("export-xlsx").addEventListener("click", () => exportKpis("xlsx"));
restoreView();
window.addEventListener("load", () => {
  loadKpis();
  loadAlerts();
});
