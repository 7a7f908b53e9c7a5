// Small helpers shared by every view. All text from the API is scraped news: it only ever
// reaches the page through textContent (here, in `el`) or d3's .text(), never as HTML.

export const QUAD_CLASSES = [
  { key: "1", label: "Verbal cooperation", color: "var(--q1)", hex: "#7fbf7b" },
  { key: "2", label: "Material cooperation", color: "var(--q2)", hex: "#1b7837" },
  { key: "3", label: "Verbal conflict", color: "var(--q3)", hex: "#f4a582" },
  { key: "4", label: "Material conflict", color: "var(--q4)", hex: "#b2182b" },
];

export const quadLabel = (q) => QUAD_CLASSES.find((c) => c.key === String(q))?.label ?? "—";

/** Build an element: attributes are set as attributes, children appended as text or nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A link only for http(s) URLs: a scraped `javascript:` URL must never become clickable. */
export function safeLink(url, label) {
  let parsed = null;
  try { parsed = new URL(url); } catch { parsed = null; }
  if (!parsed || !["http:", "https:"].includes(parsed.protocol)) return el("span", {}, label ?? url ?? "");
  return el("a", { href: parsed.href, target: "_blank", rel: "noopener noreferrer" }, label ?? url);
}

export const fmtNumber = (x, digits = 1) =>
  x === null || x === undefined || Number.isNaN(x) ? "—" : Number(x).toFixed(digits);

/** Goldstein colours: red for conflict, grey at 0, blue for cooperation (legible on white). */
const goldsteinScale = d3.scaleLinear().domain([-10, 0, 10])
  .range(["#b2182b", "#8c8c8c", "#2166ac"]).clamp(true);
export const goldsteinColor = (g) => (g === null || g === undefined ? "#999" : goldsteinScale(g));
export const GOLDSTEIN_STOPS = [-10, -5, 0, 5, 10].map((g) => ({ g, color: goldsteinScale(g) }));

/**
 * Split `text` into runs marked by overlapping spans ({start, end, kind, id}); each run
 * carries every kind covering it, so an actor inside a trigger phrase shows both.
 */
export function segments(text, spans) {
  const cuts = new Set([0, text.length]);
  for (const s of spans) {
    cuts.add(Math.max(0, Math.min(text.length, s.start)));
    cuts.add(Math.max(0, Math.min(text.length, s.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const runs = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [start, end] = [points[i], points[i + 1]];
    const covering = spans.filter((s) => s.start <= start && s.end >= end && s.end > s.start);
    runs.push({ text: text.slice(start, end), start, spans: covering });
  }
  return runs;
}

const KIND_ORDER = ["trigger", "source", "target", "claimant", "place"];

/** Text with its spans as <mark> elements (class = kinds, data-ids = events covering it). */
export function highlighted(text, spans) {
  const fragment = document.createDocumentFragment();
  for (const run of segments(text, spans)) {
    if (run.spans.length === 0) { fragment.append(run.text); continue; }
    const kinds = [...new Set(run.spans.map((s) => s.kind))]
      .sort((a, b) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b));
    const ids = [...new Set(run.spans.map((s) => s.id).filter(Boolean))];
    fragment.append(el("mark", {
      class: kinds.join(" "), "data-ids": ids.join(" "), title: kinds.join(", "),
    }, run.text));
  }
  return fragment;
}

/** The trigger, source and target spans of one coded record, shifted by `offset`. */
export function recordSpans(record, offset = 0, id = record.mention_id ?? record.id) {
  const spans = [{ start: record.event_start - offset, end: record.event_end - offset, kind: "trigger", id }];
  for (const a of record.actor ?? []) spans.push({ start: a.start - offset, end: a.end - offset, kind: "source", id });
  for (const a of record.recipient ?? []) spans.push({ start: a.start - offset, end: a.end - offset, kind: "target", id });
  return spans;
}

export function clear(node) { node.replaceChildren(); return node; }

/**
 * Answers can arrive out of order when filters change quickly; a view takes a ticket before
 * it asks and draws only if no later request was made for the same node meanwhile.
 */
const tickets = new WeakMap();
export function ticket(node) {
  const number = (tickets.get(node) ?? 0) + 1;
  tickets.set(node, number);
  return () => tickets.get(node) === number;
}
