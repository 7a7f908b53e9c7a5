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
  the run clusters just those units again, in passes, into tables beside the derived ones,
  copies the other units' rows over as they are, and swaps the new tables in (emptying the
  queue) in one transaction. A crash leaves the old tables and the queue as they were, and a
  reader sees the old tables or the new ones, never a mix. The run's clustering follows what
  it changed; what still grows with the store is one sequential copy.
* *Whole* (`deduplicate`). The unit hash depends on the window, so the store records the
  settings it was built with (`dedup_settings`); a run with other settings, or a store from
  before units, is rebuilt whole, the same way with every unit queued.
* *Memory.* Passes hold about `mentions_per_pass` mentions and run on one thread under a
  DuckDB memory limit of their own (`memory_mib`): DuckDB otherwise caches what a query reads
  up to most of the machine's memory, and what a pass needs beyond that cache is mostly per
  thread. A pass that still runs out (a very large unit) is retried with half as much memory
  again, up to `_RETRIES` times. Each pass is committed and checkpointed, so its rows leave
  memory for the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import duckdb

from tacitus.store.schema import Transaction, scalar

DEFAULT_WINDOW_DAYS = 1
#: Sentences at the start of an article that count as its lead (GDELT's IsRootEvent).
DEFAULT_LEAD_SENTENCES = 1
#: Mentions one pass of the rebuild clusters (see the module's docstring). Each pass scans the
#: events and articles tables once, so fewer, larger passes are faster and smaller ones need
#: less memory.
DEFAULT_MENTIONS_PER_PASS = 2_000
#: DuckDB's memory limit while a pass runs, in MiB. Measured on one thread: the statements of
#: a pass of about 2,000 mentions need 12 to 14 MiB, and of 3,700 mentions up to 18, at 1,000,
#: 10,000 and 40,000 stored documents alike (a larger pass is retried with more).
DEFAULT_MEMORY_MIB = 16


@dataclass(frozen=True)
class DedupSettings:
    """How close in time mentions must be to merge, how long an article's lead is, and how
    many mentions one pass of the rebuild holds."""

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

# The mentions to cluster (`{where}` picks whole units), with what the event rows need from
# them: the group `g` (a struct, which compares NULL fields as equal, so a missing actor is a
# group like any other) and the details a root mention lends its event.
_FOUND = """
CREATE OR REPLACE TEMP TABLE _dedup_found AS
SELECT
    e.mention_id, e.doc_key, e.event_date, e.goldstein, e.place, e.dedup_unit,
    e.sentence_index < ? AS in_lead,
    {{'actor': e.actor_cameo, 'recipient': e.recipient_cameo, 'base': e.cameo_base,
      'modality': e.modality}} AS g,
    e.actor_code, e.actor_sector, e.actor_cameo, e.actor[1].text AS actor_name,
    e.recipient_code, e.recipient_sector, e.recipient_cameo, e.recipient[1].text AS recipient_name,
    e.event, e.mode, e.cameo_code, e.cameo_base, e.cameo_root, e.modality, e.quad_class
FROM events e
WHERE {where}
"""

