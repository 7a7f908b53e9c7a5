"""Ingest on Dask: a scheduler and workers as separate OS processes must store exactly what a
single process stores, even when a worker is killed mid-run or the client dies and re-runs.

Which columns the comparisons leave out, and why: `coded_at` (events, articles), `run_id`
(articles), `date_added` (dedup_events, the earliest `coded_at`) and the rejects' `seen_at`
and `run_id` record *when* and *by which run* a row was written, so they differ between any
two runs, Dask or not. Every other column, ids and mention ids included, must be equal.
"""

from __future__ import annotations

import functools
import io
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import duckdb
import pytest
from distributed import Client

import tacitus.cli.main as cli
from tacitus.ingest import ingest
from tacitus.scale import ingest_on_dask
from tests.ingest_support import (
    generated_docs,
    make_fake_coder,
    make_real_coder,
    news_docs,
    write_corpus,
)
from tests.scale_support import REPO, ProcessCluster, codings, traced, traced_coder

DOCS = 240
#: Documents per partition in these tests: 12 partitions, so both workers get several.
PARTITION_DOCS = 20

TABLES = (
    "SELECT * EXCLUDE (coded_at) FROM events",
    "SELECT * EXCLUDE (coded_at, run_id) FROM articles",
    "SELECT * EXCLUDE (date_added) FROM dedup_events",
    "SELECT * FROM event_mentions",
    "SELECT file, position, reason, doc_id FROM rejects",
)


def _tables(db: Path) -> list[list[tuple[Any, ...]]]:
    """Every table's rows (sorted) without the run-specific columns."""
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return [sorted(conn.execute(query).fetchall(), key=repr) for query in TABLES]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProcessCluster]:
    with ProcessCluster(tmp_path_factory.mktemp("cluster")) as running:
        yield running


@pytest.fixture
def client(cluster: ProcessCluster) -> Iterator[Client]:
    with cluster.client() as connected:
        yield connected


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """News-like documents in four files (a broken line in each) and the reference: a
    single-process ingest of them with the real coder."""
    root = tmp_path_factory.mktemp("news")
    corpus = write_corpus(root / "corpus", news_docs(DOCS))
    clean = root / "clean.duckdb"
    summary = ingest([corpus], clean, coder_factory=make_real_coder, progress=False)
    assert (summary.coded, summary.rejected) == (DOCS, 4)
    return corpus, clean


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Documents for the fake coder, and their single-process ingest (no language check, as
    in the Dask runs that are compared with it)."""
    root = tmp_path_factory.mktemp("generated")
    corpus = write_corpus(root / "corpus", generated_docs(DOCS))
    clean = root / "clean.duckdb"
    ingest([corpus], clean, coder_factory=make_fake_coder, language_check=False, progress=False)
    return corpus, clean


def test_two_worker_processes_store_what_one_process_stores(
    cluster: ProcessCluster, client: Client, news: tuple[Path, Path], tmp_path: Path
) -> None:
    """Acceptance 1: the real coder on a scheduler and two workers in their own processes."""
    corpus, clean = news
    log = tmp_path / "coded.log"
    db = tmp_path / "dask.duckdb"
    summary = ingest_on_dask(
        [corpus],
        db,
        client,
        coder_factory=functools.partial(traced_coder, str(log), 0.0, True),
        partition_docs=PARTITION_DOCS,
        progress=False,
    )
    assert (summary.read, summary.coded, summary.skipped, summary.rejected) == (DOCS, DOCS, 0, 4)
    assert summary.partitions == DOCS // PARTITION_DOCS
    assert summary.events > DOCS
    assert {pid for pid, _ in traced(log)} == cluster.worker_pids()  # both workers coded
    assert set(codings(log).values()) == {1}  # every document once
    assert _tables(db) == _tables(clean)
    assert not db.with_name("dask.duckdb.shards").exists()  # merged shards deleted


def test_a_worker_killed_mid_partition_changes_nothing(
    generated: tuple[Path, Path], tmp_path: Path
) -> None:
    """Acceptance 2: one of two workers is SIGKILLed halfway through its second partition
    (by its own coder, so the moment is exact on a loaded machine too); its task runs again
    on the other worker and the store is still the single-process one."""
    corpus, clean = generated
    log = tmp_path / "coded.log"
    halfway = PARTITION_DOCS * 3 // 2
    factory = functools.partial(
        traced_coder, str(log), 0.0, die_after=halfway, marker=str(tmp_path / "killed")
    )
    with ProcessCluster(tmp_path / "cluster") as cluster, cluster.client() as client:
        started = cluster.worker_pids()
        summary = ingest_on_dask(
            [corpus],
            tmp_path / "dask.duckdb",
            client,
            coder_factory=factory,
            partition_docs=PARTITION_DOCS,
            language_check=False,
            progress=False,
        )
        survivors = cluster.worker_pids()
    (killed,) = started - survivors
    assert len(survivors) == 1
    by_killed = [doc for pid, doc in traced(log) if pid == killed]
    by_survivor = {doc for pid, doc in traced(log) if pid != killed}
    assert len(by_killed) == halfway
    # The partition the kill interrupted was coded again, from its start, by the survivor.
    assert set(by_killed[PARTITION_DOCS:]) <= by_survivor
    assert summary.coded == DOCS
    assert _tables(tmp_path / "dask.duckdb") == _tables(clean)


def _quiet(log: Path, still: float = 1.0, timeout: float = 60) -> None:
    """Wait until nothing has been coded for `still` seconds (the workers are idle)."""
    deadline = time.monotonic() + timeout
    size, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = log.stat().st_size if log.exists() else 0
        if now != size:
            size, since = now, time.monotonic()
        elif time.monotonic() - since >= still:
            return
        time.sleep(0.05)
    raise TimeoutError(f"the workers kept coding for {timeout} s")


def test_after_a_client_crash_the_rerun_merges_the_shards_already_written(
    cluster: ProcessCluster, client: Client, generated: tuple[Path, Path], tmp_path: Path
) -> None:
    """SIGKILL the client mid-run: the workers finish the partitions they hold and write
    their shards; the re-run merges those instead of coding them again, so every document
    is coded exactly once in all, and the store is the single-process one."""
    corpus, clean = generated
    log, db, shards = tmp_path / "coded.log", tmp_path / "dask.duckdb", tmp_path / "shards"
    code = "import sys; from tests.scale_support import main; sys.exit(main(sys.argv[1:]))"
    arguments = [str(cluster.scheduler_file), str(corpus), str(db), str(shards), str(log)]
    run = subprocess.Popen(
        [sys.executable, "-c", code, *arguments, "0.01", str(PARTITION_DOCS)], cwd=REPO
    )
    try:
        while run.poll() is None and len(traced(log)) < 3 * PARTITION_DOCS:
            time.sleep(0.002)
    finally:
        run.kill()
        run.wait()
    _quiet(log)
    left = list(shards.glob("*.parquet"))
    summary = ingest_on_dask(
        [corpus],
        db,
        client,
        shard_dir=shards,
        coder_factory=functools.partial(traced_coder, str(log), 0.01),
        partition_docs=PARTITION_DOCS,
        language_check=False,
        progress=False,
    )
    assert left and 1 <= summary.resumed <= len(left)
    assert summary.coded + summary.skipped == DOCS
    assert set(codings(log).values()) == {1} and len(codings(log)) == DOCS
    assert _tables(db) == _tables(clean)


class _Terminal(io.StringIO):
    """A stream that says it is a terminal, as standard error is when a user watches."""

    def isatty(self) -> bool:
        return True


def test_progress_follows_the_tasks_as_they_finish(
    client: Client, generated: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, _ = generated
    stream = _Terminal()
    summary = ingest_on_dask(
        [corpus],
        tmp_path / "dask.duckdb",
        client,
        coder_factory=make_fake_coder,
        partition_docs=PARTITION_DOCS,
        language_check=False,
        stream=stream,
    )
    shown = stream.getvalue()
    assert "ingest" in shown and "docs/s" in shown
    assert f"{DOCS} docs  {summary.events} events" in shown


def _fake_factory(args: object) -> object:
    """Stands in for the CLI's coder factory: the built-in coder would load spaCy again."""
    return make_fake_coder


