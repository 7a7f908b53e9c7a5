"""`tacitus ingest --dask`: the same ingest, with the coding done by the workers of a Dask cluster.

The shape of a run, and why (tacitus.ingest is the single-machine path; this reuses its pieces):

* The client reads the sources itself, as the single-machine path does: the readers catch
  duplicates across all files in one pass, so splitting the reading would change which copy of
  a document wins. It cuts what it reads into partitions by size (tacitus.scale.partitions),
  records the readers' rejects, and drops documents already stored (one query per partition).
  The language check, a few milliseconds a document, runs in the workers instead
  (tacitus.ingest._code_batch): in the client it held two workers back.
* Each worker builds its coder once (tacitus.scale.worker), codes partitions, and writes each
  as a Parquet shard on storage that the client also sees (tacitus.scale.shards).
* The client merges shards with `RunStore.write_rows` as tasks finish, in whatever order (a
  document is in one partition only, and its events' ids depend on the document alone), a
  transaction per MERGE_DOCS documents or so (the run lock held throughout, the file only
  while writing, as the single-machine path). Each transaction queues its dedup units, and the
  end of the run catches deduplication up, exactly as on a single machine.
* At most two partitions per worker thread are in flight, so the memory of the client and of
  the scheduler (which keeps each task's articles until it is done) stays bounded.
* A worker lost mid-task: Dask runs the task again on another worker, which writes the same
  shard. The client lost: the workers finish the tasks they hold, and the re-run of the same
  command cuts the same partitions, whose tasks find those shards instead of coding again.

distributed leaves part of its API untyped; calls into it carry `type: ignore[no-untyped-call]`.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from distributed import Client, Future, LocalCluster, as_completed

from tacitus.ingest import (
    DEFAULT_BATCH_SIZE,
    CoderFactory,
    IngestSummary,
    Reader,
    _InputSizes,
    _Reporter,
    default_coder_factory,
    new_articles,
    read_sources,
)
from tacitus.records import Reject
from tacitus.scale.errors import ScaleError
from tacitus.scale.partitions import (
    DEFAULT_PARTITION_BYTES,
    DEFAULT_PARTITION_DOCS,
    Partition,
    partitions,
)
from tacitus.scale.shards import read_shard
from tacitus.scale.worker import CoderPlugin, ShardDone, code_partition
from tacitus.store import CodedRows, DedupSettings, RunStore, doc_key

#: Documents per write at least (the last may hold fewer). Each write is a store session that
#: opens, checkpoints and closes the database (tacitus.store.RunStore), tens of milliseconds
#: that a shard of a few dozen documents should not pay alone: shards that finish are
#: collected until they hold this many documents, as many as the single-machine path's batch.
MERGE_DOCS = DEFAULT_BATCH_SIZE


@dataclass
class _Collected:
    """Finished shards waiting to be written together: their files, their articles' keys,
    and what they hold."""

    paths: list[Path] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    rows: list[CodedRows] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


@dataclass
class ScaleSummary(IngestSummary):
    """An ingest's summary, plus how many partitions went to the workers and how many of
    them were found already coded in a shard (left by a run that did not finish)."""

    partitions: int = 0
    resumed: int = 0


def default_shard_dir(db_path: str | Path) -> Path:
    """Where shards go unless told: beside the database (`tacitus.duckdb.shards/`)."""
    return Path(f"{db_path}.shards")


@contextmanager
def dask_client(address: str | None = None, local_workers: int | None = None) -> Iterator[Client]:
    """A client of a running scheduler, or of a local cluster that lives for the block.

    `address` is the scheduler's (`tcp://host:8786`) or the path of the JSON file that
    `dask scheduler --scheduler-file` wrote. `local_workers` starts that many worker processes
    with one thread each (the coder is CPU-bound Python, so threads would share one core),
    listening on 127.0.0.1 only.
    """
    if (address is None) == (local_workers is None):
        raise ValueError("give either a scheduler address or a number of local workers")
    if address is not None:
        options = {"scheduler_file": address} if Path(address).is_file() else {"address": address}
        try:
            client = Client(**options)  # type: ignore[no-untyped-call]
        except OSError as error:
            raise ScaleError(f"cannot reach the Dask scheduler at {address}: {error}") from error
        with client:
            yield client
        return
    if local_workers is None or local_workers < 1:
        raise ValueError("a local Dask cluster needs at least one worker")
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=local_workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def ingest_on_dask(
    paths: Sequence[str | Path],
    db_path: str | Path,
    client: Client,
    *,
    shard_dir: str | Path | None = None,
    coder_factory: CoderFactory = default_coder_factory,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    partition_bytes: int = DEFAULT_PARTITION_BYTES,
    partition_docs: int = DEFAULT_PARTITION_DOCS,
    keep_shards: bool = False,
    progress: bool = True,
    reader: Reader = read_sources,
    language_check: bool = True,
    dedup_settings: DedupSettings | None = None,
    stream: TextIO | None = None,
) -> ScaleSummary:
    """Code every new document under `paths` into the store at `db_path` on `client`'s cluster.

    What is stored is what `tacitus.ingest.ingest` stores for the same input (only the run's
    own columns, such as `run_id` and `coded_at`, differ). `shard_dir` must be visible under
    the same path to the client and every worker (default: beside the database); each shard
    is deleted once merged, unless `keep_shards` (and the folder too if this run made it and
    left it empty). The other options mean what they mean for `ingest`.
    """
    started = time.perf_counter()
    inputs = [Path(p) for p in paths]
    # Absolute, because the workers' working folders are not the client's.
    folder = Path(shard_dir or default_shard_dir(db_path)).resolve()
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    plugin = CoderPlugin(coder_factory)
    sizes = _InputSizes(inputs)
    summary = ScaleSummary()
    with RunStore(db_path, "ingest") as store:
        summary.run_id = store.start_run("ingest", [str(p) for p in inputs], _threads(client))
        status = "failed"
        try:
            client.register_plugin(plugin, name=plugin.name)
            items = reader(inputs, date_from=date_from, date_to=date_to)
            cut = partitions(
                items,
                partition_bytes,
                partition_docs,
                lambda article: sizes.reached(article.source_file),
            )
            with _Reporter("ingest", sizes.total, progress, stream or sys.stderr) as report:
                run = _Run(client, store, summary, folder, plugin.name, report, sizes)
                run.keep_shards, run.language_check = keep_shards, language_check
                run.code_all(cut)
                sizes.reached("")
                report.update(summary.read, summary.events, sizes.total, force=True)
            summary.dedup_events = store.catch_up_dedup(dedup_settings)
            status = "done"
        finally:
            summary.seconds = time.perf_counter() - started
            store.finish_run(summary.run_id, status, summary.run_counts())
    if created and not any(folder.iterdir()):
        folder.rmdir()
    return summary


def _threads(client: Client) -> int:
    """The cluster's worker threads now (workers may come and go during a run)."""
    return sum(client.nthreads().values())  # type: ignore[no-untyped-call]


