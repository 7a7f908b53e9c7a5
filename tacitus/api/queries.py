"""Every SQL statement the API runs, and the turning of rows into response models.

User input never becomes SQL text: filters are a fixed table of conditions, each with one `?`
placeholder for its value; sort orders, groupings and intervals are looked up in fixed maps
keyed by values the request validation has already restricted. Events are the deduplicated
ones (`dedup_events`), because an analyst counts happenings, not reports; their mentions come
from `event_mentions` joined to `events` and `articles`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any, Literal

import duckdb

from tacitus.api import models
from tacitus.codebook import cameo_event
from tacitus.store import record_from_row

SortKey = Literal[
    "date", "-date", "mentions", "-mentions", "sources", "-sources", "goldstein", "-goldstein"
]
TimelineKey = Literal["quad_class", "type", "cameo_root", "modality", "total"]
Interval = Literal["day", "week", "month", "year"]
ActorLevel = Literal["country", "sector", "cameo"]
DyadLevel = Literal["country", "sector"]
Modality = Literal["asserted", "negated", "hypothetical", "conditional", "future"]

#: ORDER BY clauses for `sort`; the event id always breaks ties so pages never overlap.
_ORDER: dict[str, str] = {
    "date": "d.event_date ASC NULLS LAST",
    "-date": "d.event_date DESC NULLS LAST",
    "mentions": "d.num_mentions ASC",
    "-mentions": "d.num_mentions DESC",
    "sources": "d.num_sources ASC",
    "-sources": "d.num_sources DESC",
    "goldstein": "d.goldstein ASC NULLS LAST",
    "-goldstein": "d.goldstein DESC NULLS LAST",
}

#: What a timeline groups by, as an expression over `dedup_events d` giving text.
_TIMELINE_KEY: dict[str, str] = {
    "quad_class": "CAST(d.quad_class AS VARCHAR)",
    "type": "d.event",
    "cameo_root": "d.cameo_root",
    "modality": "d.modality",
    "total": "'all'",
}

#: For actors and dyads: which columns identify a group at each level of detail.
_ACTOR_LEVEL: dict[str, str] = {
    "country": "code, NULL AS sector, NULL AS cameo",
    "sector": "code, sector, NULL AS cameo",
    "cameo": "code, sector, cameo",
}
_DYAD_LEVEL: dict[str, str] = {
    "country": "d.actor_code, NULL, d.recipient_code, NULL",
    "sector": "d.actor_code, d.actor_sector, d.recipient_code, d.recipient_sector",
}

#: One condition per filter over `dedup_events d`, each with exactly one placeholder.
_CONDITIONS: dict[str, str] = {
    "date_from": "d.event_date >= ?",
    "date_to": "d.event_date <= ?",
    "actor": "? IN (d.actor_code, d.recipient_code)",
    "sector": "? IN (d.actor_sector, d.recipient_sector)",
    "source_country": "d.actor_code = ?",
    "source_sector": "d.actor_sector = ?",
    "target_country": "d.recipient_code = ?",
    "target_sector": "d.recipient_sector = ?",
    "types": "list_contains(?::VARCHAR[], d.event)",
    "cameo": "starts_with(d.cameo_code, ?)",
    "quad_classes": "list_contains(?::INTEGER[], d.quad_class)",
    "modality": "d.modality = ?",
    "min_mentions": "d.num_mentions >= ?",
    "has_place": "(d.place IS NOT NULL) = ?",
    "text": (
        "EXISTS (SELECT 1 FROM event_mentions fm JOIN events fe ON fe.mention_id ="
        " fm.mention_id WHERE fm.global_event_id = d.global_event_id"
        " AND contains(lower(fe.sentence_text), lower(?)))"
    ),
}


@dataclasses.dataclass(frozen=True)
class EventFilters:
    """Which deduplicated events a request is about; unset fields restrict nothing.

    Country and sector filters look at the first source and first target, the actors an event
    is deduplicated on. Empty lists (`types`, `quad_classes`) restrict nothing either.
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor: str | None = None
    sector: str | None = None
    source_country: str | None = None
    source_sector: str | None = None
    target_country: str | None = None
    target_sector: str | None = None
    types: tuple[str, ...] = ()
    cameo: str | None = None
    quad_classes: tuple[int, ...] = ()
    modality: str | None = None
    min_mentions: int | None = None
    has_place: bool | None = None
    text: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        """The conjunction of the set filters over `dedup_events d`, and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is None or value == ():
                continue
            clauses.append(_CONDITIONS[field.name])
            params.append(list(value) if isinstance(value, tuple) else value)
        return (" AND ".join(clauses) or "TRUE"), params


def article_id(doc_key: str) -> str:
    """An article's id in URLs: 16 hex digits of SHA-1(doc_key), the prefix of its mention
    ids, because a doc_key is often a URL and would not survive as a path segment."""
    return hashlib.sha1(doc_key.encode("utf-8")).hexdigest()[:16]


def _rows(
    conn: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, list(params))
    names = [column[0] for column in cursor.description or []]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _count(conn: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> int:
    row = conn.execute(sql, list(params)).fetchone()
    return int(row[0]) if row else 0


def _place(raw: str | None) -> models.Place | None:
    return models.Place.model_validate(json.loads(raw)) if raw else None


def _side(row: dict[str, Any], prefix: str) -> models.Side | None:
    if row[f"{prefix}_cameo"] is None and row[f"{prefix}_code"] is None:
        return None
    return models.Side(
        code=row[f"{prefix}_code"],
        sector=row[f"{prefix}_sector"],
        cameo=row[f"{prefix}_cameo"],
        name=row[f"{prefix}_name"],
    )


def _cameo_name(code: str) -> str | None:
    known = cameo_event(code)
    return known.name if known else None


def _summary_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The fields every view of a deduplicated event shares."""
    return {
        "id": str(row["global_event_id"]),
        "event_date": row["event_date"],
        "event": row["event"],
        "mode": row["mode"],
        "cameo_code": row["cameo_code"],
        "cameo_name": _cameo_name(row["cameo_code"]),
        "quad_class": row["quad_class"],
        "goldstein": row["goldstein"],
        "avg_goldstein": row["avg_goldstein"],
        "modality": row["modality"],
        "source": _side(row, "actor"),
        "target": _side(row, "recipient"),
        "num_mentions": row["num_mentions"],
        "num_sources": row["num_sources"],
        "num_articles": row["num_articles"],
        "is_root_event": row["is_root_event"],
        "root_mention_id": row["root_mention_id"],
        "article_id": article_id(row["first_doc_key"]),
        "first_url": row["first_url"],
        "first_outlet": row["first_outlet"],
        "first_published": row["first_published"],
        "sentence_text": row["sentence_text"],
        "event_text": row["event_text"],
        "place": _place(row["place"]),
        "date_added": row["date_added"],
    }


