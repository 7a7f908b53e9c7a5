// The dashboard's shared filters. Every view reads them and redraws when they change, so a
// brush on the timeline or a click on an actor filters everything else.

const filters = {
  date_from: "", date_to: "", actor: "", sector: "", source_country: "", target_country: "",
  type: "", q: "",
};
const listeners = [];

export const current = () => ({ ...filters });

export function update(changes) {
  let changed = false;
  for (const [name, value] of Object.entries(changes)) {
    if (!(name in filters) || filters[name] === (value ?? "")) continue;
    filters[name] = value ?? "";
    changed = true;
  }
  if (changed) for (const listener of listeners) listener(current());
}

export function onChange(listener) { listeners.push(listener); }

export const LABELS = {
  date_from: "from", date_to: "to", actor: "actor", sector: "sector", source_country: "source",
  target_country: "target", type: "type", q: "text",
};
