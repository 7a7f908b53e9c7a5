"""Exports: GDELT files read back by the published layout, PLOVER JSONL, Parquet, CSV, filters."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tacitus.export import GDELT_COLUMNS, ExportFilters, ExportPathError, export
from tacitus.records import Article, EventRecord
from tacitus.store import CodedArticle, Store, deduplicate, record_from_row
from tests.ingest_support import FakeCoder, generated_docs

# The GDELT 2.0 event file layout as published in the GDELT event codebook, written out again
# here so the reader below does not trust the exporter's own list.
PUBLISHED_LAYOUT = [
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    *(f"Actor{n}{field}" for n in (1, 2) for field in (
        "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
        "Religion2Code", "Type1Code", "Type2Code", "Type3Code")),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"{who}Geo_{field}" for who in ("Actor1", "Actor2", "Action") for field in (
        "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")),
    "DATEADDED", "SOURCEURL",
]  # fmt: skip


def read_gdelt(path: Path) -> list[dict[str, str]]:
    """A minimal GDELT event file reader: tab-separated, no header, every value kept as text."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        values = line.split("\t")
        assert len(values) == len(PUBLISHED_LAYOUT) == 61
        rows.append(dict(zip(PUBLISHED_LAYOUT, values, strict=True)))
    return rows