_EVENTS = """
SELECT d.*, r.sentence_text, r.event_text
FROM dedup_events d JOIN events r ON r.mention_id = d.root_mention_id
WHERE {where}
"""


def list_events(
    conn: duckdb.DuckDBPyConnection, filters: EventFilters, sort: str, limit: int, offset: int
) -> models.EventPage:
    """One page of deduplicated events and how many match in all."""
    where, params = filters.where()
    total = _count(conn, f"SELECT count(*) FROM dedup_events d WHERE {where}", params)
    order = f" ORDER BY {_ORDER[sort]}, d.global_event_id LIMIT ? OFFSET ?"
    sql = _EVENTS.format(where=where) + order
    rows = _rows(conn, sql, [*params, limit, offset])
    events = [models.EventSummary(**_summary_fields(row)) for row in rows]
    return models.EventPage(total=total, limit=limit, offset=offset, events=events)


_MENTIONS = """
SELECT e.*, m.is_root_mention, m.in_lead, a.url, a.outlet, a.title, a.published
FROM event_mentions m
JOIN events e ON e.mention_id = m.mention_id
JOIN articles a ON a.doc_key = e.doc_key
WHERE m.global_event_id = ?
ORDER BY m.is_root_mention DESC, a.published NULLS LAST, e.doc_key, e.mention_id
"""


def _record(row: dict[str, Any]) -> dict[str, Any]:
    """A stored mention in the JSON shape `tacitus code` prints."""
    return record_from_row(row).to_dict()


def _mention(row: dict[str, Any]) -> models.Mention:
    return models.Mention(
        **_record(row),
        mention_id=row["mention_id"],
        article_id=article_id(row["doc_key"]),
        url=row["url"],
        outlet=row["outlet"],
        title=row["title"],
        published=row["published"],
        is_root_mention=row["is_root_mention"],
        in_lead=row["in_lead"],
    )


