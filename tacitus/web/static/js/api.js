// The one place that knows the API's URLs and parameter names (see docs/api.md).

const BASE = "v1";

/** Query parameters for the shared filters; empty values are left out. */
export function filterParams(filters) {
  const params = new URLSearchParams();
  const put = (name, value) => { if (value) params.set(name, value); };
  for (const name of ["date_from", "date_to", "actor", "sector", "source_country",
    "target_country", "type", "q"]) put(name, filters[name]);
  return params;
}

async function asJson(response) {
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = body?.detail ?? response.statusText;
    throw new Error(`${response.status}: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
  }
  return body;
}

export async function get(path, params = new URLSearchParams()) {
  const query = params.toString();
  return asJson(await fetch(`${BASE}/${path}${query ? `?${query}` : ""}`));
}

export async function post(path, body) {
  return asJson(await fetch(`${BASE}/${path}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  }));
}
