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

How the derived tables stay current without re-reading the store (docs/schema.md,
"Deduplication"):

* *Units.* Mentions of different groups (source, target, base code, modality) are never one
  event, and with a window of one day neither are a group's mentions of different days. So a
  group's day (one-day window) or a whole group (longer windows) can be clustered without
  looking at any other mention: a *unit*. An undated mention stands alone, so it is a unit
  by itself. Every mention and every derived row carries its unit's hash, `dedup_unit`, which
  is indexed.
* *Batch by batch* (`refresh`). When a batch adds or re-codes mentions, the units they fall in
  are clustered again in the batch's own transaction: their mentions and articles are looked
  up by index, their old derived rows deleted and the new ones inserted. A batch's work thus
  depends on the batch and on what its units already hold, not on the size of the store, and
  the derived rows commit with the mentions they come from: a crash leaves them matching the
  mentions, exactly as a rebuild would.
* *Whole* (`deduplicate`). The unit hash depends on the window, so the store records the
  settings it was built with (`dedup_settings`); a run with other settings, or a store from
  before units, is rebuilt whole first. The rebuild splits the units into passes of about
  `mentions_per_pass` mentions, each committed (and checkpointed) into tables beside the
  derived ones, which replace them in one transaction at the end; a reader or a crash sees
  the old tables or the new ones, never a mix. It runs on one thread under a memory limit of
  its own (`memory_mib`): DuckDB otherwise caches what a query reads up to most of the
  machine's memory, and what a pass needs beyond that cache is mostly per thread. A pass
  that still runs out (a very large group) is retried with half as much memory again, up to
  `_RETRIES` times.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

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

# The mentions to cluster (`{where}` picks them), with what the event rows need: the group `g`
# (a struct, which compares NULL fields as equal, so a missing actor is a group like any
# other) and the details a root mention lends its event.
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

# Their articles' facts (for the counts and the root), looked up by key in the articles index.
_ARTICLES = """
CREATE OR REPLACE TEMP TABLE _dedup_articles AS
SELECT doc_key, published, url, outlet, coded_at FROM articles WHERE doc_key IN ({marks})
"""

_MENTIONS = """
CREATE OR REPLACE TEMP TABLE _dedup_mentions AS
SELECT f.*, a.published, a.url, a.outlet, a.coded_at
FROM _dedup_found f JOIN _dedup_articles a USING (doc_key)
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
    "_dedup_articles",
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

#: How many times a pass that runs out of memory is retried, each time with half as much again.
_RETRIES = 4
#: Units one lookup of `refresh` names (a batch's are looked up in as many as it takes).
_UNITS_PER_LOOKUP = 500
#: DuckDB answers a filter on an indexed column from the index only while it matches at most
#: `index_scan_max_count` rows (2,048 by default), and otherwise reads the whole table. A
#: refresh's lookups must never read the whole table (that is what made the rebuild's time and
#: memory grow with the store), so while it runs the bound is set out of reach.
_INDEX_SCAN_MAX_COUNT = 1 << 40


def stored_settings(conn: duckdb.DuckDBPyConnection) -> DedupSettings | None:
    """The settings the store's derived tables were built with; None until a first build."""
    row = conn.execute("SELECT window_days, lead_sentences FROM dedup_settings").fetchall()
    return DedupSettings(window_days=row[0][0], lead_sentences=row[0][1]) if row else None


def _same_meaning(a: DedupSettings | None, b: DedupSettings) -> bool:
    """Whether derived tables built with `a` are what `b` would build (the pass size and
    memory limit change how a rebuild runs, not what it builds)."""
    return a is not None and (a.window_days, a.lead_sentences) == (b.window_days, b.lead_sentences)


def use_settings(
    conn: duckdb.DuckDBPyConnection, settings: DedupSettings | None = None
) -> DedupSummary | None:
    """Make the derived tables follow `settings` (default: the defaults) from now on.

    If the store was built with other settings, or not yet built at all, it is rebuilt whole
    (returned is the rebuild's summary; None when nothing needed doing).
    """
    chosen = settings or DedupSettings()
    if _same_meaning(stored_settings(conn), chosen):
        return None
    return deduplicate(conn, chosen)


