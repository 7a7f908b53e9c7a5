// Dyad network: actors as nodes, source -> target arrows weighted by count and coloured by
// mean Goldstein score. The layout is computed to rest before drawing, so it does not jitter
// and a screenshot is repeatable.

import { filterParams, get } from "./api.js";
import { GOLDSTEIN_STOPS, clear, el, fmtNumber, goldsteinColor, ticket } from "./util.js";
import { update } from "./state.js";

const WIDTH = 620;
const HEIGHT = 440;
const MAX_DYADS = 80;

export function legend(node) {
  const gradient = GOLDSTEIN_STOPS.map((s) => `${s.color} ${(s.g + 10) * 5}%`).join(", ");
  clear(node).append(
    el("span", {}, "mean Goldstein "),
    el("span", { class: "bar", style: `display:inline-block;width:10rem;height:0.7rem;border-radius:2px;vertical-align:-0.1rem;background:linear-gradient(to right, ${gradient})` }),
    el("span", {}, " −10 conflict … +10 cooperation"),
  );
}

/** An actor at the sector level: "SYR GOV", or "USA" when no sector is known. */
const actorId = (code, sector) => (sector ? `${code} ${sector}` : code);

function graph(dyads) {
  const nodes = new Map();
  const touch = (code, sector, count) => {
    const id = actorId(code, sector);
    const n = nodes.get(id) ?? { id, code, total: 0 };
    n.total += count;
    nodes.set(id, n);
    return id;
  };
  const links = dyads.map((d) => ({
    source: touch(d.source_code, d.source_sector, d.count),
    target: touch(d.target_code, d.target_sector, d.count),
    count: d.count,
    g: d.mean_goldstein,
  })).filter((l) => l.source !== l.target);
  return { nodes: [...nodes.values()], links };
}

/** A curved path from a to b, stopping short of b's circle, and an arrowhead at its end. */
function arrow(link, radius) {
  const { source: a, target: b } = link;
  const [dx, dy] = [b.x - a.x, b.y - a.y];
  const length = Math.hypot(dx, dy) || 1;
  const bend = 0.18;
  const [cx, cy] = [(a.x + b.x) / 2 - dy * bend, (a.y + b.y) / 2 + dx * bend];
  const [tx, ty] = [b.x - cx, b.y - cy];
  const tl = Math.hypot(tx, ty) || length;
  const [ux, uy] = [tx / tl, ty / tl];
  const tip = [b.x - ux * (radius(b) + 2), b.y - uy * (radius(b) + 2)];
  const size = 5 + link.width;
  const base = [tip[0] - ux * size, tip[1] - uy * size];
  const head = [tip, [base[0] - uy * size * 0.5, base[1] + ux * size * 0.5],
    [base[0] + uy * size * 0.5, base[1] - ux * size * 0.5]];
  return { path: `M${a.x},${a.y}Q${cx},${cy} ${base[0]},${base[1]}`, head: head.join(" ") };
}

const labelWidth = (n) => 7.6 * n.id.length + 8;

/** Move the resting layout to fill the drawing (positions only; sizes stay), labels included. */
function fit(nodes, radius) {
  const left = d3.min(nodes, (n) => n.x - radius(n));
  const right = d3.max(nodes, (n) => n.x + radius(n) + labelWidth(n));
  const top = d3.min(nodes, (n) => n.y - radius(n));
  const bottom = d3.max(nodes, (n) => n.y + radius(n));
  const pad = 6;
  const k = Math.min(2, (WIDTH - 2 * pad) / (right - left || 1), (HEIGHT - 2 * pad) / (bottom - top || 1));
  const [dx, dy] = [(WIDTH - k * (right - left)) / 2, (HEIGHT - k * (bottom - top)) / 2];
  for (const n of nodes) {
    n.x = dx + k * (n.x - left);
    n.y = dy + k * (n.y - top);
  }
}

export async function draw(node, filters) {
  const params = filterParams(filters);
  params.set("by", "sector");
  params.set("limit", MAX_DYADS);
  const current = ticket(node);
  const { dyads } = await get("dyads", params);
  if (!current()) return;
  const { nodes, links } = graph(dyads);
  const svg = d3.create("svg").attr("viewBox", `0 0 ${WIDTH} ${HEIGHT}`)
    .attr("data-nodes", nodes.length).attr("data-edges", links.length);
  clear(node).append(svg.node());
  if (links.length === 0) {
    svg.append("text").attr("class", "empty").attr("x", WIDTH / 2).attr("y", HEIGHT / 2)
      .attr("text-anchor", "middle").text("No events with both a source and a target match.");
    return;
  }
  const size = d3.scaleSqrt().domain([1, d3.max(nodes, (n) => n.total)]).range([6, 17]);
  const width = d3.scaleSqrt().domain([1, d3.max(links, (l) => l.count)]).range([1.5, 7]);
  const radius = (n) => size(n.total);
  for (const l of links) l.width = width(l.count);

  d3.forceSimulation(nodes)
    .force("link", d3.forceLink(links).id((n) => n.id).distance(90))
    .force("charge", d3.forceManyBody().strength(-300))
    .force("collide", d3.forceCollide((n) => radius(n) + labelWidth(n) / 2))
    .force("x", d3.forceX(WIDTH / 2).strength(0.07))
    .force("y", d3.forceY(HEIGHT / 2).strength(0.1))
    .stop().tick(400);
  fit(nodes, radius);

  const edges = svg.append("g").selectAll("g").data(links).join("g").attr("class", "edge-group");
  edges.each(function drawEdge(l) {
    const { path, head } = arrow(l, radius);
    const group = d3.select(this);
    const color = goldsteinColor(l.g);
    group.append("path").attr("class", "edge").attr("d", path)
      .attr("stroke", color).attr("stroke-width", l.width);
    group.append("polygon").attr("class", "arrowhead").attr("points", head).attr("fill", color);
    group.append("title").text(`${l.source.id} → ${l.target.id}: ${l.count} event(s), mean Goldstein ${fmtNumber(l.g)}`);
  });

  // The API filters actors by country code, so a click selects every sector of that country.
  const actor = filters.actor;
  const pick = (n) => update({ actor: n.code === actor ? "" : n.code });
  const dots = svg.append("g").selectAll("g").data(nodes).join("g")
    .attr("class", (n) => `node${n.code === actor ? " active" : ""}`)
    .attr("transform", (n) => `translate(${n.x},${n.y})`)
    .attr("tabindex", 0).attr("role", "button")
    .attr("aria-label", (n) => `${n.id}: ${n.total} event(s); show the events of ${n.code}`)
    .on("click", (_, n) => pick(n))
    .on("keydown", (event, n) => { if (event.key === "Enter") pick(n); });
  dots.append("circle").attr("r", radius);
  dots.append("title").text((n) => `${n.id}: ${n.total} event(s) as source or target`);
  dots.append("text").attr("x", (n) => radius(n) + 3).attr("y", 4).text((n) => n.id);
}
