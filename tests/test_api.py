"""The REST API on a real store (the bundled samples, ingested with the real coder).

Every endpoint is checked against what the store holds, bad parameters must give a 4xx JSON
error naming the problem (never a 500, never a traceback), SQL-injection strings in every
parameter must neither fail nor change anything, and the guards (body limit, token, CORS,
read-only access while a writer holds the file) must do what docs/api.md says.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tacitus.api import create_app
from tacitus.api.db import ReadOnlyDatabase
from tacitus.api.queries import article_id
from tacitus.cli import main as cli
from tacitus.cli.serve import exposure_warnings
from tacitus.records import Article
from tacitus.store import CodedArticle, Store, doc_key
from tests.api_support import sample_store
from tests.ingest_support import CODER_LOG_VARIABLE, generated_docs, make_real_coder, write_jsonl
from tests.processes import stop

LIST_ENDPOINTS = ("/v1/events", "/v1/timeline", "/v1/actors", "/v1/dyads", "/v1/places")
INJECTIONS = (
    "' OR 1=1 --",
    "KEN'; DROP TABLE events; --",
    "1); DELETE FROM articles; --",
    '" OR ""="',
    "%' OR '%'='",
    "1 UNION SELECT text FROM articles",
)
TEXT = "Kenya signed an agreement with Ethiopia on Monday. Police arrested protesters in Dhaka."


@pytest.fixture(scope="module")
def store() -> Path:
    return sample_store()


@pytest.fixture(scope="module")
def client(store: Path) -> Iterator[TestClient]:
    app = create_app(store, coder_factory=make_real_coder, static_dir=None)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def all_events(client: TestClient) -> list[dict[str, Any]]:
    page = client.get("/v1/events", params={"limit": 1000}).json()
    assert page["total"] == len(page["events"]) > 10
    return list(page["events"])


def sql(db: Path, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """What the store holds, asked directly (read-only, closed at once)."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(query, params or []).fetchall()
    finally:
        conn.close()


def table_counts(db: Path) -> dict[str, int]:
    tables = ("articles", "events", "dedup_events", "event_mentions", "rejects", "runs")
    return {t: int(sql(db, f"SELECT count(*) FROM {t}")[0][0]) for t in tables}


