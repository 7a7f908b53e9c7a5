// Wires the views to the shared filters: any change (brush, actor click, country click, the
// filter form) redraws the timeline, network, map and table.

import { get } from "./api.js";
import * as codePanel from "./codepanel.js";
import * as eventView from "./eventview.js";
import * as map from "./map.js";
import * as network from "./network.js";
import { LABELS, current, onChange, update } from "./state.js";
import { EventsTable } from "./table.js";
import * as timeline from "./timeline.js";
import { clear, el } from "./util.js";

const $ = (id) => document.getElementById(id);
const form = $("filters");

/** Run a view's redraw; a failure shows in that view instead of breaking the others. */
async function guarded(node, draw) {
  try {
    await draw();
  } catch (error) {
    clear(node).append(el("p", { class: "error" }, `Could not load: ${error.message}`));
  }
}

function chips(filters) {
  const active = Object.entries(filters).filter(([, value]) => value);
  clear($("active-filters")).append(...active.map(([name, value]) => el("span", { class: "chip" },
    `${LABELS[name]}: ${value}`,
    el("button", { type: "button", "aria-label": `Remove the ${LABELS[name]} filter`,
      onclick: () => update({ [name]: "" }) }, "×"))));
}

function syncForm(filters) {
  for (const [name, value] of Object.entries(filters)) {
    const input = form.elements.namedItem(name);
    if (input && input.value !== value) input.value = value;
  }
}

async function options() {
  const [countries, sectors, types] = await Promise.all([
    get("actors", new URLSearchParams({ by: "country", limit: "1000" })),
    get("actors", new URLSearchParams({ by: "sector", limit: "1000" })),
    get("timeline", new URLSearchParams({ by: "type", interval: "year" })),
  ]);
  clear($("actor-options")).append(...countries.actors.map((a) =>
    el("option", { value: a.code }, `${a.code}: ${a.total} event(s)`)));
  const sectorNames = [...new Set(sectors.actors.map((a) => a.sector).filter(Boolean))].sort();
  clear($("sector-options")).append(...sectorNames.map((name) => el("option", { value: name })));
  const names = [...new Set(types.points.map((p) => p.key).filter(Boolean))].sort();
  $("f-type").append(...names.map((name) => el("option", { value: name }, name)));
}

async function summary() {
  const s = await get("summary");
  $("summary").textContent = `${s.events} events from ${s.mentions} reports in ${s.articles} articles`
    + (s.first_date ? `, ${s.first_date} to ${s.last_date}` : "");
}

let redraws = 0;

/** Redraw every view; the page is "ready" (for people and tests) when the latest one is done. */
function redraw(filters) {
  const generation = ++redraws;
  document.body.dataset.ready = "false";
  clear($("table-error"));
  chips(filters);
  syncForm(filters);
  return Promise.all([
    guarded($("timeline"), () => timeline.draw($("timeline"), filters)),
    guarded($("network"), () => network.draw($("network"), filters)),
    guarded($("map"), () => map.draw($("map"), $("map-note"), $("places"), filters)),
    guarded($("table-error"), () => table.show(filters)),
  ]).then(() => { if (generation === redraws) document.body.dataset.ready = "true"; });
}

const table = new EventsTable($("events-table"), $("page-info"), $("prev"), $("next"),
  (id) => guarded($("event-view"), () => eventView.show($("event-panel"), $("event-view"), id)));

form.addEventListener("submit", (event) => {
  event.preventDefault();
  update(Object.fromEntries(new FormData(form)));
});
form.addEventListener("reset", (event) => {
  event.preventDefault();
  update(Object.fromEntries(Object.keys(current()).map((name) => [name, ""])));
});
$("close-event").addEventListener("click", () => { $("event-panel").hidden = true; });

timeline.legend($("timeline-legend"));
network.legend($("goldstein-legend"));
codePanel.setup({
  form: $("code-form"), text: $("code-text"), date: $("code-date"), status: $("code-status"),
  result: $("code-result"), article: $("code-article"), list: $("code-events"),
});
onChange(redraw);
let resizing = null;
window.addEventListener("resize", () => {  // the timeline is drawn at its panel's width
  clearTimeout(resizing);
  resizing = setTimeout(() => guarded($("timeline"), () => timeline.draw($("timeline"), current())), 200);
});
guarded($("summary"), summary);
guarded($("table-error"), options);
redraw(current());
