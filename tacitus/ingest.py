"""Coding a corpus into the store: read, skip what is stored, code in workers, write in batches.

The shape of a run, and why:

* The parent process reads the sources and asks the store which documents it already has
  *before* coding them, so a re-run after a crash (or on a grown corpus) codes only what is new.
* Coding runs in worker processes started with 'spawn': not 'fork', which would copy the
  parent's DuckDB connection and threads, and not 'forkserver', whose server outlives a
  SIGKILLed parent (its children hold its pipe open). Each worker builds its coder once from a
  picklable factory, because loading spaCy and the dictionaries is the expensive part.
* Only the parent writes, one transaction per batch, so an article and its events land
  together or not at all and a SIGKILL at any moment loses at most the batches in flight.
* Each batch queues the dedup units its mentions fall in, and the end of the run clusters
  just those units again (`tacitus.store.dedup`); a run with other dedup settings than the
  store's rebuilds deduplication whole instead.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeRemainingColumn

import tacitus
from tacitus.limits import LimitExceeded, code_within_limits
from tacitus.records import Article, EventRecord, Reject
from tacitus.sources.language import detect_language
from tacitus.store import (
    DEFAULT_DB_PATH,
    CodedArticle,
    DedupSettings,
    RunStore,
    Store,
    doc_key,
)
from tacitus.store.schema import scalar

#: Articles per write transaction (and per unit of work sent to a coding process).
DEFAULT_BATCH_SIZE = 100
#: Without a terminal, a plain progress line is printed every this many documents.
LOG_EVERY = 1000


class CoderLike(Protocol):
    """What ingest needs from a coder (tacitus.events.coder.Coder has it)."""

    def code_article(self, article: Article) -> list[EventRecord]: ...

    def code_articles(
        self, articles: Iterable[Article]
    ) -> Iterator[tuple[Article, list[EventRecord]]]: ...


#: Builds a coder; must be picklable (a module-level function or a functools.partial of one),
#: because each worker process calls it once.
CoderFactory = Callable[[], CoderLike]


class Reader(Protocol):
    """Turns input paths into articles and rejects (tacitus.sources.read_paths by default)."""

    def __call__(
        self, paths: Sequence[Path], *, date_from: dt.date | None, date_to: dt.date | None
    ) -> Iterable[Article | Reject]: ...


def default_coder_factory() -> CoderLike:
    """The coder with the built-in dictionaries (imported here: spaCy is slow to import)."""
    from tacitus.events.coder import build_coder

    return build_coder()


def read_sources(
    paths: Sequence[Path], *, date_from: dt.date | None, date_to: dt.date | None
) -> Iterable[Article | Reject]:
    """The default reader: every format tacitus.sources knows, minus the language check,
    which the ingest runs where it codes (see `_code_batch`)."""
    from tacitus.sources import read_paths

    return read_paths(paths, date_from=date_from, date_to=date_to, language_check=False)


def coder_version(coder: object) -> str:
    """What to record as having coded an article: the coder's own version, else Tacitus's."""
    return str(getattr(coder, "version", None) or f"tacitus {tacitus.__version__}")


@dataclass
class IngestSummary:
    """What a run did. `skipped` counts documents already stored (or repeated in the input)."""

    read: int = 0
    coded: int = 0
    skipped: int = 0
    rejected: int = 0
    events: int = 0
    seconds: float = 0.0
    dedup_events: int = 0
    run_id: int | None = None

    def run_counts(self) -> dict[str, int]:
        return {
            "documents_read": self.read,
            "documents_coded": self.coded,
            "documents_skipped": self.skipped,
            "documents_rejected": self.rejected,
            "events_written": self.events,
        }


@dataclass
class RecodeSummary:
    """What a re-coding did: articles re-coded, events they now have, rejects, time."""

    articles: int = 0
    events: int = 0
    rejected: int = 0
    seconds: float = 0.0
    dedup_events: int = 0


# --- coding, in this process or in workers -------------------------------------------------


@dataclass
class _Work:
    """One batch: articles to code and rejects met while reading them (written together)."""

    articles: list[Article] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


_Coded = tuple[list[CodedArticle], list[Reject]]

_worker_coder: CoderLike | None = None


#: How often (seconds) a worker checks that the run it works for is still alive.
_PARENT_CHECK_SECONDS = 1.0


def _exit_when_orphaned(run: int) -> None:
    """End this worker once the run that started it is gone (e.g. it was SIGKILLed).

    A pool worker waits for tasks on a queue whose pipe it also holds the writing end of, so
    it would never see the run die and would linger forever; a changed parent pid gives it
    away (the run is the parent, since workers are spawned directly).
    """
    while os.getppid() == run:
        time.sleep(_PARENT_CHECK_SECONDS)
    os._exit(1)


def _init_worker(factory: CoderFactory, run: int) -> None:
    """Set a worker up: watch the run's process (`run`, its pid), then build the coder.

    The run's pid comes from the run itself, not from `os.getppid()` here: a worker still
    starting when the run is killed would otherwise take its new parent for the run.
    """
    global _worker_coder
    watch = threading.Thread(target=_exit_when_orphaned, args=(run,), daemon=True)
    watch.start()
    _worker_coder = factory()


def _code_in_worker(articles: list[Article], language_check: bool) -> _Coded:
    assert _worker_coder is not None, "worker started without _init_worker"
    return _code_batch(_worker_coder, articles, language_check)


def _code_batch(coder: CoderLike, articles: list[Article], language_check: bool) -> _Coded:
    """Code a batch with the coder's batched parse; one bad document costs only itself.

    With `language_check`, a document that is not English is rejected first. The check runs
    here, in the workers, rather than in the reader: it costs milliseconds a document, and
    the reader is one process feeding them all (with two Dask workers it held the run back).
    A document over a limit (`tacitus.limits`) is rejected with the limit's reason, and
    coding goes on with the next one. If the coder fails in another way, the articles not yet
    coded are coded one by one, and those that still fail become rejects. Both the local
    workers and the Dask workers code through here, so both apply the same checks.
    """
    version = coder_version(coder)
    coded: list[CodedArticle] = []
    rejects: list[Reject] = []
    if language_check:
        articles, rejects = _english_only(articles)
    if not articles:
        return coded, rejects
    done = 0
    with _memory_zone(coder):
        try:
            for article, result in code_within_limits(coder, articles):
                done += 1
                if isinstance(result, LimitExceeded):
                    rejects.append(_coder_reject(article, result))
                else:
                    coded.append(CodedArticle(article, result, version))
        except Exception:
            for article in articles[done:]:
                try:
                    coded.append(CodedArticle(article, coder.code_article(article), version))
                except Exception as error:
                    rejects.append(_coder_reject(article, error))
    return coded, rejects


def _memory_zone(coder: CoderLike) -> AbstractContextManager[None]:
    """The coder's memory zone for one batch (`Coder.memory_zone`: spaCy forgets the batch's
    new words at its end, so workers do not grow with the corpus); none if it has none."""
    zone: Callable[[], AbstractContextManager[None]] | None = getattr(coder, "memory_zone", None)
    return zone() if zone is not None else nullcontext()


def _english_only(articles: list[Article]) -> tuple[list[Article], list[Reject]]:
    """The English articles, and a reject for each of the others."""
    english: list[Article] = []
    rejects: list[Reject] = []
    for article in articles:
        if language := detect_language(article.text):
            rejects.append(_reject(article, f"not English (detected: {language})"))
        else:
            english.append(article)
    return english, rejects


def _reject(article: Article, reason: str) -> Reject:
    """A reject for an article, placed where the reader found it."""
    return Reject(article.source_file or article.id, article.position or "", reason, article.id)


def _coder_reject(article: Article, error: Exception) -> Reject:
    """The reject for an article the coder refused: a broken limit says so itself."""
    if isinstance(error, LimitExceeded):
        return _reject(article, str(error))
    return _reject(article, f"coder failed: {type(error).__name__}: {error}")


def _coded(
    work: Iterable[_Work], factory: CoderFactory, workers: int, language_check: bool
) -> Iterator[tuple[_Work, _Coded]]:
    """Each batch with its coding (see `_code_batch`), in input order (so runs are
    reproducible).

    With workers, at most two batches per worker are in flight, so memory stays bounded
    however large the corpus.
    """
    if workers == 1:
        coder = factory()
        for unit in work:
            yield unit, _code_batch(coder, unit.articles, language_check)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(factory, os.getpid())
    ) as pool:
        pending: deque[tuple[_Work, Future[_Coded]]] = deque()
        try:
            for unit in work:
                pending.append((unit, pool.submit(_code_in_worker, unit.articles, language_check)))
                if len(pending) >= 2 * workers:
                    done, result = pending.popleft()
                    yield done, result.result()
            while pending:
                done, result = pending.popleft()
                yield done, result.result()
        finally:
            for _, result in pending:
                result.cancel()


# --- progress ------------------------------------------------------------------------------


class _Reporter(AbstractContextManager["_Reporter"]):
    """Shows a run's progress: a rich bar on a terminal, else a plain line every LOG_EVERY docs.

    `total` and `done` are in whatever unit the run can measure ahead (input bytes for an
    ingest, articles for a re-code); the ETA comes from them.
    """

    def __init__(self, label: str, total: int | None, enabled: bool, stream: TextIO) -> None:
        self.label = label
        self.total = total or None
        self.stream = stream
        self.started = time.perf_counter()
        self.last_logged = 0
        self.rich: Progress | None = None
        self.enabled = enabled
        if enabled and stream.isatty():
            self.rich = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[status]}"),
                TimeRemainingColumn(),
                console=Console(file=stream),
                transient=False,
            )
            self.task = self.rich.add_task(label, total=self.total, status="")

    def __enter__(self) -> _Reporter:
        if self.rich is not None:
            self.rich.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.rich is not None:
            self.rich.stop()

    def update(self, docs: int, events: int, done: int, force: bool = False) -> None:
        if not self.enabled:
            return
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        status = f"{docs:,} docs  {events:,} events  {docs / elapsed:,.1f} docs/s"
        if self.rich is not None:
            self.rich.update(self.task, completed=done, status=status)
        elif force or docs - self.last_logged >= LOG_EVERY:
            self.last_logged = docs
            eta = ""
            if self.total and 0 < done < self.total:
                eta = f", about {elapsed * (self.total - done) / done:,.0f} s left"
            print(f"{self.label}: {status}{eta}", file=self.stream, flush=True)


class _InputSizes:
    """Input bytes consumed so far, judged by which file the reader has reached (for the ETA)."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.sizes: dict[str, int] = {}
        for path in paths:
            files = sorted(path.rglob("*")) if path.is_dir() else [path]
            for file in files:
                if file.is_file():
                    self.sizes[str(file)] = file.stat().st_size
        self.total = sum(self.sizes.values())
        self.done = 0
        self.current: str | None = None

    def reached(self, source_file: str | None) -> None:
        if source_file is None or source_file == self.current:
            return
        if self.current is not None:
            self.done += self.sizes.get(self.current, 0)
        self.current = source_file


