// The analysis dashboard: the importance-performance map of satisfaction drivers, the
// half-hourly forecast with the agents and staff it needs, and the interval calculator.
// Charts are drawn with Plotly (served by kefu from the installed package). Uses api()
// and showError() from kefu.js.
"use strict";

const analysisWords = (() => {
  const words = {};
  document.getElementById("analysis-words")?.content.querySelectorAll("[data-word]").forEach((s) => {
    words[s.dataset.word] = s.textContent;
  });
  return (key, params = {}) =>
    (words[key] ?? key).replace(/\{(\w+)\}/g, (_m, name) => String(params[name] ?? ""));
})();

const percent = (share) => (share === null || share === undefined ? "—" : `${(share * 100).toFixed(1)}%`);
const seconds = (value) => (value === null || value === undefined ? "∞" : `${value.toFixed(1)} s`);
const construct = (name) => analysisWords(`construct.${name}`);
const chartConfig = { displaylogo: false, displayModeBar: false, responsive: true };
const chartFont = { family: getComputedStyle(document.documentElement).fontFamily, size: 12 };

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function formQuery(form) {
  const query = new URLSearchParams();
  new FormData(form).forEach((value, name) => { if (String(value).trim() !== "") query.set(name, value); });
  return query;
}

// --- drivers ------------------------------------------------------------------------------

// Each driver's name on the map, as an annotation with a hairline to its point: a lone
// point's name sits just above it; in a run of points close together (left to right) the
// names go above and below in turn, each pair a line (24 px) farther out, so that none
// overlaps another (three close drivers' names sat on one another).
function driverLabels(x, y, names) {
  const spread = (values) => (Math.max(...values) - Math.min(...values)) || 1;
  const [dx, dy] = [spread(x) * 0.25, spread(y) * 0.15];  // a name: a fifth of the map
  const order = x.map((value, i) => i).sort((a, b) => x[a] - x[b]);
  const runs = [];
  for (const i of order) {
    const run = runs[runs.length - 1], last = run?.[run.length - 1];
    if (run && x[i] - x[last] < dx && Math.abs(y[i] - y[last]) < dy) run.push(i); else runs.push([i]);
  }
  return runs.flatMap((run) => run.map((i, n) => ({
    x: x[i], y: y[i], text: names[i], showarrow: true, arrowhead: 0, arrowwidth: 1,
    arrowcolor: "#98a2b3", ax: 0, ay: (n % 2 ? 1 : -1) * (18 + 24 * Math.floor(n / 2)),
    font: { size: 12, color: "#1f2933" }, bgcolor: "rgba(255,255,255,0.85)",
  })));
}

function drawDrivers(report) {
  const rows = document.getElementById("drivers-rows");
  rows.replaceChildren();
  for (const driver of report.drivers) {
    const tr = document.createElement("tr");
    if (driver.weak) tr.className = "weak";
    const i = driver.importance;
    tr.append(
      cell(construct(driver.name)),
      cell(i.estimate.toFixed(3), "num"),
      cell(`${i.low.toFixed(3)} – ${i.high.toFixed(3)}`, "num"),
      cell(driver.performance.toFixed(1), "num"),
    );
    const badge = cell("");
    if (driver.weak) {
      const span = document.createElement("span");
      span.className = "weak-badge";
      span.textContent = analysisWords("weak");
      badge.append(span);
    }
    tr.append(badge);
    rows.append(tr);
  }
  const sat = report.constructs.find((c) => c.name === report.target);
  document.getElementById("drivers-meta").textContent = analysisWords("drivers.meta", {
    responses: report.responses.toLocaleString(),
    r2: sat?.r_squared ? sat.r_squared.estimate.toFixed(2) : "—",
    resamples: report.resamples,
  });
  const x = report.drivers.map((d) => d.importance.estimate);
  const y = report.drivers.map((d) => d.performance);
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  const names = report.drivers.map((d) => construct(d.name));
  const room = (Math.max(...y) - Math.min(...y) || 10) * 0.25;  // for the names above and below
  Plotly.newPlot("drivers-map", [{
    type: "scatter", mode: "markers", x, y, text: names,
    error_x: { type: "data", symmetric: false,
      array: report.drivers.map((d) => d.importance.high - d.importance.estimate),
      arrayminus: report.drivers.map((d) => d.importance.estimate - d.importance.low),
      color: "#98a2b3", thickness: 1 },
    marker: { size: 13, color: report.drivers.map((d) => (d.weak ? "#c4320a" : "#0b5cad")) },
    hovertemplate: "%{text}<br>%{x:.3f} / %{y:.1f}<extra></extra>",
  }], {
    font: chartFont, margin: { l: 56, r: 16, t: 10, b: 48 }, showlegend: false,
    annotations: driverLabels(x, y, names),
    xaxis: { title: { text: analysisWords("importance") }, zeroline: false },
    yaxis: { title: { text: analysisWords("performance") },
      range: [Math.min(...y) - room, Math.max(...y) + room] },
    shapes: [
      { type: "line", x0: mean(x), x1: mean(x), yref: "paper", y0: 0, y1: 1, line: { dash: "dot", color: "#98a2b3" } },
      { type: "line", y0: mean(y), y1: mean(y), xref: "paper", x0: 0, x1: 1, line: { dash: "dot", color: "#98a2b3" } },
    ],
  }, chartConfig);
}

