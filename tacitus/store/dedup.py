"""Cross-source deduplication with GDELT's semantics: many mentions, one event.

The same happening is reported by many articles, in many words. GDELT counts it once and says
how widely it was reported (NumMentions, NumSources, NumArticles); so do we. Mentions are one
event when they have

* the same source and target actor (full CAMEO actor code of the first actor and recipient),
* the same CAMEO *base* code (first three digits: "0251" and "0256" are both 025),
* the same modality (that X attacked Y and that X did *not* attack Y are different claims),
* event dates in one window: a cluster starts at its earliest date and holds every mention
  dated less than `window_days` later (1: the same day); the next mention after that starts
  the next cluster.

Mentions without a date cannot be placed in time, so each stands alone. Every mention is kept
(`event_mentions` links it to its event). The event's id is a hash of its root mention (the one
from the earliest-published article), so recomputing from the same mentions gives the same ids.

How the derived tables stay current without re-reading the store after every run
(docs/schema.md, "Deduplication"):

* *Units.* Mentions of different groups (source, target, base code, modality) are never one
  event, and with a window of one day neither are a group's mentions of different days. So a
  group's day (one-day window) or a whole group (longer windows) can be clustered without
  looking at any other mention: a *unit*. An undated mention stands alone, so it is a unit
  by itself. Every mention and every derived row carries its unit's hash, `dedup_unit`.
* *Queued by each batch, caught up at the end of a run* (`catch_up`). A batch that adds or
  re-codes mentions queues their units in `dedup_pending`, in its own transaction. The end of
  the run clusters just those units again into tables beside the derived ones, copies the
  other units' rows over as they are, and swaps the new tables in (emptying the queue) in one
  transaction. A crash leaves the old tables and the queue as they were, and a reader sees the
  old tables or the new ones, never a mix.
* *Whole* (`deduplicate`). The unit hash depends on the window, so the store records the
  settings it was built with (`dedup_settings`); a run with other settings, or a store from
  before units, is rebuilt whole, the same way with every mention clustered. So is a first run,
  whose queue holds about everything.
* *In steps that each read a bounded part of the store.* A unit's mentions are scattered
  through `events` (they arrive from many articles in many batches), so clustering a few units
  at a time from `events` itself read the whole table for each pass, and DuckDB kept the
  metadata of every part it read: a rebuild peaked 20 MiB above its start at 10,000 documents,
  45 at 100,000 and 69 at 300,000. Instead, the mentions to cluster are first *staged*: a
  range of `events` rows at a time is read, joined with its articles and written to a
  Parquet file in unit order, in a folder beside the database (`{db}.dedup`, removed at the
  end). The staged mentions are then *gathered* into groups by unit, a file per group, and
  each *pass* clusters a range of units read from one group's file. The catch-up's copy,
  too, moves a range of rows at a time. Before each step the database file is attached
  afresh (`attach.reattach`), so what a step read leaves memory before the next.
* *Memory limits.* Steps run on one thread under a DuckDB memory limit of their own
  (`memory_mib`): DuckDB otherwise caches what a query reads up to most of the machine's
  memory, and what a step needs beyond that cache is mostly per thread. A step that still
  runs out (a pass with a very large unit) is retried with half as much memory again, up to
  `_RETRIES` times. Each step is committed and checkpointed, so its rows leave memory for the
  file.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb

from tacitus.store.attach import attached_path, reattach
from tacitus.store.schema import Transaction, scalar

DEFAULT_WINDOW_DAYS = 1
#: Sentences at the start of an article that count as its lead (GDELT's IsRootEvent).
DEFAULT_LEAD_SENTENCES = 1
#: Mentions one pass clusters (see the module's docstring). Every pass runs the same statements
#: once, so fewer, larger passes are faster and smaller ones need less memory.
DEFAULT_MENTIONS_PER_PASS = 2_000
#: DuckDB's memory limit while a step runs, in MiB. Measured on one thread: the statements of
#: a pass of about 2,000 mentions need 12 to 14 MiB, and of 3,700 mentions up to 18, at 1,000,
#: 10,000 and 40,000 stored documents alike; in a rebuild at 100,000 documents, 25 of 117
#: passes (2,174 to 2,898 mentions) ran out at 16 and were retried with 24.
DEFAULT_MEMORY_MIB = 16


@dataclass(frozen=True)
class DedupSettings:
    """How close in time mentions must be to merge, how long an article's lead is, and how
    many mentions one pass holds under how much memory."""

    window_days: int = DEFAULT_WINDOW_DAYS
    lead_sentences: int = DEFAULT_LEAD_SENTENCES
    mentions_per_pass: int = DEFAULT_MENTIONS_PER_PASS
    memory_mib: int = DEFAULT_MEMORY_MIB

    def __post_init__(self) -> None:
        if self.window_days < 1:
            raise ValueError("window_days must be at least 1 (1 = the same day)")
        if self.lead_sentences < 0:
            raise ValueError("lead_sentences cannot be negative")
        if self.mentions_per_pass < 1:
            raise ValueError("mentions_per_pass must be at least 1")
        if self.memory_mib < 16:
            raise ValueError("memory_mib must be at least 16 (DuckDB needs some to run at all)")


@dataclass(frozen=True)
class DedupSummary:
    """How many deduplicated events the mentions collapsed into."""

    events: int
    mentions: int


# The hash naming a mention's unit (see the module's docstring), over an `events` row. It is
# stored, so it must not change between DuckDB versions: md5 of the unit's values as JSON
# (which tells a missing actor from any code), not DuckDB's own `hash`.
UNIT = """(md5_number(to_json({'actor': actor_cameo, 'recipient': recipient_cameo,
    'base': cameo_base, 'modality': modality,
    'day': CASE WHEN $window = 1 THEN event_date END,
    'alone': CASE WHEN event_date IS NULL THEN mention_id END})::VARCHAR) >> 65)::BIGINT"""

# One staging step: the mentions of a range of `events` rows (`{where}` may keep only queued
# units'), with what the event rows need from them: the group `g` (a struct, which compares
# NULL fields as equal, so a missing actor is a group like any other) and the details a root
# mention lends its event.
_FOUND = """
CREATE OR REPLACE TEMP TABLE _dedup_found AS
SELECT
    e.mention_id, e.doc_key, e.event_date, e.goldstein, e.place, e.dedup_unit,
    e.sentence_index < $lead AS in_lead,
    {{'actor': e.actor_cameo, 'recipient': e.recipient_cameo, 'base': e.cameo_base,
      'modality': e.modality}} AS g,
    e.actor_code, e.actor_sector, e.actor_cameo, e.actor[1].text AS actor_name,
    e.recipient_code, e.recipient_sector, e.recipient_cameo, e.recipient[1].text AS recipient_name,
    e.event, e.mode, e.cameo_code, e.cameo_base, e.cameo_root, e.modality, e.quad_class