def event_detail(conn: duckdb.DuckDBPyConnection, event_id: int) -> models.EventDetail | None:
    """A deduplicated event with all its mentions, or None if there is no such event."""
    found = _rows(conn, _EVENTS.format(where="d.global_event_id = ?"), [event_id])
    if not found:
        return None
    mentions = [_mention(row) for row in _rows(conn, _MENTIONS, [event_id])]
    return models.EventDetail(**_summary_fields(found[0]), mentions=mentions)


_TIMELINE = """
SELECT date_trunc(?, d.event_date)::DATE AS date, {key} AS key, count(*) AS count,
       sum(d.num_mentions) AS mentions, avg(d.goldstein) AS mean_goldstein
FROM dedup_events d
WHERE d.event_date IS NOT NULL AND {where}
GROUP BY 1, 2
ORDER BY 1, 2 NULLS LAST
"""


def timeline(
    conn: duckdb.DuckDBPyConnection, filters: EventFilters, by: str, interval: str
) -> models.Timeline:
    """Event counts per period (day, week, ...) and group (QuadClass, PLOVER type, ...)."""
    where, params = filters.where()
    sql = _TIMELINE.format(key=_TIMELINE_KEY[by], where=where)
    points = [models.TimelinePoint(**row) for row in _rows(conn, sql, [interval, *params])]
    return models.Timeline(by=by, interval=interval, points=points)


_ACTORS = """
WITH sides AS (
    SELECT d.actor_code AS code, d.actor_sector AS sector, d.actor_cameo AS cameo,
           d.actor_name AS name, TRUE AS is_source, d.num_mentions, d.goldstein
    FROM dedup_events d WHERE d.actor_code IS NOT NULL AND {where}
    UNION ALL
    SELECT d.recipient_code, d.recipient_sector, d.recipient_cameo, d.recipient_name, FALSE,
           d.num_mentions, d.goldstein
    FROM dedup_events d WHERE d.recipient_code IS NOT NULL AND {where}
)
SELECT {level}, mode(name) AS name,
       count(*) FILTER (WHERE is_source) AS as_source,
       count(*) FILTER (WHERE NOT is_source) AS as_target,
       count(*) AS total, sum(num_mentions) AS mentions, avg(goldstein) AS mean_goldstein
FROM sides
GROUP BY 1, 2, 3
ORDER BY total DESC, code, sector NULLS FIRST, cameo NULLS FIRST
LIMIT ?
"""


def actors(
    conn: duckdb.DuckDBPyConnection, filters: EventFilters, by: str, limit: int
) -> models.ActorList:
    """The most frequent actors (as source and as target) of the filtered events."""
    where, params = filters.where()
    sql = _ACTORS.format(where=where, level=_ACTOR_LEVEL[by])
    rows = _rows(conn, sql, [*params, *params, limit])
    return models.ActorList(by=by, actors=[models.ActorCount(**row) for row in rows])


_DYADS = """
SELECT {level}, count(*) AS count, sum(d.num_mentions) AS mentions,
       avg(d.goldstein) AS mean_goldstein
FROM dedup_events d
WHERE d.actor_code IS NOT NULL AND d.recipient_code IS NOT NULL AND {where}
GROUP BY 1, 2, 3, 4
ORDER BY count DESC, 1, 2 NULLS FIRST, 3, 4 NULLS FIRST
LIMIT ?
"""

_DYAD_NAMES = ("source_code", "source_sector", "target_code", "target_sector")


def dyads(
    conn: duckdb.DuckDBPyConnection, filters: EventFilters, by: str, limit: int
) -> models.DyadList:
    """Source -> target pairs of the filtered events, most frequent first."""
    where, params = filters.where()
    cursor = conn.execute(
        _DYADS.format(where=where, level=_DYAD_LEVEL[by]), [*params, limit]
    )
    names = (*_DYAD_NAMES, "count", "mentions", "mean_goldstein")
    found = [models.DyadCount(**dict(zip(names, row, strict=True))) for row in cursor.fetchall()]
    return models.DyadList(by=by, dyads=found)


_PLACES = """
SELECT d.place ->> 'name' AS name, d.place ->> 'country_iso3' AS country_iso3,
       d.place ->> 'admin1' AS admin1, TRY_CAST(d.place ->> 'lat' AS DOUBLE) AS lat,
       TRY_CAST(d.place ->> 'lon' AS DOUBLE) AS lon,
       TRY_CAST(d.place ->> 'geonames_id' AS BIGINT) AS geonames_id,
       d.place ->> 'kind' AS kind, count(*) AS count, sum(d.num_mentions) AS mentions,
       avg(d.goldstein) AS mean_goldstein
FROM dedup_events d
WHERE d.place IS NOT NULL AND {where}
GROUP BY ALL
ORDER BY count DESC, name NULLS LAST, geonames_id NULLS LAST
LIMIT ?
"""


