"""Ingest: a corpus into the store, resumable, parallel, and safe against SIGKILL at any moment."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tacitus.ingest import IngestSummary, ingest, recode
from tacitus.store import Store
from tests.ingest_support import (
    CODER_LOG_VARIABLE,
    Doc,
    generated_docs,
    make_accusing_coder,
    make_fake_coder,
    make_real_coder,
    news_docs,
    write_corpus,
    write_jsonl,
)

REPO = Path(__file__).resolve().parents[1]


def _ingest(paths: list[Path], db: Path, **options: Any) -> IngestSummary:
    options.setdefault("progress", False)
    return ingest(paths, db, coder_factory=options.pop("coder_factory", make_fake_coder), **options)


def _count(db: Path, table: str) -> int:
    with Store.open(db, read_only=True) as store:
        return int(store.conn.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def _rows(db: Path, query: str) -> list[tuple[Any, ...]]:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(conn.execute(query).fetchall(), key=repr)
    finally:
        conn.close()


# Everything but the timestamps, which differ between any two runs.
EVENT_ROWS = "SELECT * EXCLUDE (coded_at) FROM events"
ARTICLE_ROWS = "SELECT * EXCLUDE (coded_at, run_id) FROM articles"
DEDUP_ROWS = "SELECT * EXCLUDE (date_added) FROM dedup_events"
REJECT_ROWS = "SELECT file, position, reason FROM rejects"


def test_a_second_ingest_of_the_same_corpus_adds_nothing(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", generated_docs(40))
    db = tmp_path / "t.duckdb"
    first = _ingest([corpus], db)
    counts = [_count(db, t) for t in ("articles", "events", "rejects", "dedup_events")]
    second = _ingest([corpus], db)
    assert (first.read, first.coded, first.skipped, first.rejected) == (40, 40, 0, 4)
    assert first.events == counts[1] > 40
    assert first.dedup_events == counts[3]
    assert (second.read, second.coded, second.skipped, second.events) == (40, 0, 40, 0)
    assert [_count(db, t) for t in ("articles", "events", "rejects", "dedup_events")] == counts
    runs = _rows(db, "SELECT run_id, status, documents_coded, events_written FROM runs")
    assert runs == [(1, "done", 40, first.events), (2, "done", 0, 0)]


def test_a_grown_corpus_codes_only_the_new_documents(tmp_path: Path) -> None:
    docs = generated_docs(50)
    write_jsonl(tmp_path / "corpus" / "old.jsonl", docs[:30])
    db = tmp_path / "t.duckdb"
    _ingest([tmp_path / "corpus"], db)
    write_jsonl(tmp_path / "corpus" / "new.jsonl", docs[30:])
    summary = _ingest([tmp_path / "corpus"], db)
    assert (summary.coded, summary.skipped) == (20, 30)
    assert _count(db, "articles") == 50


def test_workers_store_exactly_what_one_process_stores(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", generated_docs(60))
    _ingest([corpus], tmp_path / "one.duckdb", batch_size=7)
    summary = _ingest([corpus], tmp_path / "two.duckdb", batch_size=7, workers=2)
    assert summary.coded == 60
    for query in (EVENT_ROWS, ARTICLE_ROWS, DEDUP_ROWS):
        assert _rows(tmp_path / "one.duckdb", query) == _rows(tmp_path / "two.duckdb", query)


def test_a_document_the_coder_fails_on_is_rejected_and_its_batch_kept(tmp_path: Path) -> None:
    docs = generated_docs(5)
    bad = {"id": "bad", "url": "https://news.example/bad", "text": docs[0].text + " EXPLODE."}
    path = write_jsonl(tmp_path / "corpus" / "c.jsonl", docs, [json.dumps(bad)])
    db = tmp_path / "t.duckdb"
    summary = _ingest([path], db)
    again = _ingest([path], db)
    assert (summary.coded, summary.rejected) == (5, 1)
    assert (again.coded, again.skipped, again.rejected) == (0, 5, 1)  # tried again, not stored
    rejects = _rows(db, "SELECT file, position, doc_id, reason FROM rejects")
    assert len(rejects) == 1
    assert rejects[0][:3] == (str(path), "6", "bad")
    assert rejects[0][3].startswith("coder failed: RuntimeError")


def test_the_date_window_limits_what_is_read(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", generated_docs(56))
    db = tmp_path / "t.duckdb"
    summary = _ingest([corpus], db, date_from=dt.date(2024, 3, 10), date_to=dt.date(2024, 3, 11))
    published = _rows(db, "SELECT DISTINCT published FROM articles")
    assert summary.coded == 4
    assert published == [(dt.date(2024, 3, 10),), (dt.date(2024, 3, 11),)]


def test_recode_replaces_every_articles_events_and_rebuilds_dedup(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", generated_docs(30))
    db = tmp_path / "t.duckdb"
    first = _ingest([corpus], db)
    summary = recode(db, make_accusing_coder, batch_size=8, progress=False)
    events = _rows(db, "SELECT DISTINCT cameo_base FROM events")
    versions = _rows(db, "SELECT DISTINCT coder_version FROM articles")
    assert summary.articles == 30
    assert 0 < summary.events < first.events
    assert events == [("112",)]
    assert versions == [("fake-coder accused+blamed+charged",)]
    assert _count(db, "event_mentions") == _count(db, "events") == summary.events
    assert _count(db, "dedup_events") == summary.dedup_events


def test_without_a_terminal_progress_is_plain_lines(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", generated_docs(12))
    stream = io.StringIO()
    _ingest([corpus], tmp_path / "t.duckdb", progress=True, stream=stream)
    lines = stream.getvalue().splitlines()
    assert lines and all(line.startswith("ingest: ") for line in lines)
    assert "12 docs" in lines[-1]


def test_bad_settings_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        _ingest([tmp_path], tmp_path / "t.duckdb", workers=0)


# --- the real coder --------------------------------------------------------------------------


def _real(paths: list[Path], db: Path, **options: Any) -> IngestSummary:
    """An ingest with the coder users run (built once per test process, so it is shared)."""
    return _ingest(paths, db, coder_factory=make_real_coder, **options)


def test_with_the_real_coder_a_second_ingest_adds_no_rows(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", news_docs(60))
    db = tmp_path / "t.duckdb"
    tables = ("articles", "events", "rejects", "dedup_events", "event_mentions")
    first = _real([corpus], db)
    counts = [_count(db, t) for t in tables]
    rows = [_rows(db, query) for query in (EVENT_ROWS, ARTICLE_ROWS, DEDUP_ROWS)]
    second = _real([corpus], db)
    assert (first.coded, first.rejected) == (60, 4)
    assert first.events == counts[1] > 60
    assert (second.read, second.coded, second.skipped, second.events) == (60, 0, 60, 0)
    assert [_count(db, t) for t in tables] == counts
    assert [_rows(db, query) for query in (EVENT_ROWS, ARTICLE_ROWS, DEDUP_ROWS)] == rows


def _report(name: str, outlet: str, day: str, text: str) -> Doc:
    return Doc(name, f"https://news.example/{name}", outlet, day, text)


# One attack (Syrian troops on Turkey, Tuesday 5 March 2024) told by four articles from three
# outlets in four wordings, twice in the first article; dates are the article's own day or
# "on Tuesday" written later in the week. The same day the same troops also threatened Turkey
# (another type), and on Friday attacked again (another day).
REPORTS = [
    _report(
        "ledger-1",
        "The Ledger",
        "2024-03-05",
        "Syrian troops attacked Turkey. "
        "Ankara said the Syrian army had attacked Turkey without warning.",
    ),
    _report(
        "post-1",
        "Border Post",
        "2024-03-06",
        "Syrian soldiers launched an attack on Turkey on Tuesday. "
        "Officials spoke to reporters after the meeting.",
    ),
    _report(
        "wire-1",
        "Evening Wire",
        "2024-03-05",
        "Residents fled the border villages. "
        "Turkey was attacked by Syrian troops, the governor said.",
    ),
    _report("ledger-2", "The Ledger", "2024-03-07", "The Syrian army fired on Turkey on Tuesday."),
    _report("wire-2", "Evening Wire", "2024-03-05", "Syrian troops also threatened Turkey."),
    _report("post-2", "Border Post", "2024-03-09", "On Friday Syrian troops attacked Turkey."),
]


def test_with_the_real_coder_differently_worded_reports_become_one_event(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "corpus" / "reports.jsonl", REPORTS)
    db = tmp_path / "t.duckdb"
    summary = _real([corpus], db)
    dyad = _rows(
        db,
        "SELECT event_date, cameo_base, num_mentions, num_articles, num_sources, first_url,"
        " is_root_event FROM dedup_events"
        " WHERE actor_cameo = 'SYRMIL' AND recipient_cameo = 'TUR'",
    )
    url = "https://news.example/"
    assert dyad == [
        (dt.date(2024, 3, 5), "130", 1, 1, 1, f"{url}wire-2", True),
        (dt.date(2024, 3, 5), "190", 5, 4, 3, f"{url}ledger-1", True),
        (dt.date(2024, 3, 8), "190", 1, 1, 1, f"{url}post-2", True),
    ]
    assert _count(db, "event_mentions") == _count(db, "events") == summary.events
    assert _count(db, "dedup_events") == summary.dedup_events


# --- SIGKILL ---------------------------------------------------------------------------------


def _start(corpus: Path, db: Path, log: Path, coder: str) -> subprocess.Popen[bytes]:
    """An ingest with two workers and small batches, in a process the test can kill."""
    code = "import sys; from tests.ingest_support import main; sys.exit(main(sys.argv[1:]))"
    env = {**os.environ, CODER_LOG_VARIABLE: str(log)}
    return subprocess.Popen(
        [sys.executable, "-c", code, str(corpus), str(db), "2", "16", coder],
        cwd=REPO,
        env=env,
        stderr=subprocess.PIPE,
    )


def _coded_so_far(log: Path) -> int:
    return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0


def _kill_after(
    process: subprocess.Popen[bytes], log: Path, more: int, rng: random.Random
) -> tuple[int | None, set[int]]:
    """SIGKILL the run once it has coded `more` further documents (plus a random instant).

    Returns its exit code and the processes it had started (its coding workers).
    """
    target = _coded_so_far(log) + more
    while process.poll() is None and _coded_so_far(log) < target:
        time.sleep(0.002)
    time.sleep(rng.uniform(0, 0.03))
    workers = _children(process.pid)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    return process.wait(timeout=60), workers


def _wait_gone(pids: set[int], timeout: float = 30) -> set[int]:
    """The processes among `pids` still alive after waiting up to `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while (alive := {pid for pid in pids if _alive(pid)}) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def _children(pid: int) -> set[int]:
    """The live processes whose parent is `pid` (from /proc; empty where there is none)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(pid) and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _by_document(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    grouped: dict[str, list[tuple[Any, ...]]] = {}
    for row in _rows(db, "SELECT doc_key, * EXCLUDE (coded_at) FROM events"):
        grouped.setdefault(row[0], []).append(row)
    return grouped


def _kill_five_times_then_finish(
    corpus: Path, clean: Path, tmp_path: Path, coder: str, seed: int
) -> None:
    """Run the ingest of `corpus` in a subprocess, SIGKILL it at five random moments, check
    the store after each kill, run it to the end, and compare every table with `clean`'s."""
    clean_events = _by_document(clean)
    crashed, log, rng = tmp_path / "crashed.duckdb", tmp_path / "coded.log", random.Random(seed)
    for _ in range(5):
        run = _start(corpus, crashed, log, coder)
        code, workers = _kill_after(run, log, rng.randint(1, 50), rng)
        assert code == -signal.SIGKILL
        assert _wait_gone(workers) == set()  # orphaned workers notice and exit
        if crashed.exists():
            # Every article that made it in has all its events and no others.
            stored = {key for (key,) in _rows(crashed, "SELECT doc_key FROM articles")}
            events = _by_document(crashed)
            assert stored >= set(events)
            for key in stored:
                assert events.get(key, []) == clean_events.get(key, [])
    finish = _start(corpus, crashed, log, coder)
    _, errors = finish.communicate(timeout=300)
    assert finish.returncode == 0, errors.decode()
    for query in (EVENT_ROWS, ARTICLE_ROWS, DEDUP_ROWS, REJECT_ROWS):
        assert _rows(crashed, query) == _rows(clean, query)


@pytest.mark.slow
def test_sigkill_with_the_real_coder_then_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    """The acceptance check: 320 news-like documents coded by the real coder in two workers,
    killed five times; the finished store equals a clean single-process run's, row for row."""
    corpus = write_corpus(tmp_path / "corpus", news_docs(320))
    clean = tmp_path / "clean.duckdb"
    summary = _real([corpus], clean, batch_size=16)
    assert (summary.coded, summary.rejected) == (320, 4)
    assert summary.events > 300
    _kill_five_times_then_finish(corpus, clean, tmp_path, "real", seed=2025)


def test_sigkill_while_the_run_writes_then_rerun_equals_a_clean_run(tmp_path: Path) -> None:
    """The same check with the instant fake coder and no language check, which leaves the
    run itself little to do but write: most of its time goes to DuckDB writes, commits and
    the final dedup, so that is where its kills land (the real coder's land mostly while the
    run waits on its workers)."""
    corpus = write_corpus(tmp_path / "corpus", generated_docs(320))
    clean = tmp_path / "clean.duckdb"
    _ingest([corpus], clean, batch_size=16, language_check=False)
    _kill_five_times_then_finish(corpus, clean, tmp_path, "fake", seed=2024)


class _Terminal(io.StringIO):
    """A stream that says it is a terminal, as standard error is when a user watches."""

    def isatty(self) -> bool:
        return True


def test_on_a_terminal_progress_is_a_rich_bar_with_counts(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", generated_docs(12))
    stream = _Terminal()
    summary = _ingest([corpus], tmp_path / "t.duckdb", progress=True, stream=stream)
    shown = stream.getvalue()
    assert "ingest" in shown
    assert f"12 docs  {summary.events} events" in shown
    assert "docs/s" in shown