def ensure_built(conn: duckdb.DuckDBPyConnection) -> None:
    """Build the derived tables with the default settings if this store never had them built
    (a new store, or one from before units): batches can only keep up to date what exists."""
    if stored_settings(conn) is None:
        deduplicate(conn)


def summary(conn: duckdb.DuckDBPyConnection) -> DedupSummary:
    """How many deduplicated events and linked mentions the store holds."""
    events = scalar(conn, "SELECT count(*) FROM dedup_events")
    mentions = scalar(conn, "SELECT count(*) FROM event_mentions")
    return DedupSummary(events=int(events), mentions=int(mentions))


def refresh(conn: duckdb.DuckDBPyConnection, units: Collection[int]) -> None:
    """Cluster the mentions of `units` again and replace their derived rows.

    Runs in the caller's transaction (a batch's write), after its mentions changed. Each
    statement finds its rows by an index lookup on `dedup_unit` or `doc_key`, so the work and
    memory depend on the units, not on the size of the store.
    """
    settings = stored_settings(conn)
    if settings is None:
        raise RuntimeError("the store's deduplication was never built; open it for writing first")
    chosen = sorted(set(units))
    with _setting(conn, "index_scan_max_count", _INDEX_SCAN_MAX_COUNT):
        for start in range(0, len(chosen), _UNITS_PER_LOOKUP):
            part = chosen[start : start + _UNITS_PER_LOOKUP]
            marks = _marks(len(part))
            for table in _DERIVED:
                conn.execute(f"DELETE FROM {table} WHERE dedup_unit IN ({marks})", part)
            _cluster(conn, settings, f"e.dedup_unit IN ({marks})", part, _DERIVED)


def units_of(conn: duckdb.DuckDBPyConnection, view: str, window_days: int) -> list[int]:
    """The units of the mentions in `view` (a table or view shaped like `events`)."""
    rows = conn.execute(f"SELECT DISTINCT {UNIT} FROM {view}", {"window": window_days})
    return [row[0] for row in rows.fetchall()]


def deduplicate(
    conn: duckdb.DuckDBPyConnection, settings: DedupSettings | None = None
) -> DedupSummary:
    """Rebuild `dedup_events` and `event_mentions` whole from all stored mentions, and keep
    `settings` for the batches that follow.

    The new tables are filled beside the old ones, one committed pass at a time, and take
    their place in one transaction at the end: a reader, or a crash, sees the old tables or
    the new ones, never a mix.
    """
    chosen = settings or DedupSettings()
    _set_units(conn, chosen.window_days)
    limit = str(scalar(conn, "SELECT current_setting('memory_limit')"))
    with _setting(conn, "threads", 1):
        _rebuild(conn, chosen, limit)
    return summary(conn)


def _set_units(conn: duckdb.DuckDBPyConnection, window_days: int) -> None:
    """Give every stored mention its unit under `window_days`, unless it has it already.

    The settings row goes in the same transaction: until a rebuild records the new settings,
    the store counts as never built, and the next writer rebuilds it (see `use_settings`).
    """
    stored = stored_settings(conn)
    if stored is not None and stored.window_days == window_days:
        return
    with Transaction(conn), _indexes_dropped(conn, "events"):
        conn.execute("DELETE FROM dedup_settings")
        conn.execute(f"UPDATE events SET dedup_unit = {UNIT}", {"window": window_days})