# --- ingest --------------------------------------------------------------------------------


def new_articles(
    articles: Sequence[Article], store: Store | RunStore, pending: set[str]
) -> list[Article]:
    """The articles to code: those whose key is neither stored nor in `pending` (handed out
    earlier in the run), each key once. Their keys join `pending` until they are written.

    One store query for the whole list; the Dask path (tacitus.scale) skips the same way.
    """
    keys = [doc_key(a) for a in articles]
    known = store.existing_keys(keys) | pending
    fresh: list[Article] = []
    for article, key in zip(articles, keys, strict=True):
        if key not in known:
            known.add(key)
            pending.add(key)
            fresh.append(article)
    return fresh


def _work_units(
    items: Iterable[Article | Reject],
    store: Store | RunStore,
    summary: IngestSummary,
    batch_size: int,
    pending: set[str],
    on_read: Callable[[Article], None],
) -> Iterator[_Work]:
    """Batches of articles not yet stored, checked against the store a batch at a time.

    `pending` holds the keys handed out but not yet written, so a document repeated within
    the run is coded once.
    """
    unit = _Work()
    waiting: list[Article] = []

    def check() -> None:
        fresh = new_articles(waiting, store, pending)
        summary.skipped += len(waiting) - len(fresh)
        unit.articles.extend(fresh)
        waiting.clear()

    for item in items:
        if isinstance(item, Reject):
            summary.rejected += 1
            unit.rejects.append(item)
            if len(unit.rejects) >= batch_size:
                yield unit
                unit = _Work()
            continue
        summary.read += 1
        on_read(item)
        waiting.append(item)
        if len(waiting) < batch_size:
            continue
        check()
        # A batch that is full, or all skipped (so progress still moves while resuming).
        if len(unit.articles) >= batch_size or not unit.articles:
            yield unit
            unit = _Work()
    check()
    if unit.articles or unit.rejects:
        yield unit


