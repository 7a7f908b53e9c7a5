// World map of event locations: dots for places with coordinates, countries shaded by the
// number of events placed in them. The outline (Natural Earth via world-atlas) is vendored.

import { filterParams, get } from "./api.js";
import { clear, el, ticket } from "./util.js";
import { update } from "./state.js";

const WIDTH = 620;
const HEIGHT = 320;
const LISTED = 10;
let world = null;

/** The country outlines and the alpha-3 code of each, loaded once. */
function loadWorld() {
  world ??= Promise.all([
    fetch("static/vendor/world-atlas/countries-110m.json").then((r) => r.json()),
    fetch("static/vendor/iso-numeric/iso3-numeric.json").then((r) => r.json()),
  ]).then(([topology, iso]) => {
    const alpha3 = new Map(Object.entries(iso.codes).map(([a3, num]) => [num, a3]));
    const countries = topojson.feature(topology, topology.objects.countries).features;
    for (const c of countries) c.iso3 = alpha3.get(c.id) ?? null;
    return countries;
  });
  return world;
}

/** The places with most events, as a list beside the map (named, counted, readable). */
function list(node, places) {
  clear(node).append(...places.slice(0, LISTED).map((p) => el("li", {},
    `${p.name ?? "?"}${p.kind === "country" || !p.country_iso3 ? "" : `, ${p.country_iso3}`} `,
    el("span", { class: "count" }, `${p.count}`))));
}

export async function draw(node, note, listNode, filters) {
  const current = ticket(node);
  const [countries, { places }] = await Promise.all([loadWorld(), get("places", filterParams(filters))]);
  if (!current()) return;
  const perCountry = d3.rollup(places.filter((p) => p.country_iso3), (v) => d3.sum(v, (p) => p.count),
    (p) => p.country_iso3);
  const points = places.filter((p) => p.lat !== null && p.lon !== null);
  const projection = d3.geoNaturalEarth1().fitExtent([[4, 4], [WIDTH - 4, HEIGHT - 4]], { type: "Sphere" });
  const path = d3.geoPath(projection);
  const shade = d3.scaleSequentialSqrt([0, d3.max(perCountry.values()) || 1],
    d3.interpolateRgb("#f3d9c6", "#c2562c"));

  const svg = d3.create("svg").attr("viewBox", `0 0 ${WIDTH} ${HEIGHT}`)
    .attr("data-places", points.length).attr("data-countries", perCountry.size);
  clear(node).append(svg.node());
  svg.append("path").attr("class", "sphere").attr("d", path({ type: "Sphere" }));
  svg.append("g").selectAll("path").data(countries).join("path")
    .attr("class", (c) => `country${c.iso3 && c.iso3 === filters.actor ? " active" : ""}`)
    .attr("d", path)
    .style("fill", (c) => (perCountry.has(c.iso3) ? shade(perCountry.get(c.iso3)) : null))
    .on("click", (_, c) => {
      if (c.iso3) update({ actor: c.iso3 === filters.actor ? "" : c.iso3 });
    })
    .append("title")
    .text((c) => `${c.properties.name}${c.iso3 ? ` (${c.iso3})` : ""}: ${perCountry.get(c.iso3) ?? 0} event(s) placed here`);
  const radius = d3.scaleSqrt().domain([1, d3.max(points, (p) => p.count) || 1]).range([3.5, 11]);
  svg.append("g").selectAll("circle").data(points.sort((a, b) => b.count - a.count)).join("circle")
    .attr("class", "place")
    .attr("cx", (p) => projection([p.lon, p.lat])[0])
    .attr("cy", (p) => projection([p.lon, p.lat])[1])
    .attr("r", (p) => radius(p.count))
    .append("title")
    .text((p) => `${p.name ?? "?"}${p.country_iso3 ? `, ${p.country_iso3}` : ""}: ${p.count} event(s)`);
  list(listNode, places);
  note.textContent = places.length === 0
    ? "No event in the selection names a place."
    : `${points.length} place(s) with coordinates, ${perCountry.size} countr${perCountry.size === 1 ? "y" : "ies"}.`;
}
