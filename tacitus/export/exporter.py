"""Writing the store's events out: GDELT, PLOVER JSON Lines, Parquet and flat CSV.

GDELT files hold deduplicated events (one row per happening, with its mention counts), as GDELT
does; the other formats hold every event mention with its article and its deduplicated event's
id, so nothing coded is lost. Exports only ever write inside the output folder the caller
chose: a file name that climbs out of it (`../x`, an absolute path, a symlink) is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO, get_args

import duckdb

from tacitus.export.filters import ExportFilters
from tacitus.export.gdelt import write_gdelt
from tacitus.store import Store, record_from_row
from tacitus.store.schema import scalar

ExportFormat = Literal["gdelt", "plover", "parquet", "csv"]
FORMATS: tuple[str, ...] = get_args(ExportFormat)

#: The file (or, for Parquet, folder) each format writes when no name is given.
DEFAULT_NAMES: dict[str, str] = {
    "gdelt": "events.export.CSV",
    "plover": "events.jsonl",
    "parquet": "events-parquet",
    "csv": "events.csv",
}


class ExportPathError(ValueError):
    """An export name that would write outside the chosen output folder."""


@dataclass(frozen=True)
class ExportResult:
    """Where an export went and how many rows (events or mentions) it holds."""

    format: str
    path: Path
    rows: int


# Every mention with its article and the deduplicated event it belongs to (the dedup unit is
# the store's own bookkeeping, not part of the record).
_MENTIONS = """
SELECT e.* EXCLUDE (dedup_unit), m.global_event_id, a.url, a.outlet, a.title, a.published,
    a.source_file
FROM events e
JOIN articles a ON a.doc_key = e.doc_key
LEFT JOIN event_mentions m ON m.mention_id = e.mention_id
WHERE {where}
ORDER BY e.event_date, e.doc_key, e.mention_id
"""

# The same, flattened for spreadsheets: first actor and recipient spelled out, lists as JSON.
_FLAT = """
SELECT
    e.mention_id, m.global_event_id, e.doc_key, e.doc_id, e.event_date, e.date,
    e.date_source, e.event, e.mode, array_to_string(e.context, ';') AS context,
    e.cameo_code, e.cameo_base, e.cameo_root, e.goldstein, e.quad_class,
    e.actor_code, e.actor_sector, e.actor_cameo, e.actor[1].text AS actor_text,
    e.recipient_code, e.recipient_sector, e.recipient_cameo,
    e.recipient[1].text AS recipient_text,
    to_json(e.actor)::VARCHAR AS actors, to_json(e.recipient)::VARCHAR AS recipients,
    to_json(e.claimed_by)::VARCHAR AS claimed_by, e.evidence, e.modality,
    e.place ->> 'name' AS place_name, e.place ->> 'country_iso3' AS place_country,
    TRY_CAST(e.place ->> 'lat' AS DOUBLE) AS place_lat,
    TRY_CAST(e.place ->> 'lon' AS DOUBLE) AS place_lon, e.place::VARCHAR AS place,
    e.sentence_index, e.sentence_text, e.event_text, e.event_start, e.event_end, e.rule,
    e.confidence, a.url, a.outlet, a.title, a.published
