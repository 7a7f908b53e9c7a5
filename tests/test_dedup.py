"""Deduplication: differently worded reports of one happening become one GDELT-style event."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tacitus.records import Article
from tacitus.store import (
    CodedArticle,
    DedupSettings,
    DedupSummary,
    Store,
    catch_up,
    dedup,
    deduplicate,
)
from tests.ingest_support import VERBS, FakeCoder, generated_docs

DAY = dt.date(2024, 3, 5)


# Three articles from two outlets tell of one accusation in different words (two mentions in
# the first); the same day the same two actors also met, which is a different event.
TEXTS = [
    (
        "The Syrian government accused the Turkish army of shelling villages{on}. "
        "Later the Syrian government blamed the Turkish army again{on}.",
        "alpha",
        6,
    ),
    (
        "In a statement the Syrian government charged the Turkish army with provocations{on}.",
        "alpha",
        5,
    ),
    (
        "Damascus said the Syrian government accused the Turkish army of aggression{on}. "
        "Separately, the Syrian government met the Turkish army at the border{on}.",
        "beta",
        7,
    ),
]


def _reports(day: dt.date | None = DAY) -> list[Article]:
    """The reports, their sentences dated `day` (and published from it on), or all undated."""
    return [
        Article(
            f"a{n}",
            text.format(on=f" on {day}" if day else ""),
            dt.date(2024, 3, published) if day else None,
            f"https://{outlet}.example/{n}",
            outlet,
        )
        for n, (text, outlet, published) in enumerate(TEXTS, start=1)
    ]


def _store(tmp_path: Path, articles: list[Article], name: str = "t.duckdb") -> Store:
    store = Store.open(tmp_path / name)
    coder = FakeCoder()
    store.write_batch([CodedArticle(a, coder.code_article(a), "fake") for a in articles])
    return store


def _events(store: Store) -> list[dict[str, Any]]:
    cursor = store.conn.execute("SELECT * FROM dedup_events ORDER BY cameo_base")
    names = [c[0] for c in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_reports_of_one_event_become_one_event_with_gdelt_counts(tmp_path: Path) -> None:
    with _store(tmp_path, _reports()) as store:
        summary = deduplicate(store.conn)
        accuse, meet = _events(store)[1], _events(store)[0]
        mentions = store.conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE is_root_mention) FROM event_mentions"
            " WHERE global_event_id = ?",
            [accuse["global_event_id"]],
        ).fetchall()[0]
    assert (summary.events, summary.mentions) == (2, 5)
    assert accuse["cameo_base"] == "112"
    assert (accuse["num_mentions"], accuse["num_articles"], accuse["num_sources"]) == (4, 3, 2)
    assert mentions == (4, 1)
    # The root mention comes from the article published first, which gives the first URL.
    assert accuse["first_url"] == "https://alpha.example/2"
    assert accuse["first_published"] == DAY
    assert accuse["cameo_code"] == "1121"
    assert accuse["event_date"] == DAY
    # The same dyad on the same day, but a meeting: a separate event.
    assert (meet["cameo_base"], meet["num_mentions"], meet["num_articles"]) == ("040", 1, 1)
    assert meet["global_event_id"] != accuse["global_event_id"]


def test_is_root_event_says_whether_any_mention_led_its_article(tmp_path: Path) -> None:
    with _store(tmp_path, _reports()) as store:
        deduplicate(store.conn)
        accuse, meet = _events(store)[1], _events(store)[0]
        assert accuse["is_root_event"] and not meet["is_root_event"]
        deduplicate(store.conn, DedupSettings(lead_sentences=2))
        assert _events(store)[0]["is_root_event"]


def test_ids_do_not_depend_on_rerunning_or_on_insertion_order(tmp_path: Path) -> None:
    reports = _reports()
    with _store(tmp_path, reports) as store:
        deduplicate(store.conn)
        first = _events(store)
        deduplicate(store.conn)
        assert _events(store) == first
    with _store(tmp_path, reports[::-1], "reversed.duckdb") as other:
        deduplicate(other.conn)
        ids = [(e["global_event_id"], e["root_mention_id"]) for e in _events(other)]
    assert ids == [(e["global_event_id"], e["root_mention_id"]) for e in first]


def test_a_window_starts_at_a_clusters_first_day(tmp_path: Path) -> None:
    days = [DAY, DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=2)]
    articles = [
        Article(
            f"d{n}",
            f"The Syrian government accused the Turkish army on {day}.",
            day,
            f"https://x.example/{n}",
            "x",
        )
        for n, day in enumerate(days)
    ]
    with _store(tmp_path, articles) as store:
        deduplicate(store.conn)
        assert [e["num_mentions"] for e in _events(store)] == [1, 1, 1]
        deduplicate(store.conn, DedupSettings(window_days=2))
        clusters = sorted((e["event_date"], e["num_mentions"]) for e in _events(store))
    # Days 1 and 2 fall in the window opened on day 1; day 3 opens a window of its own.
    assert clusters == [(days[0], 2), (days[2], 1)]


def test_undated_mentions_each_stay_their_own_event(tmp_path: Path) -> None:
    with _store(tmp_path, _reports(None)) as store:
        summary = deduplicate(store.conn)
    assert summary.events == summary.mentions == 5


def test_a_denial_is_not_merged_with_the_claim(tmp_path: Path) -> None:
    reports = _reports()[:1]
    coder = FakeCoder()
    with Store.open(tmp_path / "t.duckdb") as store:
        records = coder.code_article(reports[0])
        records[1].modality = "negated"
        store.write_batch([CodedArticle(reports[0], records, "fake")])
        assert deduplicate(store.conn).events == 2


def _table(store: Store, table: str, order: str) -> list[tuple[Any, ...]]:
    return store.conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()


def _in_small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make deduplication stage, gather and copy a few rows at a time, so that a small store
    takes the many steps a large one does (and its rowid ranges meet deleted rows)."""
    monkeypatch.setattr(dedup, "_STAGE_ROWS", 13)
    monkeypatch.setattr(dedup, "_COPY_ROWS", 17)
    monkeypatch.setattr(dedup, "_PASSES_PER_GROUP", 2)


