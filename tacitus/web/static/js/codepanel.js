// "Code a text": paste an article, POST it to /v1/code (nothing is stored) and see every
// event highlighted in place, with a list that points at each one.

import { post } from "./api.js";
import { clear, el, fmtNumber, highlighted, quadLabel, recordSpans } from "./util.js";

const who = (actors) => actors.map((a) => a.text).join(" & ") || "—";

function focus(article, list, key) {
  for (const mark of article.querySelectorAll("mark")) {
    mark.classList.toggle("focus", mark.dataset.ids.split(" ").includes(key));
  }
  for (const li of list.children) li.classList.toggle("focus", li.dataset.key === key);
  article.querySelector("mark.focus")?.scrollIntoView({ block: "nearest" });
}

function item(record, key, onFocus) {
  return el("li", {
    "data-key": key, tabindex: 0, onclick: () => onFocus(key), onmouseenter: () => onFocus(key),
    onkeydown: (event) => { if (event.key === "Enter") onFocus(key); },
  },
  el("strong", {}, who(record.actor)), " → ", el("em", {}, record.event ?? "statement"),
  ` (${record.event_text})`, " → ", el("strong", {}, who(record.recipient)),
  el("br"), el("span", { class: "code" },
    `CAMEO ${record.cameo_code} · ${quadLabel(record.quad_class)} · Goldstein ${fmtNumber(record.goldstein)} · `
    + `${record.evidence}${record.date ? ` · ${record.date}` : ""}`));
}

export function setup({ form, text, date, status, result, article, list }) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // The offsets point into the text as sent, so keep that text, whatever is typed meanwhile.
    const body = { text: text.value };
    if (date.value) body.date = date.value;
    status.textContent = "Coding…";
    status.classList.remove("error");
    form.querySelector("button").disabled = true;
    try {
      const coded = await post("code", body);
      const spans = coded.events.flatMap((r, i) => recordSpans(r, 0, String(i)));
      const onFocus = (key) => focus(article, list, key);
      clear(article).append(highlighted(body.text, spans));
      clear(list).append(...coded.events.map((r, i) => item(r, String(i), onFocus)));
      result.hidden = false;
      result.dataset.events = coded.count;
      status.textContent = `${coded.count} event(s) found.`;
    } catch (error) {
      status.textContent = `Could not code the text: ${error.message}`;
      status.classList.add("error");
    } finally {
      form.querySelector("button").disabled = false;
    }
  });
}