STRIKE = Article(
    "strike",
    "The Syrian government attacked the Iraqi rebels in Damascus on 2024-03-02. Residents fled.",
    dt.date(2024, 3, 3),
    "https://news.example/strike",
    "wire",
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding 40 generated articles and one with a resolved place, deduplicated."""
    path = tmp_path_factory.mktemp("export") / "t.duckdb"
    coder = FakeCoder()
    articles = [
        Article(d.id, d.text, dt.date.fromisoformat(d.published), d.url, d.outlet)
        for d in generated_docs(40)
    ]
    with Store.open(path) as store:
        store.write_batch([CodedArticle(a, coder.code_article(a), "fake") for a in articles])
        store.write_batch([CodedArticle(STRIKE, coder.code_article(STRIKE), "fake")])
        deduplicate(store.conn)
    return path


def _query(db: Path, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        cursor = conn.execute(sql, params or [])
        names = [c[0] for c in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        conn.close()


def test_the_exporters_layout_is_the_published_one() -> None:
    assert list(GDELT_COLUMNS) == PUBLISHED_LAYOUT


def test_gdelt_export_reads_back_by_the_published_layout(db: Path, tmp_path: Path) -> None:
    result = export(db, "gdelt", tmp_path)
    rows = read_gdelt(result.path)
    stored = {e["global_event_id"]: e for e in _query(db, "SELECT * FROM dedup_events")}
    assert result.rows == len(rows) == len(stored)
    for row in rows:
        event = stored[int(row["GlobalEventID"])]
        assert row["EventCode"] == event["cameo_code"]
        assert row["EventBaseCode"] == event["cameo_base"]
        assert row["EventRootCode"] == event["cameo_root"]
        assert row["Actor1Code"] == event["actor_cameo"]
        assert row["Actor1CountryCode"] == event["actor_code"]
        assert row["Actor1Type1Code"] == (event["actor_sector"] or "")
        assert row["Actor2Code"] == (event["recipient_cameo"] or "")
        assert row["Day"] == event["event_date"].strftime("%Y%m%d")
        assert row["MonthYear"] == row["Day"][:6] and row["Year"] == row["Day"][:4]
        assert int(row["NumMentions"]) == event["num_mentions"]
        assert int(row["NumSources"]) == event["num_sources"]
        assert int(row["NumArticles"]) == event["num_articles"]
        assert row["IsRootEvent"] == ("1" if event["is_root_event"] else "0")
        assert float(row["GoldsteinScale"]) == event["goldstein"]
        assert row["SOURCEURL"] == event["first_url"]
        assert len(row["DATEADDED"]) == 14 and row["DATEADDED"].isdigit()
    # Leading zeros survive: CAMEO 0211 (appeal for aid) stays 0211, its root 02.
    appeals = [r for r in rows if r["EventCode"] == "0211"]
    assert appeals and all(r["EventRootCode"] == "02" for r in appeals)
    assert {r["EventBaseCode"] for r in rows} >= {"021", "040", "051"}


def test_gdelt_action_geography_comes_from_the_events_place(db: Path, tmp_path: Path) -> None:
    rows = read_gdelt(export(db, "gdelt", tmp_path).path)
    strike = next(r for r in rows if r["SOURCEURL"] == STRIKE.url)
    assert strike["ActionGeo_Type"] == "4"  # a city outside the US
    assert strike["ActionGeo_FullName"] == "Damascus"
    assert strike["ActionGeo_CountryCode"] == "SY"  # FIPS 10-4, as GDELT writes it
    assert (strike["ActionGeo_Lat"], strike["ActionGeo_Long"]) == ("33.5102", "36.2913")
    assert strike["ActionGeo_FeatureID"] == "170654"
    assert strike["Actor1Geo_Type"] == "0"
    assert strike["Day"] == "20240302"
    others = [r for r in rows if r is not strike]
    assert all(r["ActionGeo_Type"] == "0" and r["ActionGeo_Lat"] == "" for r in others)


def test_plover_jsonl_holds_every_mention_as_its_event_record(db: Path, tmp_path: Path) -> None:
    result = export(db, "plover", tmp_path)
    lines = [json.loads(line) for line in result.path.read_text(encoding="utf-8").splitlines()]
    stored = {e["mention_id"]: record_from_row(e) for e in _query(db, "SELECT * FROM events")}
    assert result.rows == len(lines) == len(stored)
    for line in lines:
        assert EventRecord.from_dict(line) == stored[line["event_id"]]
        assert line["global_event_id"] is not None
        assert line["story"]["url"].startswith("https://news.example/")
    codes = {line["cameo_code"] for line in lines}
    assert "0211" in codes


def test_parquet_is_partitioned_by_event_year_and_month(db: Path, tmp_path: Path) -> None:
    result = export(db, "parquet", tmp_path)
    assert [p.relative_to(result.path).parts[:2] for p in result.path.rglob("*.parquet")] == [
        ("year=2024", "month=3")
    ]
    conn = duckdb.connect()
    rows = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE cameo_code = '0211'),"
        " typeof(any_value(cameo_code))"
        f" FROM read_parquet('{result.path}/**/*.parquet', hive_partitioning = true)"
    ).fetchall()
    assert rows[0][0] == result.rows == len(_query(db, "SELECT mention_id FROM events"))
    assert rows[0][1] > 0 and rows[0][2] == "VARCHAR"
    columns = conn.execute(
        f"DESCRIBE SELECT * FROM read_parquet('{result.path}/**/*.parquet')"
    ).fetchall()
    # The record, its article and its event id; not the store's dedup bookkeeping.
    names = {c[0] for c in columns}
    assert {"mention_id", "global_event_id", "url"} <= names and "dedup_unit" not in names


def test_csv_is_flat_and_keeps_codes_as_text(db: Path, tmp_path: Path) -> None:
    result = export(db, "csv", tmp_path)
    with result.path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == result.rows
    assert {"0211", "040", "051"} <= {r["cameo_code"] for r in rows}
    strike = next(r for r in rows if r["url"] == STRIKE.url)
    assert (strike["place_name"], strike["place_country"]) == ("Damascus", "SYR")
    assert json.loads(strike["actors"])[0]["cameo"] == "SYRGOV"


@pytest.mark.parametrize(
    ("filters", "condition"),
    [
        (ExportFilters(country="tur"), "'TUR' IN (actor_code, recipient_code)"),
        (ExportFilters(plover_type="consult"), "event = 'CONSULT'"),
        (ExportFilters(cameo_prefix="02"), "cameo_code LIKE '02%'"),
        (
            ExportFilters(date_from=dt.date(2024, 3, 2), date_to=dt.date(2024, 3, 4)),
            "event_date BETWEEN DATE '2024-03-02' AND DATE '2024-03-04'",
        ),
    ],
)
def test_filters_select_the_same_events_in_every_format(
    db: Path, tmp_path: Path, filters: ExportFilters, condition: str
) -> None:
    mentions = _query(db, f"SELECT mention_id FROM events WHERE {condition}")
    events = _query(db, f"SELECT global_event_id FROM dedup_events WHERE {condition}")
    assert 0 < len(mentions) < len(_query(db, "SELECT mention_id FROM events"))
    gdelt = read_gdelt(export(db, "gdelt", tmp_path, filters).path)
    assert {int(r["GlobalEventID"]) for r in gdelt} == {e["global_event_id"] for e in events}
    for fmt in ("plover", "csv", "parquet"):
        assert export(db, fmt, tmp_path, filters).rows == len(mentions)


def test_exports_stay_inside_the_output_folder(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    out.mkdir()
    (out / "link").symlink_to(outside, target_is_directory=True)
    for name in ("../escape.csv", str(tmp_path / "absolute.csv"), "link/x.csv", "."):
        with pytest.raises(ExportPathError):
            export(db, "csv", out, name=name)
    assert list(outside.iterdir()) == []
    assert export(db, "csv", out, name="sub/events.csv").path == out.resolve() / "sub/events.csv"


def test_bad_requests_are_refused(db: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export(db, "xml", tmp_path)
    with pytest.raises(ValueError, match="digits"):
        ExportFilters(cameo_prefix="02'; DROP TABLE events; --")