FROM events e
WHERE e.rowid >= $low AND e.rowid < $high{where}
"""

# With the article facts the counts need, written to a staging file in unit order (so that
# a read of a range of units skips the file's other row groups). A statement of its own, so
# that DuckDB builds its hash table from the step's mentions, whose count it knows, and
# streams the articles past it: joined in the statement above, it built one from the
# articles, and needed more memory the more articles the store held (at 100,000 documents
# more than 24 MiB).
_STAGE = """
COPY (SELECT f.*, a.published, a.url, a.outlet, a.coded_at
      FROM _dedup_found f JOIN articles a USING (doc_key) ORDER BY f.dedup_unit)
TO '{target}' (FORMAT parquet)
"""

# One group's staged mentions, gathered from every staging file into a file of its own.
_GATHER = """
COPY (SELECT * FROM read_parquet(?) WHERE dedup_unit BETWEEN ? AND ?)
TO '{target}' (FORMAT parquet)
"""

# One pass's mentions: those of one group's file whose units fall in the pass's range.
_MENTIONS = """
CREATE OR REPLACE TEMP TABLE _dedup_mentions AS
SELECT * FROM read_parquet(?) WHERE dedup_unit BETWEEN ? AND ?
"""

# The days each group has mentions on, and for each day the first day a new cluster could
# start if a cluster started on it (ASOF picks the smallest day >= day + window).
_DAYS = """
CREATE OR REPLACE TEMP TABLE _dedup_days AS
SELECT DISTINCT g, event_date AS d FROM _dedup_mentions WHERE event_date IS NOT NULL
"""
_NEXT = """
CREATE OR REPLACE TEMP TABLE _dedup_next AS
SELECT a.g, a.d, b.d AS next_d
FROM _dedup_days a ASOF JOIN _dedup_days b ON a.g = b.g AND b.d >= a.d + $window
"""

# Cluster starts: each group's first day, then hop from start to next start.
_STARTS = """
CREATE OR REPLACE TEMP TABLE _dedup_starts AS
WITH RECURSIVE s(g, d) AS (
    SELECT g, min(d) FROM _dedup_days GROUP BY g
    UNION ALL
    SELECT n.g, n.next_d FROM s JOIN _dedup_next n ON n.g = s.g AND n.d = s.d
)
SELECT g, d FROM s
"""

# Each mention's cluster (the latest start not after it), its rank within the cluster (the
# earliest-published article first) and the cluster's id, hashed from the root mention.
_CLUSTERS = """
CREATE OR REPLACE TEMP TABLE _dedup_clusters AS
WITH placed AS (
    SELECT m.*, {'group': m.g, 'start': s.d,
                 'undated': CASE WHEN m.event_date IS NULL THEN m.mention_id END} AS cluster
    FROM _dedup_mentions m ASOF LEFT JOIN _dedup_starts s ON m.g = s.g AND m.event_date >= s.d
), ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY cluster ORDER BY published NULLS LAST, doc_key, mention_id) AS rn
    FROM placed
)
SELECT *, (md5_number(first_value(mention_id) OVER (
        PARTITION BY cluster ORDER BY rn)) >> 66)::BIGINT AS global_event_id
