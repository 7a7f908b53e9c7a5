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
Everything is derived from `events` and `articles` and rebuilt from scratch after every run.

How the rebuild keeps its memory from growing with the store (each step was measured; see
docs/schema.md, "Memory"):

* *Passes.* Two mentions of different groups (source, target, base code, modality) are never
  one event, so the groups are split by a hash into passes of about `mentions_per_pass`
  mentions, and each pass clusters its own groups. With a window of one day a cluster is one
  group's mentions of one day, so then the split is by (group, day), and the largest part of
  a pass is a day of one group's news, however large the store; with a longer window a pass
  holds whole groups, and a popular dyad's group grows with the store. The split changes
  nothing in the result.
* *One committed pass at a time.* Each pass writes into tables beside the derived ones and
  commits and checkpoints, so its rows leave memory for the file; the rebuilt tables replace
  the old ones in one transaction at the end, so a reader or a crash sees the old tables or
  the new ones, never a mix. (In one transaction, every new row stayed in memory to the end.)
* *A memory limit, on one thread.* DuckDB keeps the table blocks a query reads cached up to
  its memory limit (by default most of the machine's), so the rebuild runs under a limit of
  its own (`memory_mib`). What a pass needs beyond the cache is mostly per thread (blocks
  pinned by each scanning thread, each thread's hash and sort partitions), so the rebuild
  runs on one thread: a pass then needs about the same at 1,000 documents as at 40,000, and
  the limit can be tight enough to leave the cache little room. A pass that still runs out
  (a very large group) is retried with half as much memory again, up to `_RETRIES` times.
"""

from __future__ import annotations

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


# The mentions of this pass's groups, with everything the event rows need: the group `g`
# (source, target, base code, modality; a struct, which compares NULL fields as equal, so a
# missing actor is a group like any other), the article facts the counts need and the
# details a root mention lends its event. Only this statement reads the stored tables.
_MENTIONS = """
CREATE OR REPLACE TEMP TABLE _dedup_mentions AS
SELECT
    e.mention_id, e.doc_key, e.event_date, e.goldstein, e.place,
    e.sentence_index < $lead AS in_lead,
    {'actor': e.actor_cameo, 'recipient': e.recipient_cameo, 'base': e.cameo_base,
     'modality': e.modality} AS g,
    a.published, a.url, a.outlet, a.coded_at,
    e.actor_code, e.actor_sector, e.actor_cameo, e.actor[1].text AS actor_name,
    e.recipient_code, e.recipient_sector, e.recipient_cameo, e.recipient[1].text AS recipient_name,
    e.event, e.mode, e.cameo_code, e.cameo_base, e.cameo_root, e.modality, e.quad_class
FROM events e JOIN articles a USING (doc_key)
WHERE hash(e.actor_cameo, e.recipient_cameo, e.cameo_base, e.modality,
           CASE WHEN $window = 1 THEN e.event_date END) % $passes = $pass
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
INSERT INTO dedup_events_rebuilt
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
    r.doc_key, r.url, r.outlet, r.published, c.date_added, c.place
FROM counts c
JOIN _dedup_clusters r ON r.global_event_id = c.global_event_id AND r.rn = 1
"""

_LINKS = """
INSERT INTO event_mentions_rebuilt
SELECT mention_id, global_event_id, doc_key, rn = 1, in_lead FROM _dedup_clusters
"""

_TEMP_TABLES = (
    "_dedup_mentions",
    "_dedup_days",
    "_dedup_next",
    "_dedup_starts",
    "_dedup_clusters",
)

#: Each derived table and the table a rebuild fills before it takes the derived one's place.
_REBUILT = {"dedup_events": "dedup_events_rebuilt", "event_mentions": "event_mentions_rebuilt"}

#: How many times a pass that runs out of memory is retried, each time with half as much again.
_RETRIES = 4


def deduplicate(
    conn: duckdb.DuckDBPyConnection, settings: DedupSettings | None = None
) -> DedupSummary:
    """Rebuild `dedup_events` and `event_mentions` from all stored mentions.

    The new tables are filled beside the old ones, one committed pass at a time, and take
    their place in one transaction at the end: a reader, or a crash, sees the old tables or
    the new ones, never a mix.
    """
    chosen = settings or DedupSettings()
    limit = str(scalar(conn, "SELECT current_setting('memory_limit')"))
    threads = int(scalar(conn, "SELECT current_setting('threads')"))
    conn.execute("SET threads = 1")
    try:
        return _rebuild(conn, chosen, limit)
    finally:
        conn.execute(f"SET threads = {threads}")


def _rebuild(conn: duckdb.DuckDBPyConnection, chosen: DedupSettings, limit: str) -> DedupSummary:
    """The passes and the swap; `limit` is the connection's own memory limit, restored after
    each pass."""
    for table in _REBUILT:
        _create_empty_copy(conn, table)
    stored = int(scalar(conn, "SELECT count(*) FROM events"))
    passes = max(1, -(-stored // chosen.mentions_per_pass))
    for part in range(passes):
        _run_pass(conn, chosen, passes, part, limit)
    _swap_in(conn)
    events = scalar(conn, "SELECT count(*) FROM dedup_events")
    mentions = scalar(conn, "SELECT count(*) FROM event_mentions")
    return DedupSummary(events=int(events), mentions=int(mentions))


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
    groups, so one very large group makes a large pass; instead of failing, the pass is tried
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
    """Cluster the groups whose hash falls in pass `part` of `passes`, and store the result.

    Everything runs under `budget` MiB: DuckDB keeps the blocks of the stored tables that the
    first statement reads cached up to its limit, and the rest reads only this pass's own
    temporary tables.
    """
    conn.execute(f"SET memory_limit = '{budget}MiB'")
    conn.execute(
        _MENTIONS,
        {
            "lead": settings.lead_sentences,
            "passes": passes,
            "pass": part,
            "window": settings.window_days,
        },
    )
    conn.execute(_DAYS)
    conn.execute(_NEXT, {"window": settings.window_days})
    for statement in (_STARTS, _CLUSTERS, _EVENTS, _LINKS):
        conn.execute(statement)
    for table in _TEMP_TABLES:
        conn.execute(f"DROP TABLE {table}")


def _swap_in(conn: duckdb.DuckDBPyConnection) -> None:
    """Put the rebuilt tables in the derived tables' place, in one transaction."""
    with Transaction(conn):
        for table, rebuilt in _REBUILT.items():
            conn.execute(f"DROP TABLE {table}")
            conn.execute(f"ALTER TABLE {rebuilt} RENAME TO {table}")