# With the article facts the counts need. A statement of its own, so that DuckDB builds its
# hash table from the pass's mentions, whose count it knows, and streams the articles past it:
# joined in the statement above, it built one from the articles, and needed more memory the
# more articles the store held (at 100,000 documents more than 24 MiB; now 10 MiB at 10,000
# and at 100,000).
_MENTIONS = """
CREATE OR REPLACE TEMP TABLE _dedup_mentions AS
SELECT f.*, a.published, a.url, a.outlet, a.coded_at
FROM _dedup_found f JOIN articles a USING (doc_key)
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

_TEMP_TABLES = (
    "_dedup_found",
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
#: The queued units of one pass of the catch-up (parameters: passes, this pass).
_PENDING_PASS = "SELECT dedup_unit FROM dedup_pending WHERE dedup_unit % ? = ?"
#: Whether a row's unit is queued.
_QUEUED = "dedup_unit IN (SELECT dedup_unit FROM dedup_pending)"
#: How many more rows a pass of the catch-up's copy holds than a clustering pass holds
#: mentions: copying needs no sorting or windows.
_COPY_RATIO = 10

#: How many times a pass that runs out of memory is retried, each time with half as much again.
_RETRIES = 4


class _Pass(Protocol):
    """One pass's work, in its transaction, already under the pass's memory limit `budget`
    (MiB), which is passed along for whoever wants to know it."""

    def __call__(
        self,
        conn: duckdb.DuckDBPyConnection,
        settings: DedupSettings,
        passes: int,
        part: int,
        budget: int,
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
    store never built) everything is rebuilt, and `settings` kept from then on.
    """
    chosen = settings or DedupSettings()
    if not _same_meaning(stored_settings(conn), chosen):
        return deduplicate(conn, chosen)
    if not scalar(conn, "SELECT count(*) FROM dedup_pending"):
        return summary(conn)
    with _setting(conn, "threads", 1), _setting(conn, "memory_limit", f"{chosen.memory_mib}MiB"):
        queued = int(scalar(conn, f"SELECT count(*) FROM events WHERE {_QUEUED}"))
    kept = int(scalar(conn, "SELECT count(*) FROM event_mentions")) - queued
    if queued >= kept:  # mostly new (a first run): clustering everything costs no more
        return deduplicate(conn, chosen)
    for table in _REBUILT:
        _create_empty_copy(conn, table)
    _in_passes(conn, chosen, kept // _COPY_RATIO, _copy_pass)
    _in_passes(conn, chosen, queued, _catch_up_pass)
    _swap_in(conn, chosen)
    return summary(conn)


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
    for table in _REBUILT:
        _create_empty_copy(conn, table)
    stored = int(scalar(conn, "SELECT count(*) FROM events"))
    _in_passes(conn, chosen, stored, _cluster_pass)
    _swap_in(conn, chosen)
    return summary(conn)


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


def _in_passes(
    conn: duckdb.DuckDBPyConnection, settings: DedupSettings, mentions: int, step: _Pass
) -> None:
    """Run `step` over `mentions` mentions in passes of about `mentions_per_pass`, on one
    thread; the connection's thread count and memory limit are restored afterwards."""
    passes = max(1, -(-mentions // settings.mentions_per_pass))
    with _setting(conn, "threads", 1):
        for part in range(passes):
            _run_pass(conn, settings, passes, part, step)


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


def _run_pass(
    conn: duckdb.DuckDBPyConnection,
    settings: DedupSettings,
    passes: int,
    part: int,
    step: _Pass,
) -> None:
    """One pass in its own transaction, then a checkpoint, retried on running out of memory.

    Committing and checkpointing each pass moves its rows out of memory into the file: a
    rebuild in one transaction held every new row in memory to the end. A pass holds whole
    units, so one very large unit makes a large pass; instead of failing, the pass is tried
    again with half as much memory again (at most `_RETRIES` times). The checkpoint runs
    under the connection's own limit: one that runs out of memory invalidates the database.
    """
    budget = settings.memory_mib
    for attempt in range(_RETRIES + 1):
        try:
            with _setting(conn, "memory_limit", f"{budget}MiB"), Transaction(conn):
                step(conn, settings, passes, part, budget)
        except duckdb.OutOfMemoryException:
            if attempt == _RETRIES:
                raise
            budget = budget * 3 // 2
            continue
        break
    conn.execute("CHECKPOINT")


def _clustering(where: str) -> _Pass:
    """A pass that clusters the units `where` picks (parameters: passes, this pass) into the
    rebuilt tables."""

    def step(
        conn: duckdb.DuckDBPyConnection,
        settings: DedupSettings,
        passes: int,
        part: int,
        budget: int,
    ) -> None:
        _cluster(conn, settings, where, [passes, part])

    return step


#: A rebuild's pass: the units whose hash falls in this pass.
_cluster_pass = _clustering("e.dedup_unit % ? = ?")
#: A catch-up's pass: the queued units whose hash falls in this pass.
_catch_up_pass = _clustering(f"e.dedup_unit IN ({_PENDING_PASS})")


def _copy_pass(
    conn: duckdb.DuckDBPyConnection,
    settings: DedupSettings,
    passes: int,
    part: int,
    budget: int,
) -> None:
    """A catch-up's copy: the derived rows of the unqueued units whose hash falls in pass
    `part` of `passes`, copied as they are into the rebuilt tables.

    Copying reads and writes in sequence. Deleting the queued units' rows in place was
    measured instead: DuckDB needed 84 MiB to delete 2,000 units' rows scattered over a
    store of 100,000 documents (15 at 10,000). A copy in one transaction held every row in
    memory until it committed (122 MiB at 100,000 documents), hence passes.
    """
    for table, rebuilt in _REBUILT.items():
        conn.execute(
            f"INSERT INTO {rebuilt} SELECT * FROM {table}"
            f" WHERE dedup_unit % ? = ? AND NOT ({_QUEUED})",
            [passes, part],
        )


def _cluster(
    conn: duckdb.DuckDBPyConnection,
    settings: DedupSettings,
    where: str,
    params: Sequence[object],
) -> None:
    """Cluster the mentions `where` picks (whole units) and insert their derived rows into
    the rebuilt tables."""
    conn.execute(_FOUND.format(where=where), [settings.lead_sentences, *params])
    conn.execute(_MENTIONS)
    conn.execute(_DAYS)
    conn.execute(_NEXT, {"window": settings.window_days})
    for statement in (_STARTS, _CLUSTERS):
        conn.execute(statement)
    conn.execute(_EVENTS.format(table=_REBUILT["dedup_events"]))
    conn.execute(_LINKS.format(table=_REBUILT["event_mentions"]))
    for table in _TEMP_TABLES:
        conn.execute(f"DROP TABLE {table}")


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