FROM ranked
"""

_EVENTS = """
INSERT INTO {table}
WITH counts AS (
    SELECT
        global_event_id,
        min(event_date) AS event_date,
        count(*) AS num_mentions,
        count(DISTINCT coalesce(outlet, doc_key)) AS num_sources,
        count(DISTINCT doc_key) AS num_articles,
        bool_or(in_lead) AS is_root_event,
        avg(goldstein) AS avg_goldstein,
        min(coded_at) AS date_added,
        arg_min(place, rn) FILTER (WHERE place IS NOT NULL) AS place
    FROM _dedup_clusters GROUP BY global_event_id
)
SELECT
    c.global_event_id, r.mention_id, c.event_date,
    r.actor_code, r.actor_sector, r.actor_cameo, r.actor_name,
    r.recipient_code, r.recipient_sector, r.recipient_cameo, r.recipient_name,
    r.event, r.mode, r.cameo_code, r.cameo_base, r.cameo_root, r.modality,
    r.quad_class, r.goldstein, c.avg_goldstein, c.is_root_event,
    c.num_mentions, c.num_sources, c.num_articles,
    r.doc_key, r.url, r.outlet, r.published, c.date_added, c.place, r.dedup_unit
FROM counts c
JOIN _dedup_clusters r ON r.global_event_id = c.global_event_id AND r.rn = 1
"""

_LINKS = """
INSERT INTO {table}
SELECT mention_id, global_event_id, doc_key, rn = 1, in_lead, dedup_unit FROM _dedup_clusters
"""

_CLUSTER_TEMP_TABLES = (
    "_dedup_mentions",
    "_dedup_days",
    "_dedup_next",
    "_dedup_starts",
    "_dedup_clusters",
)

#: The derived tables: dedup_events first, then event_mentions.
_DERIVED = ("dedup_events", "event_mentions")
#: Each derived table and the table a rebuild fills before it takes the derived one's place.
_REBUILT = {table: f"{table}_rebuilt" for table in _DERIVED}
#: Whether a row's unit is queued.
_QUEUED = "dedup_unit IN (SELECT dedup_unit FROM dedup_pending)"
#: Units are hashes in [0, 2**63): the top 63 bits of an MD5 (`UNIT`).
_UNIT_RANGE = 2**63
#: `events` rows one staging step reads: four of the store's row groups. Measured under the
#: 16 MiB limit, in a rebuild: the staging steps peaked 18, 21 and 24 MiB above the rebuild's
#: start at 10,000, 100,000 and 300,000 documents; steps of 20,480 rows ran out of memory.
_STAGE_ROWS = 8_192
#: Rows of a derived table one step of the catch-up's copy moves (a copy needs no sorting,
#: joins or windows, so a step holds more rows than a clustering pass).
_COPY_ROWS = 20_480
#: Passes per group. Each group's file is gathered from every staging file, so fewer, larger
#: groups mean fewer gathers; a pass reads its range from its group's file, so smaller groups
#: mean less to read past.
_PASSES_PER_GROUP = 8

#: How many times a step that runs out of memory is retried, each time with half as much again.
_RETRIES = 4


@dataclass(frozen=True)
class _Rows:
    """A step over rows `low` (inclusive) to `high` (exclusive) of a table, by rowid."""

    table: str
    low: int
    high: int


@dataclass(frozen=True)
class _Units:
    """The mentions in `files` (Parquet) whose units fall in `first`..`last` (inclusive): a
    group to gather, or a pass to cluster."""

    files: tuple[str, ...]
    first: int
    last: int


@dataclass(frozen=True)
class _Staging:
    """The folder beside the database where a rebuild or catch-up stages the mentions it
    clusters (only the queued units' for a catch-up)."""

    folder: Path
    only_queued: bool

    def stage_file(self, rows: _Rows) -> str:
        """The file the step over `rows` stages its mentions in."""
        return str(self.folder / f"rows{rows.low}.parquet")

    def staged(self) -> tuple[str, ...]:
        """Every staging file written (listed, not globbed: the folder's own name may hold
        characters a glob reads as patterns)."""
        return tuple(str(path) for path in sorted(self.folder.glob("rows*.parquet")))

    def group_file(self, number: int) -> str:
        """The file one group's mentions are gathered into."""
        return str(self.folder / f"group{number}.parquet")


class _Step(Protocol):
    """One step's work (`work` says on what), in its transaction, already under the step's
    memory limit `budget` (MiB), which is passed along for whoever wants to know it."""

    def __call__(
        self, conn: duckdb.DuckDBPyConnection, settings: DedupSettings, work: Any, budget: int
    ) -> None: ...


def stored_settings(conn: duckdb.DuckDBPyConnection) -> DedupSettings | None:
    """The settings the store's derived tables were built with; None until a first build."""
    row = conn.execute("SELECT window_days, lead_sentences FROM dedup_settings").fetchall()
    return DedupSettings(window_days=row[0][0], lead_sentences=row[0][1]) if row else None


def _same_meaning(a: DedupSettings | None, b: DedupSettings) -> bool:
    """Whether derived tables built with `a` are what `b` would build (the pass size and
    memory limit change how a rebuild runs, not what it builds)."""
    return a is not None and (a.window_days, a.lead_sentences) == (b.window_days, b.lead_sentences)


def ensure_built(conn: duckdb.DuckDBPyConnection) -> None:
    """Build the derived tables with the default settings if this store never had them built
    (a new store, or one from before units): batches can only queue changes to what exists."""
    if stored_settings(conn) is None:
        deduplicate(conn)


def unit_window(conn: duckdb.DuckDBPyConnection) -> int:
    """The window the store's units are hashed with (`UNIT`'s `$window`)."""
    settings = stored_settings(conn)
    if settings is None:  # a writable open builds it (`ensure_built`)
        raise RuntimeError("the store's deduplication was never built; open it for writing")
    return settings.window_days


def queue_units(conn: duckdb.DuckDBPyConnection, units: Iterable[int]) -> None:
    """Queue `units` for the next catch-up; called in the transaction that writes or deletes
    their mentions."""
    conn.execute("INSERT INTO dedup_pending SELECT unnest(?::BIGINT[])", [sorted(set(units))])


def catch_up(
    conn: duckdb.DuckDBPyConnection, settings: DedupSettings | None = None
) -> DedupSummary:
    """Bring the derived tables up to date with the stored mentions under `settings`.

    Under the store's own settings, only the queued units are clustered again: the new
    derived tables get the other units' rows copied as they are, and take the old ones'
    place in one transaction, which also empties the queue. Under other settings (or in a
    store never built) everything is rebuilt, and `settings` kept from then on. So is a store
    whose queue holds as many units as its derived tables hold mentions (a first run):
    clustering everything then costs no more than copying, and needs no lookups in the queue.
    """
    chosen = settings or DedupSettings()
    if not _same_meaning(stored_settings(conn), chosen):
        return deduplicate(conn, chosen)
    queued = int(scalar(conn, "SELECT count(*) FROM dedup_pending"))
    if not queued:
        return summary(conn)
    clustered = summary(conn)
    if queued >= clustered.mentions:
        return deduplicate(conn, chosen)
    staging = _start(conn, chosen, only_queued=True)
    for table in _DERIVED:
        _in_steps(conn, chosen, _copy_rows, _row_steps(conn, table, _COPY_ROWS))
    return _finish(conn, chosen, staging)


def summary(conn: duckdb.DuckDBPyConnection) -> DedupSummary:
    """How many deduplicated events and linked mentions the store holds."""
    events = scalar(conn, "SELECT count(*) FROM dedup_events")
    mentions = scalar(conn, "SELECT count(*) FROM event_mentions")
    return DedupSummary(events=int(events), mentions=int(mentions))


def deduplicate(
    conn: duckdb.DuckDBPyConnection, settings: DedupSettings | None = None
) -> DedupSummary:
    """Rebuild `dedup_events` and `event_mentions` whole from all stored mentions, and keep
    `settings` for the runs that follow.

    The new tables are filled beside the old ones, one committed pass at a time, and take
    their place in one transaction at the end: a reader, or a crash, sees the old tables or
    the new ones, never a mix.
    """
    chosen = settings or DedupSettings()
    _set_units(conn, chosen.window_days)
    return _finish(conn, chosen, _start(conn, chosen, only_queued=False))


def _set_units(conn: duckdb.DuckDBPyConnection, window_days: int) -> None:
    """Give every stored mention its unit under `window_days`, unless it has it already.

    The settings row goes in the same transaction: until a rebuild records the new settings,
    the store counts as never built, and the next writer rebuilds it (`ensure_built`).
    """
    stored = stored_settings(conn)
    if stored is not None and stored.window_days == window_days:
        return
    with Transaction(conn):
        conn.execute("DELETE FROM dedup_settings")
        conn.execute(f"UPDATE events SET dedup_unit = {UNIT}", {"window": window_days})


def _start(conn: duckdb.DuckDBPyConnection, settings: DedupSettings, only_queued: bool) -> _Staging:
    """Make empty tables beside the derived ones and stage the mentions to cluster (all, or
    only the queued units'), a range of `events` rows at a time.

    Staged mentions go to Parquet files in a folder beside the database, which the end of the
    rebuild removes; one left by a crash is removed by the next.
    """
    for table in _REBUILT:
        _create_empty_copy(conn, table)
    path = attached_path(conn)
    staging = _Staging(path.with_name(path.name + ".dedup"), only_queued)
    shutil.rmtree(staging.folder, ignore_errors=True)
    staging.folder.mkdir()
    # Steps find their rows by rowid, which a checkpoint may change by compacting deleted rows
    # away; once checkpointed, `events` stays as it is until the run's next batch.
    conn.execute("CHECKPOINT")
    steps = [(staging, rows) for rows in _row_steps(conn, "events", _STAGE_ROWS)]
    _in_steps(conn, settings, _stage_step, steps)
    return staging


def _finish(
    conn: duckdb.DuckDBPyConnection, settings: DedupSettings, staging: _Staging
) -> DedupSummary:
    """Cluster the staged mentions into the rebuilt tables, swap those in and clean up.

    The staged mentions are first gathered into groups by unit, each of about
    `_PASSES_PER_GROUP` passes: a pass then reads one group's file, not every staging file.
    """
    staged = _Units(staging.staged(), 0, _UNIT_RANGE - 1)
    if not staging.only_queued:
        _check_staged(conn, _count(conn, staged))
    groups = _split(conn, staged, settings.mentions_per_pass * _PASSES_PER_GROUP)
    gathers = [(group, staging.group_file(n)) for n, group in enumerate(groups)]
    _in_steps(conn, settings, _gather_step, gathers)
    gathered = [_Units((file,), group.first, group.last) for group, file in gathers]
    passes = [p for group in gathered for p in _split(conn, group, settings.mentions_per_pass)]
    _in_steps(conn, settings, _cluster_pass, passes)
    _swap_in(conn, settings)
    shutil.rmtree(staging.folder, ignore_errors=True)
    return summary(conn)


def _check_staged(conn: duckdb.DuckDBPyConnection, staged: int) -> None:
    """Fail unless a rebuild staged every stored mention once: one that missed or doubled
    some (rowids moved under the steps) must not replace the derived tables."""
    stored = int(scalar(conn, "SELECT count(*) FROM events"))
    if staged != stored:
        raise RuntimeError(
            f"deduplication staged {staged} mentions of the {stored} stored; the events table"
            " changed while it ran, so the derived tables were left as they were"
        )


def _row_steps(conn: duckdb.DuckDBPyConnection, table: str, rows: int) -> list[_Rows]:
    """`table`'s rows in steps of `rows`, by rowid (a step of consecutive rowids reads only
    the row groups that hold them)."""
    last = scalar(conn, f"SELECT max(rowid) FROM {table}")
    end = -1 if last is None else int(last)
    return [_Rows(table, low, low + rows) for low in range(0, end + 1, rows)]


def _count(conn: duckdb.DuckDBPyConnection, units: _Units) -> int:
    """How many staged mentions `units` holds (none if it has no files)."""
    if not units.files:
        return 0
    return int(
        scalar(
            conn,
            "SELECT count(*) FROM read_parquet(?) WHERE dedup_unit BETWEEN ? AND ?",
            [list(units.files), units.first, units.last],
        )
    )


def _split(conn: duckdb.DuckDBPyConnection, units: _Units, size: int) -> list[_Units]:
    """`units` cut into ranges of about `size` mentions each (units are hashes, so evenly
    spread); none if it holds none."""
    parts = -(-_count(conn, units) // size)
    if not parts:
        return []
    span = units.last + 1 - units.first
    bounds = [units.first + span * n // parts for n in range(parts + 1)]
    return [_Units(units.files, low, high - 1) for low, high in itertools.pairwise(bounds)]


def _in_steps(
    conn: duckdb.DuckDBPyConnection,
    settings: DedupSettings,
    step: _Step,
    works: Sequence[Any],
) -> None:
    """Run `step` over each of `works` on one thread, each with the store attached afresh
    (`reattach`: what one step read leaves memory before the next); the connection's thread
    count is restored afterwards."""
    with _setting(conn, "threads", 1):
        for work in works:
            reattach(conn)
            _run_step(conn, settings, step, work)


def _create_empty_copy(conn: duckdb.DuckDBPyConnection, table: str) -> None:
    """An empty table like `table` (same columns, same NOT NULLs) under its rebuilt name.

    DuckDB keeps each table's defining statement, which is the one place its constraints are
    all spelled out; `CREATE TABLE ... AS` would lose the NOT NULLs.
    """
    rebuilt = _REBUILT[table]
    sql = str(
        scalar(
            conn,
            "SELECT sql FROM duckdb_tables() WHERE database_name = current_database()"
            " AND schema_name = 'main' AND table_name = ?",
            [table],
        )
    )
    prefix = f"CREATE TABLE {table}("
    if not sql.startswith(prefix):
        raise RuntimeError(f"unexpected definition of {table}: {sql[:80]}")
    conn.execute(f"DROP TABLE IF EXISTS {rebuilt}")
    conn.execute(f"CREATE TABLE {rebuilt}(" + sql[len(prefix) :])


def _run_step(
    conn: duckdb.DuckDBPyConnection,
    settings: DedupSettings,
    step: _Step,
    work: Any,
) -> None:
    """One step in its own transaction, then a checkpoint, retried on running out of memory.

    Committing and checkpointing each step moves its rows out of memory into the file: a
    rebuild in one transaction held every new row in memory to the end. A pass holds whole
    units, so one very large unit makes a large pass; instead of failing, the step is tried
    again with half as much memory again (at most `_RETRIES` times). The checkpoint runs
    under the connection's own limit: one that runs out of memory invalidates the database.
    """
    budget = settings.memory_mib
    for attempt in range(_RETRIES + 1):
        try:
            with _setting(conn, "memory_limit", f"{budget}MiB"), Transaction(conn):
                step(conn, settings, work, budget)
        except duckdb.OutOfMemoryException:
            if attempt == _RETRIES:
                raise
            budget = budget * 3 // 2
            continue
        break
    conn.execute("CHECKPOINT")


def _stage_step(
    conn: duckdb.DuckDBPyConnection,
    settings: DedupSettings,
    work: tuple[_Staging, _Rows],
    budget: int,
) -> None:
    """Stage the mentions of one range of `events` rows (only queued units', for a
    catch-up), joined with their articles, into a staging file of their own."""
    staging, rows = work
    where = f" AND e.{_QUEUED}" if staging.only_queued else ""
    conn.execute(
        _FOUND.format(where=where),
        {"lead": settings.lead_sentences, "low": rows.low, "high": rows.high},
    )
    conn.execute(_STAGE.format(target=_quoted(staging.stage_file(rows))))
    conn.execute("DROP TABLE _dedup_found")


def _gather_step(
    conn: duckdb.DuckDBPyConnection,
    settings: DedupSettings,
    work: tuple[_Units, str],
    budget: int,
) -> None:
    """Gather one group's mentions from the staging files into the group's file."""
    group, target = work
    conn.execute(
        _GATHER.format(target=_quoted(target)),
        [list(group.files), group.first, group.last],
    )


def _quoted(path: str) -> str:
    """`path` for a string literal (COPY takes no parameter for the file it writes)."""
    return path.replace("'", "''")


def _cluster_pass(
    conn: duckdb.DuckDBPyConnection, settings: DedupSettings, work: _Units, budget: int
) -> None:
    """Cluster one pass's staged mentions (whole units) and insert their derived rows into
    the rebuilt tables."""
    conn.execute(_MENTIONS, [list(work.files), work.first, work.last])
    conn.execute(_DAYS)
    conn.execute(_NEXT, {"window": settings.window_days})
    for statement in (_STARTS, _CLUSTERS):
        conn.execute(statement)
    conn.execute(_EVENTS.format(table=_REBUILT["dedup_events"]))
    conn.execute(_LINKS.format(table=_REBUILT["event_mentions"]))
    for table in _CLUSTER_TEMP_TABLES:
        conn.execute(f"DROP TABLE {table}")


def _copy_rows(
    conn: duckdb.DuckDBPyConnection, settings: DedupSettings, work: _Rows, budget: int
) -> None:
    """A catch-up's copy: one range of a derived table's rows whose units are not queued,
    copied as they are into its rebuilt table.

    Copying reads and writes in sequence. Deleting the queued units' rows in place was
    measured instead: DuckDB needed 84 MiB to delete 2,000 units' rows scattered over a
    store of 100,000 documents (15 at 10,000). A copy in one transaction held every row in
    memory until it committed (122 MiB at 100,000 documents), hence steps.
    """
    conn.execute(
        f"INSERT INTO {_REBUILT[work.table]} SELECT * FROM {work.table}"
        f" WHERE rowid >= ? AND rowid < ? AND NOT ({_QUEUED})",
        [work.low, work.high],
    )


def _swap_in(conn: duckdb.DuckDBPyConnection, settings: DedupSettings) -> None:
    """Put the rebuilt tables in the derived tables' place, empty the queue (they hold every
    queued unit's new rows) and record `settings`, in one transaction."""
    with Transaction(conn):
        for table, rebuilt in _REBUILT.items():
            conn.execute(f"DROP TABLE {table}")
            conn.execute(f"ALTER TABLE {rebuilt} RENAME TO {table}")
        conn.execute("DELETE FROM dedup_pending")
        conn.execute("DELETE FROM dedup_settings")
        conn.execute(
            "INSERT INTO dedup_settings VALUES (?, ?)",
            [settings.window_days, settings.lead_sentences],
        )


@contextmanager
def _setting(conn: duckdb.DuckDBPyConnection, name: str, value: int | str) -> Iterator[None]:
    """DuckDB's setting `name` at `value` for the duration, then back to what it was."""
    before = scalar(conn, f"SELECT current_setting('{name}')")
    conn.execute(f"SET {name} = ?", [value])
    try:
        yield
    finally:
        conn.execute(f"SET {name} = ?", [before])
