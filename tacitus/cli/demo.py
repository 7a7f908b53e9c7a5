"""`tacitus demo` (and `make demo`): code the bundled sample corpus and show what came out.

The bundled corpus is a handful of short illustrative articles written for this project (they
report invented wire copy about real actors, and say so in their titles). When the project's
reference data sits beside the repository (`../shared`), the seed article is coded too; it is
read from there, not copied into the package.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from tacitus.ingest import ingest

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "syria-2012-07-12.txt"

_BY_TYPE = """
    SELECT coalesce(event, '(statement)') AS type, count(*) AS events,
           sum(num_mentions) AS mentions, round(avg(goldstein), 1) AS goldstein
    FROM dedup_events GROUP BY 1 ORDER BY events DESC, type
"""
_DYADS = """
    SELECT actor_cameo AS source, coalesce(recipient_cameo, '') AS target, count(*) AS events,
           round(avg(goldstein), 1) AS goldstein
    FROM dedup_events GROUP BY 1, 2 ORDER BY events DESC, source, target LIMIT ?
"""


def sample_paths() -> list[Path]:
    """The illustrative articles, plus the seed article when ../shared is present."""
    folder = Path(str(resources.files("tacitus.data").joinpath("samples")))
    paths = sorted(folder.glob("*.jsonl"))
    if SEED.exists():
        paths.append(SEED)
    return paths


def _table(console: Console, title: str, rows: list[tuple[object, ...]],
           headers: tuple[str, ...]) -> None:
    table = Table(*headers, title=title)
    for row in rows:
        table.add_row(*("" if value is None else str(value) for value in row))
    console.print(table)


def run_demo(db_path: Path, top: int = 10) -> int:
    console = Console()
    paths = sample_paths()
    summary = ingest(paths, db_path, progress=True)
    console.print(f"[bold]{summary.coded}[/] article(s) coded ({summary.skipped} already in "
                  f"{db_path}), {summary.events} event mention(s), "
                  f"{summary.dedup_events} deduplicated event(s).")
    with duckdb.connect(str(db_path), read_only=True) as conn:
        _table(console, "Events by PLOVER type", conn.execute(_BY_TYPE).fetchall(),
               ("type", "events", "mentions", "mean Goldstein"))
        _table(console, "Top dyads", conn.execute(_DYADS, [top]).fetchall(),
               ("source", "target", "events", "mean Goldstein"))
    console.print(
        "\nExplore further:\n"
        f"  tacitus export --db {db_path} --format gdelt --out out/     # GDELT 2.0 event file\n"
        f"  tacitus export --db {db_path} --format parquet --out out/   # Parquet by date\n"
        "  tacitus code ARTICLE.txt --format table --explain          # one article, explained\n"
        f"  python -c \"import duckdb; print(duckdb.connect('{db_path}', read_only=True)"
        f".sql('SELECT * FROM dedup_events LIMIT 5'))\"   # SQL on the events"
    )
    return 0
