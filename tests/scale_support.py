"""Test helpers for the Dask path: a cluster of real OS processes, and a coder that reports.

`ProcessCluster` starts what a user starts on two machines, here on 127.0.0.1: `dask scheduler`
writing a scheduler file, and `dask worker` processes (one process, one thread each, no nanny,
so a worker killed stays dead). Their HTTP servers (health and metrics, served even with
--no-dashboard) are told 127.0.0.1 too, or they would listen on every interface. Every
process is ended when the block ends, even on failure; as a last resort the scheduler stops
itself when idle and the workers when it is gone.

`traced_coder` wraps the fake or the real coder: it appends "PID ARTICLE-ID" to a log file for
every article it codes (which worker coded what, and how far a run has got), can slow each
article down (so a test can act while a run is in the middle of it), and can kill the first
worker process that reaches a given article count. It is a module-level function, hence
importable by the workers (their PYTHONPATH is the repository).
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

from distributed import Client

from tacitus.ingest import CoderLike, coder_version
from tacitus.records import Article, EventRecord
from tacitus.scale import ingest_on_dask
from tests.ingest_support import FakeCoder, make_real_coder

REPO = Path(__file__).resolve().parents[1]
DASK = Path(sys.executable).with_name("dask")
#: How long a cluster may take to come up (slow when other work shares the machine).
START_TIMEOUT = 120


class TracedCoder:
    """A coder that logs "PID ID" per article coded and sleeps `delay` seconds per article.

    With `die_after`, the first process to code that many articles SIGKILLs itself right
    after logging the last of them (it claims `marker` first, so only one process dies): a
    worker killed at a known point in the middle of a partition, however loaded the machine.
    """

    def __init__(
        self, coder: CoderLike, log: Path, delay: float, die_after: int, marker: Path | None
    ) -> None:
        self.coder = coder
        self.log = log
        self.delay = delay
        self.die_after = die_after
        self.marker = marker
        self.count = 0
        self.version = coder_version(coder)

    def _traced(self, article: Article) -> None:
        time.sleep(self.delay)
        with self.log.open("a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {article.id}\n")
        self.count += 1
        if self.count == self.die_after and self.marker is not None and self._claim(self.marker):
            os.kill(os.getpid(), signal.SIGKILL)

    @staticmethod
    def _claim(marker: Path) -> bool:
        try:
            marker.open("x").close()
        except FileExistsError:
            return False
        return True

    def code_article(self, article: Article) -> list[EventRecord]:
        records = self.coder.code_article(article)
        self._traced(article)
        return records

    def code_articles(
        self, articles: Iterable[Article]
    ) -> Iterator[tuple[Article, list[EventRecord]]]:
        for article, records in self.coder.code_articles(articles):
            self._traced(article)
            yield article, records


def traced_coder(
    log: str, delay: float = 0.0, real: bool = False, die_after: int = 0, marker: str = ""
) -> CoderLike:
    """The fake (or real) coder, traced to `log`; give it to ingest as a functools.partial."""
    inner = make_real_coder() if real else FakeCoder()
    return TracedCoder(inner, Path(log), delay, die_after, Path(marker) if marker else None)


def traced(log: Path) -> list[tuple[int, str]]:
    """The (pid, article id) pairs a traced coder has logged so far, in order."""
    if not log.exists():
        return []
    pairs = []
    for line in log.read_text(encoding="utf-8").splitlines():
        pid, doc = line.split(" ", 1)
        pairs.append((int(pid), doc))
    return pairs


def codings(log: Path) -> Counter[str]:
    """How many times each article id was coded."""
    return Counter(doc for _, doc in traced(log))


class ProcessCluster:
    """`dask scheduler` and `workers` x `dask worker`, as separate processes on 127.0.0.1."""

    def __init__(self, folder: Path, workers: int = 2) -> None:
        self.folder = folder
        self.scheduler_file = folder / "scheduler.json"
        self.count = workers
        self.scheduler: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> ProcessCluster:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _spawn(self, *arguments: str, log: str) -> subprocess.Popen[bytes]:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        with (self.folder / log).open("wb") as output:
            return subprocess.Popen(
                [str(DASK), *arguments], cwd=REPO, env=env, stdout=output, stderr=output
            )

    def _start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        file = str(self.scheduler_file)
        self.scheduler = self._spawn(
            *("scheduler", "--host", "127.0.0.1", "--port", "0"),
            *("--no-dashboard", "--dashboard-address", "127.0.0.1:0"),
            *("--scheduler-file", file, "--idle-timeout", "600s"),
            log="scheduler.log",
        )
        deadline = time.monotonic() + START_TIMEOUT
        while not self._scheduler_ready():
            if self.scheduler.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the scheduler did not start: see {self.folder}")
            time.sleep(0.1)
        for number in range(self.count):
            worker = self._spawn(
                *("worker", "--scheduler-file", file, "--host", "127.0.0.1"),
                *("--nworkers", "1", "--nthreads", "1", "--no-nanny"),
                *("--no-dashboard", "--dashboard-address", "127.0.0.1:0"),
                *("--death-timeout", "60s", "--name", f"worker-{number}"),
                log=f"worker-{number}.log",
            )
            self.workers.append(worker)
        with self.client() as client:
            client.wait_for_workers(self.count, timeout=START_TIMEOUT)

    def _scheduler_ready(self) -> bool:
        try:
            return bool(json.loads(self.scheduler_file.read_text(encoding="utf-8"))["address"])
        except (OSError, ValueError, KeyError):
            return False

    def client(self) -> Client:
        return Client(scheduler_file=str(self.scheduler_file))  # type: ignore[no-untyped-call]

    def worker_pids(self) -> set[int]:
        return {worker.pid for worker in self.workers if worker.poll() is None}

    def stop(self) -> None:
        """End every process: politely, then by force; the workers first, because a worker
        told to stop while its scheduler is closing can hang in its own shutdown."""
        for group in (self.workers, [self.scheduler] if self.scheduler else []):
            for process in group:
                if process.poll() is None:
                    process.terminate()
            for process in group:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def main(argv: list[str]) -> int:
    """Ingest CORPUS into DB on the cluster of SCHEDULER_FILE with the traced fake coder
    (logging to LOG, DELAY seconds per article), shards in SHARDS, partitions of DOCS
    documents: what the client-crash test runs in a process it can SIGKILL."""
    scheduler_file, corpus, db, shards, log, delay, docs = argv
    with Client(scheduler_file=scheduler_file) as client:  # type: ignore[no-untyped-call]
        ingest_on_dask(
            [Path(corpus)],
            Path(db),
            client,
            shard_dir=Path(shards),
            coder_factory=functools.partial(traced_coder, log, float(delay)),
            partition_docs=int(docs),
            language_check=False,
            progress=False,
        )
    return 0