// The drivers of one channel's answers (the web's, the return visits'...) or of all.
async function loadDrivers() {
  const error = document.getElementById("drivers-error");
  const channel = document.getElementById("drivers-channel").value;
  const query = new URLSearchParams({ resamples: 200, ...(channel ? { channel } : {}) });
  const grid = document.querySelector("#drivers-card .analysis-grid");
  error.hidden = true;
  document.getElementById("drivers-meta").textContent = analysisWords("estimating");
  try {
    const report = await api("GET", `/api/v1/analytics/drivers?${query}`);
    grid.hidden = false;  // drawn while shown, so the chart takes its width
    drawDrivers(report);
  } catch (failure) {
    grid.hidden = true;  // no empty chart under the reason there is none
    Plotly.purge("drivers-map");
    document.getElementById("drivers-rows").replaceChildren();
    document.getElementById("drivers-meta").textContent = "";
    showError(error, failure);
  }
}

// --- forecast -----------------------------------------------------------------------------

function drawForecast(found) {
  const starts = found.slots.map((s) => s.start);
  const mostStaff = Math.max(1, ...found.slots.map((s) => s.plan.staff));
  Plotly.newPlot("forecast-chart", [
    { type: "bar", name: analysisWords("calls"), x: starts, y: found.slots.map((s) => s.calls),
      marker: { color: "#b2ccff" }, hovertemplate: "%{y:.1f}<extra></extra>" },
    { type: "scatter", mode: "lines", line: { shape: "hv", color: "#0b5cad", width: 2 }, yaxis: "y2",
      name: analysisWords("agents"), x: starts, y: found.slots.map((s) => s.plan.agents) },
    { type: "scatter", mode: "lines", line: { shape: "hv", color: "#b54708", dash: "dot" }, yaxis: "y2",
      name: analysisWords("staff"), x: starts, y: found.slots.map((s) => s.plan.staff) },
  ], {
    font: chartFont, margin: { l: 48, r: 48, t: 10, b: 40 }, bargap: 0.05,
    legend: { orientation: "h", y: 1.08 },
    xaxis: { type: "date" },
    yaxis: { title: { text: analysisWords("calls") }, rangemode: "tozero" },
    yaxis2: { title: { text: analysisWords("agents") }, overlaying: "y", side: "right", rangemode: "tozero",
      dtick: Math.max(1, Math.ceil(mostStaff / 8)), showgrid: false },
  }, chartConfig);
  const test = found.backtest;
  document.getElementById("forecast-meta").textContent = analysisWords("forecast.meta", {
    model: percent(test.model_wape), naive: percent(test.naive_wape),
    aht: Math.round(found.handle_seconds),
  });
}

async function loadForecast(form) {
  const error = document.getElementById("forecast-error");
  showError(error, "");
  try {
    drawForecast(await api("GET", `/api/v1/analytics/forecast?${formQuery(form)}`));
  } catch (failure) {
    showError(error, failure);
  }
}

// --- one interval -------------------------------------------------------------------------

async function calculate(form) {
  const error = document.getElementById("staffing-error");
  const rows = document.getElementById("staffing-rows");
  showError(error, "");
  try {
    const found = await api("GET", `/api/v1/analytics/staffing?${formQuery(form)}`);
    rows.replaceChildren(...found.nearby.map((plan) => {
      const tr = document.createElement("tr");
      if (plan.agents === found.plan.agents) tr.className = "chosen";
      tr.append(cell(plan.agents, "num"), cell(plan.staff, "num"), cell(percent(plan.service_level), "num"),
        cell(seconds(plan.answer_seconds), "num"), cell(percent(plan.occupancy), "num"),
        cell(percent(plan.abandon_share), "num"));
      return tr;
    }));
  } catch (failure) {
    rows.replaceChildren();
    showError(error, failure);
  }
}

function setupAnalysis() {
  if (!document.getElementById("analysis")) return;
  const forecastForm = document.getElementById("forecast-form");
  const staffingForm = document.getElementById("staffing-form");
  forecastForm.addEventListener("submit", (event) => { event.preventDefault(); loadForecast(forecastForm); });
  staffingForm.addEventListener("submit", (event) => { event.preventDefault(); calculate(staffingForm); });
  document.getElementById("drivers-channel").addEventListener("change", loadDrivers);
  loadDrivers();
  loadForecast(forecastForm);
  calculate(staffingForm);
}

document.addEventListener("DOMContentLoaded", setupAnalysis);
