// Events per day stacked by QuadClass, with a brush that sets the shared date range.

import { filterParams, get } from "./api.js";
import { QUAD_CLASSES, clear, el, ticket } from "./util.js";
import { update } from "./state.js";

const DEFAULT_WIDTH = 1200;
const HEIGHT = 210;
const M = { top: 10, right: 16, bottom: 26, left: 40 };
const DAY = 86400000;
const iso = d3.utcFormat("%Y-%m-%d");
const parse = d3.utcParse("%Y-%m-%d");

/** Rows of {date, "1": n, "2": n, ...}, one per day that has events. */
function byDay(points) {
  const days = d3.rollup(points, (v) => Object.fromEntries(v.map((p) => [p.key, p.count])),
    (p) => p.date);
  return [...days].map(([date, counts]) => ({
    date: parse(date), ...Object.fromEntries(QUAD_CLASSES.map((q) => [q.key, counts[q.key] ?? 0])),
  })).sort((a, b) => a.date - b.date);
}

/** Day labels centred under their bars while days are few; d3's own ticks beyond that. */
function xAxis(x, first, last) {
  const room = Math.max(2, Math.floor((x.range()[1] - x.range()[0]) / 70));
  const days = d3.utcDay.range(first, new Date(+last + DAY));
  if (days.length > 31) return d3.axisBottom(x).ticks(Math.min(10, room)).tickSizeOuter(0);
  const every = Math.ceil(days.length / room);
  const noon = days.filter((_, i) => i % every === 0).map((d) => new Date(+d + DAY / 2));
  return d3.axisBottom(x).tickValues(noon).tickFormat(d3.utcFormat("%b %-d")).tickSizeOuter(0);
}

export function legend(node) {
  clear(node).append(...QUAD_CLASSES.map((q) =>
    el("li", {}, el("span", { class: "swatch", style: `background:${q.color}` }), q.label)));
}

export async function draw(node, filters) {
  // The timeline shows every date (its brush is the date filter) but follows the other filters.
  const params = filterParams({ ...filters, date_from: "", date_to: "" });
  params.set("by", "quad_class");
  params.set("interval", "day");
  const current = ticket(node);
  const rows = byDay((await get("timeline", params)).points);
  if (!current()) return;
  // Drawn at the panel's own width, so axis labels keep their size on a narrow screen.
  const width = node.clientWidth || DEFAULT_WIDTH;
  const svg = d3.create("svg").attr("viewBox", `0 0 ${width} ${HEIGHT}`)
    .attr("data-days", rows.length);
  clear(node).append(svg.node());
  if (rows.length === 0) {
    svg.append("text").attr("class", "empty").attr("x", width / 2).attr("y", HEIGHT / 2)
      .attr("text-anchor", "middle").text("No dated events match the filters.");
    return;
  }
  const [first, last] = d3.extent(rows, (r) => r.date);
  const x = d3.scaleUtc().domain([first, new Date(+last + DAY)]).range([M.left, width - M.right]);
  const stack = d3.stack().keys(QUAD_CLASSES.map((q) => q.key))(rows);
  const y = d3.scaleLinear().domain([0, d3.max(stack.at(-1), (d) => d[1]) || 1]).nice()
    .range([HEIGHT - M.bottom, M.top]);
  const gap = Math.min(2, (x(new Date(+first + DAY)) - x(first)) * 0.15);

  svg.append("g").attr("class", "axis").attr("transform", `translate(0,${HEIGHT - M.bottom})`)
    .call(xAxis(x, first, last));
  svg.append("g").attr("class", "axis").attr("transform", `translate(${M.left},0)`)
    .call(d3.axisLeft(y).ticks(5).tickFormat(d3.format("d")));
  svg.append("g").selectAll("g").data(stack).join("g")
    .attr("fill", (s) => QUAD_CLASSES.find((q) => q.key === s.key).hex)
    .selectAll("rect").data((s) => s.filter((d) => d[1] > d[0]).map((d) => ({ d, key: s.key })))
    .join("rect")
    .attr("class", "bar")
    .attr("data-count", ({ d }) => d[1] - d[0])
    .attr("x", ({ d }) => x(d.data.date) + gap / 2)
    .attr("width", ({ d }) => Math.max(1, x(new Date(+d.data.date + DAY)) - x(d.data.date) - gap))
    .attr("y", ({ d }) => y(d[1]))
    .attr("height", ({ d }) => y(d[0]) - y(d[1]))
    .append("title")
    .text(({ d, key }) => `${iso(d.data.date)}: ${d[1] - d[0]} ${QUAD_CLASSES.find((q) => q.key === key).label.toLowerCase()}`);

  const brush = d3.brushX().extent([[M.left, M.top], [width - M.right, HEIGHT - M.bottom]])
    .on("end", (event) => {
      if (!event.sourceEvent) return;
      if (!event.selection) { update({ date_from: "", date_to: "" }); return; }
      const [a, b] = event.selection.map(x.invert);
      const from = d3.utcDay.round(a);
      const to = new Date(Math.max(+from, +d3.utcDay.round(b) - DAY));
      update({ date_from: iso(from), date_to: iso(to) });
    });
  const brushing = svg.append("g").attr("class", "brush").call(brush);
  if (filters.date_from || filters.date_to) {
    const from = filters.date_from ? parse(filters.date_from) : first;
    const to = filters.date_to ? new Date(+parse(filters.date_to) + DAY) : new Date(+last + DAY);
    brushing.call(brush.move, [x(from), x(to)].map((v) => Math.max(M.left, Math.min(width - M.right, v))));
  }
}