@pytest.mark.parametrize("window_days", [1, 3])
def test_rebuilding_in_many_passes_gives_the_table_one_pass_gives(
    tmp_path: Path, window_days: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 120 generated reports: many dyads and types over four weeks, many mentions per group.
    with _generated_store(tmp_path, 120) as store:
        one = deduplicate(store.conn, DedupSettings(window_days=window_days))
        events = _table(store, "dedup_events", "global_event_id")
        links = _table(store, "event_mentions", "mention_id")
        _in_small_steps(monkeypatch)
        many = deduplicate(
            store.conn, DedupSettings(window_days=window_days, mentions_per_pass=7)
        )
        assert _table(store, "dedup_events", "global_event_id") == events
        assert _table(store, "event_mentions", "mention_id") == links
    assert one == many
    assert one.mentions > 200 and one.events < one.mentions


def test_a_pass_holds_at_least_one_mention() -> None:
    with pytest.raises(ValueError, match="mentions_per_pass"):
        DedupSettings(mentions_per_pass=0)


def test_window_must_be_at_least_a_day() -> None:
    with pytest.raises(ValueError, match="window_days"):
        DedupSettings(window_days=0)


def _generated_store(tmp_path: Path, docs: int = 60) -> Store:
    articles = [
        Article(d.id, d.text, dt.date.fromisoformat(d.published), d.url, d.outlet)
        for d in generated_docs(docs)
    ]
    return _store(tmp_path, articles)


def _killed_in_the_second_pass(real: Any) -> Any:
    """A pass function that does what `real` does, except that its second pass fails."""

    calls: list[Any] = []

    def step(conn: Any, settings: Any, work: Any, budget: int) -> None:
        calls.append(work)
        if len(calls) == 2:
            raise RuntimeError("killed")
        real(conn, settings, work, budget)

    return step


def test_a_rebuild_that_fails_midway_leaves_the_previous_tables_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _generated_store(tmp_path) as store:
        deduplicate(store.conn)
        before = _table(store, "dedup_events", "global_event_id")
        store.conn.execute("DELETE FROM events WHERE mention_id LIKE '%-00000'")
        real = dedup._cluster_pass
        monkeypatch.setattr(dedup, "_cluster_pass", _killed_in_the_second_pass(real))
        with pytest.raises(RuntimeError, match="killed"):
            deduplicate(store.conn, DedupSettings(mentions_per_pass=20))
        # The first pass was committed, but only into the tables being rebuilt.
        assert _table(store, "dedup_events", "global_event_id") == before
        staging = tmp_path / "t.duckdb.dedup"
        assert any(staging.glob("*.parquet"))  # the crashed rebuild's staged mentions
        monkeypatch.setattr(dedup, "_cluster_pass", real)
        again = deduplicate(store.conn, DedupSettings(mentions_per_pass=20))
        stored = store.conn.execute("SELECT count(*) FROM events").fetchall()[0][0]
        left = store.conn.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%rebuilt'"
        ).fetchall()
    # The next rebuild starts afresh and leaves no table or file of its own behind.
    assert again.mentions == stored and again.events < len(before)
    assert left == [(0,)] and not staging.exists()