FROM events e
JOIN articles a ON a.doc_key = e.doc_key
LEFT JOIN event_mentions m ON m.mention_id = e.mention_id
WHERE {where}
ORDER BY e.event_date, e.doc_key, e.mention_id
"""

# Mentions with the year and month they are partitioned by.
_PARTITIONED = """
SELECT *, year(event_date) AS year, month(event_date) AS month FROM ({mentions})
"""


def confined(folder: Path, name: str) -> Path:
    """`folder / name`, refused unless it stays inside `folder` once links are resolved."""
    base = folder.resolve()
    target = (base / name).resolve()
    if target == base or not target.is_relative_to(base):
        raise ExportPathError(f"export name {name!r} would write outside {folder}")
    return target


def _mention_rows(
    conn: duckdb.DuckDBPyConnection, filters: ExportFilters
) -> Iterator[dict[str, Any]]:
    where, params = filters.where("e")
    cursor = conn.execute(_MENTIONS.format(where=where), params)
    names = [column[0] for column in cursor.description or []]
    while batch := cursor.fetchmany(1000):
        for values in batch:
            yield dict(zip(names, values, strict=True))


def plover_object(row: dict[str, Any]) -> dict[str, Any]:
    """One mention as a POLECAT-style JSON object: the event record, ids, and its story."""
    data = record_from_row(row).to_dict()
    published = row["published"]
    data.update(
        event_id=row["mention_id"],
        global_event_id=row["global_event_id"],
        event_date=row["event_date"].isoformat() if row["event_date"] else None,
        story={
            "doc_key": row["doc_key"],
            "id": row["doc_id"],
            "url": row["url"],
            "outlet": row["outlet"],
            "title": row["title"],
            "published": published.isoformat() if published else None,
            "source_file": row["source_file"],
        },
    )
    return data


def write_plover(conn: duckdb.DuckDBPyConnection, filters: ExportFilters, out: TextIO) -> int:
    """Write the filtered mentions as JSON Lines; returns how many."""
    count = 0
    for row in _mention_rows(conn, filters):
        out.write(json.dumps(plover_object(row), ensure_ascii=False) + "\n")
        count += 1
    return count


def _count(conn: duckdb.DuckDBPyConnection, query: str, params: list[Any]) -> int:
    return int(scalar(conn, f"SELECT count(*) FROM ({query})", params))


def _write_csv(conn: duckdb.DuckDBPyConnection, filters: ExportFilters, target: Path) -> int:
    where, params = filters.where("e")
    query = _FLAT.format(where=where)
    conn.sql(query, params=params).write_csv(str(target), header=True)
    return _count(conn, query, params)


def _write_parquet(conn: duckdb.DuckDBPyConnection, filters: ExportFilters, target: Path) -> int:
    where, params = filters.where("e")
    mentions = _MENTIONS.format(where=where)
    relation = conn.sql(_PARTITIONED.format(mentions=mentions), params=params)
    relation.write_parquet(str(target), partition_by=["year", "month"], overwrite=True)
    return _count(conn, mentions, params)


def _text_writer(
    write: Callable[[duckdb.DuckDBPyConnection, ExportFilters, TextIO], int],
) -> Callable[[duckdb.DuckDBPyConnection, ExportFilters, Path], int]:
    def to_file(conn: duckdb.DuckDBPyConnection, filters: ExportFilters, target: Path) -> int:
        with target.open("w", encoding="utf-8", newline="\n") as out:
            return write(conn, filters, out)

    return to_file


_WRITERS: dict[str, Callable[[duckdb.DuckDBPyConnection, ExportFilters, Path], int]] = {
    "gdelt": _text_writer(write_gdelt),
    "plover": _text_writer(write_plover),
    "parquet": _write_parquet,
    "csv": _write_csv,
}


def export(
    db_path: str | Path,
    fmt: str,
    out: str | Path,
    filters: ExportFilters | None = None,
    *,
    name: str | None = None,
) -> ExportResult:
    """Export the store's events in format `fmt` to `out/name` (`out` is created if needed).

    The database is opened read-only, so exporting never changes it. Parquet writes a folder
    partitioned by event year and month (`year=2024/month=3/...`).
    """
    if fmt not in _WRITERS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    folder = Path(out)
    target = confined(folder, name or DEFAULT_NAMES[fmt])
    target.parent.mkdir(parents=True, exist_ok=True)
    with Store.open(db_path, read_only=True) as store:
        rows = _WRITERS[fmt](store.conn, filters or ExportFilters(), target)
    return ExportResult(fmt, target, rows)