def test_the_command_line_runs_on_a_scheduler_and_keeps_shards_if_asked(
    cluster: ProcessCluster,
    generated: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus, _ = generated
    monkeypatch.setattr(cli, "_factory", _fake_factory)
    db, shards = tmp_path / "cli.duckdb", tmp_path / "shards"
    argv = ["ingest", str(corpus), "--db", str(db), "--dask", str(cluster.scheduler_file)]
    assert cli.main([*argv, "--shards", str(shards), "--keep-shards"]) == 0
    kept = sorted(shards.glob("*.parquet"))
    assert kept  # one per partition, merged and kept
    assert cli.main(argv) == 0  # nothing new: no partition sent, the shards untouched
    assert sorted(shards.glob("*.parquet")) == kept
    conn = duckdb.connect(str(db), read_only=True)
    try:
        runs = conn.execute("SELECT documents_coded, documents_skipped FROM runs").fetchall()
        from_shards = conn.execute(
            f"SELECT count(*) FROM read_parquet('{shards}/*.parquet') WHERE article IS NOT NULL"
        ).fetchall()
    finally:
        conn.close()
    assert runs == [(DOCS, 0), (0, DOCS)]
    assert from_shards == [(DOCS,)]


def test_the_command_line_starts_a_local_cluster_and_ends_it(
    generated: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, clean = generated
    monkeypatch.setattr(cli, "_factory", _fake_factory)
    db = tmp_path / "local.duckdb"
    assert cli.main(["ingest", str(corpus), "--db", str(db), "--dask-local", "1"]) == 0
    # The same rows as the reference, apart from the language check this run made.
    conn = duckdb.connect(str(db), read_only=True)
    try:
        count = conn.execute("SELECT count(*) FROM articles").fetchall()
    finally:
        conn.close()
    assert count == [(DOCS,)]
    assert _tables(db)[0] == _tables(clean)[0]


def test_dask_and_local_workers_do_not_mix(tmp_path: Path) -> None:
    argv = ["ingest", str(tmp_path), "--db", str(tmp_path / "t.duckdb")]
    assert cli.main([*argv, "--dask-local", "2", "--workers", "2"]) == 2
    assert cli.main([*argv, "--dask-local", "0"]) == 2
    with pytest.raises(SystemExit):
        cli.main([*argv, "--dask-local", "2", "--dask", "tcp://127.0.0.1:8786"])


def test_an_unreachable_scheduler_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["ingest", str(tmp_path), "--db", str(tmp_path / "t.duckdb")]
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        assert cli.main([*argv, "--dask", "tcp://127.0.0.1:9"]) == 2
    error = " ".join(capsys.readouterr().err.split())
    assert error.startswith("error cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert not (tmp_path / "t.duckdb").exists()
