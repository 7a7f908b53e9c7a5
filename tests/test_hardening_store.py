"""Store concurrency: one run at a time (the run lock), readers between a run's batches.

* Two `tacitus ingest` processes on one database: one finishes, the other fails at once with
  exit code 3 and a message naming the first; the database equals a single run's.
* While an ingest runs, a reader opens the file between batches and always sees whole
  batches: every stored article with exactly its events (what `tacitus serve` relies on).
* Opening a busy file waits when asked to, in both directions (reader behind a writer's
  batch, writer behind a reader's request).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tacitus.ingest import coder_version, ingest, recode
from tacitus.records import Article, EventRecord
from tacitus.store import CodedArticle, RunLock, RunStore, Store, StoreBusy
from tacitus.store.attach import attach_waiting
from tacitus.store.db import lock_path
from tests.ingest_support import (
    FakeCoder,
    generated_docs,
    make_fake_coder,
    make_real_coder,
    news_docs,
    write_corpus,
)

REPO = Path(__file__).resolve().parents[1]
#: Seconds any wait in these tests may last before the test gives up (never reached when
#: things work; a bound so that a broken lock fails the test instead of hanging it).
PATIENCE = 120

# Everything but the timestamps and run ids, which differ between any two runs.
QUERIES = (
    "SELECT * EXCLUDE (coded_at) FROM events",
    "SELECT * EXCLUDE (coded_at, run_id) FROM articles",
    "SELECT * EXCLUDE (date_added) FROM dedup_events",
    "SELECT file, position, reason FROM rejects",
)


def _rows(db: Path, query: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return sorted(conn.execute(query).fetchall(), key=repr)


def _python(code: str, *args: str, **options: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=REPO, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **options,
    )


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=PATIENCE)


# --- the run lock ----------------------------------------------------------------------------


HOLD_LOCK = """
    import sys, time
    from tacitus.store import RunLock
    with RunLock(sys.argv[1], "ingest"):
        print("held", flush=True)
        time.sleep(600)
"""


def test_a_second_run_fails_at_once_naming_the_first_and_a_killed_run_frees_the_lock(
    tmp_path: Path,
) -> None:
    db = tmp_path / "t.duckdb"
    holder = _python(HOLD_LOCK, str(db))
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(StoreBusy) as busy:
            RunLock(db, "ingest").__enter__()
        message = str(busy.value)
        assert f"ingest, pid {holder.pid}, since " in message
        assert "being written by another run" in message and str(lock_path(db)) in message
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=PATIENCE)
        with RunLock(db, "recode"):  # the kernel dropped the dead run's lock
            assert lock_path(db).read_text().startswith(f"recode, pid {os.getpid()}")
    finally:
        _stop(holder)


def test_recode_refuses_while_an_ingest_holds_the_run_lock(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    Store.open(db).close()
    with RunLock(db, "ingest"), pytest.raises(StoreBusy, match="another run"):
        recode(db, make_fake_coder, progress=False)
    assert _rows(db, "SELECT count(*) FROM runs") == [(0,)]  # refused before it wrote


def test_two_tacitus_ingests_one_finishes_the_other_fails_at_once(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", news_docs(12), files=2)
    clean = tmp_path / "clean.duckdb"
    ingest([corpus], clean, coder_factory=make_real_coder, progress=False)
    db = tmp_path / "t.duckdb"
    command = [sys.executable, "-m", "tacitus.cli.main", "ingest", str(corpus), "--db", str(db)]
    runs = [subprocess.Popen(command, cwd=REPO, text=True, stderr=subprocess.PIPE)
            for _ in range(2)]
    ended = [(run.communicate(timeout=PATIENCE)[1], run) for run in runs]
    outcomes = sorted(((run.returncode, errors, run.pid) for errors, run in ended),
                      key=lambda outcome: outcome[0])
    (won, _, winner), (lost, message, _) = outcomes
    assert (won, lost) == (0, 3)
    assert "being written by another run" in message and f"pid {winner}" in message
    assert "document(s) coded" not in message  # it stopped before doing anything
    for query in QUERIES:
        assert _rows(db, query) == _rows(clean, query)
    assert _rows(db, "SELECT kind, status FROM runs") == [("ingest", "done")]


# --- readers between batches ---------------------------------------------------------------


#: The environment variable naming the folder through which a gated coder and a test talk.
GATE_VARIABLE = "TACITUS_TEST_GATE"


class GatedCoder(FakeCoder):
    """The fake coder, made to wait before each batch until the test says go: it writes
    `ready-N` when it reaches batch N and codes it once `go-N` exists. While it waits, the
    run has written batches 0..N-1 and holds no connection to the database."""

    def __init__(self, gate: Path) -> None:
        super().__init__()
        self.gate = gate
        self.batches = 0

    def code_articles(
        self, articles: Iterable[Article]
    ) -> Iterator[tuple[Article, list[EventRecord]]]:
        (self.gate / f"ready-{self.batches}").touch()
        deadline = time.monotonic() + PATIENCE
        while not (self.gate / f"go-{self.batches}").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        self.batches += 1
        yield from super().code_articles(articles)


def make_gated_coder() -> GatedCoder:
    return GatedCoder(Path(os.environ[GATE_VARIABLE]))


GATED_INGEST = """
    import sys
    from pathlib import Path
    from tacitus.ingest import ingest
    from tests.test_hardening_store import make_gated_coder
    ingest([Path(sys.argv[1])], Path(sys.argv[2]), batch_size=int(sys.argv[3]),
           coder_factory=make_gated_coder, language_check=False, progress=False)
