// The event view: the root sentence with source, target and trigger highlighted, how it was
// coded (rule, confidence, asserted or claimed), and every report of it.

import { get } from "./api.js";
import { clear, el, fmtNumber, highlighted, quadLabel, recordSpans, safeLink, ticket } from "./util.js";

const sentence = (m) => el("p", { class: "sentence" },
  highlighted(m.sentence_text, recordSpans(m, m.sentence_start)));

const names = (actors) => actors.map((a) => `${a.text} (${a.cameo})`).join(", ") || "—";

function evidence(m) {
  if (m.evidence !== "claimed") return "asserted by the reporter";
  return `claimed by ${names(m.claimed_by) === "—" ? "a quoted speaker" : names(m.claimed_by)}`;
}

function facts(e, root) {
  const rows = [
    ["Date", `${e.event_date ?? "undated"}${root.date_source ? ` (from ${root.date_source})` : ""}`],
    ["Source", names(root.actor)],
    ["Target", names(root.recipient)],
    ["Trigger", root.event_text],
    ["CAMEO", `${e.cameo_code} ${e.cameo_name ?? ""} · Goldstein ${fmtNumber(e.goldstein)} · ${quadLabel(e.quad_class)}`],
    ["PLOVER", [e.event ?? "(statement)", root.mode, ...(root.context ?? [])].filter(Boolean).join(" · ")],
    ["Rule", el("span", { class: "code" }, root.rule)],
    ["Confidence", fmtNumber(root.confidence, 2)],
    ["Evidence", evidence(root)],
    ["Modality", root.modality],
    ["Place", root.place ? `${root.place.name ?? ""}${root.place.country_iso3 ? `, ${root.place.country_iso3}` : ""}` : "—"],
    ["Reports", `${e.num_mentions} mention(s) in ${e.num_articles} article(s) from ${e.num_sources} outlet(s)`],
  ];
  return el("dl", { class: "facts" }, rows.flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, value)]));
}

function mention(m) {
  return el("li", {},
    el("strong", {}, m.outlet ?? "unknown outlet"), " · ", m.published ?? "undated", " · ",
    m.url ? safeLink(m.url, m.title ?? m.url) : (m.title ?? m.doc_id),
    m.is_root_mention ? el("span", { class: "code" }, " (root)") : null,
    sentence(m),
    el("span", { class: "code" }, `${m.rule} · ${m.evidence}`));
}

export async function show(panel, view, id) {
  const current = ticket(view);
  const e = await get(`events/${encodeURIComponent(id)}`);
  if (!current()) return;
  const root = e.mentions.find((m) => m.is_root_mention) ?? e.mentions[0];
  clear(view).append(el("div", { class: "event-grid" },
    el("div", {},
      sentence(root),
      el("ul", { class: "legend marks-legend" },
        el("li", {}, el("mark", { class: "source" }, "source")),
        el("li", {}, el("mark", { class: "trigger" }, "trigger")),
        el("li", {}, el("mark", { class: "target" }, "target"))),
      facts(e, root)),
    el("div", {},
      el("h3", {}, `Every report (${e.mentions.length})`),
      el("ol", { class: "mentions" }, e.mentions.map(mention)))));
  panel.hidden = false;
  panel.dataset.eventId = id;
  panel.scrollIntoView({ block: "nearest" });
}