def test_a_rebuild_that_stages_fewer_mentions_than_stored_keeps_the_old_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _generated_store(tmp_path) as store:
        deduplicate(store.conn)
        before = _derived(store)
        _in_small_steps(monkeypatch)
        real = dedup._row_steps
        # As if the rows had moved under the steps: the first range is never read.
        monkeypatch.setattr(dedup, "_row_steps", lambda *args: real(*args)[1:])
        with pytest.raises(RuntimeError, match=r"staged \d+ mentions of the \d+ stored"):
            deduplicate(store.conn)
        assert _derived(store) == before


def test_a_pass_that_runs_out_of_memory_is_retried_with_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _generated_store(tmp_path) as store:
        expected = deduplicate(store.conn)
        events = _table(store, "dedup_events", "global_event_id")
        real = dedup._cluster_pass
        budgets: list[int] = []

        def short_of_memory_once(conn: Any, settings: Any, work: Any, budget: int) -> None:
            budgets.append(budget)
            if len(budgets) == 1:
                real(conn, settings, work, budget)  # half-done work is rolled back
                raise duckdb.OutOfMemoryException("could not allocate block")
            real(conn, settings, work, budget)

        monkeypatch.setattr(dedup, "_cluster_pass", short_of_memory_once)
        settings = "SELECT current_setting('threads'), current_setting('memory_limit')"
        store.conn.execute("SET memory_limit = '1GiB'")
        before = store.conn.execute(settings).fetchall()
        summary = deduplicate(store.conn)
        after = store.conn.execute(settings).fetchall()
        assert _table(store, "dedup_events", "global_event_id") == events
    assert summary == expected
    assert budgets == [16, 24]
    # The rebuild's single thread and memory limit do not outlive it.
    assert after == before


def _derived(store: Store) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    return (
        _table(store, "dedup_events", "global_event_id"),
        _table(store, "event_mentions", "mention_id"),
    )


