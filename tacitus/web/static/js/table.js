// The events table: deduplicated events, sortable by column, filtered by the shared filters,
// paged by the API. A row opens the event view.

import { filterParams, get } from "./api.js";
import { clear, el, fmtNumber, quadLabel, ticket } from "./util.js";

const PAGE = 15;
const side = (s) => (s ? el("span", {}, s.name ?? s.cameo ?? s.code ?? "", " ",
  el("span", { class: "code" }, s.cameo ?? s.code ?? "")) : el("span", { class: "code" }, "—"));

const COLUMNS = [
  { label: "Date", sort: "date", cell: (e) => e.event_date ?? "undated" },
  { label: "Source", sort: null, cell: (e) => side(e.source) },
  { label: "Event", sort: null, cell: (e) => el("span", {},
    el("span", { class: `qc q${e.quad_class}`, title: quadLabel(e.quad_class) }),
    e.event ?? "statement", " ", el("span", { class: "code" }, `${e.cameo_code} ${e.cameo_name ?? ""}`)) },
  { label: "Target", sort: null, cell: (e) => side(e.target) },
  { label: "Goldstein", sort: "goldstein", num: true, cell: (e) => fmtNumber(e.goldstein) },
  { label: "Reports", sort: "mentions", num: true, cell: (e) => String(e.num_mentions) },
  { label: "Outlets", sort: "sources", num: true, cell: (e) => String(e.num_sources) },
  { label: "First outlet", sort: null, cell: (e) => e.first_outlet ?? "" },
];

export class EventsTable {
  constructor(table, pageInfo, prev, next, onOpen) {
    Object.assign(this, { table, pageInfo, prev, next, onOpen });
    this.sort = "date";
    this.order = "desc";
    this.offset = 0;
    this.filters = {};
    prev.addEventListener("click", () => this.page(-PAGE));
    next.addEventListener("click", () => this.page(PAGE));
    this.header();
  }

  header() {
    const row = this.table.querySelector("thead tr");
    clear(row).append(...COLUMNS.map((c) => {
      const th = el("th", { scope: "col", class: c.num ? "num" : null });
      if (!c.sort) { th.append(c.label); return th; }
      if (c.sort === this.sort) th.setAttribute("aria-sort", this.order === "asc" ? "ascending" : "descending");
      th.append(el("button", { type: "button", onclick: () => this.sortBy(c.sort) }, c.label));
      return th;
    }));
  }

  sortBy(column) {
    this.order = column === this.sort && this.order === "desc" ? "asc" : "desc";
    this.sort = column;
    this.offset = 0;
    this.header();
    return this.load();
  }

  page(delta) {
    this.offset = Math.max(0, this.offset + delta);
    return this.load();
  }

  show(filters) {
    this.filters = filters;
    this.offset = 0;
    return this.load();
  }

  async load() {
    const params = filterParams(this.filters);
    params.set("sort", this.order === "desc" ? `-${this.sort}` : this.sort);
    params.set("limit", PAGE);
    params.set("offset", this.offset);
    const current = ticket(this.table);
    this.table.dataset.state = "loading";
    const page = await get("events", params);
    if (!current()) return;
    const body = clear(this.table.querySelector("tbody"));
    body.append(...page.events.map((e) => el("tr", {
      tabindex: 0, "data-id": e.id,
      onclick: () => this.open(e.id),
      onkeydown: (event) => { if (event.key === "Enter") this.open(e.id); },
    }, ...COLUMNS.map((c) => el("td", { class: c.num ? "num" : null }, c.cell(e))))));
    if (page.events.length === 0) {
      body.append(el("tr", {}, el("td", { colspan: COLUMNS.length }, "No events match the filters.")));
    }
    const last = Math.min(page.total, this.offset + page.events.length);
    this.pageInfo.textContent = page.total ? `${this.offset + 1}–${last} of ${page.total}` : "0 events";
    this.prev.disabled = this.offset === 0;
    this.next.disabled = last >= page.total;
    this.table.dataset.total = page.total;
    this.table.dataset.state = "ready";
  }

  open(id) {
    for (const tr of this.table.querySelectorAll("tbody tr")) tr.classList.toggle("selected", tr.dataset.id === id);
    this.onOpen(id);
  }
}