def _rebuild(conn: duckdb.DuckDBPyConnection, chosen: DedupSettings, limit: str) -> None:
    """The passes and the swap; `limit` is the connection's own memory limit, restored after
    each pass."""
    for table in _REBUILT:
        _create_empty_copy(conn, table)
    stored = int(scalar(conn, "SELECT count(*) FROM events"))
    passes = max(1, -(-stored // chosen.mentions_per_pass))
    for part in range(passes):
        _run_pass(conn, chosen, passes, part, limit)
    _swap_in(conn, chosen)


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
    limit: str,
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
        conn.begin()
        try:
            _cluster_pass(conn, settings, passes, part, budget)
        except BaseException as error:
            conn.rollback()
            conn.execute("SET memory_limit = ?", [limit])
            if not isinstance(error, duckdb.OutOfMemoryException) or attempt == _RETRIES:
                raise
            budget = budget * 3 // 2
            continue
        conn.commit()
        conn.execute("SET memory_limit = ?", [limit])
        break
    conn.execute("CHECKPOINT")


def _cluster_pass(
    conn: duckdb.DuckDBPyConnection,
    settings: DedupSettings,
    passes: int,
    part: int,
    budget: int,
) -> None:
    """Cluster the units whose hash falls in pass `part` of `passes` into the rebuilt tables,
    under `budget` MiB (DuckDB caches the blocks of the stored tables it reads up to its
    limit)."""
    conn.execute(f"SET memory_limit = '{budget}MiB'")
    where = "e.dedup_unit % ? = ?"
    _cluster(conn, settings, where, [passes, part], tuple(_REBUILT.values()))


def _cluster(
    conn: duckdb.DuckDBPyConnection,
    settings: DedupSettings,
    where: str,
    params: Sequence[object],
    into: Sequence[str],
) -> None:
    """Cluster the mentions `where` picks (whole units) and insert their derived rows into
    `into` (the dedup_events table, then the event_mentions table)."""
    conn.execute(_FOUND.format(where=where), [settings.lead_sentences, *params])
    keys = [row[0] for row in conn.execute("SELECT DISTINCT doc_key FROM _dedup_found").fetchall()]
    if keys:
        conn.execute(_ARTICLES.format(marks=_marks(len(keys))), keys)
        conn.execute(_MENTIONS)
        conn.execute(_DAYS)
        conn.execute(_NEXT, {"window": settings.window_days})
        for statement in (_STARTS, _CLUSTERS):
            conn.execute(statement)
        conn.execute(_EVENTS.format(table=into[0]))
        conn.execute(_LINKS.format(table=into[1]))
    for table in _TEMP_TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")


def _swap_in(conn: duckdb.DuckDBPyConnection, settings: DedupSettings) -> None:
    """Put the rebuilt tables in the derived tables' place, with the derived tables' indexes,
    and record `settings`, in one transaction."""
    with Transaction(conn):
        for table, rebuilt in _REBUILT.items():
            indexes = _index_definitions(conn, table)
            conn.execute(f"DROP TABLE {table}")
            conn.execute(f"ALTER TABLE {rebuilt} RENAME TO {table}")
            for sql in indexes:
                conn.execute(sql)
        conn.execute("DELETE FROM dedup_settings")
        conn.execute(
            "INSERT INTO dedup_settings VALUES (?, ?)",
            [settings.window_days, settings.lead_sentences],
        )


def _index_definitions(conn: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The statements that made `table`'s indexes (the migrations own them; a rebuild or an
    update that has to drop them puts back whatever they made)."""
    rows = conn.execute(
        "SELECT sql FROM duckdb_indexes() WHERE database_name = current_database()"
        " AND schema_name = 'main' AND table_name = ? ORDER BY index_name",
        [table],
    ).fetchall()
    return [str(row[0]) for row in rows]


@contextmanager
def _indexes_dropped(conn: duckdb.DuckDBPyConnection, table: str) -> Iterator[None]:
    """`table` without its indexes for the duration: DuckDB updates an indexed column as a
    delete and an insert of the whole row, and building the index once afterwards is cheaper."""
    indexes = _index_definitions(conn, table)
    names = conn.execute(
        "SELECT index_name FROM duckdb_indexes() WHERE database_name = current_database()"
        " AND schema_name = 'main' AND table_name = ?",
        [table],
    ).fetchall()
    for (name,) in names:
        conn.execute(f"DROP INDEX {name}")
    yield
    for sql in indexes:
        conn.execute(sql)


@contextmanager
def _setting(conn: duckdb.DuckDBPyConnection, name: str, value: int) -> Iterator[None]:
    """DuckDB's setting `name` at `value` for the duration, then back to what it was."""
    before = scalar(conn, f"SELECT current_setting('{name}')")
    conn.execute(f"SET {name} = {int(value)}")
    try:
        yield
    finally:
        conn.execute(f"SET {name} = {int(before)}")


def _marks(count: int) -> str:
    """`count` parameter marks for an IN list. A list of parameters, rather than one list
    parameter, is what DuckDB answers from an index."""
    return ", ".join("?" for _ in range(count))
