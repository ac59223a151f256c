// The IVR flow page: draw the flow as a layered graph (rows = steps from the start) and
// keep it in step with the YAML editor. Checks, drafts, publishing and roll-back all go
// through the IVR API; nothing about a flow is decided here.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const BOX = { width: 132, height: 40, gapX: 24, gapY: 46, pad: 16 };

function svgElement(name, attributes = {}, text = "") {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text) element.textContent = text;
  return element;
}

// Breadth-first rows from the start; nodes no call reaches go in a last row.
function layers(graph) {
  const next = new Map(graph.nodes.map((n) => [n.id, []]));
  graph.edges.forEach((e) => next.get(e.from)?.push(e.to));
  const depth = new Map([[graph.start, 0]]);
  const queue = [graph.start];
  while (queue.length) {
    const id = queue.shift();
    for (const target of next.get(id) || []) {
      if (!depth.has(target)) { depth.set(target, depth.get(id) + 1); queue.push(target); }
    }
  }
  const last = Math.max(0, ...depth.values()) + 1;
  const rows = [];
  graph.nodes.forEach((n) => {
    const row = depth.has(n.id) ? depth.get(n.id) : last;
    (rows[row] ||= []).push(n);
  });
  return untangled(rows.filter(Boolean), graph.edges);
}

// One downward pass of the barycenter heuristic: each node sits near the mean position
// of the nodes above that lead to it, which removes most crossings in menu trees.
function untangled(rows, edges) {
  const parents = new Map();
  edges.forEach((e) => (parents.get(e.to) || parents.set(e.to, []).get(e.to)).push(e.from));
  for (let r = 1; r < rows.length; r += 1) {
    const above = new Map(rows[r - 1].map((n, i) => [n.id, i / Math.max(rows[r - 1].length - 1, 1)]));
    const weight = (node, i) => {
      const seen = (parents.get(node.id) || []).filter((p) => above.has(p)).map((p) => above.get(p));
      return seen.length ? seen.reduce((a, b) => a + b, 0) / seen.length : i / rows[r].length;
    };
    rows[r] = rows[r].map((n, i) => [weight(n, i), i, n]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[2]);
  }
  return rows;
}

// One edge per pair of nodes, its labels joined ("1, 2" for two keys to the same node).
function mergedEdges(edges) {
  const merged = new Map();
  edges.forEach((e) => {
    const key = `${e.from}→${e.to}`;
    const labels = merged.get(key)?.labels || new Set();
    labels.add(e.label.replace(/^options\./, "").replace(/^cases\..*/, "case"));
    merged.set(key, { from: e.from, to: e.to, labels });
  });
  return [...merged.values()];
}

function place(rows) {
  const widest = Math.max(...rows.map((r) => r.length));
  const width = BOX.pad * 2 + widest * (BOX.width + BOX.gapX);
  const at = new Map();
  rows.forEach((row, r) => {
    const offset = (width - row.length * (BOX.width + BOX.gapX)) / 2 + BOX.gapX / 2;
    row.forEach((node, i) => at.set(node.id, {
      x: offset + i * (BOX.width + BOX.gapX), y: BOX.pad + r * (BOX.height + BOX.gapY), node,
    }));
  });
  return { at, width, height: BOX.pad * 2 + rows.length * (BOX.height + BOX.gapY) - BOX.gapY };
}

function drawEdge(svg, from, to, labels) {
  const x1 = from.x + BOX.width / 2, y1 = from.y + BOX.height;
  const x2 = to.x + BOX.width / 2, y2 = to.y;
  const back = y2 <= from.y;  // a loop back up: curve around the side
  const bend = back ? Math.max(Math.abs(x2 - x1) / 2, 60) : (y2 - y1) / 2;
  const d = back
    ? `M${x1},${y1} C${x1 + bend},${y1 + 40} ${x2 + bend},${y2 - 40} ${x2},${y2}`
    : `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`;
  svg.append(svgElement("path", { d, class: back ? "edge back" : "edge", "marker-end": "url(#arrow)" }));
  const label = [...labels].filter((l) => l !== "next").join(", ");
  if (label) {
    const mx = (x1 + x2) / 2 + (back ? bend * 0.75 : 0), my = (y1 + y2) / 2;
    svg.append(svgElement("text", { x: mx, y: my, class: "edge-label", "text-anchor": "middle" }, label));
  }
}

