"""Scale-out throughput: documents/s for the single-process path and for one and two Dask
workers, on the same corpus in one run, and how much faster two workers are than one.

The Dask runs use two clusters of real OS processes on 127.0.0.1 (`dask scheduler` and
`dask worker --nthreads 1 --no-nanny`, as the tests start them), one with one worker and one
with two, started before any clock and kept for the whole benchmark, with the coder built on
every worker; the single-process run likewise uses a coder built beforehand. So every figure
is the steady cost of reading, coding and storing the corpus (with the final deduplication),
not of loading spaCy, which is reported apart ("model load"): a long corpus amortises it, a
long-lived cluster pays it once. The three runs are repeated in rounds (`--repeats`), so load
from other work on the machine hits each kind alike, and the fastest run of each kind counts.

Where the time goes is printed too, as CPU seconds of the client (this process: reading,
cutting partitions, merging shards into DuckDB, deduplicating), of the workers (the language
check, coding, writing shards) and of the scheduler. On a machine with two cores the
client competes with two workers for them, so its CPU per document bounds what the second
worker can add: with W ms of coding and C ms of client work per document, two workers reach
at most 2W / (W + C) times one.

The corpus is made of article-length documents (about 1.6 KB, ten of the tests' generated
news texts each; `tests.ingest_support.news_docs`), because that is what real news is, and
the client's work per document barely depends on its length. `--short` runs the tests' own
short texts instead (about 160 bytes), where the client is the bottleneck. Run from the
repository root when the machine is otherwise idle:
`python -m benchmarks --only scale_throughput`.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from tacitus.ingest import IngestSummary, ingest
from tacitus.scale import DEFAULT_PARTITION_BYTES, ingest_on_dask
from tacitus.scale.worker import CoderPlugin
from tacitus.store import Store
from tests.ingest_support import (
    Doc,
    make_real_coder,
    news_docs,
    write_jsonl,
)
from tests.scale_support import ProcessCluster

#: Documents per corpus file.
DOCS_PER_FILE = 500
#: Generated news texts per article-length document.
TEXTS_PER_ARTICLE = 10


@dataclass(frozen=True)
class Measurement:
    """One ingest: its documents, wall time, and the CPU seconds each party spent on it."""

    label: str
    docs: int
    events: int
    seconds: float
    client_cpu: float
    worker_cpu: float
    scheduler_cpu: float
    load_before: float
    partitions: int = 0

    @property
    def docs_per_second(self) -> float:
        return self.docs / self.seconds


def article_docs(count: int) -> list[Doc]:
    """`count` article-length documents, each the text of TEXTS_PER_ARTICLE news texts."""
    texts = news_docs(count * TEXTS_PER_ARTICLE)
    docs = []
    for n in range(count):
        group = texts[n * TEXTS_PER_ARTICLE : (n + 1) * TEXTS_PER_ARTICLE]
        text = " ".join(doc.text for doc in group)
        day = group[0].published
        docs.append(Doc(f"art{n:05d}", f"https://news.example/a/{n}", f"outlet{n % 5}", day, text))
    return docs


def write_corpus(folder: Path, docs: list[Doc]) -> Path:
    """The documents as JSON Lines files of DOCS_PER_FILE each."""
    for start in range(0, len(docs), DOCS_PER_FILE):
        chunk = docs[start : start + DOCS_PER_FILE]
        write_jsonl(folder / f"part{start // DOCS_PER_FILE:03d}.jsonl", chunk)
    return folder


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a live process has used, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def _clock(pids: Callable[[], tuple[list[int], int | None]]) -> Iterator[dict[str, float]]:
    """CPU seconds of this process, of the `pids()` workers and of its scheduler over the
    block, and its wall time."""
    workers, scheduler = pids()

    def scheduler_cpu() -> float:
        return _process_cpu(scheduler) if scheduler else 0.0

    before = (_own_cpu(), sum(map(_process_cpu, workers)), scheduler_cpu())
    load = os.getloadavg()[0]
    started = time.perf_counter()
    spent: dict[str, float] = {}
    yield spent
    spent["seconds"] = time.perf_counter() - started
    spent["client"] = _own_cpu() - before[0]
    spent["workers"] = sum(map(_process_cpu, workers)) - before[1]
    spent["scheduler"] = scheduler_cpu() - before[2]
    spent["load"] = load


def _check(summary: IngestSummary, db: Path, expected: int) -> None:
    """Fail unless the run stored every document: a coder that failed on them (they become
    rejects) would otherwise look like a very fast run."""
    if summary.coded == expected:
        return
    with Store.open(db, read_only=True) as store:
        reasons = store.conn.execute(
            "SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY 2 DESC LIMIT 3"
        ).fetchall()
    raise RuntimeError(f"{db}: {summary.coded} of {expected} documents stored; rejects: {reasons}")


def measure_single(corpus: Path, db: Path, expected: int) -> Measurement:
    """`ingest` in this process, one worker, with a coder built (and its model loaded, by an
    empty batch, as the Dask worker plugin does) before the clock starts."""
    list(make_real_coder().code_articles([]))
    with _clock(lambda: ([], None)) as spent:
        summary = ingest([corpus], db, coder_factory=make_real_coder, progress=False)
    _check(summary, db, expected)
    return Measurement(
        "single process", summary.coded, summary.events, spent["seconds"], spent["client"],
        0.0, 0.0, spent["load"],
    )


def warm_cluster(stack: ExitStack, folder: Path, workers: int) -> tuple[ProcessCluster, float]:
    """A cluster of `workers` processes that lives as long as `stack`, with the coder built
    on every worker, and how long building it took (model load, side by side)."""
    cluster = stack.enter_context(ProcessCluster(folder, workers))
    with cluster.client() as client:
        plugin = CoderPlugin(make_real_coder)
        started = time.perf_counter()
        client.register_plugin(plugin, name=plugin.name)
        return cluster, time.perf_counter() - started


def measure_dask(
    corpus: Path,
    db: Path,
    cluster: ProcessCluster,
    partition_bytes: int,
    expected: int,
) -> Measurement:
    """`ingest_on_dask` on a warm cluster (its plugin already registered, so not rebuilt)."""
    workers = len(cluster.worker_pids())
    label = f"dask, {workers} worker{'s' if workers > 1 else ''}"
    scheduler = cluster.scheduler.pid if cluster.scheduler else None
    with (
        cluster.client() as client,
        _clock(lambda: (sorted(cluster.worker_pids()), scheduler)) as spent,
    ):
        summary = ingest_on_dask(
            [corpus],
            db,
            client,
            coder_factory=make_real_coder,
            partition_bytes=partition_bytes,
            progress=False,
        )
    _check(summary, db, expected)
    return Measurement(
        label, summary.coded, summary.events, spent["seconds"], spent["client"],
        spent["workers"], spent["scheduler"], spent["load"], summary.partitions,
    )


HEADER = (
    f"{'run':<16} {'docs':>6} {'events':>7} {'parts':>5} {'wall s':>7} {'docs/s':>7}"
    f" {'CPU s: client':>14} {'workers':>8} {'scheduler':>9} {'load':>5}"
)


def describe(m: Measurement) -> str:
    """One row under HEADER."""
    parts = str(m.partitions) if m.partitions else "-"
    return (
        f"{m.label:<16} {m.docs:>6} {m.events:>7} {parts:>5} {m.seconds:7.1f}"
        f" {m.docs_per_second:7.2f} {m.client_cpu:14.1f} {m.worker_cpu:8.1f}"
        f" {m.scheduler_cpu:9.1f} {m.load_before:5.2f}"
    )


def _best(runs: list[Measurement], label: str) -> Measurement:
    """The fastest run of a kind: other work on the machine only ever slows a run down."""
    return max((m for m in runs if m.label == label), key=lambda m: m.docs_per_second)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=800, help="documents in the corpus")
    parser.add_argument("--short", action="store_true", help="the tests' short texts instead")
    parser.add_argument(
        "--partition-kb", type=int, default=DEFAULT_PARTITION_BYTES // 1024,
        help="text per partition, KiB",
    )
    parser.add_argument("--repeats", type=int, default=2, help="rounds of the three runs")
    args = parser.parse_args(argv)
    runs: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="tacitus-scale-bench-") as tmp, ExitStack() as stack:
        root = Path(tmp)
        docs = news_docs(args.docs) if args.short else article_docs(args.docs)
        corpus = write_corpus(root / "corpus", docs)
        size = sum(len(doc.text.encode("utf-8")) for doc in docs) / len(docs)
        one, load_one = warm_cluster(stack, root / "cluster-1", 1)
        two, load_two = warm_cluster(stack, root / "cluster-2", 2)
        # Rounds of all three, so that passing load on the machine hits each kind alike.
        for round_ in range(args.repeats):
            single_db = root / f"single-{round_}.duckdb"
            runs.append(measure_single(corpus, single_db, len(docs)))
            for cluster in (one, two):
                db = root / f"dask-{len(cluster.workers)}-{round_}.duckdb"
                size_limit = args.partition_kb * 1024
                runs.append(measure_dask(corpus, db, cluster, size_limit, len(docs)))
    print(f"{os.cpu_count()} CPUs; {args.docs:,} documents of {size:,.0f} bytes on average;")
    print(f"partitions of at most {args.partition_kb} KiB of text; {args.repeats} round(s)")
    print(HEADER)
    for m in runs:
        print(describe(m))
    print(f"model load (not in the figures above): {load_one:.1f} s on 1 worker,"
          f" {load_two:.1f} s on 2 workers side by side")
    single = _best(runs, "single process")
    best_one, best_two = _best(runs, "dask, 1 worker"), _best(runs, "dask, 2 workers")
    coding = best_two.worker_cpu / best_two.docs * 1000
    client = best_two.client_cpu / best_two.docs * 1000
    print(f"CPU per document, best 2-worker run: coding {coding:.1f} ms, client {client:.1f} ms")
    rates = [m.docs_per_second for m in (single, best_one, best_two)]
    print("best docs/s: single process {:.2f}, 1 worker {:.2f}, 2 workers {:.2f}".format(*rates))
    ratio = best_two.docs_per_second / best_one.docs_per_second
    print(f"throughput 2 workers / 1 worker: {ratio:.2f}")
    versus_single = best_two.docs_per_second / single.docs_per_second
    print(f"throughput 2 workers / single process: {versus_single:.2f}")


if __name__ == "__main__":
    main()