"""


def _wait_for(path: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + PATIENCE
    while not path.exists():
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, f"{path.name} never came"
        time.sleep(0.01)


def _snapshot(db: Path) -> tuple[dict[str, int], str]:
    """Events per stored article, and the run's status, as a reader sees them now."""
    with Store.open(db, read_only=True, wait=PATIENCE) as store:
        store.conn.begin()
        counts = store.conn.execute(
            "SELECT a.doc_key, count(e.mention_id) FROM articles a"
            " LEFT JOIN events e USING (doc_key) GROUP BY a.doc_key"
        ).fetchall()
        [(status,)] = store.conn.execute("SELECT status FROM runs").fetchall()
    return {key: int(n) for key, n in counts}, str(status)


def test_readers_see_every_batch_whole_while_an_ingest_runs(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", generated_docs(50), files=2)
    clean = tmp_path / "clean.duckdb"
    ingest([corpus], clean, batch_size=10, coder_factory=make_fake_coder,
           language_check=False, progress=False)
    expected = dict(_rows(clean, "SELECT doc_key, count(*) FROM events GROUP BY doc_key"))
    gate, db = tmp_path / "gate", tmp_path / "t.duckdb"
    gate.mkdir()
    run = _python(GATED_INGEST, str(corpus), str(db), "10",
                  env={**os.environ, GATE_VARIABLE: str(gate)})
    try:
        for batch in range(5):
            _wait_for(gate / f"ready-{batch}", run)
            events, status = _snapshot(db)
            assert len(events) == 10 * batch  # whole batches only
            assert all(events[key] == expected.get(key, 0) for key in events)
            assert status == "running"
            (gate / f"go-{batch}").touch()
        _, errors = run.communicate(timeout=PATIENCE)
        assert run.returncode == 0, errors
    finally:
        _stop(run)
    events, status = _snapshot(db)
    assert (len(events), status) == (50, "done")
    for query in QUERIES:
        assert _rows(db, query) == _rows(clean, query)


HOLD_OPEN = """
    import sys
    from tacitus.store import Store
    with Store.open(sys.argv[1], read_only=sys.argv[2] == "read"):
        print("open", flush=True)
        sys.stdin.readline()
"""


@pytest.mark.parametrize("holder", ["write", "read"])
def test_an_open_waits_for_the_other_side_to_close_when_asked(
    tmp_path: Path, holder: str
) -> None:
    """A reader behind a run's batch, and a run's batch behind a reader's request."""
    db = tmp_path / "t.duckdb"
    Store.open(db).close()
    other = _python(HOLD_OPEN, str(db), holder, stdin=subprocess.PIPE)
    try:
        assert other.stdout is not None and other.stdout.readline() == "open\n"
        opposite = holder == "write"  # a reader opens behind a writer, and the reverse
        with pytest.raises(StoreBusy, match="another process"):
            Store.open(db, read_only=opposite)
        assert other.stdin is not None
        other.stdin.write("close\n")
        other.stdin.flush()
        with Store.open(db, read_only=opposite, wait=PATIENCE) as store:
            assert store.read_only is opposite
    finally:
        _stop(other)


def test_attaching_afresh_waits_for_a_reader_that_took_the_file(tmp_path: Path) -> None:
    """Deduplication attaches the file afresh between its steps, and a reader may open it in
    between; the step then waits for the reader, as a run's batch does."""
    db = tmp_path / "t.duckdb"
    Store.open(db).close()
    reader = _python(HOLD_OPEN, str(db), "read", stdin=subprocess.PIPE)
    conn = duckdb.connect()
    try:
        assert reader.stdout is not None and reader.stdout.readline() == "open\n"
        with pytest.raises(duckdb.IOException, match="lock"):
            attach_waiting(conn, db, wait=0)
        assert reader.stdin is not None
        reader.stdin.write("close\n")
        reader.stdin.flush()
        attach_waiting(conn, db, wait=PATIENCE)
        assert conn.execute("SELECT count(*) FROM dedup_events").fetchall() == [(0,)]
    finally:
        conn.close()
        _stop(reader)


def test_a_run_writes_each_batch_in_its_own_session_and_leaves_no_wal(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    coder = FakeCoder()
    docs = generated_docs(3)
    articles = [Article(id=d.id, text=d.text, url=d.url) for d in docs]
    with RunStore(db, "ingest") as store:
        run_id = store.start_run("ingest", [], 1)
        for article in articles:
            coded = CodedArticle(article, coder.code_article(article), coder_version(coder))
            store.write_batch([coded], run_id=run_id)
            assert not Path(f"{db}.wal").exists()  # checkpointed: the file alone is the store
            with Store.open(db, read_only=True) as reader:  # and free between batches
                assert reader.existing_keys([article.url or ""]) == {article.url}