def _pending(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM dedup_pending").fetchall()[0][0])


@pytest.mark.parametrize(("window_days", "small_steps"), [(1, False), (3, False), (1, True)])
def test_catching_up_run_after_run_gives_what_a_rebuild_makes(
    tmp_path: Path, window_days: int, small_steps: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Runs of nine articles in shuffled order, so that later runs bring earlier-published
    # articles (new roots, new ids) and more mentions of days and groups already stored.
    articles = [
        Article(d.id, d.text, dt.date.fromisoformat(d.published), d.url, d.outlet)
        for d in generated_docs(120)
    ]
    random.Random(3).shuffle(articles)
    coder = FakeCoder()
    settings = DedupSettings(window_days=window_days, mentions_per_pass=25)
    with Store.open(tmp_path / "t.duckdb") as store:
        if small_steps:
            _in_small_steps(monkeypatch)
        for start in range(0, len(articles), 9):
            batch = articles[start : start + 9]
            store.write_batch([CodedArticle(a, coder.code_article(a), "fake") for a in batch])
            assert _pending(store) > 0
            caught_up = catch_up(store.conn, settings)
            assert _pending(store) == 0
        kept = _derived(store)
        monkeypatch.undo()  # rebuilt in the default steps
        rebuilt = deduplicate(store.conn, settings)
        assert _derived(store) == kept
    assert caught_up == rebuilt
    assert rebuilt.mentions > 200 and rebuilt.events < rebuilt.mentions


@pytest.mark.parametrize("small_steps", [False, True])
def test_re_coding_then_catching_up_gives_what_a_rebuild_makes(
    tmp_path: Path, small_steps: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _generated_store(tmp_path, 80) as store:
        catch_up(store.conn)
        stored = [
            Article(*row)
            for row in store.conn.execute(
                "SELECT id, text, published, url, outlet FROM articles ORDER BY doc_key"
            ).fetchall()
        ]
        # A coder that no longer knows one verb: those mentions go, their events shrink.
        fewer = FakeCoder(verbs=sorted(VERBS)[1:])
        for start in range(0, 40, 10):
            batch = stored[start : start + 10]
            store.replace_events([CodedArticle(a, fewer.code_article(a), "fewer") for a in batch])
        if small_steps:  # the ranges of rows now hold the re-coded mentions' deleted rows
            _in_small_steps(monkeypatch)
        caught_up = catch_up(store.conn)
        kept = _derived(store)
        monkeypatch.undo()
        rebuilt = deduplicate(store.conn)
        assert _derived(store) == kept
    assert caught_up == rebuilt and rebuilt.mentions == len(kept[1])


def test_a_catch_up_that_fails_midway_leaves_the_old_tables_and_the_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = DedupSettings(mentions_per_pass=10)
    more = [
        Article(d.id, d.text, dt.date.fromisoformat(d.published), d.url, d.outlet)
        for d in generated_docs(75)[60:]
    ]
    with _generated_store(tmp_path) as store:
        catch_up(store.conn, settings)
        coder = FakeCoder()
        store.write_batch([CodedArticle(a, coder.code_article(a), "fake") for a in more])
        real = dedup._cluster_pass
        monkeypatch.setattr(dedup, "_cluster_pass", _killed_in_the_second_pass(real))
        queued, before = _pending(store), _derived(store)
        with pytest.raises(RuntimeError, match="killed"):
            catch_up(store.conn, settings)
        # The first pass was committed, but only into the tables being rebuilt.
        assert queued > 0 and _pending(store) == queued and _derived(store) == before
        monkeypatch.setattr(dedup, "_cluster_pass", real)
        catch_up(store.conn, settings)
        kept = _derived(store)
        deduplicate(store.conn, settings)
        assert _pending(store) == 0 and _derived(store) == kept


def test_catching_up_units_left_without_mentions_removes_their_events(tmp_path: Path) -> None:
    with _store(tmp_path, _reports()) as store:
        assert catch_up(store.conn) == DedupSummary(events=2, mentions=5)
        # Re-coded, no report yields an event any more: the queued units have no mentions.
        store.replace_events([CodedArticle(a, [], "none") for a in _reports()])
        assert 0 < _pending(store) < dedup.summary(store.conn).mentions  # a catch-up's queue
        assert catch_up(store.conn) == DedupSummary(events=0, mentions=0)
        assert _pending(store) == 0


def test_a_store_in_a_folder_named_like_a_pattern_is_deduplicated(tmp_path: Path) -> None:
    # The staged files are listed, never globbed: "[2024]" would read as a pattern.
    folder = tmp_path / "news [2024] *"
    folder.mkdir()
    with _store(folder, _reports()) as store:
        assert deduplicate(store.conn) == DedupSummary(events=2, mentions=5)


def test_a_store_remembers_its_settings_and_other_settings_rebuild_it(tmp_path: Path) -> None:
    with _store(tmp_path, _reports()) as store:
        assert dedup.stored_settings(store.conn) == DedupSettings()
        catch_up(store.conn)
        wider = DedupSettings(window_days=3, lead_sentences=2)
        store.conn.execute("INSERT INTO dedup_pending VALUES (1)")
        assert catch_up(store.conn, wider) == dedup.summary(store.conn)
        # Rebuilt whole, and the rebuild read every mention: nothing is left queued.
        assert dedup.stored_settings(store.conn) == wider and _pending(store) == 0
        # The pass size and memory limit change how dedup runs, not what it makes.
        rows = _derived(store)
        catch_up(store.conn, DedupSettings(3, 2, mentions_per_pass=5))
        assert _derived(store) == rows