def ingest(
    paths: Sequence[str | Path],
    db_path: str | Path = DEFAULT_DB_PATH,
    *,
    workers: int = 1,
    coder_factory: CoderFactory = default_coder_factory,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = True,
    reader: Reader = read_sources,
    language_check: bool = True,
    dedup_settings: DedupSettings | None = None,
    stream: TextIO | None = None,
) -> IngestSummary:
    """Code every new document under `paths` into the store at `db_path`.

    Documents whose key is already stored are skipped before coding, so running the same
    command again after a crash resumes where the last committed batch ended. `date_from` and
    `date_to` limit the documents read to those published in that window (undated ones are
    kept); `language_check` rejects documents that are not English. Progress goes to
    `stream` (standard error by default). The run holds the database's run lock throughout
    and the file itself only while it writes (`RunStore`): another run fails at once with
    `StoreBusy`, readers get in between batches.
    """
    if workers < 1 or batch_size < 1:
        raise ValueError("workers and batch_size must be at least 1")
    started = time.perf_counter()
    inputs = [Path(p) for p in paths]
    sizes = _InputSizes(inputs)
    summary = IngestSummary()
    pending: set[str] = set()
    with RunStore(db_path, "ingest") as store:
        summary.run_id = store.start_run("ingest", [str(p) for p in inputs], workers)
        status = "failed"
        try:
            items = reader(inputs, date_from=date_from, date_to=date_to)
            report = _Reporter("ingest", sizes.total, progress, stream or sys.stderr)
            with report:
                units = _work_units(
                    items,
                    store,
                    summary,
                    batch_size,
                    pending,
                    lambda article: sizes.reached(article.source_file),
                )
                for unit, (coded, rejects) in _coded(units, coder_factory, workers, language_check):
                    result = store.write_batch(coded, unit.rejects + rejects, summary.run_id)
                    summary.coded += result.articles
                    summary.events += result.events
                    summary.rejected += len(rejects)
                    pending.difference_update(doc_key(a) for a in unit.articles)
                    report.update(summary.read, summary.events, sizes.done)
                sizes.reached("")
                report.update(summary.read, summary.events, sizes.total, force=True)
            summary.dedup_events = store.catch_up_dedup(dedup_settings)
            status = "done"
        finally:
            summary.seconds = time.perf_counter() - started
            store.finish_run(summary.run_id, status, summary.run_counts())
    return summary