class _Run:
    """One run's traffic with the cluster: partitions out, shards back into the store."""

    def __init__(
        self,
        client: Client,
        store: RunStore,
        summary: ScaleSummary,
        folder: Path,
        plugin_name: str,
        report: _Reporter,
        sizes: _InputSizes,
    ) -> None:
        self.client = client
        self.store = store
        self.summary = summary
        self.folder = folder
        self.plugin_name = plugin_name
        #: The run's options (ingest_on_dask's arguments of the same names).
        self.keep_shards = False
        self.language_check = True
        self.report = report
        self.sizes = sizes
        #: Keys sent to the workers and not yet merged, so a repeated document is coded once.
        self.pending: set[str] = set()
        #: Each unfinished task, with the keys of the articles it codes.
        self.in_flight: dict[Future[ShardDone], list[str]] = {}
        self.collected = _Collected()
        self.finished: as_completed = as_completed()  # type: ignore[no-untyped-call]
        #: Task keys are unique to the run: a scheduler may still hold another run's keys.
        self.key_prefix = f"tacitus-partition-{uuid.uuid4().hex[:12]}"
        self.coder_version: str | None = None
        #: Documents done with: merged, or skipped as already stored.
        self.settled = 0

    def code_all(self, cut: Iterable[Partition]) -> None:
        """Send every partition, keeping the in-flight window full, and merge every shard."""
        try:
            for partition in cut:
                self._send(partition)
                window = max(2, 2 * _threads(self.client))
                while len(self.in_flight) >= window:
                    self._collect(next(self.finished))
            while self.in_flight:
                self._collect(next(self.finished))
            self._write()
        finally:
            if self.in_flight:
                self.client.cancel(list(self.in_flight))  # type: ignore[no-untyped-call]

    def _send(self, partition: Partition) -> None:
        summary = self.summary
        summary.read += len(partition.articles)
        summary.rejected += len(partition.rejects)
        if partition.rejects:
            self.store.write_batch([], partition.rejects, summary.run_id)
        fresh = new_articles(partition.articles, self.store, self.pending)
        summary.skipped += len(partition.articles) - len(fresh)
        self.settled += len(partition.articles) - len(fresh)
        self.report.update(self.settled, summary.events, self.sizes.done)
        if not fresh:
            return
        future: Future[ShardDone] = self.client.submit(
            code_partition,
            fresh,
            str(self.folder),
            self.plugin_name,
            self.language_check,
            key=f"{self.key_prefix}-{partition.number}",
        )
        self.in_flight[future] = [doc_key(a) for a in fresh]
        self.finished.add(future)  # type: ignore[no-untyped-call]
        summary.partitions += 1

    def _collect(self, future: Future[ShardDone]) -> None:
        """Take a finished task's shard; write what is collected once it is enough."""
        keys = self.in_flight.pop(future)
        done = future.result()
        self._check_version(done.coder_version)
        path = Path(done.path)
        if not path.exists():
            raise ScaleError(
                f"a worker wrote shard {path}, which this machine cannot see: the shard folder"
                " must be on storage shared by the client and every worker (--shards DIR)"
            )
        rows, rejects = read_shard(path)
        self.collected.paths.append(path)
        self.collected.keys.extend(keys)
        self.collected.rows.append(rows)
        self.collected.rejects.extend(rejects)
        self.summary.resumed += not done.coded_here
        if len(self.collected.keys) >= MERGE_DOCS:
            self._write()

    def _write(self) -> None:
        """Write the collected shards to the store in one transaction, then let them go."""
        collected, self.collected = self.collected, _Collected()
        if not collected.paths:
            return
        rows = CodedRows.concat(collected.rows)
        result = self.store.write_rows(rows, collected.rejects, self.summary.run_id)
        self.summary.coded += result.articles
        self.summary.events += result.events
        self.summary.rejected += len(collected.rejects)
        self.pending.difference_update(collected.keys)
        self.settled += len(collected.keys)
        if not self.keep_shards:
            for path in collected.paths:
                path.unlink(missing_ok=True)
        self.report.update(self.settled, self.summary.events, self.sizes.done)

    def _check_version(self, version: str) -> None:
        """All shards of a run must come from the same coder, or the store would mix two."""
        if self.coder_version is None:
            self.coder_version = version
        elif version != self.coder_version:
            raise ScaleError(
                f"the workers code differently ({self.coder_version!r} and {version!r}):"
                " install the same Tacitus, dictionaries and spaCy model on every worker"
            )