def assert_error(response: httpx.Response, status: int, *words: str) -> dict[str, Any]:
    """An error response: the status, the JSON shape, the words, and no traceback."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "detail"}
    assert "Traceback" not in response.text and 'File "' not in response.text
    for word in words:
        assert word in body["detail"], body
    return body


@contextmanager
def instance_kept(db: Path) -> Iterator[None]:
    """Hold one read-only connection for the block, so that DuckDB reuses its open instance
    for every request instead of starting one per request (tens of ms each): the tests
    that send hundreds of requests stay fast. Behaviour is the same, only startup is shared."""
    keeper = duckdb.connect(str(db), read_only=True)
    try:
        yield
    finally:
        keeper.close()


def query_parameters(client: TestClient, path: str) -> list[str]:
    """The query parameters an endpoint declares in its OpenAPI schema."""
    operation = client.get("/openapi.json").json()["paths"][path]["get"]
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]


# --- events ---------------------------------------------------------------------------------


def test_events_list_is_the_deduplicated_events(client: TestClient, store: Path,
                                                all_events: list[dict[str, Any]]) -> None:
    stored = {str(row[0]) for row in sql(store, "SELECT global_event_id FROM dedup_events")}
    assert {e["id"] for e in all_events} == stored
    dates = [e["event_date"] for e in all_events if e["event_date"]]
    assert dates == sorted(dates, reverse=True)  # default sort: newest first
    for event in all_events:
        assert event["article_id"] == event["root_mention_id"].split("-")[0]
        assert event["event_text"] in event["sentence_text"]


def test_pages_partition_the_list(client: TestClient, all_events: list[dict[str, Any]]) -> None:
    seen: list[str] = []
    for offset in range(0, len(all_events), 7):
        page = client.get("/v1/events", params={"limit": 7, "offset": offset,
                                                 "sort": "-mentions"}).json()
        assert page["total"] == len(all_events)
        seen.extend(e["id"] for e in page["events"])
    assert sorted(seen) == sorted(e["id"] for e in all_events)
    assert len(set(seen)) == len(seen)


@pytest.mark.parametrize("sort, field, reverse", [
    ("mentions", "num_mentions", False), ("-mentions", "num_mentions", True),
    ("sources", "num_sources", False), ("-goldstein", "goldstein", True),
    ("date", "event_date", False),
])
def test_sorting(client: TestClient, sort: str, field: str, reverse: bool) -> None:
    events = client.get("/v1/events", params={"limit": 1000, "sort": sort}).json()["events"]
    values = [e[field] for e in events if e[field] is not None]
    assert values == sorted(values, reverse=reverse)


def _side(event: dict[str, Any], side: str, attr: str) -> Any:
    return (event[side] or {}).get(attr)


FILTER_CASES: list[tuple[dict[str, Any], Callable[[dict[str, Any]], bool]]] = [
    ({"actor": "ken"}, lambda e: "KEN" in (_side(e, "source", "code"), _side(e, "target", "code"))),
    ({"sector": "GOV"},
     lambda e: "GOV" in (_side(e, "source", "sector"), _side(e, "target", "sector"))),
    ({"source_country": "ETH"}, lambda e: _side(e, "source", "code") == "ETH"),
    ({"source_sector": "gov"}, lambda e: _side(e, "source", "sector") == "GOV"),
    ({"target_country": "KEN"}, lambda e: _side(e, "target", "code") == "KEN"),
    ({"target_sector": "GOV"}, lambda e: _side(e, "target", "sector") == "GOV"),
    ({"type": ["support", "ACCUSE"]}, lambda e: e["event"] in {"SUPPORT", "ACCUSE"}),
    ({"cameo": "05"}, lambda e: e["cameo_code"].startswith("05")),
    ({"cameo": "057"}, lambda e: e["cameo_code"].startswith("057")),
    ({"quad_class": [1, 4]}, lambda e: e["quad_class"] in {1, 4}),
    ({"modality": "asserted"}, lambda e: e["modality"] == "asserted"),
    ({"min_mentions": 2}, lambda e: e["num_mentions"] >= 2),
    ({"has_place": "true"}, lambda e: e["place"] is not None),
    ({"has_place": "false"}, lambda e: e["place"] is None),
    ({"date_from": "2024-03-05", "date_to": "2024-03-06"},
     lambda e: e["event_date"] is not None and "2024-03-05" <= e["event_date"] <= "2024-03-06"),
]


@pytest.mark.parametrize("params, keep", FILTER_CASES)
def test_filters_select_exactly_the_matching_events(
    client: TestClient, all_events: list[dict[str, Any]], params: dict[str, Any],
    keep: Callable[[dict[str, Any]], bool],
) -> None:
    expected = {e["id"] for e in all_events if keep(e)}
    assert expected, "the sample corpus should have events for this filter"
    page = client.get("/v1/events", params={**params, "limit": 1000}).json()
    assert {e["id"] for e in page["events"]} == expected
    assert page["total"] == len(expected)


def test_free_text_matches_any_mention_sentence(client: TestClient, store: Path) -> None:
    rows = sql(store, "SELECT DISTINCT m.global_event_id FROM event_mentions m JOIN events e"
               " ON e.mention_id = m.mention_id WHERE lower(e.sentence_text) LIKE '%signed%'")
    expected = {str(row[0]) for row in rows}
    assert expected
    found = client.get("/v1/events", params={"q": "SIGNED", "limit": 1000}).json()["events"]
    assert {e["id"] for e in found} == expected


def test_event_detail_has_every_mention(client: TestClient, store: Path,
                                        all_events: list[dict[str, Any]]) -> None:
    merged = max(all_events, key=lambda e: e["num_mentions"])
    assert merged["num_mentions"] > 1
    detail = client.get(f"/v1/events/{merged['id']}").json()
    assert {k: v for k, v in detail.items() if k != "mentions"} == merged
    mentions = detail["mentions"]
    stored = sql(store, "SELECT mention_id FROM event_mentions WHERE global_event_id = ?",
                 [int(merged["id"])])
    assert sorted(m["mention_id"] for m in mentions) == sorted(row[0] for row in stored)
    assert mentions[0]["is_root_mention"] and mentions[0]["mention_id"] == merged["root_mention_id"]
    assert len({m["outlet"] for m in mentions}) == merged["num_sources"]
    for mention in mentions:
        assert mention["url"].startswith("https://example.org/")
        assert mention["event_text"] in mention["sentence_text"]
        assert mention["rule"] and 0 < mention["confidence"] <= 1
        assert mention["evidence"] in {"asserted", "claimed"}


@pytest.mark.parametrize("event_id, status", [
    ("123", 404), ("9223372036854775807", 404), ("9999999999999999999", 404),
    ("abc", 422), ("-1", 422), ("1.5", 422), ("12345678901234567890", 422),
    (quote("1 OR 1=1"), 422),
])
def test_bad_event_ids(client: TestClient, event_id: str, status: int) -> None:
    assert_error(client.get(f"/v1/events/{event_id}"), status)


# --- aggregates -----------------------------------------------------------------------------


def test_timeline_counts_every_dated_event(client: TestClient,
                                           all_events: list[dict[str, Any]]) -> None:
    dated = [e for e in all_events if e["event_date"]]
    by_quad = client.get("/v1/timeline").json()
    assert by_quad["by"] == "quad_class" and by_quad["interval"] == "day"
    assert sum(p["count"] for p in by_quad["points"]) == len(dated)
    for point in by_quad["points"]:
        day = [e for e in dated if e["event_date"] == point["date"]
               and str(e["quad_class"]) == point["key"]]
        assert point["count"] == len(day)
        assert point["mentions"] == sum(e["num_mentions"] for e in day)
    by_type = client.get("/v1/timeline", params={"by": "type", "interval": "month"}).json()
    assert {p["date"] for p in by_type["points"]} == {"2024-03-01"}
    types = {p["key"] for p in by_type["points"]}
    assert types == {e["event"] for e in dated}
    assert sum(p["count"] for p in by_type["points"]) == len(dated)


def test_timeline_filters(client: TestClient, all_events: list[dict[str, Any]]) -> None:
    points = client.get("/v1/timeline", params={"actor": "BGD", "by": "total"}).json()["points"]
    expected = [e for e in all_events if e["event_date"] and "BGD" in (
        _side(e, "source", "code"), _side(e, "target", "code"))]
    assert expected and sum(p["count"] for p in points) == len(expected)
    assert {p["key"] for p in points} == {"all"}


def test_actors_count_sources_and_targets(client: TestClient,
                                          all_events: list[dict[str, Any]]) -> None:
    actors = client.get("/v1/actors", params={"limit": 1000}).json()["actors"]
    for actor in actors:
        as_source = [e for e in all_events if _side(e, "source", "code") == actor["code"]]
        as_target = [e for e in all_events if _side(e, "target", "code") == actor["code"]]
        assert (actor["as_source"], actor["as_target"]) == (len(as_source), len(as_target))
        assert actor["total"] == len(as_source) + len(as_target)
        scores = [e["goldstein"] for e in as_source + as_target]
        assert actor["mean_goldstein"] == pytest.approx(sum(scores) / len(scores))
    totals = [a["total"] for a in actors]
    assert totals == sorted(totals, reverse=True)
    by_cameo = client.get("/v1/actors", params={"by": "cameo", "limit": 1000}).json()
    assert all(a["cameo"] for a in by_cameo["actors"])
    assert sum(a["total"] for a in by_cameo["actors"]) == sum(totals)


def test_dyads(client: TestClient, all_events: list[dict[str, Any]]) -> None:
    dyads = client.get("/v1/dyads", params={"by": "sector", "limit": 1000}).json()["dyads"]
    with_both = [e for e in all_events if e["source"] and e["target"]]
    assert sum(d["count"] for d in dyads) == len(with_both)
    top = dyads[0]
    pair = [e for e in with_both
            if (e["source"]["code"], e["source"]["sector"], e["target"]["code"],
                e["target"]["sector"]) == (top["source_code"], top["source_sector"],
                                           top["target_code"], top["target_sector"])]
    assert top["count"] == len(pair)
    assert top["mean_goldstein"] == pytest.approx(sum(e["goldstein"] for e in pair) / len(pair))


def test_places(client: TestClient, all_events: list[dict[str, Any]]) -> None:
    places = client.get("/v1/places").json()["places"]
    placed = [e for e in all_events if e["place"]]
    assert placed and sum(p["count"] for p in places) == len(placed)
    nairobi = next(p for p in places if p["name"] == "Nairobi")
    assert nairobi["country_iso3"] == "KEN" and nairobi["lat"] == pytest.approx(-1.28, abs=0.1)


def test_summary(client: TestClient, store: Path) -> None:
    summary = client.get("/v1/summary").json()
    counts = table_counts(store)
    assert (summary["articles"], summary["mentions"], summary["events"]) == (
        counts["articles"], counts["events"], counts["dedup_events"])
    assert summary["last_run"]["status"] == "done"


# --- articles -------------------------------------------------------------------------------


def test_article_text_with_spans(client: TestClient, store: Path,
                                 all_events: list[dict[str, Any]]) -> None:
    wanted = {e["article_id"] for e in all_events}
    assert len(wanted) == len(sql(store, "SELECT doc_key FROM articles"))
    for one in wanted:
        article = client.get(f"/v1/articles/{one}").json()
        text = article["text"]
        assert article["article_id"] == one
        assert all(e["mention_id"].startswith(one + "-") for e in article["events"])
        kinds = {span["kind"] for span in article["spans"]}
        assert {"trigger", "source"} <= kinds
        for span in article["spans"]:
            assert text[span["start"]:span["end"]] == span["text"], span
        starts = [span["start"] for span in article["spans"]]
        assert starts == sorted(starts)


def test_article_without_events_is_found(tmp_path: Path) -> None:
    db = tmp_path / "quiet.duckdb"
    quiet = Article(id="quiet", text="Nothing happened here.", url="https://example.org/q")
    with Store.open(db) as writer:
        writer.write_batch([CodedArticle(quiet, [], "test")])
    with TestClient(create_app(db, static_dir=None)) as quiet_client:
        found = quiet_client.get(f"/v1/articles/{article_id(doc_key(quiet))}").json()
    assert found["text"] == quiet.text and found["events"] == [] and found["spans"] == []


@pytest.mark.parametrize("article", ["0000000000000000", "ABCDEF0123456789", "abc",
                                     "0123456789abcdef0", quote("' OR 1=1 --")])
def test_bad_article_ids(client: TestClient, article: str) -> None:
    response = client.get(f"/v1/articles/{article}")
    assert_error(response, 404 if article == "0000000000000000" else 422)


# --- bad parameters, injection, property-based ------------------------------------------------


@pytest.mark.parametrize("path, params, words", [
    ("/v1/events", {"limit": 0}, ["'limit'"]),
    ("/v1/events", {"limit": 1001}, ["'limit'"]),
    ("/v1/events", {"offset": -1}, ["'offset'"]),
    ("/v1/events", {"sort": "id; DROP TABLE events"}, ["'sort'"]),
    ("/v1/events", {"date_from": "2024-13-01"}, ["'date_from'"]),
    ("/v1/events", {"date_to": "0"}, ["'date_to'", "YYYY-MM-DD"]),
    ("/v1/events", {"date_to": "1700000000"}, ["'date_to'", "YYYY-MM-DD"]),
    ("/v1/events", {"date_from": "2024-03-06", "date_to": "2024-03-05"}, ["after"]),
    ("/v1/events", {"type": "BOMB"}, ["PLOVER", "BOMB", "ASSAULT"]),
    ("/v1/events", {"quad_class": 5}, ["'quad_class"]),
    ("/v1/events", {"cameo": "05a"}, ["'cameo'"]),
    ("/v1/events", {"has_place": "perhaps"}, ["'has_place'"]),
    ("/v1/events", {"q": "x" * 201}, ["'q'"]),
    ("/v1/timeline", {"by": "actor"}, ["'by'"]),
    ("/v1/timeline", {"interval": "hour"}, ["'interval'"]),
    ("/v1/actors", {"by": "name"}, ["'by'"]),
    ("/v1/dyads", {"limit": "ten"}, ["'limit'"]),
    ("/v1/places", {"min_mentions": 0}, ["'min_mentions'"]),
])
def test_bad_parameters_name_the_problem(client: TestClient, path: str,
                                         params: dict[str, Any], words: list[str]) -> None:
    assert_error(client.get(path, params=params), 422, *words)


def test_unknown_route_and_method(client: TestClient) -> None:
    assert_error(client.get("/v1/nothing"), 404)
    assert_error(client.delete("/v1/events"), 405)


@pytest.mark.parametrize("path", LIST_ENDPOINTS)
def test_injection_in_every_query_parameter(client: TestClient, store: Path, path: str) -> None:
    before = table_counts(store)
    with instance_kept(store):
        _attack_every_parameter(client, path)
    assert table_counts(store) == before


def _attack_every_parameter(client: TestClient, path: str) -> None:
    for name in query_parameters(client, path):
        for attack in INJECTIONS:
            response = client.get(path, params={name: attack})
            assert response.status_code in (200, 422), (name, attack, response.text)
            if response.status_code == 422:
                assert_error(response, 422, f"'{name}")
            elif path == "/v1/events":
                assert response.json()["total"] == 0, (name, attack)  # a literal, found nowhere


@pytest.mark.parametrize("path", LIST_ENDPOINTS)
def test_property_no_query_string_breaks_the_server(client: TestClient, store: Path,
                                                     path: str) -> None:
    names = [*query_parameters(client, path), "unknown"]
    values = st.one_of(st.text(max_size=40), st.integers().map(str),
                       st.floats(allow_nan=True).map(str), st.sampled_from(["true", "", "1"]))

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.dictionaries(st.sampled_from(names), values, max_size=4))
    def check(params: dict[str, str]) -> None:
        response = client.get(path, params=params)
        assert response.status_code in (200, 422), (params, response.text)
        if response.status_code == 422:
            assert_error(response, 422)

    with instance_kept(store):
        check()


def _path_id(value: str) -> str:
    """`value` escaped whole, dots included: httpx resolves a bare "." or ".." segment as a
    relative path (RFC 3986), so the server would never see it as an id."""
    return quote(value, safe="").replace(".", "%2E")


@pytest.mark.parametrize("value", ["/", ".", ".."])
@pytest.mark.parametrize("base", ["/v1/events/", "/v1/articles/"])
def test_an_id_of_a_slash_or_dots_is_not_found_rather_than_the_list(
    client: TestClient, base: str, value: str
) -> None:
    response = client.get(base + _path_id(value))
    assert response.status_code in (404, 422)
    assert_error(response, response.status_code)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(["/v1/events/", "/v1/articles/"]), st.text(min_size=1, max_size=30))
def test_property_no_path_id_breaks_the_server(client: TestClient, base: str, value: str) -> None:
    response = client.get(base + _path_id(value))
    assert response.status_code in (404, 422), (value, response.text)
    assert_error(response, response.status_code)


# --- POST /v1/code --------------------------------------------------------------------------


def test_code_returns_what_tacitus_code_prints_and_stores_nothing(
    client: TestClient, store: Path
) -> None:
    before = table_counts(store)
    body = {"text": TEXT, "date": "2024-03-04", "url": "https://example.org/x", "outlet": "X",
            "id": "doc-1"}
    response = client.post("/v1/code", json=body)
    assert response.status_code == 200, response.text
    coded = response.json()
    article = Article(id="doc-1", text=TEXT, published=dt.date(2024, 3, 4),
                      url="https://example.org/x", outlet="X")
    records = make_real_coder().code_article(article)
    expected = [json.loads(json.dumps(e.to_dict())) for e in records]
    assert coded["events"] == expected
    assert coded["count"] == len(expected) > 0 and coded["doc_id"] == "doc-1"
    assert {"SUPPORT", "COERCE"} & {e["event"] for e in coded["events"]}
    assert table_counts(store) == before


@pytest.mark.parametrize("body, words", [
    ({}, ["'text'"]),
    ({"text": ""}, ["'text'"]),
    ({"text": "x" * 100_001}, ["'text'"]),
    ({"text": 5}, ["'text'"]),
    ({"text": "a", "date": "yesterday"}, ["'date'"]),
    ({"text": "a", "date": 0}, ["'date'", "YYYY-MM-DD"]),
    ({"text": "a", "secret": "' OR 1=1"}, ["'secret'"]),
])
def test_code_rejects_bad_bodies(client: TestClient, body: dict[str, Any],
                                 words: list[str]) -> None:
    assert_error(client.post("/v1/code", json=body), 422, *words)


@pytest.mark.parametrize("text, words", [
    # one "sentence" of 14,000 characters, over the sentence-length limit
    (" ".join(["Ministers"] + ["and officials"] * 1000) + " met.", ["'text'", "sentence"]),
    # 2,000 characters but a thousand tokens: over the tokens-per-sentence limit
    ("Ministers" + " , x" * 500 + " met.", ["'text'", "tokens"]),
    # not text at all for spaCy: refused while the body is read
    ("Kenya protested \ud800 the decision.", ["'text'"]),
])
def test_code_refused_by_the_coder_is_a_client_error(client: TestClient, text: str,
                                                       words: list[str]) -> None:
    """Text the coder will not take (a limit, text spaCy cannot hash) is the sender's
    problem: 422 naming the reason, never a server error."""
    body = json.dumps({"text": text}).encode()  # JSON escapes the lone surrogate
    response = client.post("/v1/code", content=body,
                           headers={"Content-Type": "application/json"})
    assert_error(response, 422, *words)


def test_code_rejects_broken_json(client: TestClient) -> None:
    response = client.post("/v1/code", content=b'{"text": "a',
                           headers={"Content-Type": "application/json"})
    assert_error(response, 422)


# --- guards ---------------------------------------------------------------------------------


def _small_app(store: Path, **options: Any) -> TestClient:
    app = create_app(store, coder_factory=make_real_coder, static_dir=None, **options)
    return TestClient(app, raise_server_exceptions=False)


def test_oversize_bodies_are_refused(store: Path) -> None:
    small = _small_app(store, max_body_bytes=2000)
    declared = small.post("/v1/code", json={"text": "x" * 3000})
    assert_error(declared, 413, "2000 bytes")

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'"}'

    streamed = small.post("/v1/code", content=chunks(),
                          headers={"Content-Type": "application/json"})
    assert "content-length" not in streamed.request.headers
    assert_error(streamed, 413, "2000 bytes")
    assert_error(small.post("/v1/code", content=b"{}", headers={"Content-Length": "x"}), 400)
    assert small.post("/v1/code", json={"text": "Kenya signed a deal."}).status_code == 200


def test_bearer_token_guards_writes_not_reads(store: Path) -> None:
    guarded = _small_app(store, token="s3cret-token")
    body = {"text": "Kenya signed an agreement with Ethiopia."}
    missing = guarded.post("/v1/code", json=body)
    assert_error(missing, 401, "Bearer")
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = guarded.post("/v1/code", json=body, headers={"Authorization": "Bearer nope"})
    assert_error(wrong, 401)
    right = guarded.post("/v1/code", json=body,
                         headers={"Authorization": "Bearer s3cret-token"})
    assert right.status_code == 200 and right.json()["events"]
    assert guarded.get("/v1/events").status_code == 200
    full = create_app(store, token="t", export_dir=Path("unused"), static_dir=None).openapi()
    writes = [(path, method) for path, operations in full["paths"].items()
              for method in operations if method != "get"]
    assert ("/v1/export", "post") in writes
    for path, method in writes:  # every non-GET route carries the guard
        assert full["paths"][path][method].get("security"), (path, method)


def test_cors_off_by_default_and_on_when_configured(client: TestClient, store: Path) -> None:
    origin = {"Origin": "https://evil.example"}
    plain = client.get("/v1/summary", headers=origin)
    assert plain.status_code == 200
    assert "access-control-allow-origin" not in plain.headers
    preflight = client.options("/v1/code", headers={
        **origin, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers

    opened = _small_app(store, cors_origins=["https://dash.example"])
    allowed = opened.get("/v1/summary", headers={"Origin": "https://dash.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://dash.example"
    other = opened.get("/v1/summary", headers=origin)
    assert "access-control-allow-origin" not in other.headers


def test_unexpected_failure_is_a_json_500_without_internals(store: Path) -> None:
    def broken_coder() -> Any:
        raise RuntimeError("secret internals at /srv/tacitus/coder.py line 42")

    app = create_app(store, coder_factory=broken_coder, static_dir=None)
    with TestClient(app, raise_server_exceptions=False) as failing:
        response = failing.post("/v1/code", json={"text": "Kenya signed."})
    body = assert_error(response, 500)
    assert "secret" not in response.text and "coder.py" not in response.text
    assert body["error"] == "internal server error"


# --- read-only access beside a writer ---------------------------------------------------------

_HOLD_FOR_WRITING = (
    "import duckdb, sys, time\n"
    "conn = duckdb.connect(sys.argv[1])\n"
    "print('locked', flush=True)\n"
    "time.sleep(60)\n"
)


def test_busy_database_is_a_503_with_retry_after(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "busy.duckdb"
    shutil.copy(store, copy)
    api = _small_app(copy)
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_FOR_WRITING, str(copy)],
                              stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"locked"
        response = api.get("/v1/events")
        assert_error(response, 503, "ingest", "try again")
        assert response.headers["retry-after"] == "1"
    finally:
        holder.kill()
        holder.wait()
    assert api.get("/v1/events").json()["total"] > 0


def test_serving_leaves_the_file_free_for_a_writer(client: TestClient, store: Path) -> None:
    for path in LIST_ENDPOINTS:
        assert client.get(path).status_code == 200
    writer = subprocess.run(
        [sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).close()",
         str(store)], capture_output=True, text=True, timeout=60)
    assert writer.returncode == 0, writer.stderr


#: Documents the concurrent ingest writes: enough batches for reads to land among them.
DURING_INGEST_DOCS = 600
_INGEST = "import sys; from tests.ingest_support import main; sys.exit(main(sys.argv[1:]))"


def test_reads_during_an_ingest_are_answers_or_503_never_500(store: Path,
                                                            tmp_path: Path) -> None:
    """Serve while an ingest (fake coder, small batches) writes into the same file."""
    copy = tmp_path / "growing.duckdb"
    shutil.copy(store, copy)
    corpus = write_jsonl(tmp_path / "corpus.jsonl", generated_docs(DURING_INGEST_DOCS))
    api = _small_app(copy)
    before = api.get("/v1/summary").json()["articles"]
    coded_log = tmp_path / "coded.log"
    writer = subprocess.Popen(
        [sys.executable, "-c", _INGEST, str(corpus), str(copy), "1", "16", "fake"],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, CODER_LOG_VARIABLE: str(coded_log)}, stderr=subprocess.PIPE)
    statuses: list[int] = []
    try:
        while writer.poll() is None and not coded_log.exists():  # until it holds the store
            time.sleep(0.01)
        while writer.poll() is None:
            for path in ("/v1/summary", "/v1/events?limit=1000"):
                response = api.get(path)
                statuses.append(response.status_code)
                if response.status_code == 503:
                    assert_error(response, 503, "ingest")
                elif path == "/v1/events?limit=1000":
                    page = response.json()  # a page and its total come from one snapshot
                    assert page["total"] == len(page["events"]) or len(page["events"]) == 1000
    finally:
        if writer.poll() is None:
            writer.kill()
        _, err = writer.communicate()
    assert writer.returncode == 0, err.decode()
    assert statuses and set(statuses) <= {200, 503}
    assert api.get("/v1/summary").json()["articles"] == before + DURING_INGEST_DOCS


def test_missing_or_foreign_database_is_a_503(tmp_path: Path) -> None:
    missing = TestClient(create_app(tmp_path / "none.duckdb", static_dir=None))
    assert_error(missing.get("/v1/events"), 503, "no Tacitus database", "tacitus ingest")
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    foreign = TestClient(create_app(junk, static_dir=None))
    assert_error(foreign.get("/v1/summary"), 503, "cannot read")


def test_snapshot_per_request(store: Path) -> None:
    """One connection per request, closed after it: the database object keeps nothing open."""
    db = ReadOnlyDatabase(store)
    with db.read() as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() is not None
    with pytest.raises(duckdb.ConnectionException):
        conn.execute("SELECT 1")


# --- dashboard files ------------------------------------------------------------------------


def test_dashboard_files_are_served_when_present(store: Path, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html>dashboard</html>", encoding="utf-8")
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "app.js").write_text("fetch('/v1/events')", encoding="utf-8")
    web = TestClient(create_app(store, static_dir=tmp_path))
    assert web.get("/").text == "<html>dashboard</html>"
    assert web.get("/static/js/app.js").text == "fetch('/v1/events')"
    assert_error(web.get("/static/../../etc/passwd"), 404)
    bare = TestClient(create_app(store, static_dir=tmp_path / "absent"))
    assert_error(bare.get("/"), 404)
    assert "/" not in web.get("/openapi.json").json()["paths"]


# --- tacitus serve --------------------------------------------------------------------------


def test_exposure_warnings() -> None:
    for loopback in ("127.0.0.1", "127.0.0.2", "::1", "localhost"):
        assert exposure_warnings(loopback, None) == []
    open_warnings = exposure_warnings("0.0.0.0", None)
    assert len(open_warnings) == 2
    assert "0.0.0.0" in open_warnings[0] and "not loopback" in open_warnings[0]
    assert "TACITUS_API_TOKEN" in open_warnings[1]
    assert len(exposure_warnings("192.168.1.5", "token")) == 1


def test_serve_warns_loudly_when_not_on_loopback(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    started: dict[str, Any] = {}
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.update(options))
    monkeypatch.delenv("TACITUS_API_TOKEN", raising=False)
    assert cli.main(["serve", "--db", str(store), "--host", "0.0.0.0", "--port", "8123"]) == 0
    assert started["host"] == "0.0.0.0" and started["port"] == 8123
    err = capsys.readouterr().err
    assert "WARNING" in err and "not loopback" in err and "no token" in err


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_command_answers_on_loopback(store: Path, tmp_path: Path) -> None:
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "tacitus.cli.main", "serve", "--db", str(store),
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=log)
    try:
        response = None
        for _ in range(300):
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/v1/events", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        assert response is not None and response.status_code == 200
        assert response.json()["total"] > 0
    finally:
        stop(server, timeout=20)
        log.close()
    assert "WARNING" not in (tmp_path / "serve.log").read_text()


# --- exports --------------------------------------------------------------------------------


def test_export_is_off_unless_a_folder_is_given(client: TestClient) -> None:
    assert_error(client.post("/v1/export", json={"format": "csv"}), 404)


def test_export_writes_only_inside_its_folder(store: Path, tmp_path: Path) -> None:
    folder, outside = tmp_path / "exports", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (folder / "link").symlink_to(outside, target_is_directory=True)
    api = _small_app(store, export_dir=folder, token="tok")
    auth = {"Authorization": "Bearer tok"}
    assert_error(api.post("/v1/export", json={"format": "csv"}), 401)

    done = api.post("/v1/export", json={"format": "csv", "name": "all/events.csv"},
                    headers=auth).json()
    assert done == {"format": "csv", "file": "all/events.csv",
                    "rows": table_counts(store)["events"]}
    assert (folder / "all" / "events.csv").is_file()
    kenya = api.post("/v1/export", json={"format": "plover", "country": "ken"},
                     headers=auth).json()
    lines = (folder / kenya["file"]).read_text(encoding="utf-8").splitlines()
    assert 0 < kenya["rows"] == len(lines) < done["rows"]

    for name in ("../escape.csv", "/tmp/escape.csv", "a/../../escape.csv", "link/escape.csv",
                 "x\u0000y", "."):
        response = api.post("/v1/export", json={"format": "csv", "name": name}, headers=auth)
        assert_error(response, 422, "'name'")
    assert list(outside.iterdir()) == [] and not (tmp_path / "escape.csv").exists()
    for body, words in (({"format": "xml"}, ["'format'"]),
                        ({"format": "csv", "type": "BOMB"}, ["BOMB"]),
                        ({"format": "csv", "date_from": "2024-03-06", "date_to": "2024-03-05"},
                         ["date_from"])):
        assert_error(api.post("/v1/export", json=body, headers=auth), 422, *words)


def test_export_over_something_of_the_other_kind_is_a_409(store: Path, tmp_path: Path) -> None:
    api = _small_app(store, export_dir=tmp_path)
    assert api.post("/v1/export", json={"format": "csv", "name": "f"}).status_code == 200
    assert api.post("/v1/export", json={"format": "parquet", "name": "d"}).status_code == 200
    for body in ({"format": "parquet", "name": "f"}, {"format": "csv", "name": "d"},
                 {"format": "plover", "name": "f/inside.jsonl"}):
        assert_error(api.post("/v1/export", json=body), 409, "in the way")
    again = api.post("/v1/export", json={"format": "csv", "name": "f"})
    assert again.status_code == 200  # the same kind is overwritten


def test_event_model_keeps_up_with_the_record() -> None:
    """`EventRecordOut` restates `EventRecord`'s fields so the OpenAPI schema is precise; a
    field added to the record must be added here too, or the API would silently drop it.
    (`explain` is left out: `POST /v1/code` does not ask for parse paths.)"""
    import dataclasses

    from tacitus.api.models import EventRecordOut
    from tacitus.records import EventRecord

    record_fields = {f.name for f in dataclasses.fields(EventRecord)} - {"explain"}
    assert set(EventRecordOut.model_fields) == record_fields