def places(conn: duckdb.DuckDBPyConnection, filters: EventFilters, limit: int) -> models.PlaceList:
    """Places of the filtered events with their counts, for the map."""
    where, params = filters.where()
    rows = _rows(conn, _PLACES.format(where=where), [*params, limit])
    return models.PlaceList(places=[models.PlaceCount(**row) for row in rows])


#: The record fields that are spans of the article text, and the kind each span is.
_SPAN_ROLES: dict[str, str] = {"actor": "source", "recipient": "target", "claimed_by": "claimant"}


def _spans(mention_id: str, record: dict[str, Any]) -> list[models.Span]:
    spans = [
        models.Span(start=record["event_start"], end=record["event_end"], kind="trigger",
                    mention_id=mention_id, text=record["event_text"])
    ]
    for role, kind in _SPAN_ROLES.items():
        spans.extend(
            models.Span(start=ref["start"], end=ref["end"], kind=kind, mention_id=mention_id,
                        text=ref["text"])
            for ref in record[role]
        )
    place = record["place"] or {}
    if isinstance(place.get("start"), int) and isinstance(place.get("end"), int):
        spans.append(models.Span(start=place["start"], end=place["end"], kind="place",
                                 mention_id=mention_id, text=str(place.get("text") or "")))
    return spans


_ARTICLE_BY_MENTION = (
    "SELECT doc_key FROM events WHERE mention_id > ? AND mention_id < ? LIMIT 1"
)
_ARTICLE_BY_HASH = "SELECT doc_key FROM articles WHERE substr(sha1(doc_key), 1, 16) = ? LIMIT 1"
_ARTICLE_EVENTS = """
SELECT e.*, m.global_event_id
FROM events e LEFT JOIN event_mentions m ON m.mention_id = e.mention_id
WHERE e.doc_key = ?
ORDER BY e.mention_id
"""


def _doc_key(conn: duckdb.DuckDBPyConnection, wanted: str) -> str | None:
    """The doc_key whose article id is `wanted`: through the indexed mention ids when the
    article has events, else by hashing every key (articles with no events are rare)."""
    row = conn.execute(_ARTICLE_BY_MENTION, [f"{wanted}-", f"{wanted}."]).fetchone()
    if row is None:
        row = conn.execute(_ARTICLE_BY_HASH, [wanted]).fetchone()
    return str(row[0]) if row else None


def article_detail(conn: duckdb.DuckDBPyConnection, wanted: str) -> models.ArticleDetail | None:
    """An article's text with its events and every span they point at, or None."""
    key = _doc_key(conn, wanted)
    found = _rows(conn, "SELECT * FROM articles WHERE doc_key = ?", [key]) if key else []
    if not found:
        return None
    article = found[0]
    events: list[models.ArticleEvent] = []
    spans: list[models.Span] = []
    for row in _rows(conn, _ARTICLE_EVENTS, [key]):
        record = _record(row)
        gid = row["global_event_id"]
        events.append(models.ArticleEvent(**record, mention_id=row["mention_id"],
                                          event_id=None if gid is None else str(gid)))
        spans.extend(_spans(row["mention_id"], record))
    spans.sort(key=lambda span: (span.start, span.end, span.kind, span.mention_id))
    fields = ("doc_key", "id", "url", "outlet", "title", "published", "coded_at",
              "coder_version", "text")
    return models.ArticleDetail(article_id=wanted, events=events, spans=spans,
                                **{name: article[name] for name in fields})


_SUMMARY = """
SELECT (SELECT count(*) FROM articles) AS articles, (SELECT count(*) FROM events) AS mentions,
       (SELECT count(*) FROM dedup_events) AS events, (SELECT count(*) FROM rejects) AS rejects,
       (SELECT min(event_date) FROM dedup_events) AS first_date,
       (SELECT max(event_date) FROM dedup_events) AS last_date
"""
_LAST_RUN = (
    "SELECT run_id, kind, status, started_at, finished_at FROM runs ORDER BY run_id DESC LIMIT 1"
)


def summary(conn: duckdb.DuckDBPyConnection) -> models.Summary:
    """Totals, the date range and the latest run."""
    totals = _rows(conn, _SUMMARY)[0]
    runs = _rows(conn, _LAST_RUN)
    last = models.RunInfo(**runs[0]) if runs else None
    return models.Summary(**totals, last_run=last)