def recode(
    db_path: str | Path = DEFAULT_DB_PATH,
    coder_factory: CoderFactory = default_coder_factory,
    *,
    workers: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = True,
    dedup_settings: DedupSettings | None = None,
    stream: TextIO | None = None,
) -> RecodeSummary:
    """Code every stored article again (after a dictionary change), then bring deduplication
    up to date with the new events.

    Each batch replaces its articles' events in one transaction, so an interrupted re-code
    leaves every article with either its old events or its new ones, never a mix. Like
    `ingest`, it holds the run lock throughout and the file only while it reads or writes.
    """
    if workers < 1 or batch_size < 1:
        raise ValueError("workers and batch_size must be at least 1")
    started = time.perf_counter()
    summary = RecodeSummary()
    with RunStore(db_path, "recode") as store:
        run_id = store.start_run("recode", [str(db_path)], workers)
        status = "failed"
        try:
            with store.session() as open_store:
                total = int(scalar(open_store.conn, "SELECT count(*) FROM articles"))
            units = (_Work(batch) for batch in store.iter_articles(batch_size))
            with _Reporter("recode", total, progress, stream or sys.stderr) as report:
                # Stored articles passed the language check when they were ingested.
                for _unit, (coded, rejects) in _coded(units, coder_factory, workers, False):
                    summary.events += store.replace_events(coded, rejects, run_id)
                    summary.articles += len(coded)
                    summary.rejected += len(rejects)
                    done = summary.articles + summary.rejected
                    report.update(done, summary.events, done)
                report.update(summary.articles, summary.events, total, force=True)
            summary.dedup_events = store.catch_up_dedup(dedup_settings)
            status = "done"
        finally:
            summary.seconds = time.perf_counter() - started
            counts = {
                "documents_read": summary.articles + summary.rejected,
                "documents_coded": summary.articles,
                "documents_rejected": summary.rejected,
                "events_written": summary.events,
            }
            store.finish_run(run_id, status, counts)
    return summary
