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
Everything is derived from `events` and `articles`, and rebuilt from scratch in one transaction.

The rebuild works in passes, so that what one pass holds does not grow with the store. Two
mentions of different groups (source, target, base code, modality) are never one event, so the
groups are split by a hash into passes of about `mentions_per_pass` mentions each, and each
pass clusters its own groups. How the groups are split changes nothing in the result, only what
one pass holds in memory (a pass holds whole groups, so a single group larger than a pass is
one pass). DuckDB keeps every table block a query has read cached, up to its memory limit (by
default most of the machine's memory), and each pass reads the events and articles tables; so
the rebuild runs under a limit of its own (`memory_mib`), and DuckDB evicts and re-reads
instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from tacitus.store.schema import scalar

DEFAULT_WINDOW_DAYS = 1
#: Sentences at the start of an article that count as its lead (GDELT's IsRootEvent).
DEFAULT_LEAD_SENTENCES = 1
#: Mentions one pass of the rebuild clusters (see the module's docstring). Each pass scans the
#: events table once, so fewer, larger passes are faster and smaller ones use less memory.
DEFAULT_MENTIONS_PER_PASS = 10_000
#: DuckDB's memory limit while the rebuild runs, in MiB: room for one pass of
#: DEFAULT_MENTIONS_PER_PASS mentions. Measured: the rebuild of 10,000 of the benchmark's news
#: documents (22,000 mentions) runs in 32 MiB and fails in 24; 40,000 generated documents
#: (120,000 mentions) run in 32 (docs/schema.md, "Memory").
DEFAULT_MEMORY_MIB = 32


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


# The mentions of this pass's groups, each with its dyad-and-type group `g` and the article
# facts the counts need.
_MENTIONS = """
CREATE OR REPLACE TEMP TABLE _dedup_mentions AS
SELECT
    e.mention_id, e.doc_key, e.event_date, e.goldstein, e.place,
    e.sentence_index < $lead AS in_lead,
    dense_rank() OVER (ORDER BY e.actor_cameo, e.recipient_cameo, e.cameo_base, e.modality) AS g,
    a.published, a.url, a.outlet, a.coded_at
FROM events e JOIN articles a USING (doc_key)
WHERE hash(e.actor_cameo, e.recipient_cameo, e.cameo_base, e.modality) % $passes = $pass
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
    SELECT m.*, CASE WHEN m.event_date IS NULL THEN 'undated:' || m.mention_id
                     ELSE m.g::VARCHAR || '@' || s.d::VARCHAR END AS cluster
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
INSERT INTO dedup_events
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
    e.actor_code, e.actor_sector, e.actor_cameo, e.actor[1].text,
    e.recipient_code, e.recipient_sector, e.recipient_cameo, e.recipient[1].text,
    e.event, e.mode, e.cameo_code, e.cameo_base, e.cameo_root, e.modality,
    e.quad_class, e.goldstein, c.avg_goldstein, c.is_root_event,
    c.num_mentions, c.num_sources, c.num_articles,
    r.doc_key, r.url, r.outlet, r.published, c.date_added, c.place
FROM counts c
JOIN _dedup_clusters r ON r.global_event_id = c.global_event_id AND r.rn = 1
JOIN events e ON e.mention_id = r.mention_id
"""

_LINKS = """
INSERT INTO event_mentions
SELECT mention_id, global_event_id, doc_key, rn = 1, in_lead FROM _dedup_clusters
"""

_TEMP_TABLES = (
    "_dedup_mentions",
    "_dedup_days",
    "_dedup_next",
    "_dedup_starts",
    "_dedup_clusters",
)


def deduplicate(
    conn: duckdb.DuckDBPyConnection, settings: DedupSettings | None = None
) -> DedupSummary:
    """Rebuild `dedup_events` and `event_mentions` from all stored mentions, atomically."""
    chosen = settings or DedupSettings()
    limit = str(scalar(conn, "SELECT current_setting('memory_limit')"))
    conn.execute(f"SET memory_limit = '{chosen.memory_mib}MiB'")
    conn.begin()
    try:
        conn.execute("DELETE FROM event_mentions")
        conn.execute("DELETE FROM dedup_events")
        stored = int(scalar(conn, "SELECT count(*) FROM events"))
        passes = max(1, -(-stored // chosen.mentions_per_pass))
        for part in range(passes):
            _cluster_pass(conn, chosen, passes, part)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.execute("SET memory_limit = ?", [limit])
    events = scalar(conn, "SELECT count(*) FROM dedup_events")
    mentions = scalar(conn, "SELECT count(*) FROM event_mentions")
    return DedupSummary(events=int(events), mentions=int(mentions))


def _cluster_pass(
    conn: duckdb.DuckDBPyConnection, settings: DedupSettings, passes: int, part: int
) -> None:
    """Cluster the groups whose hash falls in pass `part` of `passes`, and store the result."""
    conn.execute(
        _MENTIONS, {"lead": settings.lead_sentences, "passes": passes, "pass": part}
    )
    conn.execute(_DAYS)
    conn.execute(_NEXT, {"window": settings.window_days})
    for statement in (_STARTS, _CLUSTERS, _EVENTS, _LINKS):
        conn.execute(statement)
    for table in _TEMP_TABLES:
        conn.execute(f"DROP TABLE {table}")