function drawNode(svg, spot, start, onPick) {
  const group = svgElement("g", { class: `node kind-${spot.node.kind}${spot.node.id === start ? " start" : ""}`, tabindex: "0" });
  group.append(svgElement("rect", { x: spot.x, y: spot.y, width: BOX.width, height: BOX.height, rx: 8 }));
  group.append(svgElement("text", { x: spot.x + BOX.width / 2, y: spot.y + 17, "text-anchor": "middle", class: "node-id" },
    spot.node.id.length > 18 ? `${spot.node.id.slice(0, 17)}…` : spot.node.id));
  group.append(svgElement("text", { x: spot.x + BOX.width / 2, y: spot.y + 32, "text-anchor": "middle", class: "node-kind" },
    `${spot.node.kind} · L${spot.node.line}`));
  group.append(svgElement("title", {}, `${spot.node.id} (${spot.node.kind}), line ${spot.node.line}`));
  group.addEventListener("click", () => onPick(spot.node.line));
  svg.append(group);
}

function drawGraph(holder, graph, onPick) {
  holder.replaceChildren();
  if (!graph || !graph.nodes.length) return;
  const { at, width, height } = place(layers(graph));
  const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", class: "flow-svg" });
  const defs = svgElement("defs");
  const marker = svgElement("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" });
  marker.append(svgElement("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head" }));
  defs.append(marker);
  svg.append(defs);
  mergedEdges(graph.edges).forEach((e) => {
    if (at.has(e.from) && at.has(e.to)) drawEdge(svg, at.get(e.from), at.get(e.to), e.labels);
  });
  at.forEach((spot) => drawNode(svg, spot, graph.start, onPick));
  holder.append(svg);
}

function selectLine(textarea, line) {
  const lines = textarea.value.split("\n");
  const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
  textarea.focus();
  textarea.setSelectionRange(start, start + (lines[line - 1] || "").length);
  const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
  textarea.scrollTop = Math.max(0, (line - 4) * lineHeight);
}

function showProblems(list, ok, problems, onPick) {
  list.replaceChildren(...problems.map((p) => {
    const item = document.createElement("li");
    const where = document.createElement("button");
    where.type = "button"; where.className = "link mono"; where.textContent = `L${p.line}`;
    where.addEventListener("click", () => onPick(p.line));
    item.append(where, document.createTextNode(` ${p.message}`));
    return item;
  }));
  ok.hidden = problems.length > 0;
}

function setupFlowPage() {
  const flow = document.getElementById("flow");
  if (!flow) return;
  const source = document.getElementById("flow-source");
  const holder = document.getElementById("flow-graph");
  const state = document.getElementById("flow-check-state");
  const error = document.getElementById("flow-error");
  const pick = (line) => selectLine(source, line);
  drawGraph(holder, JSON.parse(document.getElementById("flow-graph-data").textContent), pick);

  const check = async () => {
    state.textContent = flow.dataset.checking;
    const result = await api("POST", "/api/v1/ivr/check", { source: source.value });
    showProblems(document.getElementById("flow-problems"), document.getElementById("flow-ok"), result.problems, pick);
    document.getElementById("flow-graph-empty").hidden = result.ok;
    holder.classList.toggle("stale", !result.ok);  // the last good drawing, greyed out
    if (result.ok) drawGraph(holder, result.graph, pick);
    state.textContent = result.ok ? flow.dataset.passed : flow.dataset.failed.replace("{n}", result.problems.length);
    return result.ok;
  };
  let pending;
  source.addEventListener("input", () => { clearTimeout(pending); pending = setTimeout(() => check().catch(() => null), 600); });
  document.querySelector('[data-flow-action="check"]')?.addEventListener("click", () => check().catch((f) => showError(error, f)));

  document.getElementById("flow-save").addEventListener("submit", async (event) => {
    event.preventDefault();
    const note = new FormData(event.target).get("note") || "";
    try {
      if (!(await check())) return;
      const key = { "Idempotency-Key": crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) };
      const saved = await api("POST", `/api/v1/ivr/flows/${flow.dataset.code}/versions`, { source: source.value, note }, key);
      window.location.assign(`/ivr/${flow.dataset.code}?v=${saved.number}`);
    } catch (failure) { showError(error, failure); }
  });
  const ifMatch = { "If-Match": `"${flow.dataset.version}"` };
  document.querySelector('[data-flow-action="publish"]')?.addEventListener("click", async (event) => {
    try {
      await api("POST", `/api/v1/ivr/flows/${flow.dataset.code}/versions/${event.target.dataset.number}/publish`, undefined, ifMatch);
      window.location.assign(`/ivr/${flow.dataset.code}`);
    } catch (failure) { showError(error, failure); }
  });
  document.querySelector('[data-flow-action="rollback"]')?.addEventListener("click", async () => {
    try {
      await api("POST", `/api/v1/ivr/flows/${flow.dataset.code}/rollback`, undefined, ifMatch);
      window.location.assign(`/ivr/${flow.dataset.code}`);
    } catch (failure) { showError(error, failure); }
  });
}

document.addEventListener("DOMContentLoaded", setupFlowPage);
